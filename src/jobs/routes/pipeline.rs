//! The employer's side of applications: a board per job, each application's page (opening it
//! marks it viewed), moves between statuses, private notes and rating, interview and offer.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::PgConnection;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::identity::Viewer;
use crate::jobs::forms::{AssessmentForm, InterviewForm, OfferForm};
use crate::jobs::model::{ApplicationStatus, Audience, EmployerView, Job};
use crate::jobs::operations::listings::managed_job;
use crate::jobs::operations::pipeline as operations;
use crate::jobs::operations::JobsError;
use crate::jobs::queries::applications::{self as queries, StatusEvent};
use crate::jobs::views::{ApplicationPage, BoardCard, BoardColumn, BoardFragment, BoardPage};
use crate::people::queries as people;
use crate::web::forms::FieldErrors;
use crate::web::{render, render_status, see_other, AppError, Htmx};
use crate::AppState;

fn audience(viewer: &Viewer) -> Result<Audience, AppError> {
    Ok(Audience::of(Some(viewer.require_account()?)))
}

fn columns(conn: &mut PgConnection, job: &Job) -> Result<Vec<BoardColumn>, AppError> {
    let mut columns: Vec<BoardColumn> = ApplicationStatus::ALL
        .iter()
        .map(|status| BoardColumn {
            status: *status,
            cards: Vec::new(),
        })
        .collect();
    for (application, name, _) in queries::employer_applications(conn, job.id)? {
        if let Some(column) = columns.iter_mut().find(|c| c.status == application.status) {
            column.cards.push(BoardCard { application, name });
        }
    }
    Ok(columns)
}

pub async fn board(
    viewer: Viewer,
    htmx: Htmx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let audience = audience(&viewer)?;
    let slug = path.into_inner();
    let (job, organization, columns) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let (job, organization) = managed_job(conn, &audience, &slug)?;
            let columns = columns(conn, &job)?;
            Ok((job, organization, columns))
        })
        .await?;
    if htmx.is_fragment() {
        return render(&BoardFragment {
            zone: viewer.zone(None),
            job,
            columns,
            statuses: ApplicationStatus::EMPLOYER,
            csrf_token: viewer.csrf_token(),
        });
    }
    render(&BoardPage {
        layout: viewer
            .layout(format!("Applications: {}", job.title))
            .section("jobs"),
        job,
        organization,
        columns,
        statuses: ApplicationStatus::EMPLOYER,
        csrf_token: viewer.csrf_token(),
    })
}

/// What the application page shows of one application.
struct Loaded {
    job: Job,
    application: EmployerView,
    name: String,
    email: String,
    profile: Option<people::Profile>,
    certifications: Vec<people::Certification>,
    employment: Vec<people::Employment>,
    events: Vec<StatusEvent>,
}

fn load_application(conn: &mut PgConnection, job: Job, id: Uuid) -> Result<Loaded, AppError> {
    let (application, name, email) = queries::employer_application(conn, job.id, id)?;
    // The applicant shared their profile by applying with it.
    let (profile, certifications, employment) = if application.use_profile {
        (
            people::profile_of(conn, application.applicant_id)?,
            people::certifications(conn, &[application.applicant_id])?,
            people::employment(conn, application.applicant_id)?,
        )
    } else {
        (None, Vec::new(), Vec::new())
    };
    let events = queries::events(conn, id)?;
    Ok(Loaded {
        job,
        application,
        name,
        email,
        profile,
        certifications,
        employment,
        events,
    })
}

/// The forms of the application page, as typed when one was refused.
#[derive(Default)]
struct Typed {
    assessment: Option<AssessmentForm>,
    interview: Option<InterviewForm>,
    offer: Option<OfferForm>,
}

fn application_page(
    viewer: &Viewer,
    loaded: Loaded,
    typed: Typed,
    errors: FieldErrors,
) -> ApplicationPage {
    let application = loaded.application;
    ApplicationPage {
        layout: viewer
            .layout(format!("{} · {}", loaded.name, loaded.job.title))
            .section("jobs"),
        assessment: typed.assessment.unwrap_or_else(|| AssessmentForm {
            employer_notes: application.employer_notes.clone(),
            employer_rating: application
                .employer_rating
                .map(|r| r.to_string())
                .unwrap_or_default(),
        }),
        interview: typed.interview.unwrap_or_else(|| InterviewForm {
            interview_at: application
                .interview_scheduled_at
                .and_then(|at| {
                    chrono::FixedOffset::east_opt(10 * 3600)
                        .map(|zone| at.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string())
                })
                .unwrap_or_default(),
            interview_location: application.interview_location.clone().unwrap_or_default(),
        }),
        offer: typed.offer.unwrap_or_else(|| OfferForm {
            offer_details: application.offer_details.clone().unwrap_or_default(),
        }),
        job: loaded.job,
        application,
        name: loaded.name,
        email: loaded.email,
        profile: loaded.profile,
        certifications: loaded.certifications,
        employment: loaded.employment,
        events: loaded.events,
        statuses: ApplicationStatus::EMPLOYER,
        errors,
    }
}

pub async fn show(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let audience = audience(&viewer)?;
    let (slug, id) = path.into_inner();
    let loaded = state
        .db
        .run(move |conn| {
            let job = operations::open_application(conn, &audience, &slug, id)?;
            load_application(conn, job, id)
        })
        .await?;
    render(&application_page(
        &viewer,
        loaded,
        Typed::default(),
        FieldErrors::default(),
    ))
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    pub status: String,
    /// "board" when sent from the board, so the browser without htmx goes back there.
    pub back: Option<String>,
}

pub async fn move_application(
    viewer: Viewer,
    htmx: Htmx,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let audience = audience(&viewer)?;
    let (slug, id) = path.into_inner();
    let target = ApplicationStatus::parse(&form.status)
        .filter(|s| ApplicationStatus::EMPLOYER.contains(s))
        .ok_or_else(|| AppError::BadRequest("Choose one of the listed stages.".into()))?;
    let (job, columns) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let job = operations::move_application(conn, &audience, &slug, id, target)?;
            let columns = columns(conn, &job)?;
            Ok((job, columns))
        })
        .await?;
    if htmx.is_fragment() {
        return render(&BoardFragment {
            zone: viewer.zone(None),
            job,
            columns,
            statuses: ApplicationStatus::EMPLOYER,
            csrf_token: viewer.csrf_token(),
        });
    }
    viewer.flash("success", format!("Moved to {}.", target.label()));
    if form.back.as_deref() == Some("board") {
        Ok(see_other(format!("/jobs/{}/applications", job.slug)))
    } else {
        Ok(see_other(format!("/jobs/{}/applications/{id}", job.slug)))
    }
}

/// Runs an employer's change to one application; refused input brings the page back with the
/// input kept and status 422.
async fn change(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: (String, Uuid),
    typed: Typed,
    done: &'static str,
    operation: impl FnOnce(&mut PgConnection, &Audience, &str, Uuid) -> Result<Job, JobsError>
        + Send
        + 'static,
) -> Result<HttpResponse, AppError> {
    let audience = audience(&viewer)?;
    let (slug, id) = path;
    let outcome = state
        .db
        .run(move |conn| match operation(conn, &audience, &slug, id) {
            Ok(job) => Ok(Ok(job)),
            Err(JobsError::Invalid(errors)) => {
                let (job, _) = managed_job(conn, &audience, &slug)?;
                Ok(Err((load_application(conn, job, id)?, errors)))
            }
            Err(other) => Err(AppError::from(other)),
        })
        .await?;
    match outcome {
        Ok(job) => {
            viewer.flash("success", done);
            Ok(see_other(format!("/jobs/{}/applications/{id}", job.slug)))
        }
        Err((loaded, errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &application_page(&viewer, loaded, typed, errors),
        ),
    }
}

pub async fn assess(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
    form: web::Form<AssessmentForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let submitted = form.clone();
    change(
        viewer,
        state,
        path.into_inner(),
        Typed {
            assessment: Some(form),
            ..Default::default()
        },
        "Your notes are saved. The applicant never sees them.",
        move |conn, audience, slug, id| operations::assess(conn, audience, slug, id, &submitted),
    )
    .await
}

pub async fn schedule_interview(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
    form: web::Form<InterviewForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let submitted = form.clone();
    change(
        viewer,
        state,
        path.into_inner(),
        Typed {
            interview: Some(form),
            ..Default::default()
        },
        "The interview is set; the applicant has been told.",
        move |conn, audience, slug, id| {
            operations::schedule_interview(conn, audience, slug, id, &submitted)
        },
    )
    .await
}

pub async fn make_offer(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
    form: web::Form<OfferForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let submitted = form.clone();
    change(
        viewer,
        state,
        path.into_inner(),
        Typed {
            offer: Some(form),
            ..Default::default()
        },
        "The offer is made; the applicant has been told.",
        move |conn, audience, slug, id| {
            operations::make_offer(conn, audience, slug, id, &submitted)
        },
    )
    .await
}
