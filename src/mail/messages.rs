//! The emails the platform sends, each with a plain-text and an HTML part rendered from
//! `templates/mail/<kind>.txt` and `.html`.

use std::collections::BTreeMap;

use askama::Template;

/// A message ready for the outbox.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Extra headers (List-Unsubscribe…).
    pub headers: BTreeMap<String, String>,
}

/// Gives a message kind its two parts: `parts!(Kind, "mail/kind.txt", "mail/kind.html")`.
/// The templates see the message as `m`.
macro_rules! parts {
    ($kind:ident, $text:literal, $html:literal) => {
        impl $kind {
            pub fn render(&self) -> Result<Rendered, askama::Error> {
                #[derive(Template)]
                #[template(path = $text)]
                struct Text<'a> {
                    m: &'a $kind,
                }
                #[derive(Template)]
                #[template(path = $html)]
                struct Html<'a> {
                    m: &'a $kind,
                }
                Ok(Rendered {
                    subject: self.subject(),
                    text: Text { m: self }.render()?,
                    html: Html { m: self }.render()?,
                    headers: BTreeMap::new(),
                })
            }
        }
    };
}

/// A link to choose a new password.
pub struct PasswordReset {
    pub name: String,
    pub link: String,
}
parts!(
    PasswordReset,
    "mail/password_reset.txt",
    "mail/password_reset.html"
);

impl PasswordReset {
    fn subject(&self) -> String {
        "Choose a new SiteSync password".into()
    }
}

/// A link that confirms an email address (after sign-up or an email change).
pub struct ConfirmEmail {
    pub name: String,
    pub link: String,
}
parts!(
    ConfirmEmail,
    "mail/confirm_email.txt",
    "mail/confirm_email.html"
);

impl ConfirmEmail {
    fn subject(&self) -> String {
        "Confirm your email address for SiteSync".into()
    }
}

/// Someone signed up with an address that already has an account: its owner hears of it
/// (the sign-up page answers the same either way, so it tells a stranger nothing).
pub struct AccountExists {
    pub name: String,
    pub sign_in: String,
    pub reset: String,
}
parts!(
    AccountExists,
    "mail/account_exists.txt",
    "mail/account_exists.html"
);

impl AccountExists {
    fn subject(&self) -> String {
        "You already have a SiteSync account".into()
    }
}

/// An invitation to join an organization.
pub struct Invitation {
    pub organization: String,
    pub inviter: String,
    pub role: String,
    pub link: String,
    pub expires: String,
}
parts!(Invitation, "mail/invitation.txt", "mail/invitation.html");

impl Invitation {
    fn subject(&self) -> String {
        format!(
            "{} invited you to {} on SiteSync",
            self.inviter, self.organization
        )
    }
}

/// A notification its recipient chose to have emailed.
pub struct Notification {
    pub name: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub organization: Option<String>,
    /// What kind of notification it is, in words (for the footer).
    pub about: String,
    /// `None` for a kind that cannot be switched off.
    pub unsubscribe: Option<String>,
    pub preferences: String,
}
parts!(
    Notification,
    "mail/notification.txt",
    "mail/notification.html"
);

impl Notification {
    fn subject(&self) -> String {
        match &self.organization {
            Some(org) => format!("{} · {org}", self.title),
            None => self.title.clone(),
        }
    }
}

/// One notification in a digest.
pub struct DigestLine {
    pub title: String,
    pub body: String,
    pub link: String,
    /// When it happened, in the recipient's time zone.
    pub when: String,
}

/// The day's notifications gathered into one email.
pub struct Digest {
    pub name: String,
    pub lines: Vec<DigestLine>,
    pub unsubscribe: String,
    pub preferences: String,
}
parts!(Digest, "mail/digest.txt", "mail/digest.html");

impl Digest {
    fn subject(&self) -> String {
        match self.lines.len() {
            1 => "Your SiteSync digest: 1 notification".into(),
            n => format!("Your SiteSync digest: {n} notifications"),
        }
    }
}

/// To the person who reported a fault: it was received, or its status changed.
pub struct FaultReportUpdate {
    pub name: String,
    pub organization: String,
    pub reference: String,
    pub subject: String,
    pub status: String,
    /// Just reported (rather than moved on).
    pub received: bool,
    pub note: String,
    /// Its public status page.
    pub link: String,
}
parts!(
    FaultReportUpdate,
    "mail/fault_report_update.txt",
    "mail/fault_report_update.html"
);

impl FaultReportUpdate {
    fn subject(&self) -> String {
        if self.received {
            format!("We received your report {}", self.reference)
        } else {
            format!(
                "Your report {} is now {}",
                self.reference,
                self.status.to_lowercase()
            )
        }
    }
}
