//! Moderators' actions on threads and posts, and their queue.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::with_access;
use crate::auth::identity::Viewer;
use crate::forum::forms::{ActionForm, MoveForm};
use crate::forum::operations::moderation::{self as operations, Review};
use crate::forum::queries::moderation::ThreadAction;
use crate::forum::views::ModerationPage;
use crate::web::{render, see_other, AppError};
use crate::AppState;

const UNKNOWN_ACTION: &str = "Unknown moderation action.";

pub async fn moderate_thread(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let action = ThreadAction::parse(&form.action)
        .ok_or_else(|| AppError::BadRequest(UNKNOWN_ACTION.into()))?;
    let category = with_access(&state, &viewer, move |conn, access| {
        Ok(operations::moderate_thread(conn, access, id, action)?)
    })
    .await?;
    viewer.flash("success", action.done());
    if action == ThreadAction::Delete {
        Ok(see_other(format!("/forum/c/{}", category.slug)))
    } else {
        Ok(see_other(format!("/forum/t/{id}")))
    }
}

pub async fn move_thread(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let to: Uuid = form
        .category_id
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("Choose a category to move the thread to.".into()))?;
    let target = with_access(&state, &viewer, move |conn, access| {
        Ok(operations::move_thread(conn, access, id, to)?)
    })
    .await?;
    viewer.flash(
        "success",
        format!("The thread was moved to {}.", target.name),
    );
    Ok(see_other(format!("/forum/t/{id}")))
}

/// A moderator's decision on a queued or flagged post.
pub async fn review(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let decision =
        Review::parse(&form.action).ok_or_else(|| AppError::BadRequest(UNKNOWN_ACTION.into()))?;
    with_access(&state, &viewer, move |conn, access| {
        Ok(operations::review_post(conn, access, id, decision)?)
    })
    .await?;
    viewer.flash("success", decision.done());
    Ok(see_other("/forum/moderation"))
}

pub async fn moderation(
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let items = with_access(&state, &viewer, |conn, access| {
        Ok(operations::queue(conn, access)?)
    })
    .await?;
    render(&ModerationPage {
        layout: viewer.layout("Moderation queue").section("forum"),
        items,
    })
}
