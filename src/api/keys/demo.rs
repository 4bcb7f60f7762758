//! The demo organization's keys: a monitoring gateway in use and an integration retired, so
//! the settings page shows what a working organization's looks like. Their secrets are drawn
//! and dropped at once: nobody can call the API with them.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::NewKey;
use crate::db::schema_public::api_keys;

pub fn ensure(conn: &mut PgConnection, organization_id: Uuid, owner: Uuid) -> QueryResult<()> {
    let existing: i64 = api_keys::table
        .filter(api_keys::organization_id.eq(organization_id))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(());
    }
    let now = Utc::now();
    let keys = [
        (
            "Lift monitoring gateway",
            "Remote monitoring units on every lift at Harbour Tower report faults and entrapments.",
            vec!["elevators:read", "elevators:write", "fault_reports:write"],
            Some(now - Duration::minutes(14)),
            None,
        ),
        (
            "Old building-management link",
            "Replaced by the new BMS in November.",
            vec!["sites:read", "work_orders:read"],
            Some(now - Duration::days(40)),
            Some(now - Duration::days(30)),
        ),
    ];
    for (name, description, scopes, last_used_at, revoked_at) in keys {
        let key = NewKey::generate();
        diesel::insert_into(api_keys::table)
            .values((
                api_keys::organization_id.eq(organization_id),
                api_keys::created_by.eq(owner),
                api_keys::key_prefix.eq(&key.prefix),
                api_keys::key_hash.eq(&key.hash),
                api_keys::name.eq(name),
                api_keys::description.eq(description),
                api_keys::scopes.eq(scopes.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
                api_keys::last_used_at.eq(last_used_at),
                api_keys::revoked_at.eq(revoked_at),
                api_keys::is_active.eq(revoked_at.is_none()),
            ))
            .execute(conn)?;
    }
    Ok(())
}
