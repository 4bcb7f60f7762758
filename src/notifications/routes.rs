//! The notification bell (an htmx fragment refreshed every minute) and the list page.

use crate::web::local_time::filters;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::queries::{self, Notification};
use crate::auth::Viewer;
use crate::live::{self, Event};
use crate::web::pagination::Pagination;
use crate::web::{render, AppError, Layout};
use crate::AppState;

const PER_PAGE: i64 = 30;

#[derive(Template)]
#[template(path = "notifications/bell.html")]
struct Bell {
    unread: i64,
}

pub async fn bell(viewer: Viewer, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let id = viewer.require_account()?.id;
    let unread = state
        .db
        .run(move |conn| -> Result<i64, AppError> { Ok(queries::unread_count(conn, id)?) })
        .await?;
    render(&Bell { unread })
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
struct ListPage {
    layout: Layout,
    items: Vec<Notification>,
    pagination: Pagination,
    unread: i64,
}

#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<i64>,
}

pub async fn list(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let id = viewer.require_account()?.id;
    let requested = query.page;
    let (items, pagination, unread) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let total = queries::count(conn, id)?;
            let pagination = Pagination::new("/notifications", requested, PER_PAGE, total);
            let items = queries::page(conn, id, pagination.offset(), PER_PAGE)?;
            Ok((items, pagination, queries::unread_count(conn, id)?))
        })
        .await?;
    render(&ListPage {
        layout: viewer.layout("Notifications").section("notifications"),
        items,
        pagination,
        unread,
    })
}

/// The account's other open pages update their bell too.
fn bell_changed(conn: &mut diesel::PgConnection, account: Uuid) -> diesel::QueryResult<()> {
    live::publish(conn, &Event::for_accounts("bell", &[account]))
}

/// Marks the notification read and opens what it is about.
pub async fn open(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?.id;
    let id = path.into_inner();
    let link = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let link = queries::mark_read(conn, account, id)?;
            bell_changed(conn, account)?;
            Ok(link)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    // Links are stored as local paths (a CHECK constraint); keep it that way here too.
    let link = crate::web::forms::safe_next(Some(&link)).unwrap_or_else(|| "/notifications".into());
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", link))
        .finish())
}

pub async fn mark_all_read(
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?.id;
    state
        .db
        .run(move |conn| -> Result<_, AppError> {
            queries::mark_all_read(conn, account)?;
            bell_changed(conn, account)?;
            Ok(())
        })
        .await?;
    viewer.flash("success", "All notifications are marked as read.");
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", "/notifications"))
        .finish())
}
