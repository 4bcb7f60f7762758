//! Work in the field: starting and stopping the labour timer, the printable work-order sheet
//! with its sign-off, and the signature drawn on it.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::refused;
use crate::auth::roles::Permission;
use crate::orgs::OrgScope;
use crate::web::{render, see_other, AppError};
use crate::work_orders::operations::{self, Acting};
use crate::work_orders::queries::field as field_queries;
use crate::work_orders::views::{DetailForms, PrintPage};
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StopForm {
    labor_type: String,
    description: String,
}

/// Runs a timer change and answers with the detail page (refusals shown on it, 422).
async fn timer_change<F>(scope: &OrgScope, id: Uuid, apply: F) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut diesel::PgConnection, &Acting) -> Result<String, operations::WorkOrderError>
        + Send
        + 'static,
{
    let outcome = scope
        .run(Permission::WorkOnAssigned, move |conn, ctx| {
            Ok(apply(conn, &Acting::member(ctx))?)
        })
        .await;
    match outcome {
        Ok(message) => {
            scope.viewer.flash("success", message);
            Ok(see_other(format!(
                "/o/{}/work-orders/{id}#labour",
                scope.slug()
            )))
        }
        Err(AppError::Rejected(errors)) => refused(scope, id, DetailForms::default(), errors).await,
        Err(other) => Err(other),
    }
}

pub async fn start_timer(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    timer_change(&scope, id, move |conn, acting| {
        operations::field::start_timer(conn, acting, id)?;
        Ok("Timer started.".into())
    })
    .await
}

pub async fn stop_timer(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<StopForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let labor_type = match form.labor_type.trim() {
        "" => "regular".to_string(),
        kind => kind.to_string(),
    };
    let description = Some(form.description.trim().to_string()).filter(|d| !d.is_empty());
    timer_change(&scope, id, move |conn, acting| {
        let stopped = operations::field::stop_timer(conn, acting, id, &labor_type, description)?;
        let time = crate::work_orders::views::hours(&(stopped.minutes as i32));
        Ok(if stopped.capped {
            format!(
                "The timer ran for more than {} hours and was recorded as {time} (flagged): ${}. \
                 Correct it by hand if the work took longer.",
                operations::field::TIMER_CAP_HOURS,
                stopped.cost
            )
        } else {
            format!("Labour recorded: {time}, ${}.", stopped.cost)
        })
    })
    .await
}

pub async fn print(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let data = scope
        .read(move |conn, ctx| super::detail::load(conn, ctx, id))
        .await?;
    let title = format!("{} — work order sheet", data.order.work_order_number);
    render(&PrintPage {
        layout: scope.layout(title, "work_orders"),
        slug: scope.slug().to_string(),
        data,
        now: Utc::now(),
    })
}

pub async fn signature(
    scope: OrgScope,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let signoff = scope
        .read(move |conn, _| Ok(field_queries::signoff(conn, id)?))
        .await?;
    let key = signoff
        .and_then(|s| s.signature_key)
        .ok_or(AppError::NotFound)?;
    let store = state.files.clone();
    let bytes = web::block(move || store.get(&key))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::build(StatusCode::OK)
        .insert_header((header::CONTENT_TYPE, "image/png"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .body(bytes))
}
