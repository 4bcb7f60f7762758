//! In-app notifications for signed-in accounts.

pub mod queries;
pub mod routes;

pub use queries::{notify, NewNotification};
