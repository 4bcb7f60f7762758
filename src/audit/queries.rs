//! Reading the audit trail for the audit page and for entity timelines.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::db::schema_org::audit_events;

#[derive(Debug, Clone, Queryable)]
pub struct AuditRow {
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub event_type: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub actor_email: Option<String>,
    pub event_data: Value,
    pub ip: Option<String>,
}

impl AuditRow {
    /// `event_data` as short `key: value` pairs for display.
    pub fn summary(&self) -> String {
        match &self.event_data {
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => format!("{k}: {s}"),
                    other => format!("{k}: {other}"),
                })
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub event_type: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Keyset paging: events older than this sequence number.
    pub before: Option<i64>,
}

pub const PAGE_SIZE: i64 = 50;

/// One page of events, newest first, plus whether older ones exist.
pub fn page(conn: &mut PgConnection, filter: &AuditFilter) -> QueryResult<(Vec<AuditRow>, bool)> {
    let mut query = audit_events::table.into_boxed();
    if let Some(entity_type) = &filter.entity_type {
        query = query.filter(audit_events::entity_type.eq(entity_type));
    }
    if let Some(entity_id) = &filter.entity_id {
        query = query.filter(audit_events::entity_id.eq(entity_id));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::actor_email.ilike(crate::db::contains_pattern(actor)));
    }
    if let Some(event_type) = &filter.event_type {
        query = query.filter(audit_events::event_type.eq(event_type));
    }
    if let Some(from) = filter.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
        query = query.filter(audit_events::occurred_at.ge(from.and_utc()));
    }
    if let Some(to) = filter
        .to
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        query = query.filter(audit_events::occurred_at.lt(to.and_utc()));
    }
    if let Some(before) = filter.before {
        query = query.filter(audit_events::seq.lt(before));
    }
    let mut rows: Vec<AuditRow> = query
        .order(audit_events::seq.desc())
        .limit(PAGE_SIZE + 1)
        .select((
            audit_events::seq,
            audit_events::occurred_at,
            audit_events::event_type,
            audit_events::entity_type,
            audit_events::entity_id,
            audit_events::actor_email,
            audit_events::event_data,
            audit_events::ip,
        ))
        .load(conn)?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok((rows, more))
}

/// The latest events about any of `entity_ids` (of these types), newest first, for activity
/// panels.
pub fn recent_for(
    conn: &mut PgConnection,
    entity_types: &[&str],
    entity_ids: &[String],
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    audit_events::table
        .filter(audit_events::entity_type.eq_any(entity_types))
        .filter(audit_events::entity_id.eq_any(entity_ids))
        .order(audit_events::seq.desc())
        .limit(limit)
        .select((
            audit_events::seq,
            audit_events::occurred_at,
            audit_events::event_type,
            audit_events::entity_type,
            audit_events::entity_id,
            audit_events::actor_email,
            audit_events::event_data,
            audit_events::ip,
        ))
        .load(conn)
}

pub fn event_types(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
    audit_events::table
        .select(audit_events::event_type)
        .distinct()
        .order(audit_events::event_type)
        .load(conn)
}
