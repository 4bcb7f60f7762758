//! The application's error type and how each error looks to a person: a full page for a normal
//! request, a small fragment for an htmx one. Internal causes are logged, never shown.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::layout::Layout;
use crate::db::Unavailable;
use crate::orgs::tenancy::TenancyError;

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
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        AppError::Internal(cause.to_string())
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
            other => AppError::Internal(other.to_string()),
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
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    heading: &'a str,
    message: String,
    status: u16,
}

#[derive(Template)]
#[template(path = "error.html", block = "error_message")]
struct ErrorFragment<'a> {
    heading: &'a str,
    message: String,
    status: u16,
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

    fn error_response(&self) -> HttpResponse<BoxBody> {
        match self {
            AppError::Internal(cause) => tracing::error!(%cause, "internal error"),
            AppError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            _ => {}
        }
        let status = self.status_code();
        if let AppError::SignInRequired { next } = self {
            let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/signin?{query}")))
                .finish();
        }
        let page = ErrorPage {
            layout: Layout::new(self.heading()),
            heading: self.heading(),
            message: self.message(),
            status: status.as_u16(),
        };
        let mut response = HttpResponse::build(status);
        response.content_type("text/html; charset=utf-8");
        // An error page can name what the viewer asked for; like every page, it is not stored.
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        for header in super::middleware::SECURITY_HEADERS {
            response.insert_header(header);
        }
        if let AppError::TooManyRequests {
            retry_after_secs, ..
        } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        match page.render() {
            Ok(html) => response.body(html),
            Err(_) => response.body(self.heading()),
        }
    }
}

/// For htmx requests, replaces an error page with its fragment and points htmx at the page's
/// alert region, so a failed inline action shows a message instead of swapping in a whole page.
pub fn htmx_error_fragment<B>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_htmx = res.request().headers().contains_key("hx-request");
    let app_error = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .map(|e| ErrorFragment {
            heading: e.heading(),
            message: e.message(),
            status: e.status_code().as_u16(),
        });
    let (Some(fragment), true) = (app_error, is_htmx) else {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    };
    let html = fragment.render().unwrap_or_default();
    let (req, res) = res.into_parts();
    let mut res = res.set_body(html);
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::HeaderName::from_static("hx-retarget"),
        HeaderValue::from_static("#alerts"),
    );
    headers.insert(
        header::HeaderName::from_static("hx-reswap"),
        HeaderValue::from_static("innerHTML"),
    );
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, res.map_into_boxed_body()).map_into_right_body(),
    ))
}
