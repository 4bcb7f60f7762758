#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Integration tests: the real application over real HTTP against a real PostgreSQL.

mod harness;

mod accounts;
mod architecture;
mod attachments;
mod background;
mod cluster;
mod crawler;
mod dashboard;
mod forum;
mod foundation;
mod jobs;
mod marketplace;
mod members;
mod performance;
mod service_requests;
mod sites;
mod work_order_field;
mod work_orders;
