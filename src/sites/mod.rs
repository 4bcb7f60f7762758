//! Sites (buildings) of an organization: list, detail, editing, archive, CSV import and export.

pub mod access_codes;
pub mod csv;
pub mod demo;
pub mod filter;
pub mod forms;
pub mod queries;
pub mod routes;
pub mod views;
