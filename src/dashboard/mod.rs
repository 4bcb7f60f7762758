//! The organization dashboard (`/o/{slug}`): what needs attention today, lift health scores
//! with their daily history, MTTR/MTBF and server-rendered charts.

pub mod charts;
pub mod demo;
pub mod figures;
pub mod health;
pub mod jobs;
pub mod queries;
pub mod routes;
pub mod views;
