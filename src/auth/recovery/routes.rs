//! `/password/forgot`, `/password/reset/{token}` and `/account/confirm/{token}`.
//!
//! The links' pages only show a form; the token is used up by the form's POST, so a mail
//! scanner that opens every link does not spend it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::operations;
use super::views::{CheckEmailPage, ConfirmPage, ForgotPage, LinkExpiredPage, ResetPage};
use crate::auth::accounts;
use crate::auth::forms::check_new_password;
use crate::auth::identity::Viewer;
use crate::auth::operations::hash_password;
use crate::auth::routes::landing;
use crate::members::queries as memberships;
use crate::web::forms::{check_email, FieldErrors};
use crate::web::{render, render_status, see_other, AppError};
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_confirm: String,
}

pub async fn forgot_page(viewer: Viewer) -> Result<HttpResponse, AppError> {
    render(&ForgotPage {
        layout: viewer.form_layout("Forgot your password?"),
        email: String::new(),
        errors: FieldErrors::default(),
    })
}

pub async fn forgot(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let email = form.into_inner().email.trim().to_string();
    let mut errors = FieldErrors::default();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if check_email(&mut errors, "email", &email) {
        let (meta, base, address) = (viewer.meta.clone(), state.config.link_base(), email.clone());
        match state
            .db
            .run(move |conn| operations::request_reset(conn, &address, &meta, &base))
            .await
        {
            Ok(()) => {
                return render(&CheckEmailPage {
                    layout: viewer.layout("Check your email"),
                    email,
                    purpose: "choose a new password",
                })
            }
            Err(AppError::TooManyRequests { message, .. }) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                errors.add("email", message);
            }
            Err(other) => return Err(other),
        }
    }
    render_status(
        status,
        &ForgotPage {
            layout: viewer.form_layout("Forgot your password?"),
            email,
            errors,
        },
    )
}

fn expired(viewer: &Viewer, reset: bool) -> Result<HttpResponse, AppError> {
    render_status(
        StatusCode::NOT_FOUND,
        &LinkExpiredPage {
            layout: viewer.layout("This link no longer works"),
            reset,
        },
    )
}

pub async fn reset_page(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let lookup = token.clone();
    let holder = state
        .db
        .run(move |conn| operations::reset_holder(conn, &lookup))
        .await?;
    match holder {
        Some(account) => render(&ResetPage {
            layout: viewer.form_layout("Choose a new password"),
            token,
            email: account.email,
            errors: FieldErrors::default(),
        }),
        None => expired(&viewer, true),
    }
}

pub async fn reset(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let form = form.into_inner();
    let lookup = token.clone();
    let Some(account) = state
        .db
        .run(move |conn| operations::reset_holder(conn, &lookup))
        .await?
    else {
        return expired(&viewer, true);
    };
    let mut errors = FieldErrors::default();
    check_new_password(
        &mut errors,
        "new_password",
        &form.new_password,
        &form.new_password_confirm,
        &account.email,
        &[&account.first_name, &account.last_name],
    );
    if !errors.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ResetPage {
                layout: viewer.form_layout("Choose a new password"),
                token,
                email: account.email,
                errors,
            },
        );
    }
    let hash = hash_password(&form.new_password).await?;
    let meta = viewer.meta.clone();
    let reset = state
        .db
        .run(move |conn| operations::reset_password(conn, &token, &hash, &meta))
        .await?;
    let Some(account) = reset else {
        return expired(&viewer, true);
    };
    viewer.sign_in(&account)?;
    viewer.flash(
        "success",
        "Your new password is set, and every other session was signed out.",
    );
    Ok(see_other("/account"))
}

pub async fn confirm_page(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let lookup = token.clone();
    let holder = state
        .db
        .run(move |conn| operations::confirmation_holder(conn, &lookup))
        .await?;
    match holder {
        Some(account) => render(&ConfirmPage {
            layout: viewer.form_layout("Confirm your email address"),
            token,
            email: account.email,
        }),
        None => expired(&viewer, false),
    }
}

/// Confirms the address and signs its account in: the link proved the person reads it.
pub async fn confirm(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let meta = viewer.meta.clone();
    let confirmed = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            match operations::confirm_email(conn, &token, &meta)? {
                Some(account) => {
                    let memberships = memberships::for_account(conn, account.id)?;
                    Ok(Some((account, memberships)))
                }
                None => Ok(None),
            }
        })
        .await?;
    let Some((account, memberships)) = confirmed else {
        return expired(&viewer, false);
    };
    viewer.sign_in(&account)?;
    viewer.flash(
        "success",
        "Your email address is confirmed. Welcome to SiteSync!",
    );
    Ok(see_other(landing(None, &memberships)))
}

/// "Send the confirmation link again", from the account page.
pub async fn resend_confirmation(
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = viewer.require_account()?.id;
    let (meta, base) = (viewer.meta.clone(), state.config.link_base());
    let (sent, email) = state
        .db
        .run(move |conn| {
            let account = accounts::find(conn, id)?;
            let sent = operations::resend_confirmation(conn, &account, &meta, &base)?;
            Ok::<_, AppError>((sent, account.email))
        })
        .await?;
    if sent {
        viewer.flash(
            "success",
            format!("We sent a new confirmation link to {email}."),
        );
    } else {
        viewer.flash("info", "Your email address is already confirmed.");
    }
    Ok(see_other("/account"))
}
