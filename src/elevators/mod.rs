//! Lifts: list across sites, detail with status history and inspections, editing, CSV.

pub mod csv;
pub mod forms;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod status;
pub mod views;
