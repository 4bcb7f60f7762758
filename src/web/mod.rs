//! Shared web parts: errors as pages, the page frame, static assets, middleware, htmx helpers.

pub mod assets;
pub mod choices;
pub mod downloads;
pub mod errors;
pub mod forms;
pub mod htmx;
pub mod layout;
pub mod listing;
pub mod local_time;
pub mod markdown;
pub mod middleware;
pub mod pages;
pub mod pagination;
pub mod request_meta;
pub mod uploads;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;

pub use errors::AppError;
pub use htmx::Htmx;
pub use layout::Layout;

/// Renders a page or fragment. Pages differ by `HX-Request` (fragment vs full page), so caches
/// are told so; and since they may show private data, they are never stored.
pub fn render_status(
    status: StatusCode,
    template: &impl Template,
) -> Result<HttpResponse, AppError> {
    let html = template.render()?;
    Ok(HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::VARY, HeaderValue::from_static("HX-Request")))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .body(html))
}

pub fn render(template: &impl Template) -> Result<HttpResponse, AppError> {
    render_status(StatusCode::OK, template)
}

/// "See other": where a form post sends the browser next (POST–redirect–GET).
pub fn see_other(location: impl AsRef<str>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.as_ref()))
        .finish()
}

/// A CSV file to download (exports and import templates); never cached, as it may hold
/// private data.
pub fn csv_response(filename: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}
