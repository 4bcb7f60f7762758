//! The employer's side of applications: a board per job, each application's page (opening it
//! marks it viewed), moves between statuses, private notes and rating, interview and offer.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::{Connection, PgConnection};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{AssessmentForm, InterviewForm, OfferForm};
use super::model::{ApplicationStatus, Audience, Job};
use super::queries;
use super::routes::{managed_job, see_other};
use super::views::{ApplicationPage, BoardCard, BoardColumn, BoardFragment, BoardPage};
use crate::auth::identity::Viewer;
use crate::notifications::{notify, NewNotification};
use crate::people::queries as people;
use crate::web::forms::{check_text, FieldErrors};
use crate::web::{render, render_status, AppError, Htmx};
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
            let (job, organization) = managed_job(conn, &slug, &audience)?;
            let columns = columns(conn, &job)?;
            Ok((job, organization, columns))
        })
        .await?;
    if htmx.is_fragment() {
        return render(&BoardFragment {
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

/// Tells the applicant where their application stands now.
fn notify_applicant(
    conn: &mut PgConnection,
    job: &Job,
    application_id: Uuid,
    applicant: Uuid,
    status: ApplicationStatus,
) -> Result<(), AppError> {
    let body = match status {
        ApplicationStatus::Viewed => "The employer has opened your application.",
        ApplicationStatus::Shortlisted => "You are on the shortlist.",
        ApplicationStatus::Interviewing => "The employer would like to interview you.",
        ApplicationStatus::Offered => "You have an offer. Open the application for details.",
        ApplicationStatus::Hired => "Congratulations: you got the job.",
        ApplicationStatus::Rejected => "The employer has decided not to go ahead this time.",
        ApplicationStatus::Submitted | ApplicationStatus::Withdrawn => "",
    };
    notify(
        conn,
        &[applicant],
        &NewNotification {
            kind: "job_application",
            title: &format!("{}: {}", job.title, status.label()),
            body,
            link: &format!("/applications/{application_id}"),
            organization_id: Some(job.organization_id),
        },
    )?;
    Ok(())
}

/// Moves an application (recording who and when) and tells the applicant.
fn move_to(
    conn: &mut PgConnection,
    job: &Job,
    application_id: Uuid,
    target: ApplicationStatus,
    by: Uuid,
) -> Result<(), AppError> {
    let (application, _, _) = queries::employer_application(conn, job.id, application_id)?;
    if application.status == ApplicationStatus::Withdrawn {
        return Err(AppError::Conflict(
            "The applicant withdrew this application; it cannot be moved.".into(),
        ));
    }
    if queries::move_application(conn, application_id, application.status, target, by)? {
        notify_applicant(conn, job, application_id, application.applicant_id, target)?;
    }
    Ok(())
}

struct Loaded {
    job: Job,
    page: ApplicationParts,
}

struct ApplicationParts {
    application: super::model::EmployerView,
    name: String,
    email: String,
    profile: Option<people::Profile>,
    certifications: Vec<people::Certification>,
    employment: Vec<people::Employment>,
    events: Vec<queries::StatusEvent>,
}

fn load_application(
    conn: &mut PgConnection,
    job: &Job,
    id: Uuid,
) -> Result<ApplicationParts, AppError> {
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
    Ok(ApplicationParts {
        application,
        name,
        email,
        profile,
        certifications,
        employment,
        events,
    })
}

fn application_page(
    viewer: &Viewer,
    loaded: Loaded,
    assessment: Option<AssessmentForm>,
    interview: Option<InterviewForm>,
    offer: Option<OfferForm>,
    errors: FieldErrors,
) -> ApplicationPage {
    let parts = loaded.page;
    let application = parts.application;
    ApplicationPage {
        layout: viewer
            .layout(format!("{} · {}", parts.name, loaded.job.title))
            .section("jobs"),
        assessment: assessment.unwrap_or_else(|| AssessmentForm {
            employer_notes: application.employer_notes.clone(),
            employer_rating: application
                .employer_rating
                .map(|r| r.to_string())
                .unwrap_or_default(),
        }),
        interview: interview.unwrap_or_else(|| InterviewForm {
            interview_at: application
                .interview_scheduled_at
                .and_then(|at| {
                    chrono::FixedOffset::east_opt(10 * 3600)
                        .map(|zone| at.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string())
                })
                .unwrap_or_default(),
            interview_location: application.interview_location.clone().unwrap_or_default(),
        }),
        offer: offer.unwrap_or_else(|| OfferForm {
            offer_details: application.offer_details.clone().unwrap_or_default(),
        }),
        job: loaded.job,
        application,
        name: parts.name,
        email: parts.email,
        profile: parts.profile,
        certifications: parts.certifications,
        employment: parts.employment,
        events: parts.events,
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
    let by = viewer.require_account()?.id;
    let (slug, id) = path.into_inner();
    let loaded = state
        .db
        .run(move |conn| {
            conn.transaction(|conn| -> Result<Loaded, AppError> {
                let (job, _) = managed_job(conn, &slug, &audience)?;
                let (application, _, _) = queries::employer_application(conn, job.id, id)?;
                if application.status == ApplicationStatus::Submitted {
                    move_to(conn, &job, id, ApplicationStatus::Viewed, by)?;
                }
                let page = load_application(conn, &job, id)?;
                Ok(Loaded { job, page })
            })
        })
        .await?;
    render(&application_page(
        &viewer,
        loaded,
        None,
        None,
        None,
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
    let by = viewer.require_account()?.id;
    let (slug, id) = path.into_inner();
    let target = ApplicationStatus::parse(&form.status)
        .filter(|s| ApplicationStatus::EMPLOYER.contains(s))
        .ok_or_else(|| AppError::BadRequest("Choose one of the listed stages.".into()))?;
    let (job, columns) = state
        .db
        .run(move |conn| {
            conn.transaction(|conn| -> Result<_, AppError> {
                let (job, _) = managed_job(conn, &slug, &audience)?;
                move_to(conn, &job, id, target, by)?;
                let columns = columns(conn, &job)?;
                Ok((job, columns))
            })
        })
        .await?;
    if htmx.is_fragment() {
        return render(&BoardFragment {
            job,
            columns,
            statuses: ApplicationStatus::EMPLOYER,
            csrf_token: viewer.csrf_token(),
        });
    }
    viewer.flash("success", format!("Moved to {}.", target.label()));
    if form.back.as_deref() == Some("board") {
        Ok(see_other(&format!("/jobs/{}/applications", job.slug)))
    } else {
        Ok(see_other(&format!("/jobs/{}/applications/{id}", job.slug)))
    }
}

/// Runs an employer's change to one application; on refused input the page comes back with
/// the input kept and status 422.
async fn change(
    viewer: Viewer,
    state: web::Data<AppState>,
    slug: String,
    id: Uuid,
    forms: (
        Option<AssessmentForm>,
        Option<InterviewForm>,
        Option<OfferForm>,
    ),
    work: impl FnOnce(&mut PgConnection, &Job, Uuid) -> Result<Result<&'static str, FieldErrors>, AppError>
        + Send
        + 'static,
) -> Result<HttpResponse, AppError> {
    let audience = audience(&viewer)?;
    let by = viewer.require_account()?.id;
    let outcome = state
        .db
        .run(move |conn| {
            conn.transaction(|conn| -> Result<_, AppError> {
                let (job, _) = managed_job(conn, &slug, &audience)?;
                queries::employer_application(conn, job.id, id)?;
                let outcome = work(conn, &job, by)?;
                let page = load_application(conn, &job, id)?;
                Ok((Loaded { job, page }, outcome))
            })
        })
        .await?;
    match outcome {
        (loaded, Ok(message)) => {
            viewer.flash("success", message);
            Ok(see_other(&format!(
                "/jobs/{}/applications/{id}",
                loaded.job.slug
            )))
        }
        (loaded, Err(errors)) => {
            let (assessment, interview, offer) = forms;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &application_page(&viewer, loaded, assessment, interview, offer, errors),
            )
        }
    }
}

pub async fn assess(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
    form: web::Form<AssessmentForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let rating = form.validate(&mut errors);
    let notes = form.employer_notes.trim().to_string();
    change(
        viewer,
        state,
        slug,
        id,
        (Some(form), None, None),
        move |conn, _, _| {
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            queries::save_assessment(conn, id, &notes, rating)?;
            Ok(Ok("Your notes are saved. The applicant never sees them."))
        },
    )
    .await
}

pub async fn schedule_interview(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
    form: web::Form<InterviewForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let at = form.validate(&mut errors);
    let place = form.interview_location.trim().to_string();
    change(
        viewer,
        state,
        slug,
        id,
        (None, Some(form), None),
        move |conn, job, by| {
            let Some(at) = at.filter(|_| errors.is_empty()) else {
                return Ok(Err(errors));
            };
            if at < Utc::now() {
                let mut errors = FieldErrors::default();
                errors.add("interview_at", "Choose a time in the future.");
                return Ok(Err(errors));
            }
            queries::save_interview(conn, id, at, &place)?;
            move_forward(conn, job, id, ApplicationStatus::Interviewing, by)?;
            Ok(Ok("The interview is set; the applicant has been told."))
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
    let (slug, id) = path.into_inner();
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    check_text(
        &mut errors,
        "offer_details",
        &form.offer_details,
        10_000,
        true,
    );
    let details = form.offer_details.trim().to_string();
    change(
        viewer,
        state,
        slug,
        id,
        (None, None, Some(form)),
        move |conn, job, by| {
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            queries::save_offer(conn, id, &details)?;
            move_forward(conn, job, id, ApplicationStatus::Offered, by)?;
            Ok(Ok("The offer is made; the applicant has been told."))
        },
    )
    .await
}

/// Moves an application to `target` if it is at an earlier open stage.
fn move_forward(
    conn: &mut PgConnection,
    job: &Job,
    id: Uuid,
    target: ApplicationStatus,
    by: Uuid,
) -> Result<(), AppError> {
    let (application, _, _) = queries::employer_application(conn, job.id, id)?;
    if application.status.is_closed() {
        return Err(AppError::Conflict(format!(
            "This application is {}.",
            application.status.label().to_lowercase()
        )));
    }
    if application.status < target {
        move_to(conn, job, id, target, by)?;
    } else {
        // Still tell the applicant about the new details.
        notify_applicant(conn, job, id, application.applicant_id, target)?;
    }
    Ok(())
}
