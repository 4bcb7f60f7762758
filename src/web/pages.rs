//! Platform pages that belong to no feature: the home page and the health check.

use actix_web::{web, HttpResponse};
use askama::Template;
use diesel::prelude::*;

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

/// 200 when the database answers, 503 otherwise (for load balancers and uptime checks).
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let answered: Result<usize, AppError> = state
        .db
        .run(|conn| Ok(diesel::sql_query("SELECT 1").execute(conn)?))
        .await;
    match answered {
        Ok(_) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body("ok"),
        Err(_) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body("database unavailable"),
    }
}

/// Nothing here. Takes the viewer so the page shows who is signed in.
pub async fn not_found(_viewer: crate::auth::Viewer) -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
