//! `/admin/mail`: every email the platform sent or is sending, for platform administrators,
//! with its text and HTML parts and a "send again" for failed and dead ones.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::views::{MailDetailPage, MailListPage};
use super::{deliver, outbox};
use crate::auth::identity::Viewer;
use crate::background::queries as jobs;
use crate::web::pagination::Pagination;
use crate::web::{render, see_other, AppError};
use crate::AppState;

const PAGE_SIZE: i64 = 50;
const STATUSES: [&str; 5] = ["pending", "dispatched", "completed", "failed", "dead"];

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct MailQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(default, skip_serializing)]
    page: Option<i64>,
}

pub async fn list(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<MailQuery>,
) -> Result<HttpResponse, AppError> {
    viewer.require_platform_admin()?;
    let query = query.into_inner();
    let status = query.status.filter(|s| STATUSES.contains(&s.as_str()));
    let page = query.page;
    let filter = status.clone();
    let (messages, pagination) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let total = outbox::count(conn, filter.as_deref())?;
            let pagination =
                Pagination::new("/admin/mail", page, PAGE_SIZE, total).keeping(&MailQuery {
                    status: filter.clone(),
                    page: None,
                });
            let messages = outbox::list(
                conn,
                filter.as_deref(),
                pagination.per_page,
                pagination.offset(),
            )?;
            Ok((messages, pagination))
        })
        .await?;
    render(&MailListPage {
        layout: viewer.layout("Email").section("admin"),
        messages,
        status,
        statuses: &STATUSES,
        pagination,
    })
}

async fn message(state: &AppState, id: Uuid) -> Result<outbox::Message, AppError> {
    state
        .db
        .run(move |conn| -> Result<_, AppError> {
            outbox::find(conn, id)?.ok_or(AppError::NotFound)
        })
        .await
}

pub async fn detail(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    viewer.require_platform_admin()?;
    let message = message(&state, path.into_inner()).await?;
    render(&MailDetailPage {
        layout: viewer.layout(message.subject.clone()).section("admin"),
        headers: message.extra_headers(),
        message,
    })
}

/// The HTML part alone, for the frame on the detail page: it is someone else's markup, so it
/// may run nothing, load nothing from outside and reach nothing of the app.
pub async fn html_part(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    viewer.require_platform_admin()?;
    let message = message(&state, path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
             frame-ancestors 'self'; sandbox",
        ))
        .insert_header(("X-Frame-Options", "SAMEORIGIN"))
        .body(message.body_html))
}

pub async fn retry(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    viewer.require_platform_admin()?;
    let id = path.into_inner();
    let queued = state
        .db
        .run(move |conn| -> Result<bool, AppError> {
            use diesel::Connection;
            conn.transaction(|conn| {
                Ok(outbox::mark_pending(conn, id)?
                    && jobs::retry_by_key(conn, deliver::KIND, &id.to_string())?)
            })
        })
        .await?;
    if queued {
        viewer.flash(
            "success",
            "The message is queued again and goes out within a minute.",
        );
    } else {
        viewer.flash(
            "info",
            "The message had not failed, so it was left as it is.",
        );
    }
    Ok(see_other(format!("/admin/mail/{id}")))
}
