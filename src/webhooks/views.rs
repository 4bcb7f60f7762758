//! The pages' templates.

use crate::web::local_time::filters;
use askama::Template;

use super::events::Event;
use super::forms::SubscriptionForm;
use super::queries::{Delivery, Subscription};
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::Layout;

#[derive(Template)]
#[template(path = "webhooks/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub slug: String,
    pub subscriptions: Vec<Subscription>,
}

#[derive(Template)]
#[template(path = "webhooks/form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub slug: String,
    /// `None` for a new subscription.
    pub subscription_id: Option<uuid::Uuid>,
    pub form: SubscriptionForm,
    pub errors: FieldErrors,
    pub events: &'static [Event],
}

#[derive(Template)]
#[template(path = "webhooks/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub slug: String,
    pub subscription: Subscription,
    /// `None` when it cannot be unsealed (the server's secret key changed).
    pub secret: Option<String>,
    pub deliveries: Vec<Delivery>,
    pub pagination: Pagination,
}

#[derive(Template)]
#[template(path = "webhooks/delete.html")]
pub struct DeletePage {
    pub layout: Layout,
    pub slug: String,
    pub subscription: Subscription,
}

/// What the pages call an event: its label, or the name for `ping` and retired events.
pub fn event_label(name: &str) -> &str {
    match Event::parse(name) {
        Some(event) => event.label(),
        None if name == super::events::PING => "Test event",
        None => name,
    }
}

/// The badge class of a delivery's status.
pub fn status_class(status: &str) -> &'static str {
    match status {
        "delivered" => "badge-ok",
        "dead" => "badge-bad",
        "failed" => "badge-warn",
        _ => "badge-info",
    }
}
