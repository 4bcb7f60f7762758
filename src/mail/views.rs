//! The admin pages' templates.

use crate::web::local_time::filters;
use askama::Template;

use super::outbox::{Listed, Message};
use crate::web::pagination::Pagination;
use crate::web::Layout;

#[derive(Template)]
#[template(path = "mail/admin_list.html")]
pub struct MailListPage {
    pub layout: Layout,
    pub messages: Vec<Listed>,
    pub status: Option<String>,
    pub statuses: &'static [&'static str],
    pub pagination: Pagination,
}

#[derive(Template)]
#[template(path = "mail/admin_detail.html")]
pub struct MailDetailPage {
    pub layout: Layout,
    pub message: Message,
    pub headers: Vec<(String, String)>,
}

/// The badge class of a status.
pub fn status_class(status: &str) -> &'static str {
    match status {
        "completed" => "badge-ok",
        "dead" => "badge-bad",
        "failed" => "badge-warn",
        _ => "badge-info",
    }
}
