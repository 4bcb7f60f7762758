//! Counts every request and times it, labelled by the route pattern that matched
//! (`/o/{slug}/sites`) — never the raw path, whose slugs and ids would make a series per
//! organization and per record.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

use super::{enabled, HTTP_DURATION, HTTP_REQUESTS};

/// The label of a path no route matched (the not-found page, probes for `/wp-admin`).
const UNMATCHED: &str = "unmatched";

/// Methods beyond the usual ones are one label, so a client cannot invent series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// The middleware (`actix_web::middleware::from_fn(record_requests)`), outermost, so what it
/// times includes every other middleware. A streamed response (the live-update stream) is
/// timed to its head, not to its end.
pub async fn record_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if !enabled() {
        return next.call(req).await;
    }
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req.match_pattern().unwrap_or_else(|| UNMATCHED.into());
    let outcome = next.call(req).await;
    let status = match &outcome {
        Ok(res) => res.status(),
        Err(e) => e.as_response_error().status_code(),
    };
    let labels = [
        ("method", method.to_string()),
        ("route", route),
        ("status", status.as_u16().to_string()),
    ];
    ::metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    ::metrics::histogram!(HTTP_DURATION, &labels).record(started.elapsed().as_secs_f64());
    outcome
}
