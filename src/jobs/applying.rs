//! Applying for a job, the applicant's own applications, withdrawing, and résumé downloads.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::{Connection, PgConnection};
use futures_util::StreamExt;
use uuid::Uuid;

use super::matching;
use super::model::{ApplicationStatus, Audience, Job, JobStatus};
use super::queries::{self, NewApplication, OrgName};
use super::routes::{closed_reason, see_other, PageQuery};
use super::views::{ApplyPage, MyApplication, MyApplicationPage, MyApplicationsPage};
use crate::auth::identity::Viewer;
use crate::notifications::{notify, NewNotification};
use crate::people::queries as people;
use crate::storage::FileKind;
use crate::web::forms::{check_text, FieldErrors};
use crate::web::pagination::Pagination;
use crate::web::{render, render_status, AppError};
use crate::AppState;

pub const MAX_RESUME_BYTES: usize = 5 * 1024 * 1024;
/// Past this the upload is not read any further.
const MAX_BODY_BYTES: usize = 12 * 1024 * 1024;
const MAX_FIELD_BYTES: usize = 64 * 1024;

/// A job someone may apply to, or why not: 404 for what they cannot see at all, 409 (with the
/// reason) for a job they can reach that is closed, a redirect to their application if they
/// already applied.
enum Applicable {
    Open(Box<(Job, OrgName)>),
    AlreadyApplied(Uuid),
}

fn applicable(
    conn: &mut PgConnection,
    slug: &str,
    audience: &Audience,
) -> Result<Applicable, AppError> {
    queries::expire_due(conn)?;
    let job = queries::find_by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
    let member = audience.is_member(job.organization_id);
    if !member && (!audience.reaches(&job) || job.status == JobStatus::Draft) {
        return Err(AppError::NotFound);
    }
    if let Some(account) = audience.account_id {
        if let Some(existing) = queries::existing_application(conn, job.id, account)? {
            return Ok(Applicable::AlreadyApplied(existing));
        }
    }
    if !job.accepts_applications() {
        return Err(AppError::Conflict(closed_reason(&job)));
    }
    let organization = queries::organization_names(conn, &[job.organization_id])?
        .remove(&job.organization_id)
        .ok_or(AppError::NotFound)?;
    Ok(Applicable::Open(Box::new((job, organization))))
}

fn already_applied(viewer: &Viewer, id: Uuid) -> HttpResponse {
    viewer.flash(
        "info",
        "You have already applied for this job; here is your application.",
    );
    see_other(&format!("/applications/{id}"))
}

struct ApplyContext {
    job: Job,
    organization: OrgName,
    has_profile: bool,
    match_score: Option<matching::MatchScore>,
}

async fn apply_context(
    state: &AppState,
    viewer: &Viewer,
    slug: String,
) -> Result<Result<ApplyContext, Uuid>, AppError> {
    let audience = Audience::of(viewer.signed_in());
    state
        .db
        .run(move |conn| -> Result<_, AppError> {
            match applicable(conn, &slug, &audience)? {
                Applicable::AlreadyApplied(id) => Ok(Err(id)),
                Applicable::Open(open) => {
                    let (job, organization) = *open;
                    let standing = match audience.account_id {
                        Some(account) => people::standing(conn, account)?,
                        None => None,
                    };
                    Ok(Ok(ApplyContext {
                        match_score: standing.as_ref().map(|s| matching::for_job(&job, Some(s))),
                        has_profile: standing.is_some(),
                        job,
                        organization,
                    }))
                }
            }
        })
        .await
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
    match apply_context(&state, &viewer, path.into_inner()).await? {
        Err(existing) => Ok(already_applied(&viewer, existing)),
        Ok(context) => {
            let source = if context.has_profile {
                "profile"
            } else {
                "resume"
            };
            let page = apply_page(
                &viewer,
                context,
                String::new(),
                source.into(),
                FieldErrors::default(),
            );
            render(&page)
        }
    }
}

/// What the application form sent.
#[derive(Default)]
struct Upload {
    cover_letter: String,
    source: String,
    resume: Option<(String, Vec<u8>)>,
    resume_too_large: bool,
}

async fn read_upload(mut payload: Multipart) -> Result<Upload, AppError> {
    let unreadable = |e: actix_multipart::MultipartError| {
        AppError::BadRequest(format!("The upload could not be read: {e}"))
    };
    let mut upload = Upload::default();
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
            // Past the limit the rest is read and dropped, so the refusal reaches the browser.
            if bytes.len() + chunk.len() > limit {
                too_large = true;
            } else if !too_large {
                bytes.extend_from_slice(&chunk);
            }
        }
        match name.as_str() {
            "cover_letter" => upload.cover_letter = String::from_utf8_lossy(&bytes).into_owned(),
            "source" => upload.source = String::from_utf8_lossy(&bytes).into_owned(),
            "resume" => {
                upload.resume_too_large = too_large;
                if too_large || !bytes.is_empty() {
                    upload.resume = Some((file_name.unwrap_or_default(), bytes));
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// A file name safe to send back in `Content-Disposition`.
fn safe_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut name: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if name.trim_matches(['.', '_']).is_empty() {
        name = "resume".into();
    }
    if !name.to_ascii_lowercase().ends_with(".pdf") {
        name.push_str(".pdf");
    }
    name
}

pub async fn apply(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let account_id = viewer.require_account()?.id;
    let slug = path.into_inner();
    let upload = read_upload(payload).await?;
    let context = match apply_context(&state, &viewer, slug).await? {
        Err(existing) => return Ok(already_applied(&viewer, existing)),
        Ok(context) => context,
    };

    let mut errors = FieldErrors::default();
    check_text(
        &mut errors,
        "cover_letter",
        &upload.cover_letter,
        10_000,
        true,
    );
    let resume = match upload.source.as_str() {
        "profile" => {
            if !context.has_profile {
                errors.add(
                    "source",
                    "You have no technician profile yet: create one first, or upload a résumé.",
                );
            }
            None
        }
        "resume" => match &upload.resume {
            None => {
                errors.add("resume", "Choose the PDF file of your résumé.");
                None
            }
            Some(_) if upload.resume_too_large => {
                errors.add(
                    "resume",
                    "The résumé is larger than 5 MB. Upload a smaller PDF.",
                );
                None
            }
            Some((name, bytes)) => {
                if FileKind::sniff(bytes) == Some(FileKind::Pdf) {
                    Some((safe_file_name(name), bytes.clone()))
                } else {
                    errors.add(
                        "resume",
                        "The résumé must be a PDF file; this file is not a PDF.",
                    );
                    None
                }
            }
        },
        _ => {
            errors.add("source", "Choose your profile or an uploaded résumé.");
            None
        }
    };
    if !errors.is_empty() {
        let page = apply_page(&viewer, context, upload.cover_letter, upload.source, errors);
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }

    let application_id = Uuid::new_v4();
    let key = format!("resumes/{application_id}.pdf");
    let stored = match resume {
        Some((name, bytes)) => {
            let files = state.files.clone();
            let file_key = key.clone();
            let size = bytes.len() as i32;
            web::block(move || files.put(&file_key, &bytes))
                .await
                .map_err(AppError::internal)?
                .map_err(AppError::internal)?;
            Some((key.clone(), name, size))
        }
        None => None,
    };
    let job = context.job.clone();
    let cover_letter = upload.cover_letter.trim().to_string();
    let stored_for_db = stored.clone();
    let outcome = state
        .db
        .run(move |conn| {
            conn.transaction(|conn| -> Result<Result<Uuid, Uuid>, AppError> {
                let standing = people::standing(conn, account_id)?;
                let score = matching::for_job(&job, standing.as_ref());
                let resume = stored_for_db
                    .as_ref()
                    .map(|(key, name, size)| (key.as_str(), name.as_str(), *size));
                let inserted = queries::insert_application(
                    conn,
                    &NewApplication {
                        id: application_id,
                        job: &job,
                        applicant_id: account_id,
                        cover_letter: &cover_letter,
                        resume,
                        match_score: score.score,
                        match_details: serde_json::json!(score.reasons),
                    },
                )?;
                match inserted {
                    None => Ok(Err(queries::existing_application(
                        conn, job.id, account_id,
                    )?
                    .ok_or(AppError::NotFound)?)),
                    Some(id) => {
                        let employers = queries::hiring_members(conn, job.organization_id)?;
                        notify(
                            conn,
                            &employers,
                            &NewNotification {
                                kind: "job_application",
                                title: &format!("New application for {}", job.title),
                                body: &format!("Match score {} of 100.", score.score),
                                link: &format!("/jobs/{}/applications/{id}", job.slug),
                                organization_id: Some(job.organization_id),
                            },
                        )?;
                        Ok(Ok(id))
                    }
                }
            })
        })
        .await;
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(error) => {
            remove_file(&state, stored.map(|(key, _, _)| key)).await;
            return Err(error);
        }
    };
    match outcome {
        Ok(id) => {
            viewer.flash(
                "success",
                format!(
                    "Your application for {} was sent to {}.",
                    context.job.title, context.organization.name
                ),
            );
            Ok(see_other(&format!("/applications/{id}")))
        }
        Err(existing) => {
            remove_file(&state, stored.map(|(key, _, _)| key)).await;
            Ok(already_applied(&viewer, existing))
        }
    }
}

/// Removes an upload whose application was not stored; a leftover file is only logged.
async fn remove_file(state: &AppState, key: Option<String>) {
    if let Some(key) = key {
        let files = state.files.clone();
        if let Ok(Err(e)) = web::block(move || files.delete(&key)).await {
            tracing::warn!("could not remove an unused résumé: {e}");
        }
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
            queries::expire_due(conn)?;
            let total = queries::own_applications_count(conn, account_id)?;
            let pagination = Pagination::new("/applications", page, 20, total);
            let rows = queries::own_applications(conn, account_id, pagination.offset(), 20)?;
            let ids: Vec<Uuid> = rows.iter().map(|(_, job)| job.organization_id).collect();
            let names = queries::organization_names(conn, &ids)?;
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
            let organization = queries::organization_names(conn, &[job.organization_id])?
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
    let account_id = viewer.require_account()?.id;
    let id = path.into_inner();
    state
        .db
        .run(move |conn| {
            conn.transaction(|conn| -> Result<(), AppError> {
                let (application, job) = queries::own_application(conn, account_id, id)?;
                if application.status.is_closed() {
                    return Err(AppError::Conflict(format!(
                        "This application is {} and can no longer be withdrawn.",
                        application.status.label().to_lowercase()
                    )));
                }
                queries::move_application(
                    conn,
                    id,
                    application.status,
                    ApplicationStatus::Withdrawn,
                    account_id,
                )?;
                let employers = queries::hiring_members(conn, job.organization_id)?;
                notify(
                    conn,
                    &employers,
                    &NewNotification {
                        kind: "job_application",
                        title: &format!("An application for {} was withdrawn", job.title),
                        body: "",
                        link: &format!("/jobs/{}/applications/{id}", job.slug),
                        organization_id: Some(job.organization_id),
                    },
                )?;
                Ok(())
            })
        })
        .await?;
    viewer.flash("success", "Your application was withdrawn.");
    Ok(see_other(&format!("/applications/{id}")))
}

/// The résumé, for its applicant and the employer's hiring staff only.
pub async fn resume(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?;
    let audience = Audience::of(Some(account));
    let account_id = account.id;
    let id = path.into_inner();
    let (organization, applicant, key, name) = state
        .db
        .run(move |conn| Ok::<_, AppError>(queries::resume(conn, id)?))
        .await?;
    if applicant != account_id && !audience.hires_for(organization) {
        return Err(AppError::NotFound);
    }
    let key = key.ok_or(AppError::NotFound)?;
    let files = state.files.clone();
    let bytes = web::block(move || files.get(&key))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let name = name.unwrap_or_else(|| "resume.pdf".into());
    Ok(HttpResponse::Ok()
        .insert_header(("Content-Type", FileKind::Pdf.content_type()))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::safe_file_name;

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(safe_file_name("C:\\docs\\My CV.pdf"), "My_CV.pdf");
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd.pdf");
        assert_eq!(safe_file_name("\"quoted\".PDF"), "_quoted_.PDF");
        assert_eq!(safe_file_name(""), "resume.pdf");
    }
}
