//! What people do in the forum, as plain functions: start a thread, reply, edit, vote, accept
//! an answer, flag, moderate, watch, and the platform admins' category work.
//!
//! Each takes a connection, the acting [`Access`] and the input as typed (the forms' structs,
//! which read from a form or JSON alike, and which the operation checks itself so no caller can
//! skip a rule), and answers a typed result or a [`ForumError`]. The pages call them, and so
//! will the JSON API.

pub mod categories;
pub mod moderation;
pub mod posts;
pub mod subscriptions;
pub mod threads;

use uuid::Uuid;

use super::access::Access;
use crate::web::forms::FieldErrors;
use crate::web::AppError;

#[derive(Debug, thiserror::Error)]
pub enum ForumError {
    /// Does not exist, or may not be read by this account: the two are never told apart.
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    SignInRequired,
    #[error("not allowed: {0}")]
    NotAllowed(&'static str),
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("invalid input: {}", .0.summary())]
    Invalid(FieldErrors),
    #[error(transparent)]
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for ForumError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => ForumError::NotFound,
            other => ForumError::Database(other),
        }
    }
}

impl From<ForumError> for AppError {
    fn from(error: ForumError) -> Self {
        match error {
            ForumError::NotFound => AppError::NotFound,
            ForumError::SignInRequired => AppError::SignInRequired {
                next: "/forum".into(),
            },
            ForumError::NotAllowed(why) => AppError::Forbidden(why.into()),
            ForumError::Conflict(why) => AppError::Conflict(why.into()),
            ForumError::Invalid(errors) => AppError::Rejected(errors),
            ForumError::Database(error) => error.into(),
        }
    }
}

/// The account acting: every forum write has an author.
fn actor(access: &Access) -> Result<Uuid, ForumError> {
    access.account_id.ok_or(ForumError::SignInRequired)
}

/// Field errors as the operation's refusal, or nothing when there are none.
fn refuse_invalid(errors: FieldErrors) -> Result<(), ForumError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ForumError::Invalid(errors))
    }
}
