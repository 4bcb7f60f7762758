//! What every page's frame needs: title, the signed-in account, the organization being viewed,
//! the organization switcher, the CSRF token and flash messages.

use serde::{Deserialize, Serialize};

use crate::auth::roles::{Permission, Role};

/// An organization in the header and the switcher.
#[derive(Debug, Clone)]
pub struct OrgNav {
    pub name: String,
    pub slug: String,
    pub role: Role,
}

impl OrgNav {
    pub fn can_manage_members(&self) -> bool {
        self.role.can(Permission::ManageMembers)
    }

    pub fn can_view_audit(&self) -> bool {
        self.role.can(Permission::ViewAudit)
    }

    pub fn can_manage_settings(&self) -> bool {
        self.role.can(Permission::ManageSettings)
    }

    pub fn can_triage(&self) -> bool {
        self.role.can(Permission::ManageServiceRequests)
    }

    /// Any permission, for navigation entries of features.
    pub fn can(&self, permission: Permission) -> bool {
        self.role.can(permission)
    }
}

#[derive(Debug, Clone)]
pub struct AccountNav {
    pub display_name: String,
    pub is_platform_admin: bool,
    /// Unread notifications.
    pub unread: i64,
    /// Conversations with unread messages.
    pub unread_messages: i64,
}

/// A one-time message (kind: success, error, info, warning).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub org: Option<OrgNav>,
    /// Which navigation entry is the current page (`aria-current`).
    pub section: &'static str,
    pub account: Option<AccountNav>,
    pub orgs: Vec<OrgNav>,
    pub csrf_token: Option<String>,
    pub flashes: Vec<Flash>,
    /// The zone this page's times read in where nothing nearer (a site) names one: the
    /// organization's inside one, else the signed-in person's own, else UTC (and says so).
    pub zone: chrono_tz::Tz,
}

impl Layout {
    /// A frame that knows nothing of the viewer (error pages).
    pub fn new(title: impl Into<String>) -> Layout {
        Layout {
            title: title.into(),
            org: None,
            section: "",
            account: None,
            orgs: Vec::new(),
            csrf_token: None,
            flashes: Vec::new(),
            zone: chrono_tz::UTC,
        }
    }

    pub fn section(mut self, section: &'static str) -> Layout {
        self.section = section;
        self
    }

    pub fn csrf(&self) -> &str {
        self.csrf_token.as_deref().unwrap_or_default()
    }
}
