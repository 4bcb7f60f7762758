//! Work orders: the board, the lifecycle, tasks, parts, labour, costs and comments.

pub mod costs;
pub mod demo;
pub mod field_view;
pub mod forms;
pub mod hooks;
pub mod jobs;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod status;
pub mod views;
