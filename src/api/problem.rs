//! Errors as the API answers them: RFC 9457 problem details (`application/problem+json`),
//! with the refused fields listed under `errors`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::Unavailable;
use crate::orgs::TenancyError;
use crate::web::forms::FieldErrors;
use crate::web::AppError;
use crate::work_orders::operations::WorkOrderError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No key, a malformed one, or one that is unknown, revoked or expired.
    #[error("{0}")]
    Unauthorized(String),
    /// The key lacks the scope (or the operation's rules refuse it).
    #[error("{0}")]
    Forbidden(String),
    #[error("No such resource in this organization.")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    /// The body could not be read as the operation's input.
    #[error("{0}")]
    Unreadable(String),
    #[error("The request was refused; see `errors` for each field.")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("Send the resource's ETag in If-Match: updates are refused without it, so no change overwrites one you have not seen.")]
    PreconditionRequired,
    #[error("The resource changed since the ETag you sent; read it again and repeat your change.")]
    PreconditionFailed,
    #[error("{0}")]
    TooLarge(String),
    #[error("This key has made its {limit} requests for this hour.")]
    TooManyRequests { limit: i32, retry_after_secs: u64 },
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn internal<E>(error: E) -> ApiError
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        ApiError::Internal(anyhow::Error::new(error))
    }

    /// One field refused.
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        ApiError::Invalid(errors)
    }

    /// The short name of the problem, which `type` links to in the reference.
    fn slug(&self) -> &'static str {
        match self {
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound => "not-found",
            ApiError::BadRequest(_) => "bad-request",
            ApiError::Unreadable(_) => "unreadable-body",
            ApiError::Invalid(_) => "invalid-fields",
            ApiError::Conflict(_) => "conflict",
            ApiError::PreconditionRequired => "if-match-required",
            ApiError::PreconditionFailed => "stale",
            ApiError::TooLarge(_) => "too-large",
            ApiError::TooManyRequests { .. } => "rate-limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }
}

/// A problem, as sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Links to the problem's explanation in the API reference.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For refused input: each field and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) | ApiError::Unreadable(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let detail = match self {
            ApiError::Internal(cause) => {
                tracing::error!(error = %format!("{cause:#}"), "API request failed");
                "Something went wrong on our side; nothing was changed. Try again later.".into()
            }
            other => other.to_string(),
        };
        let errors = match self {
            ApiError::Invalid(fields) => fields
                .messages()
                .map(|(field, message)| FieldProblem {
                    field: field.clone(),
                    message: message.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut response = HttpResponse::build(status);
        response.content_type("application/problem+json");
        if let ApiError::TooManyRequests {
            retry_after_secs, ..
        } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if matches!(self, ApiError::Unauthorized(_)) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"sitesync\""));
        }
        if matches!(self, ApiError::Unavailable(_)) {
            response.insert_header((
                header::RETRY_AFTER,
                crate::web::errors::UNAVAILABLE_RETRY_AFTER_SECS,
            ));
        }
        response.json(Problem {
            kind: format!("/api/docs#problem-{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            errors,
        })
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => ApiError::NotFound,
            AppError::SignInRequired { .. } => {
                ApiError::Unauthorized("An API key is required.".into())
            }
            AppError::Suspended => {
                ApiError::Forbidden("This organization is suspended on the platform.".into())
            }
            AppError::Forbidden(why) => ApiError::Forbidden(why),
            AppError::BadRequest(why) => ApiError::BadRequest(why),
            AppError::Conflict(why) => ApiError::Conflict(why),
            AppError::PayloadTooLarge(why) => ApiError::TooLarge(why),
            AppError::Rejected(fields) => ApiError::Invalid(fields),
            AppError::TooManyRequests { message, .. } => ApiError::Conflict(message),
            AppError::Unavailable(why) => ApiError::Unavailable(why),
            AppError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<WorkOrderError> for ApiError {
    fn from(e: WorkOrderError) -> Self {
        match e {
            // The version an update names comes from its If-Match.
            WorkOrderError::Stale => ApiError::PreconditionFailed,
            other => AppError::from(other).into(),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::from(e).into()
    }
}

impl From<TenancyError> for ApiError {
    fn from(e: TenancyError) -> Self {
        AppError::from(e).into()
    }
}

impl From<Unavailable> for ApiError {
    fn from(e: Unavailable) -> Self {
        ApiError::Unavailable(e.to_string())
    }
}
