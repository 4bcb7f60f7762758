//! The subscription form: what was typed, kept as typed for a form shown again, and its
//! checks. Where the URL points is checked by the operation (it needs the configuration).

use serde::Deserialize;

use super::events::Event;
use super::queries::{Subscription, SubscriptionValues};
use crate::web::forms::{check_line, FieldErrors};

/// Several `events` checkboxes share one name, so the form is read with
/// [`crate::web::forms::with_lines`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SubscriptionForm {
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    /// `"1"` when the "Active" box is ticked; absent when not.
    pub active: String,
}

impl SubscriptionForm {
    /// A new subscription's form: active, nothing chosen yet.
    pub fn blank() -> SubscriptionForm {
        SubscriptionForm {
            active: "1".into(),
            ..Default::default()
        }
    }

    pub fn of(subscription: &Subscription) -> SubscriptionForm {
        SubscriptionForm {
            url: subscription.url.clone(),
            description: subscription.description.clone().unwrap_or_default(),
            events: subscription.events.clone(),
            active: if subscription.active { "1" } else { "" }.into(),
        }
    }

    pub fn from_pairs(pairs: Vec<(String, String)>) -> SubscriptionForm {
        crate::web::forms::with_lines(pairs, &["events"])
    }

    pub fn is_active(&self) -> bool {
        !self.active.is_empty()
    }

    pub fn has_event(&self, event: &Event) -> bool {
        self.events.iter().any(|e| e == event.as_str())
    }

    /// The values to save, or every field's complaint.
    pub fn validate(&self) -> Result<SubscriptionValues, FieldErrors> {
        let mut errors = FieldErrors::default();
        check_line(&mut errors, "url", &self.url, 2000, true);
        check_line(&mut errors, "description", &self.description, 255, false);
        let mut events = Vec::new();
        for event in Event::ALL {
            if self.has_event(event) {
                events.push(event.as_str().to_string());
            }
        }
        if self.events.iter().any(|e| Event::parse(e).is_none()) {
            errors.add("events", "Choose events from the list.");
        } else if events.is_empty() {
            errors.add("events", "Choose at least one event to send.");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let description = self.description.trim();
        Ok(SubscriptionValues {
            url: self.url.trim().to_string(),
            description: (!description.is_empty()).then(|| description.to_string()),
            events,
            active: self.is_active(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_from_the_list_and_at_least_one_is_chosen() {
        let pairs = |events: &[&str]| {
            let mut pairs = vec![("url".to_string(), "https://example.com/h".to_string())];
            pairs.extend(events.iter().map(|e| ("events".to_string(), e.to_string())));
            SubscriptionForm::from_pairs(pairs)
        };
        let values = pairs(&["fault_report.created", "work_order.created"])
            .validate()
            .ok();
        assert_eq!(
            values.map(|v| (v.events, v.active)),
            Some((
                vec!["work_order.created".into(), "fault_report.created".into()],
                false
            ))
        );
        assert!(pairs(&[]).validate().is_err_and(|e| e.has("events")));
        assert!(pairs(&["invoice.paid"])
            .validate()
            .is_err_and(|e| e.has("events")));
    }
}
