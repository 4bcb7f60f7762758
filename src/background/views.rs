//! The admin page's template.

use crate::web::local_time::filters;
use askama::Template;

use super::queries::{Depth, TroubledJob};
use crate::web::pagination::Pagination;
use crate::web::Layout;

#[derive(Template)]
#[template(path = "background/jobs.html")]
pub struct JobsPage {
    pub layout: Layout,
    pub jobs: Vec<TroubledJob>,
    pub depths: Vec<Depth>,
    pub state: Option<String>,
    pub pagination: Pagination,
}
