//! Technician profiles: a portable record of experience, certifications and employment that
//! its owner edits and that job applications can be made with.

pub mod forms;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod views;
