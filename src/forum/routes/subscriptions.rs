//! Watching a category or a thread.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::with_access;
use crate::auth::identity::Viewer;
use crate::forum::forms::WatchForm;
use crate::forum::operations::subscriptions as operations;
use crate::web::{see_other, AppError};
use crate::AppState;

pub async fn watch_category(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<WatchForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let slug = path.into_inner();
    let on = form.watch == "on";
    let category = with_access(&state, &viewer, move |conn, access| {
        Ok(operations::watch_category(conn, access, &slug, on)?)
    })
    .await?;
    viewer.flash(
        "success",
        if on {
            "You will be told about new threads and replies in this category."
        } else {
            "You no longer watch this category."
        },
    );
    Ok(see_other(format!("/forum/c/{}", category.slug)))
}

pub async fn watch_thread(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<WatchForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let on = form.watch == "on";
    with_access(&state, &viewer, move |conn, access| {
        Ok(operations::watch_thread(conn, access, id, on)?)
    })
    .await?;
    viewer.flash(
        "success",
        if on {
            "You will be told about new replies."
        } else {
            "You no longer watch this thread."
        },
    );
    Ok(see_other(format!("/forum/t/{id}")))
}
