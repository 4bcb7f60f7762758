//! Accounts, password hashing, sessions, CSRF, roles, sign-in throttling and security events.

pub mod accounts;
pub mod csrf;
pub mod deletion;
pub mod deletion_routes;
pub mod devices;
pub mod forms;
pub mod identity;
pub mod links;
pub mod operations;
pub mod password;
pub mod recovery;
pub mod roles;
pub mod routes;
pub mod security_events;
pub mod session_store;
pub mod throttle;
pub mod tokens;
pub mod views;

pub use identity::Viewer;
