//! Platform pages that belong to no feature: the home page and the health check.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{render, AppError, Layout};
use crate::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
}

pub async fn home() -> Result<HttpResponse, AppError> {
    render(&HomePage {
        layout: Layout::new("Lift and building maintenance").section("home"),
    })
}

/// 200 when the database answers, 503 with the reason otherwise (for load balancers, uptime
/// checks and whoever is looking into an outage).
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let mut response = match state.db.unavailable_because().await {
        None => HttpResponse::Ok().body("ok"),
        Some(why) => HttpResponse::ServiceUnavailable()
            .insert_header((
                actix_web::http::header::RETRY_AFTER,
                super::errors::UNAVAILABLE_RETRY_AFTER_SECS,
            ))
            .body(format!(
                "database unavailable: {}",
                why.lines().next().unwrap_or_default().trim()
            )),
    };
    let headers = response.headers_mut();
    headers.insert(
        actix_web::http::header::CONTENT_TYPE,
        actix_web::http::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    response
}

/// Nothing here. Takes the viewer so the page shows who is signed in.
pub async fn not_found(_viewer: crate::auth::Viewer) -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
