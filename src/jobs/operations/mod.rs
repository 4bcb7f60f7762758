//! What people do on the job board, as plain functions: post, edit, publish and close jobs
//! (`listings`), apply and withdraw (`applications`), and run a job's applicant pipeline
//! (`pipeline`).
//!
//! Each takes a connection, the acting [`Audience`](super::model::Audience) (who they are and
//! where they hire) and the input as typed (the forms' structs, which read from a form or JSON
//! alike and which the operation checks itself), and answers a typed result or a
//! [`JobsError`]. The pages call them, and so will the JSON API.

pub mod applications;
pub mod listings;
pub mod pipeline;

use uuid::Uuid;

use super::model::Audience;
use crate::storage::StorageError;
use crate::web::forms::FieldErrors;
use crate::web::AppError;

#[derive(Debug, thiserror::Error)]
pub enum JobsError {
    /// Does not exist, or not for this account: the two are never told apart.
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    SignInRequired,
    #[error("not allowed: {0}")]
    NotAllowed(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid input: {}", .0.summary())]
    Invalid(FieldErrors),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for JobsError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => JobsError::NotFound,
            other => JobsError::Database(other),
        }
    }
}

impl From<JobsError> for AppError {
    fn from(error: JobsError) -> Self {
        match error {
            JobsError::NotFound => AppError::NotFound,
            JobsError::SignInRequired => AppError::SignInRequired {
                next: "/jobs".into(),
            },
            JobsError::NotAllowed(why) => AppError::Forbidden(why),
            JobsError::Conflict(why) => AppError::Conflict(why),
            JobsError::Invalid(errors) => AppError::Rejected(errors),
            JobsError::Storage(error) => error.into(),
            JobsError::Database(error) => error.into(),
        }
    }
}

/// The account acting.
fn actor(audience: &Audience) -> Result<Uuid, JobsError> {
    audience.account_id.ok_or(JobsError::SignInRequired)
}

/// Field errors as the operation's refusal, or nothing when there are none.
fn refuse_invalid(errors: FieldErrors) -> Result<(), JobsError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(JobsError::Invalid(errors))
    }
}
