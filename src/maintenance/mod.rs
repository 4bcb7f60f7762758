//! Preventive maintenance: schedules that raise work orders by themselves, their checklists,
//! meter readings, and how well the visits are kept (PM compliance).
//!
//! [`cycle`] holds the calendar arithmetic of when each visit falls due, [`operations`] the
//! rules (saving schedules, moving visits, readings, and the generator the background worker
//! runs hourly in every organization), [`queries`] every read.

pub mod compliance;
pub mod cycle;
pub mod demo;
pub mod forecast;
pub mod forms;
pub mod jobs;
pub mod model;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod views;
