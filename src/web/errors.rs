//! The application's error type and how each error looks to a person: a full page for a normal
//! request, a small fragment for an htmx one. Internal causes are logged, never shown.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use super::layout::Layout;
use super::middleware::RequestId;
use crate::auth::identity::Viewer;
use crate::db::Unavailable;
use crate::orgs::TenancyError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Not signed in: off to the sign-in page, coming back to `next` afterwards.
    #[error("sign-in required")]
    SignInRequired { next: String },
    #[error("organization suspended")]
    Suspended,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too large: {0}")]
    PayloadTooLarge(String),
    /// Input refused with field errors. Returned from inside a transaction it rolls the
    /// transaction back; handlers turn it into their form re-rendered with status 422.
    #[error("rejected input")]
    Rejected(crate::web::forms::FieldErrors),
    #[error("too many requests: {message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Something that should not happen. The cause is kept whole (with its own causes) for
    /// the log; the person sees only the request id to quote.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl AppError {
    /// An internal error caused by `error`, whose chain of causes goes to the log.
    pub fn internal<E>(error: E) -> AppError
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        AppError::Internal(anyhow::Error::new(error))
    }

    /// An internal error described by `what` (a broken invariant, not a failed call).
    pub fn unexpected(what: impl std::fmt::Display) -> AppError {
        AppError::Internal(anyhow::anyhow!("{what}"))
    }

    fn heading(&self) -> &'static str {
        match self {
            AppError::NotFound => "Page not found",
            AppError::SignInRequired { .. } => "Please sign in",
            AppError::Suspended => "Organization suspended",
            AppError::Forbidden(_) => "Not allowed",
            AppError::BadRequest(_) => "That request could not be read",
            AppError::Conflict(_) => "That could not be done",
            AppError::PayloadTooLarge(_) => "The file is too large",
            AppError::Rejected(_) => "Please check what you entered",
            AppError::TooManyRequests { .. } => "Too many attempts",
            AppError::Unavailable(_) => "Temporarily unavailable",
            AppError::Internal(_) => "Something went wrong",
        }
    }

    /// What the person reading the page is told; never an internal cause.
    fn message(&self) -> String {
        match self {
            AppError::NotFound => {
                "There is nothing at this address. It may have been moved or archived, or the link may be mistyped.".into()
            }
            AppError::SignInRequired { .. } => "Sign in to continue.".into(),
            AppError::Suspended => {
                "This organization has been suspended by the platform administrators. Its pages are unavailable until it is reinstated; please contact support.".into()
            }
            AppError::Forbidden(why)
            | AppError::BadRequest(why)
            | AppError::Conflict(why)
            | AppError::PayloadTooLarge(why) => {
                why.clone()
            }
            AppError::TooManyRequests { message, .. } => message.clone(),
            AppError::Rejected(errors) => errors
                .messages()
                .map(|(field, message)| format!("{}: {message}", field.replace('_', " ")))
                .collect::<Vec<_>>()
                .join(" "),
            AppError::Unavailable(_) => {
                "The service is busy right now. Please try again in a few seconds.".into()
            }
            AppError::Internal(_) => {
                "The error has been logged. Please try again; if it keeps happening, tell your administrator.".into()
            }
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            // The transaction did not complete, so nothing of it was kept: try again.
            other if crate::db::liveness::is_transient(&other) => {
                AppError::Unavailable(other.to_string())
            }
            other => AppError::internal(other),
        }
    }
}

impl From<Unavailable> for AppError {
    fn from(e: Unavailable) -> Self {
        AppError::Unavailable(e.0)
    }
}

impl From<TenancyError> for AppError {
    fn from(e: TenancyError) -> Self {
        match e {
            TenancyError::NotFound => AppError::NotFound,
            TenancyError::Database(e) => e.into(),
            other => AppError::internal(other),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(anyhow::Error::new(e).context("rendering a template"))
    }
}

/// When a client should try again after a 503: a lost connection is replaced at once, and a
/// restarting database is usually back within seconds.
pub const UNAVAILABLE_RETRY_AFTER_SECS: &str = "5";

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    heading: &'a str,
    message: String,
    status: u16,
    request_id: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html", block = "error_message")]
struct ErrorFragment<'a> {
    heading: &'a str,
    message: String,
    status: u16,
    request_id: Option<String>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AppError::Forbidden(_) | AppError::Suspended => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Rejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The page when nothing better is known (no request at hand); [`error_pages`] replaces it
    /// with one that knows the viewer and the request id.
    fn error_response(&self) -> HttpResponse<BoxBody> {
        self.page(Layout::new(self.heading()), None, false)
    }
}

impl AppError {
    /// The full page, or for htmx the fragment aimed at the page's alert region.
    fn page(
        &self,
        layout: Layout,
        request_id: Option<String>,
        htmx: bool,
    ) -> HttpResponse<BoxBody> {
        let status = self.status_code();
        if let AppError::SignInRequired { next } = self {
            let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/signin?{query}")))
                .finish();
        }
        // Only an internal error needs the id: it is what a person quotes to support.
        let request_id = request_id.filter(|_| matches!(self, AppError::Internal(_)));
        let mut response = HttpResponse::build(status);
        response.content_type("text/html; charset=utf-8");
        // An error page can name what the viewer asked for; like every page, it is not stored.
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        response.insert_header((header::VARY, "HX-Request"));
        for header in super::middleware::SECURITY_HEADERS {
            response.insert_header(header);
        }
        match self {
            AppError::TooManyRequests {
                retry_after_secs, ..
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            AppError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, UNAVAILABLE_RETRY_AFTER_SECS));
            }
            _ => {}
        }
        let html = if htmx {
            response.insert_header((
                header::HeaderName::from_static("hx-retarget"),
                HeaderValue::from_static("#alerts"),
            ));
            response.insert_header((
                header::HeaderName::from_static("hx-reswap"),
                HeaderValue::from_static("innerHTML"),
            ));
            ErrorFragment {
                heading: self.heading(),
                message: self.message(),
                status: status.as_u16(),
                request_id,
            }
            .render()
        } else {
            ErrorPage {
                layout,
                heading: self.heading(),
                message: self.message(),
                status: status.as_u16(),
                request_id,
            }
            .render()
        };
        match html {
            Ok(html) => response.body(html),
            Err(_) => response.body(self.heading()),
        }
    }

    /// Logs an internal error with its whole chain of causes and the request it ended.
    fn log(&self, request_id: Option<&str>) {
        match self {
            AppError::Internal(cause) => {
                tracing::error!(
                    request_id = request_id.unwrap_or("-"),
                    error = format!("{cause:#}"),
                    "internal error"
                )
            }
            AppError::Unavailable(cause) => {
                tracing::warn!(request_id = request_id.unwrap_or("-"), %cause, "database unavailable")
            }
            _ => {}
        }
    }

    /// The answer to `req` for this error: logged, with the signed-in person's page frame when
    /// the request got as far as knowing them, and the request id on an internal error.
    pub fn respond_to(&self, req: &HttpRequest) -> HttpResponse<BoxBody> {
        let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
        self.log(request_id.as_deref());
        let layout = match req.extensions().get::<Viewer>() {
            Some(viewer) => viewer.layout(self.heading()),
            None => Layout::new(self.heading()),
        };
        self.page(layout, request_id, req.headers().contains_key("hx-request"))
    }

    /// [`AppError::respond_to`] when only the request's id and kind are known.
    pub fn respond_without_request(
        &self,
        request_id: Option<String>,
        htmx: bool,
    ) -> HttpResponse<BoxBody> {
        self.log(request_id.as_deref());
        self.page(Layout::new(self.heading()), request_id, htmx)
    }
}

/// Replaces the bare page of any error a handler or extractor returned with
/// [`AppError::respond_to`]'s: the viewer's own page frame, the request id to quote on an
/// internal error, and a fragment for htmx requests. Runs inside the session middleware, so
/// the page frame can read the session.
pub fn error_pages<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let Some(page) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .map(|e| e.respond_to(res.request()))
    else {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    };
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, page).map_into_right_body(),
    ))
}

#[cfg(test)]
mod tests {
    use super::AppError;

    #[derive(Debug, thiserror::Error)]
    #[error("loading the board")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn an_internal_error_keeps_its_chain_of_causes() {
        let error = AppError::internal(Outer(std::io::Error::other("connection reset")));
        assert_eq!(
            error.to_string(),
            "internal error: loading the board: connection reset"
        );
    }
}
