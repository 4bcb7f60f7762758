//! The organization's tamper-evident audit trail.
//!
//! Every change to organization data appends one event in the same transaction, through
//! [`record`]. Each event's hash is SHA-256 over a canonical serialisation of its content and the
//! previous event's hash, so editing or removing any event breaks the chain from there on, and
//! [`chain::verify`] names the first broken event.

pub mod chain;
pub mod queries;
pub mod routes;

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::db::schema_org::{audit_chain_head, audit_events};
use crate::orgs::context::Actor;

/// One change, as the feature that made it describes it.
pub struct AuditEvent<'a> {
    pub event_type: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub data: Value,
    pub previous: Option<Value>,
    pub new: Option<Value>,
}

impl<'a> AuditEvent<'a> {
    pub fn new(event_type: &'a str, entity_type: &'a str, entity_id: impl ToString) -> Self {
        AuditEvent {
            event_type,
            entity_type,
            entity_id: Some(entity_id.to_string()),
            data: Value::Object(Default::default()),
            previous: None,
            new: None,
        }
    }

    pub fn data(mut self, data: Value) -> Self {
        self.data = scrub(data);
        self
    }

    pub fn change(mut self, previous: Option<Value>, new: Option<Value>) -> Self {
        self.previous = previous.map(scrub);
        self.new = new.map(scrub);
        self
    }
}

/// PostgreSQL's JSONB cannot hold NUL characters; drop them rather than fail the change.
fn scrub(value: Value) -> Value {
    match value {
        Value::String(s) if s.contains('\0') => Value::String(s.replace('\0', "")),
        Value::Array(items) => Value::Array(items.into_iter().map(scrub).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, scrub(v))).collect()),
        other => other,
    }
}

/// The fields a hash covers, in a fixed order.
pub(crate) struct Hashed<'a> {
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub event_type: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<&'a str>,
    pub actor_account_id: Option<uuid::Uuid>,
    pub actor_email: Option<&'a str>,
    pub event_data: &'a Value,
    pub previous_state: Option<&'a Value>,
    pub new_state: Option<&'a Value>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub previous_hash: &'a str,
    /// Hashed only when not `user`, so events written before it existed still verify.
    pub actor_type: &'a str,
}

/// JSON with object keys sorted at every level, whatever order they were built or stored in.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

impl Hashed<'_> {
    pub fn hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let opt = |v: Option<&str>| {
            v.map(|s| Value::String(s.to_string()))
                .unwrap_or(Value::Null)
        };
        let mut fields = vec![
            Value::from(self.seq),
            Value::String(
                self.occurred_at
                    .to_rfc3339_opts(SecondsFormat::Micros, true),
            ),
            Value::String(self.event_type.to_string()),
            Value::String(self.entity_type.to_string()),
            opt(self.entity_id),
            self.actor_account_id
                .map(|id| Value::String(id.to_string()))
                .unwrap_or(Value::Null),
            opt(self.actor_email),
            self.event_data.clone(),
            self.previous_state.cloned().unwrap_or(Value::Null),
            self.new_state.cloned().unwrap_or(Value::Null),
            opt(self.ip),
            opt(self.user_agent),
            opt(self.request_id),
            Value::String(self.previous_hash.to_string()),
        ];
        if self.actor_type != "user" {
            fields.push(Value::String(self.actor_type.to_string()));
        }
        let fields = Value::Array(fields);
        let mut text = String::new();
        canonical(&fields, &mut text);
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

/// Appends `event` to the trail of the organization the transaction is in. Taking the chain's
/// head row lock serialises concurrent writers, so the chain never forks.
pub fn record(conn: &mut PgConnection, actor: &Actor, event: AuditEvent) -> QueryResult<i64> {
    let (seq, previous_hash): (i64, String) = diesel::update(audit_chain_head::table)
        .set(audit_chain_head::last_seq.eq(audit_chain_head::last_seq + 1))
        .returning((audit_chain_head::last_seq, audit_chain_head::last_hash))
        .get_result(conn)?;
    // PostgreSQL keeps microseconds; hash exactly what will be read back.
    let now = Utc::now();
    let occurred_at = DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
    let hashed = Hashed {
        seq,
        occurred_at,
        event_type: event.event_type,
        entity_type: event.entity_type,
        entity_id: event.entity_id.as_deref(),
        actor_account_id: Some(actor.account_id),
        actor_email: Some(&actor.email),
        event_data: &event.data,
        previous_state: event.previous.as_ref(),
        new_state: event.new.as_ref(),
        ip: Some(&actor.meta.ip),
        user_agent: Some(&actor.meta.user_agent),
        request_id: Some(&actor.meta.request_id),
        previous_hash: &previous_hash,
        actor_type: actor.actor_type,
    };
    let hash = hashed.hash();
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::seq.eq(seq),
            audit_events::occurred_at.eq(occurred_at),
            audit_events::event_type.eq(event.event_type),
            audit_events::entity_type.eq(event.entity_type),
            audit_events::entity_id.eq(&event.entity_id),
            audit_events::actor_account_id.eq(actor.account_id),
            audit_events::actor_email.eq(&actor.email),
            audit_events::event_data.eq(&event.data),
            audit_events::previous_state.eq(&event.previous),
            audit_events::new_state.eq(&event.new),
            audit_events::ip.eq(&actor.meta.ip),
            audit_events::user_agent.eq(&actor.meta.user_agent),
            audit_events::request_id.eq(&actor.meta.request_id),
            audit_events::previous_hash.eq(&previous_hash),
            audit_events::hash.eq(&hash),
            audit_events::actor_type.eq(actor.actor_type),
        ))
        .execute(conn)?;
    diesel::update(audit_chain_head::table)
        .set(audit_chain_head::last_hash.eq(&hash))
        .execute(conn)?;
    Ok(seq)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let value: Value = serde_json::from_str(r#"{"b":1,"a":{"z":[{"y":2,"x":1}],"c":"é"}}"#)
            .unwrap_or_default();
        let mut out = String::new();
        canonical(&value, &mut out);
        assert_eq!(out, r#"{"a":{"c":"é","z":[{"x":1,"y":2}]},"b":1}"#);
    }
}
