//! The job board: listings posted by organizations' managers, browsed by anyone, applied to by
//! signed-in accounts, and each job's applicant pipeline.

pub mod demo;
pub mod forms;
pub mod matching;
pub mod model;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod views;
