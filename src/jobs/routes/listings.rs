//! Browsing jobs, the job page, and posting and managing jobs.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::{PageQuery, PER_PAGE};
use crate::auth::identity::Viewer;
use crate::jobs::forms::{BrowseQuery, JobForm, StatusForm, STATES};
use crate::jobs::matching;
use crate::jobs::model::{
    ApplicationStatus, Audience, EmploymentType, JobStatus, LOCATION_TYPES, SALARY_TYPES, TRADES,
};
use crate::jobs::operations::listings as operations;
use crate::jobs::operations::JobsError;
use crate::jobs::queries::listings as queries;
use crate::jobs::views::{
    ApplyState, BrowsePage, BrowseResults, JobCard, JobFormPage, JobPage, ManagePage, ManagedJob,
};
use crate::people::queries as people;
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::{render, render_status, see_other, AppError, Htmx};
use crate::AppState;

pub async fn browse(
    viewer: Viewer,
    htmx: Htmx,
    state: web::Data<AppState>,
    query: web::Query<BrowseQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (filter, problems) = query.filter();
    let audience = Audience::of(viewer.signed_in());
    let can_post = !audience.hiring_for.is_empty();
    let page = query.page;
    let fragment = htmx.is_fragment();
    let choices = state.platform_choices();
    let (total, cards, pagination_page, manufacturers) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            queries::expire_due(conn)?;
            let total = queries::browse_count(conn, &filter, &audience)?;
            let pagination = Pagination::new("/jobs", page, PER_PAGE, total);
            let jobs = queries::browse(conn, &filter, &audience, pagination.offset(), PER_PAGE)?;
            let ids: Vec<Uuid> = jobs.iter().map(|j| j.organization_id).collect();
            let names = queries::organization_names(conn, &ids)?;
            let manufacturers = if fragment {
                Vec::new()
            } else {
                choices.get("job makes", || queries::manufacturers_in_demand(conn))?
            };
            Ok((
                total,
                JobCard::list(jobs, &names),
                pagination.page,
                manufacturers,
            ))
        })
        .await?;
    let pagination =
        Pagination::new("/jobs", Some(pagination_page), PER_PAGE, total).keeping(&query);
    if fragment {
        return render(&BrowseResults {
            zone: viewer.zone(None),
            query,
            cards,
            pagination,
        });
    }
    render(&BrowsePage {
        layout: viewer.layout("Jobs").section("jobs"),
        signed_in: viewer.signed_in().is_some(),
        query,
        problems,
        cards,
        pagination,
        manufacturers,
        can_post,
        trades: TRADES,
        types: EmploymentType::ALL,
        states: STATES,
        location_types: LOCATION_TYPES,
        salary_types: SALARY_TYPES,
    })
}

pub async fn show(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let audience = Audience::of(viewer.signed_in());
    let (job, organization, applied, match_score) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let (job, organization, applied) = operations::visible_job(conn, &audience, &slug)?;
            let match_score = match audience.account_id {
                Some(account) => people::standing(conn, account)?
                    .map(|standing| matching::for_job(&job, Some(&standing))),
                None => None,
            };
            Ok((job, organization, applied, match_score))
        })
        .await?;
    let can_manage = Audience::of(viewer.signed_in()).hires_for(job.organization_id);
    let apply = match (applied, viewer.signed_in()) {
        (Some(id), _) => ApplyState::AlreadyApplied(id),
        _ if !job.accepts_applications() => ApplyState::Closed(job.closed_reason()),
        (None, None) => ApplyState::SignIn,
        (None, Some(_)) => ApplyState::Open,
    };
    render(&JobPage {
        layout: viewer.layout(job.title.clone()).section("jobs"),
        description_html: job.description_html(),
        next_statuses: job.effective_status().next(),
        job,
        organization,
        apply,
        match_score,
        can_manage,
    })
}

/// The organizations the viewer may post jobs for, as (id, name).
fn hiring_organizations(viewer: &Viewer) -> Vec<(Uuid, String)> {
    viewer
        .signed_in()
        .map(|account| {
            let audience = Audience::of(Some(account));
            account
                .memberships
                .iter()
                .filter(|m| audience.hires_for(m.org.id))
                .map(|m| (m.org.id, m.org.name.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn require_hiring(viewer: &Viewer) -> Result<Vec<(Uuid, String)>, AppError> {
    viewer.require_account()?;
    let organizations = hiring_organizations(viewer);
    if organizations.is_empty() {
        return Err(AppError::Forbidden(
            "Jobs are posted by an organization's managers, administrators and owners.".into(),
        ));
    }
    Ok(organizations)
}

pub async fn new_page(viewer: Viewer) -> Result<HttpResponse, AppError> {
    let organizations = require_hiring(&viewer)?;
    let only = (organizations.len() == 1).then(|| organizations[0].0);
    render(&JobFormPage::new(
        viewer.layout("Post a job").section("jobs"),
        None,
        JobForm::blank(only),
        FieldErrors::default(),
        organizations,
    ))
}

pub async fn create(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<JobForm>,
) -> Result<HttpResponse, AppError> {
    let organizations = require_hiring(&viewer)?;
    let audience = Audience::of(viewer.signed_in());
    let form = form.into_inner();
    let submitted = form.clone();
    let posted = state
        .db
        .run(
            move |conn| match operations::post_job(conn, &audience, &submitted) {
                Ok(job) => Ok(Ok(job)),
                Err(JobsError::Invalid(errors)) => Ok(Err(errors)),
                Err(other) => Err(AppError::from(other)),
            },
        )
        .await?;
    let job = match posted {
        Ok(job) => job,
        Err(errors) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &JobFormPage::new(
                    viewer.layout("Post a job").section("jobs"),
                    None,
                    form,
                    errors,
                    organizations,
                ),
            )
        }
    };
    state.platform_choices().forget();
    viewer.flash(
        "success",
        if form.publishing() {
            "The job is published."
        } else {
            "The job is saved as a draft; only your organization can see it."
        },
    );
    Ok(see_other(format!("/jobs/{}", job.slug)))
}

pub async fn edit_page(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    viewer.require_account()?;
    let audience = Audience::of(viewer.signed_in());
    let (job, _) = state
        .db
        .run(move |conn| Ok::<_, AppError>(operations::managed_job(conn, &audience, &slug)?))
        .await?;
    render(&JobFormPage::new(
        viewer.layout(format!("Edit {}", job.title)).section("jobs"),
        Some(job.clone()),
        JobForm::from_job(&job),
        FieldErrors::default(),
        Vec::new(),
    ))
}

pub async fn update(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<JobForm>,
) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    viewer.require_account()?;
    let audience = Audience::of(viewer.signed_in());
    let form = form.into_inner();
    let submitted = form.clone();
    let saved = state
        .db
        .run(
            move |conn| match operations::edit_job(conn, &audience, &slug, &submitted) {
                Ok(job) => Ok(Ok(job)),
                Err(JobsError::Invalid(errors)) => {
                    let (job, _) = operations::managed_job(conn, &audience, &slug)?;
                    Ok(Err((job, errors)))
                }
                Err(other) => Err(AppError::from(other)),
            },
        )
        .await?;
    state.platform_choices().forget();
    match saved {
        Ok(job) => {
            viewer.flash("success", "The job is saved.");
            Ok(see_other(format!("/jobs/{}", job.slug)))
        }
        Err((job, errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &JobFormPage::new(
                viewer.layout(format!("Edit {}", job.title)).section("jobs"),
                Some(job),
                form,
                errors,
                Vec::new(),
            ),
        ),
    }
}

pub async fn change_status(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    viewer.require_account()?;
    let audience = Audience::of(viewer.signed_in());
    let target = form
        .job_status()
        .ok_or_else(|| AppError::BadRequest("Choose one of the offered statuses.".into()))?;
    let job = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(operations::change_status(conn, &audience, &slug, target)?)
        })
        .await?;
    state.platform_choices().forget();
    viewer.flash(
        "success",
        match target {
            JobStatus::Active => "The job is open for applications.".to_string(),
            other => format!("The job is now {}.", other.label().to_lowercase()),
        },
    );
    Ok(see_other(format!("/jobs/{}", job.slug)))
}

pub async fn manage(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let organizations = require_hiring(&viewer)?;
    let ids: Vec<Uuid> = organizations.iter().map(|(id, _)| *id).collect();
    let page = query.page;
    let (jobs, pagination) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            queries::expire_due(conn)?;
            let total = queries::employer_jobs_count(conn, &ids)?;
            let pagination = Pagination::new("/jobs/manage", page, PER_PAGE, total);
            let jobs = queries::employer_jobs(conn, &ids, pagination.offset(), PER_PAGE)?;
            let job_ids: Vec<Uuid> = jobs.iter().map(|j| j.id).collect();
            let mut counts = queries::counts_by_status(conn, &job_ids)?;
            let names = queries::organization_names(conn, &ids)?;
            let jobs = JobCard::list(jobs, &names)
                .into_iter()
                .map(|card| {
                    let per_status = counts.remove(&card.job.id).unwrap_or_default();
                    let counts: Vec<_> = ApplicationStatus::ALL
                        .iter()
                        .map(|s| (*s, per_status.get(s).copied().unwrap_or(0)))
                        .collect();
                    ManagedJob {
                        total: counts.iter().map(|(_, n)| n).sum(),
                        counts,
                        card,
                    }
                })
                .collect();
            Ok((jobs, pagination))
        })
        .await?;
    render(&ManagePage {
        layout: viewer.layout("Your job listings").section("jobs"),
        jobs,
        pagination,
    })
}
