//! `POST /account/delete`: a person deletes their own account, confirming with their password.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::accounts;
use super::deletion::{delete_account, AccountDeletionError};
use super::identity::Viewer;
use super::operations;
use super::routes::account_page_for;
use crate::web::forms::FieldErrors;
use crate::web::{render_status, see_other, AppError};
use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct DeleteAccountForm {
    delete_password: String,
}

pub async fn delete(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<DeleteAccountForm>,
) -> Result<HttpResponse, AppError> {
    let id = viewer.require_account()?.id;
    let account = state
        .db
        .run(move |conn| -> Result<_, AppError> { Ok(accounts::find(conn, id)?) })
        .await?;
    let mut errors = FieldErrors::default();
    if !operations::verify_password(&form.delete_password, Some(&account)).await? {
        errors.add(
            "delete_password",
            "This is not your current password; your account was not deleted.",
        );
    } else {
        let outcome = state
            .db
            .run(move |conn| -> Result<_, AppError> {
                match delete_account(conn, id) {
                    Err(AccountDeletionError::Database(e)) => Err(e.into()),
                    other => Ok(other),
                }
            })
            .await?;
        match outcome {
            Ok(files) => {
                for key in files {
                    if let Err(e) = state.files.delete(&key) {
                        tracing::warn!(error = %e, key, "a deleted account's file stayed");
                    }
                }
                viewer.sign_out();
                viewer.flash("success", "Your account was deleted. Goodbye.");
                return Ok(see_other("/"));
            }
            Err(e) => errors.add("delete_password", e.to_string()),
        }
    }
    let mut page = account_page_for(&viewer, &account, None, None);
    page.delete_errors = errors;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
