//! Fault reports from building occupants: public report links and QR codes, the private status
//! page, the triage queue, tenants and their portal.

pub mod demo;
pub mod forms;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod views;
