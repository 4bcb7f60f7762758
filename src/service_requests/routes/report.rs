//! The public report form behind a site's or lift's link (no account needed), and the private
//! status page its sender follows.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::Connection;

use super::in_public_org;
use crate::attachments::files as attachment_files;
use crate::attachments::operations::{self as attachments, AttachmentError, Owner};
use crate::auth::Viewer;
use crate::service_requests::forms::ReportForm;
use crate::service_requests::operations::{self, ReportError};
use crate::service_requests::queries::{self as sr, ReportTarget};
use crate::service_requests::views::{self, ReportPage, StatusPage};
use crate::storage::{StorageError, FULL_MESSAGE};
use crate::web::forms::FieldErrors;
use crate::web::uploads::read_form_with_files;
use crate::web::{render, render_status, AppError};
use crate::work_orders::operations::Acting;
use crate::AppState;

fn report_page(
    viewer: &Viewer,
    slug: &str,
    token: &str,
    target: ReportTarget,
    form: ReportForm,
    errors: FieldErrors,
    message: Option<String>,
) -> ReportPage {
    ReportPage {
        layout: viewer.form_layout(format!("Report a problem — {}", target.site_name)),
        slug: slug.to_string(),
        token: token.to_string(),
        target,
        form,
        errors,
        message,
    }
}

pub async fn report_form(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, token) = path.into_inner();
    let lookup = token.clone();
    let target = in_public_org(&state, slug.clone(), viewer.meta.clone(), move |conn, _| {
        sr::find_target(conn, &lookup)?.ok_or(AppError::NotFound)
    })
    .await?;
    let form = ReportForm {
        request_type: "issue_report".into(),
        elevator_id: target
            .elevator_id
            .map(|e| e.to_string())
            .unwrap_or_default(),
        ..Default::default()
    };
    render(&report_page(
        &viewer,
        &slug,
        &token,
        target,
        form,
        FieldErrors::default(),
        None,
    ))
}

/// Why a report was turned away, to show on the form again.
struct Refusal {
    status: StatusCode,
    errors: FieldErrors,
    message: Option<String>,
}

impl Refusal {
    fn invalid(errors: FieldErrors) -> Refusal {
        Refusal {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            message: None,
        }
    }
}

/// Why a report and its photos did not go in.
enum NotSent {
    Report(ReportError),
    /// The file store had no room for the photos.
    StoreFull,
}

impl From<diesel::result::Error> for NotSent {
    fn from(e: diesel::result::Error) -> Self {
        NotSent::Report(e.into())
    }
}

pub async fn report(
    viewer: Viewer,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, token) = path.into_inner();
    let sent = read_form_with_files(&req, payload, "files", attachment_files::LIMITS).await?;
    let form: ReportForm = sent.parse()?;
    // Photos are checked (and cleaned) before anything is written; refused ones are shown
    // with the rest of the form.
    let photos = if sent.files.is_empty() {
        Ok(Vec::new())
    } else {
        attachment_files::accept_off_thread(sent.files).await?
    };
    let (lookup, submitted) = (token.clone(), form.clone());
    let store = state.files.clone();
    let (target, outcome) = in_public_org(
        &state,
        slug.clone(),
        viewer.meta.clone(),
        move |conn, org| {
            let target = sr::find_target(conn, &lookup)?.ok_or(AppError::NotFound)?;
            if !submitted.website.is_empty() {
                let mut errors = FieldErrors::default();
                errors.add("website", "This report looks automated and was not sent.");
                return Ok((target, Err(Refusal::invalid(errors))));
            }
            let (report, photos) = match (submitted.validate(), photos) {
                (Ok(report), Ok(photos)) => (report, photos),
                (validated, photos) => {
                    let mut errors = validated.err().unwrap_or_default();
                    if let Err(problem) = photos {
                        errors.add("files", &problem);
                    }
                    return Ok((target, Err(Refusal::invalid(errors))));
                }
            };
            let acting = Acting::system(&org.handle, &org.actor);
            // Refusals come before anything is written: answering them commits nothing. The
            // report and its photos go in a savepoint together, so a full file store takes
            // the report back too and the form can be shown again.
            let sent = conn.transaction(|conn| {
                let request = operations::submit_public_report(conn, &acting, &target, &report)
                    .map_err(NotSent::Report)?;
                if !photos.is_empty() {
                    let owner = Owner::ServiceRequest(request.id);
                    match attachments::attach(conn, store.as_ref(), &acting, owner, &photos, None) {
                        Err(AttachmentError::Storage(StorageError::Full)) => {
                            return Err(NotSent::StoreFull)
                        }
                        other => {
                            other.map_err(|e| NotSent::Report(ReportError::Failed(e.into())))?
                        }
                    };
                }
                Ok(request)
            });
            let outcome = match sent {
                Ok(request) => Ok(Box::new(request)),
                Err(NotSent::Report(ReportError::Failed(error))) => return Err(error),
                Err(NotSent::Report(ReportError::Invalid(errors))) => Err(Refusal::invalid(errors)),
                Err(NotSent::Report(limit)) => Err(Refusal {
                    status: StatusCode::TOO_MANY_REQUESTS,
                    errors: FieldErrors::default(),
                    message: Some(limit.to_string()),
                }),
                Err(NotSent::StoreFull) => {
                    let mut errors = FieldErrors::default();
                    errors.add("files", FULL_MESSAGE);
                    Err(Refusal {
                        status: StatusCode::INSUFFICIENT_STORAGE,
                        errors,
                        message: None,
                    })
                }
            };
            Ok((target, outcome))
        },
    )
    .await?;
    match outcome {
        Ok(request) => render(&views::ThanksPage {
            layout: viewer.layout("Report sent"),
            slug,
            request: *request,
            target,
        }),
        Err(refused) => render_status(
            refused.status,
            &report_page(
                &viewer,
                &slug,
                &token,
                target,
                form,
                refused.errors,
                refused.message,
            ),
        ),
    }
}

pub async fn status_page(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, token) = path.into_inner();
    let (request, events, site_name, site_zone, work_order) =
        in_public_org(&state, slug.clone(), viewer.meta.clone(), move |conn, _| {
            let request = sr::find_by_status_token(conn, &token)?.ok_or(AppError::NotFound)?;
            let (site_name, site_zone) = sr::site_place(conn, request.site_id)?;
            let work_order = match request.assigned_work_order_id {
                Some(id) => Some(crate::work_orders::queries::number_of(conn, id)?),
                None => None,
            };
            Ok((
                request.clone(),
                sr::events(conn, request.id)?,
                site_name,
                site_zone,
                work_order,
            ))
        })
        .await?;
    render(&StatusPage {
        layout: viewer.layout(format!("Request {}", request.reference)),
        request,
        events,
        site_name,
        site_zone,
        work_order,
    })
}
