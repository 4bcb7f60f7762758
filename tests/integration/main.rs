#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Integration tests: the real application over real HTTP against a real PostgreSQL.

mod fixtures;
mod harness;
mod mailbox;

mod accounts;
mod api;
mod architecture;
mod attachments;
mod background;
mod backup;
mod cluster;
mod conversations;
mod crawler;
mod dashboard;
mod dashboard_figures;
mod database_faults;
mod deletion;
mod faults;
mod first_start;
mod forum;
mod foundation;
mod inventory;
pub mod jobs;
pub mod live;
mod local_time;
mod mail;
mod maintenance;
mod marketplace;
mod members;
mod notifications;
mod operations;
mod performance;
mod schedule;
mod service_requests;
mod sites;
mod toolchain;
mod transfer;
mod webhooks;
mod work_order_field;
mod work_orders;
