//! Email that leaves the application, through an outbox.
//!
//! [`send`] writes the message into `public.outbox_messages` and enqueues its delivery in the
//! caller's transaction: a change that rolls back sends nothing, and a change that commits
//! sends its messages even if the process dies right after. The `deliver_mail` background kind
//! hands each message to the [`transport::Mailer`] — SMTP when `SITESYNC_SMTP_URL` is set,
//! otherwise `.eml` files under `$SITESYNC_DATA_DIR/mail/` — and records the outcome on the
//! message, which `/admin/mail` shows and can send again.

pub mod deliver;
pub mod messages;
pub mod outbox;
pub mod routes;
pub mod transport;
mod views;

use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use crate::background::{self, NewJob};
pub use messages::Rendered;
pub use transport::Mailer;

/// One email to send: who to, what, and what caused it.
pub struct Email<'a> {
    /// A short name of the kind of message (`password_reset`, `invitation`…).
    pub kind: &'a str,
    pub to_address: &'a str,
    pub to_name: Option<&'a str>,
    pub content: Rendered,
    pub account_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    /// What caused it, to find a message from its cause (`invitation:<id>`…).
    pub correlation_id: Option<String>,
}

/// Queues `email` in the caller's transaction; returns the message's id.
pub fn send(conn: &mut PgConnection, email: &Email) -> QueryResult<Uuid> {
    let id = outbox::insert(conn, email)?;
    background::enqueue(
        conn,
        &NewJob {
            kind: deliver::KIND,
            organization_id: None,
            payload: serde_json::json!({ "message": id }),
            unique_key: Some(id.to_string()),
            run_at: Utc::now(),
            max_attempts: deliver::MAX_ATTEMPTS,
        },
    )?;
    Ok(id)
}

/// A name or subject as one header line: line breaks and other control characters become
/// spaces, so text a user typed can never add a header of its own.
pub fn header_text(raw: &str) -> String {
    let line: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::header_text;

    #[test]
    fn header_text_cannot_break_a_line() {
        assert_eq!(
            header_text("Hello\r\nBcc: victim@example.com"),
            "Hello Bcc: victim@example.com"
        );
        assert_eq!(header_text("  a\tb\n"), "a b");
    }
}
