//! An organization's members: roles, invitations, removal.

pub mod forms;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod views;
