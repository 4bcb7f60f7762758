//! Verifying an organization's audit chain from its first event to its last.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use super::Hashed;
use crate::db::schema_org::{audit_chain_head, audit_events};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainStatus {
    Intact {
        events: i64,
    },
    /// The first event whose content, hash or link does not check out.
    Broken {
        seq: i64,
        reason: String,
    },
}

type Row = (
    i64,
    DateTime<Utc>,
    String,
    String,
    Option<String>,
    Option<Uuid>,
    Option<String>,
    Value,
    Option<Value>,
    Option<Value>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

const BATCH: i64 = 1000;

/// Walks the chain in order, in batches, recomputing every hash.
pub fn verify(conn: &mut PgConnection) -> QueryResult<ChainStatus> {
    let mut expected_seq = 1i64;
    let mut previous_hash = String::new();
    loop {
        let rows: Vec<Row> = audit_events::table
            .filter(audit_events::seq.ge(expected_seq))
            .order(audit_events::seq)
            .limit(BATCH)
            .select((
                audit_events::seq,
                audit_events::occurred_at,
                audit_events::event_type,
                audit_events::entity_type,
                audit_events::entity_id,
                audit_events::actor_account_id,
                audit_events::actor_email,
                audit_events::event_data,
                audit_events::previous_state,
                audit_events::new_state,
                audit_events::ip,
                audit_events::user_agent,
                audit_events::request_id,
                audit_events::previous_hash,
                audit_events::hash,
                audit_events::actor_type,
            ))
            .load(conn)?;
        let done = (rows.len() as i64) < BATCH;
        for row in &rows {
            let broken = |reason: &str| ChainStatus::Broken {
                seq: row.0,
                reason: reason.to_string(),
            };
            if row.0 != expected_seq {
                return Ok(ChainStatus::Broken {
                    seq: expected_seq,
                    reason: "this event is missing".into(),
                });
            }
            if row.13 != previous_hash {
                return Ok(broken("its link to the previous event does not match"));
            }
            let recomputed = Hashed {
                seq: row.0,
                occurred_at: row.1,
                event_type: &row.2,
                entity_type: &row.3,
                entity_id: row.4.as_deref(),
                actor_account_id: row.5,
                actor_email: row.6.as_deref(),
                event_data: &row.7,
                previous_state: row.8.as_ref(),
                new_state: row.9.as_ref(),
                ip: row.10.as_deref(),
                user_agent: row.11.as_deref(),
                request_id: row.12.as_deref(),
                previous_hash: &row.13,
                actor_type: &row.15,
            }
            .hash();
            if recomputed != row.14 {
                return Ok(broken("its content no longer matches its hash"));
            }
            previous_hash = row.14.clone();
            expected_seq += 1;
        }
        if done {
            break;
        }
    }
    let (last_seq, last_hash): (i64, String) = audit_chain_head::table
        .select((audit_chain_head::last_seq, audit_chain_head::last_hash))
        .first(conn)?;
    if last_seq != expected_seq - 1 || last_hash != previous_hash {
        return Ok(ChainStatus::Broken {
            seq: expected_seq,
            reason: "events at the end of the trail are missing".into(),
        });
    }
    Ok(ChainStatus::Intact {
        events: expected_seq - 1,
    })
}
