//! The job board's pages and actions: each handler reads the request, calls one operation or
//! query with the viewer's [`Audience`](super::model::Audience), and renders.

pub mod applications;
pub mod listings;
pub mod pipeline;

use serde::Deserialize;

const PER_PAGE: i64 = 20;

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub page: Option<i64>,
}
