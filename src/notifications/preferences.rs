//! `/account/notifications` (how each kind reaches me) and `/unsubscribe/{token}` (the link
//! in every email, which works without signing in: the signed token is the permission).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::kinds::Delivery;
use super::operations::{self, Choice};
use super::unsubscribe::{self, Target};
use crate::auth::Viewer;
use crate::web::forms::FieldErrors;
use crate::web::{render, render_status, see_other, AppError, Layout};
use crate::AppState;

#[derive(Template)]
#[template(path = "notifications/preferences.html")]
struct PreferencesPage {
    layout: Layout,
    choices: Vec<Choice>,
    deliveries: [Delivery; 3],
    errors: FieldErrors,
}

pub async fn page(viewer: Viewer, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?.id;
    let choices = state
        .db
        .run(move |conn| Ok::<_, AppError>(operations::choices(conn, account)?))
        .await?;
    render(&PreferencesPage {
        layout: viewer.layout("Notification preferences").section("account"),
        choices,
        deliveries: Delivery::ALL,
        errors: FieldErrors::default(),
    })
}

pub async fn save(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?.id;
    let form = form.into_inner();
    let saved = state
        .db
        .run(
            move |conn| match operations::save_choices(conn, account, &form) {
                Ok(()) => Ok(Ok(())),
                Err(AppError::Rejected(errors)) => {
                    Ok(Err((operations::choices(conn, account)?, errors)))
                }
                Err(other) => Err(other),
            },
        )
        .await?;
    match saved {
        Ok(()) => {
            viewer.flash("success", "Your notification preferences are saved.");
            Ok(see_other("/account/notifications"))
        }
        Err((choices, errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PreferencesPage {
                layout: viewer.layout("Notification preferences").section("account"),
                choices,
                deliveries: Delivery::ALL,
                errors,
            },
        ),
    }
}

#[derive(Template)]
#[template(path = "notifications/unsubscribe.html")]
struct UnsubscribePage {
    layout: Layout,
    token: String,
    /// What the link stops, in words.
    about: String,
    done: bool,
}

fn target_of(state: &AppState, token: &str) -> Result<Target, AppError> {
    unsubscribe::verify(&state.config.secret_key, token).ok_or_else(|| {
        AppError::BadRequest(
            "This unsubscribe link is not valid. Open it again from the email, or choose what \
             you are emailed about on your account's notification page."
                .into(),
        )
    })
}

fn about(kind: &str) -> String {
    super::kinds::find(kind)
        .map(|k| k.label.to_string())
        .unwrap_or_else(|| "the daily digest".into())
}

/// Asks before unsubscribing: mail scanners open links, and a GET must not change anything.
pub async fn confirm_page(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let target = target_of(&state, &token)?;
    render(&UnsubscribePage {
        layout: viewer.layout("Unsubscribe"),
        token,
        about: about(&target.kind),
        done: false,
    })
}

/// The one-click POST (RFC 8058) from a mail client, or the button of the page above.
pub async fn unsubscribe(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let target = target_of(&state, &token)?;
    let stopped = state
        .db
        .run(move |conn| operations::unsubscribe(conn, &target))
        .await?;
    render(&UnsubscribePage {
        layout: viewer.layout("Unsubscribed"),
        token,
        about: stopped.to_string(),
        done: true,
    })
}
