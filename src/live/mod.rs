//! Live updates: pages learn of changes without reloading, through Server-Sent Events.
//!
//! A change publishes an [`Event`] with `pg_notify` in its own transaction, so an event is
//! heard only once the change is committed, and by every app server on the database: each
//! server keeps one connection listening on [`CHANNEL`] and fans what it hears out to its
//! open `/events` streams (see [`hub`]). An event carries no data, only a name (`bell`,
//! `board`, `conversation-<id>`): the page asks for the fresh fragment itself, through the
//! usual routes and their permission checks. Pages work the same without it.

pub mod hub;
pub mod routes;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use hub::Hub;

pub const CHANNEL: &str = "sitesync_live";

/// NOTIFY payloads are capped at 8,000 bytes: this many account ids fit with room to spare.
const ACCOUNTS_PER_EVENT: usize = 150;

/// Something changed that some open pages show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The event's name, as pages listen for it (`hx-trigger="sse:<name>"`).
    pub name: String,
    /// Heard by these accounts…
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<Uuid>,
    /// …and by every member of this organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Uuid>,
}

impl Event {
    pub fn for_accounts(name: impl Into<String>, accounts: &[Uuid]) -> Event {
        Event {
            name: name.into(),
            accounts: accounts.to_vec(),
            organization: None,
        }
    }

    pub fn for_organization(name: impl Into<String>, organization: Uuid) -> Event {
        Event {
            name: name.into(),
            accounts: Vec::new(),
            organization: Some(organization),
        }
    }

    /// Whether an account that belongs to `organizations` hears it.
    pub fn reaches(&self, account: Uuid, organizations: &[Uuid]) -> bool {
        self.accounts.contains(&account)
            || self
                .organization
                .is_some_and(|org| organizations.contains(&org))
    }
}

/// Publishes `event` when the caller's transaction commits (at once outside one).
pub fn publish(conn: &mut PgConnection, event: &Event) -> QueryResult<()> {
    let chunks: Vec<Event> = if event.accounts.len() > ACCOUNTS_PER_EVENT {
        event
            .accounts
            .chunks(ACCOUNTS_PER_EVENT)
            .map(|accounts| Event {
                accounts: accounts.to_vec(),
                ..event.clone()
            })
            .collect()
    } else {
        vec![event.clone()]
    };
    for chunk in chunks {
        let payload = serde_json::to_string(&chunk).unwrap_or_default();
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<diesel::sql_types::Text, _>(CHANNEL)
            .bind::<diesel::sql_types::Text, _>(payload)
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_reaches_its_accounts_and_its_organization_only() {
        let (ann, bob, acme, beta) = (
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
        );
        let bell = Event::for_accounts("bell", &[ann]);
        assert!(bell.reaches(ann, &[]));
        assert!(!bell.reaches(bob, &[acme]));
        let board = Event::for_organization("board", acme);
        assert!(board.reaches(bob, &[beta, acme]));
        assert!(!board.reaches(ann, &[beta]));
        let json = serde_json::to_string(&board).unwrap_or_default();
        assert_eq!(serde_json::from_str::<Event>(&json).ok(), Some(board));
    }
}
