//! The kinds of notification, and how each may reach its recipient.

/// Where a notification goes besides the bell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The bell and the notification list only.
    InApp,
    /// Also emailed at once.
    Email,
    /// Also gathered into one email a day.
    Digest,
}

impl Delivery {
    pub const ALL: [Delivery; 3] = [Delivery::InApp, Delivery::Email, Delivery::Digest];

    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::InApp => "in_app",
            Delivery::Email => "email",
            Delivery::Digest => "digest",
        }
    }

    pub fn parse(raw: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Delivery::InApp => "In SiteSync only",
            Delivery::Email => "Email at once",
            Delivery::Digest => "Daily digest",
        }
    }
}

/// One kind of notification, as `notifications.kind` names it.
pub struct NotificationKind {
    pub key: &'static str,
    pub label: &'static str,
    pub default: Delivery,
    /// Emailed at once whatever the preference (someone may be trapped in a lift).
    pub locked: bool,
}

pub const KINDS: &[NotificationKind] = &[
    NotificationKind {
        key: "entrapment",
        label: "Entrapments: someone is trapped in a lift",
        default: Delivery::Email,
        locked: true,
    },
    NotificationKind {
        key: "work_order_assigned",
        label: "A work order is assigned to me",
        default: Delivery::Email,
        locked: false,
    },
    NotificationKind {
        key: "work_order_status",
        label: "A work order I reported or am assigned to changes status",
        default: Delivery::InApp,
        locked: false,
    },
    NotificationKind {
        key: "service_request",
        label: "Fault reports: new ones, and updates on mine",
        default: Delivery::Email,
        locked: false,
    },
    NotificationKind {
        key: "message",
        label: "Messages in my conversations",
        default: Delivery::Email,
        locked: false,
    },
    NotificationKind {
        key: "forum_reply",
        label: "Replies in forum threads I watch",
        default: Delivery::Digest,
        locked: false,
    },
    NotificationKind {
        key: "job_application",
        label: "Job applications and their progress",
        default: Delivery::Email,
        locked: false,
    },
    NotificationKind {
        key: "marketplace_inquiry",
        label: "Marketplace inquiries",
        default: Delivery::Email,
        locked: false,
    },
    NotificationKind {
        key: "marketplace_order",
        label: "Marketplace orders",
        default: Delivery::Email,
        locked: false,
    },
];

/// The digest itself, as an unsubscribe target: unsubscribing from it turns every kind
/// gathered into the digest back to in-app only.
pub const DIGEST: &str = "digest";

pub fn find(key: &str) -> Option<&'static NotificationKind> {
    KINDS.iter().find(|kind| kind.key == key)
}

/// Where a notification of `kind` goes for an account whose stored choice is `chosen`.
/// A kind not in the list (a new one, or a test's) stays in the app.
pub fn resolve(kind: &str, chosen: Option<&str>) -> Delivery {
    match find(kind) {
        Some(k) if k.locked => k.default,
        Some(k) => chosen.and_then(Delivery::parse).unwrap_or(k.default),
        None => Delivery::InApp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entrapments_are_emailed_whatever_the_choice() {
        assert_eq!(resolve("entrapment", Some("in_app")), Delivery::Email);
        assert_eq!(resolve("forum_reply", None), Delivery::Digest);
        assert_eq!(resolve("forum_reply", Some("email")), Delivery::Email);
        assert_eq!(resolve("forum_reply", Some("nonsense")), Delivery::Digest);
        assert_eq!(resolve("unknown", Some("email")), Delivery::InApp);
    }
}
