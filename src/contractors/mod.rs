//! Contractors: the people and companies who do the work, their rates and their record.

pub mod forms;
pub mod queries;
pub mod routes;
