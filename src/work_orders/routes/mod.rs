//! Work-order pages: the board and the list ([`board`]), raising a work order ([`create`]), and
//! the detail page with every change on it ([`detail`], [`tasks`], [`costs`]).
//!
//! Each handler reads the request, calls one operation (`work_orders::operations`) and renders
//! the answer. A change carries the version its author saw and answers with the detail page:
//! a redirect to it once saved, 422 with what was typed when refused, 409 with the work order as
//! it is now when someone else changed it meanwhile.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use diesel::PgConnection;
use uuid::Uuid;

use super::operations::{Acting, WorkOrderError};
use super::views::DetailForms;
use crate::auth::roles::Permission;
use crate::orgs::OrgScope;
use crate::web::forms::FieldErrors;
use crate::web::{see_other, AppError};

pub mod board;
pub mod costs;
pub mod create;
pub mod detail;
pub mod edit;
pub mod field;
pub mod tasks;

/// The version a change form carries.
fn seen_version(value: &str) -> Result<i32, AppError> {
    value.trim().parse().map_err(|_| {
        AppError::BadRequest(
            "The form is missing the work order's version; reload the page.".into(),
        )
    })
}

/// Runs one change to work order `id` (`apply` calls the operation with the version the form
/// carries and says what to flash) and answers with the detail page; `forms` is what the person
/// typed, shown again if refused.
async fn change<F>(
    scope: &OrgScope,
    id: Uuid,
    version: &str,
    forms: DetailForms,
    apply: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut PgConnection, &Acting, i32) -> Result<String, WorkOrderError> + Send + 'static,
{
    let seen = seen_version(version)?;
    let outcome = scope
        .run(Permission::WorkOnAssigned, move |conn, ctx| {
            Ok(apply(conn, &Acting::member(ctx), seen)?)
        })
        .await;
    match outcome {
        Ok(message) => {
            scope.viewer.flash("success", message);
            Ok(see_other(format!("/o/{}/work-orders/{id}", scope.slug())))
        }
        Err(AppError::Rejected(errors)) => refused(scope, id, forms, errors).await,
        Err(AppError::Conflict(message)) => {
            detail::page(
                scope,
                id,
                StatusCode::CONFLICT,
                DetailForms::default(),
                FieldErrors::default(),
                Some(message),
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// The detail page again with the form as it was typed and why it was refused.
async fn refused(
    scope: &OrgScope,
    id: Uuid,
    forms: DetailForms,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    detail::page(
        scope,
        id,
        StatusCode::UNPROCESSABLE_ENTITY,
        forms,
        errors,
        None,
    )
    .await
}
