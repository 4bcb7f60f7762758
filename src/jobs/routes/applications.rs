//! Applying for a job, the applicant's own applications, withdrawing, and résumé downloads.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;
use uuid::Uuid;

use super::{PageQuery, PER_PAGE};
use crate::auth::identity::Viewer;
use crate::jobs::model::Audience;
use crate::jobs::operations::applications::{
    self as operations, Applicable, ApplicationInput, Applied, ApplyContext, Resume,
    MAX_RESUME_BYTES,
};
use crate::jobs::operations::JobsError;
use crate::jobs::queries::{applications as queries, listings};
use crate::jobs::views::{ApplyPage, MyApplication, MyApplicationPage, MyApplicationsPage};
use crate::storage::FileKind;
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::{render, render_status, see_other, AppError};
use crate::AppState;

/// Past this the upload is not read any further.
const MAX_BODY_BYTES: usize = 12 * 1024 * 1024;
const MAX_FIELD_BYTES: usize = 64 * 1024;

fn already_applied(viewer: &Viewer, id: Uuid) -> HttpResponse {
    viewer.flash(
        "info",
        "You have already applied for this job; here is your application.",
    );
    see_other(format!("/applications/{id}"))
}

fn apply_page(
    viewer: &Viewer,
    context: ApplyContext,
    cover_letter: String,
    source: String,
    errors: FieldErrors,
) -> ApplyPage {
    ApplyPage {
        layout: viewer
            .layout(format!("Apply: {}", context.job.title))
            .section("jobs"),
        job: context.job,
        organization: context.organization,
        has_profile: context.has_profile,
        cover_letter,
        source,
        errors,
        match_score: context.match_score,
    }
}

pub async fn apply_page_handler(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let audience = Audience::of(viewer.signed_in());
    let slug = path.into_inner();
    let applicable = state
        .db
        .run(move |conn| Ok::<_, AppError>(operations::applicable(conn, &audience, &slug)?))
        .await?;
    match applicable {
        Applicable::AlreadyApplied(existing) => Ok(already_applied(&viewer, existing)),
        Applicable::Open(context) => {
            let source = if context.has_profile {
                "profile"
            } else {
                "resume"
            };
            let page = apply_page(
                &viewer,
                *context,
                String::new(),
                source.into(),
                FieldErrors::default(),
            );
            render(&page)
        }
    }
}

/// Reads the application form: its text fields, and the résumé up to its limit (past it the
/// rest is read and dropped, so the refusal reaches the browser).
async fn read_upload(mut payload: Multipart) -> Result<ApplicationInput, AppError> {
    let unreadable = |e: actix_multipart::MultipartError| {
        AppError::BadRequest(format!("The upload could not be read: {e}"))
    };
    let mut input = ApplicationInput::default();
    let mut read_total = 0usize;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_string);
        let limit = if name == "resume" {
            MAX_RESUME_BYTES
        } else {
            MAX_FIELD_BYTES
        };
        let mut bytes = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            read_total += chunk.len();
            if read_total > MAX_BODY_BYTES {
                return Err(AppError::BadRequest(
                    "The upload is too large. Résumés may be at most 5 MB.".into(),
                ));
            }
            if bytes.len() + chunk.len() > limit {
                too_large = true;
            } else if !too_large {
                bytes.extend_from_slice(&chunk);
            }
        }
        match name.as_str() {
            "cover_letter" => input.cover_letter = String::from_utf8_lossy(&bytes).into_owned(),
            "source" => input.source = String::from_utf8_lossy(&bytes).into_owned(),
            "resume" if too_large || !bytes.is_empty() => {
                input.resume = Some(Resume {
                    file_name: file_name.unwrap_or_default(),
                    bytes,
                    too_large,
                });
            }
            _ => {}
        }
    }
    Ok(input)
}

pub async fn apply(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let audience = Audience::of(viewer.signed_in());
    let slug = path.into_inner();
    let input = read_upload(payload).await?;
    let files = state.files.clone();
    let outcome = state
        .db
        .run(
            move |conn| match operations::apply(conn, files.as_ref(), &audience, &slug, &input) {
                Ok(applied) => Ok(Ok(applied)),
                Err(JobsError::Invalid(errors)) => {
                    match operations::applicable(conn, &audience, &slug)? {
                        Applicable::Open(context) => Ok(Err((*context, input, errors))),
                        Applicable::AlreadyApplied(existing) => {
                            Ok(Ok(Applied::AlreadyApplied(existing)))
                        }
                    }
                }
                Err(other) => Err(AppError::from(other)),
            },
        )
        .await?;
    match outcome {
        Ok(Applied::Sent {
            id,
            job,
            organization,
        }) => {
            viewer.flash(
                "success",
                format!(
                    "Your application for {} was sent to {}.",
                    job.title, organization.name
                ),
            );
            Ok(see_other(format!("/applications/{id}")))
        }
        Ok(Applied::AlreadyApplied(existing)) => Ok(already_applied(&viewer, existing)),
        Err((context, input, errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &apply_page(&viewer, context, input.cover_letter, input.source, errors),
        ),
    }
}

pub async fn mine(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let account_id = viewer.require_account()?.id;
    let page = query.page;
    let (rows, pagination) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            listings::expire_due(conn)?;
            let total = queries::own_applications_count(conn, account_id)?;
            let pagination = Pagination::new("/applications", page, PER_PAGE, total);
            let rows = queries::own_applications(conn, account_id, pagination.offset(), PER_PAGE)?;
            let ids: Vec<Uuid> = rows.iter().map(|(_, job)| job.organization_id).collect();
            let names = listings::organization_names(conn, &ids)?;
            let rows = rows
                .into_iter()
                .map(|(application, job)| MyApplication {
                    organization: names
                        .get(&job.organization_id)
                        .map(|o| o.name.clone())
                        .unwrap_or_default(),
                    application,
                    job,
                })
                .collect::<Vec<_>>();
            Ok((rows, pagination))
        })
        .await?;
    render(&MyApplicationsPage {
        layout: viewer.layout("My applications").section("jobs"),
        rows,
        pagination,
    })
}

pub async fn show_mine(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let account_id = viewer.require_account()?.id;
    let id = path.into_inner();
    let (row, events) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let (application, job) = queries::own_application(conn, account_id, id)?;
            let organization = listings::organization_names(conn, &[job.organization_id])?
                .remove(&job.organization_id)
                .map(|o| o.name)
                .unwrap_or_default();
            let events = queries::events(conn, id)?;
            Ok((
                MyApplication {
                    application,
                    job,
                    organization,
                },
                events,
            ))
        })
        .await?;
    render(&MyApplicationPage {
        layout: viewer
            .layout(format!("Application: {}", row.job.title))
            .section("jobs"),
        row,
        events,
    })
}

pub async fn withdraw(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let audience = Audience::of(viewer.signed_in());
    let id = path.into_inner();
    state
        .db
        .run(move |conn| Ok::<_, AppError>(operations::withdraw(conn, &audience, id)?))
        .await?;
    viewer.flash("success", "Your application was withdrawn.");
    Ok(see_other(format!("/applications/{id}")))
}

/// The résumé, for its applicant and the employer's hiring staff only.
pub async fn resume(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let audience = Audience::of(viewer.signed_in());
    let id = path.into_inner();
    let (key, name) = state
        .db
        .run(move |conn| Ok::<_, AppError>(operations::resume(conn, &audience, id)?))
        .await?;
    let files = state.files.clone();
    let bytes = web::block(move || files.get(&key))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header(("Content-Type", FileKind::Pdf.content_type()))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(bytes))
}
