//! Notifications for signed-in accounts: the bell, and — as each account chooses per kind —
//! an email at once or a daily digest, each with a one-click unsubscribe.

pub mod jobs;
pub mod kinds;
pub mod operations;
pub mod preferences;
pub mod queries;
pub mod routes;
pub mod unsubscribe;

pub use queries::{notify, NewNotification};
