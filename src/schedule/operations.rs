//! The calendar's rules beyond booking (which is `work_orders::operations::schedule`): each
//! person's calendar feed, reached with a secret that the person or a manager can replace.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::forms::CalendarQuery;
use super::grid::{self, Grid, Period};
use super::queries::{self, FeedEvent};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::{Permission, Role};
use crate::auth::tokens;
use crate::contractors::queries::{self as contractors, Contractor};
use crate::orgs::Actor;
use crate::web::AppError;

/// How far back a feed reaches: recent visits stay in the person's calendar.
pub const FEED_HISTORY_DAYS: i64 = 30;

/// Whose feeds `account_id` (with `role`) may see and replace: everyone's for a manager of work
/// orders (`None`), else only their own contractor record's (`Some`), or nobody's.
pub fn feed_scope(conn: &mut PgConnection, role: Role, account_id: Uuid) -> QueryResult<FeedScope> {
    if role.can(Permission::ManageWorkOrders) {
        return Ok(FeedScope::Everyone);
    }
    Ok(match contractors::for_account(conn, account_id)? {
        Some(own) if role.can(Permission::WorkOnAssigned) => FeedScope::Own(own),
        _ => FeedScope::Nobody,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedScope {
    Everyone,
    Own(Uuid),
    Nobody,
}

impl FeedScope {
    pub fn covers(self, person: Uuid) -> bool {
        match self {
            FeedScope::Everyone => true,
            FeedScope::Own(own) => own == person,
            FeedScope::Nobody => false,
        }
    }
}

/// Makes a new secret for `person`'s feed (the old address stops working) and returns it: the
/// only time it is seen, as only its hash is kept.
pub fn renew_feed(
    conn: &mut PgConnection,
    actor: &Actor,
    role: Role,
    person: Uuid,
) -> Result<(Contractor, String), AppError> {
    if !feed_scope(conn, role, actor.account_id)?.covers(person) {
        return Err(AppError::Forbidden(
            "Only managers, or the person themselves, can make a calendar address.".into(),
        ));
    }
    let contractor = contractors::find(conn, person).map_err(|e| match e {
        diesel::result::Error::NotFound => AppError::NotFound,
        other => AppError::internal(other),
    })?;
    let token = tokens::new_token();
    queries::set_feed(conn, person, &tokens::hash(&token))?;
    audit::record(
        conn,
        actor,
        AuditEvent::new("calendar_feed_renewed", "contractor", person)
            .data(json!({ "contractor": contractor.contact_name })),
    )?;
    Ok((contractor, token))
}

/// `person`'s bookings, for the holder of the feed's secret `token`; anything else (no such
/// person, no feed, another secret) is not found.
pub fn read_feed(
    conn: &mut PgConnection,
    person: Uuid,
    token: &str,
) -> Result<(Contractor, Vec<FeedEvent>), AppError> {
    if token.is_empty() || !queries::feed_matches(conn, person, &tokens::hash(token))? {
        return Err(AppError::NotFound);
    }
    let contractor = contractors::find(conn, person)?;
    let since = Utc::now() - Duration::days(FEED_HISTORY_DAYS);
    Ok((contractor, queries::feed_events(conn, person, since)?))
}

/// The calendar `query` asks for, in `zone`, with a row for each of `people`: one statement
/// for every booking and waiting work order, however many people and days it shows.
pub fn calendar(
    conn: &mut PgConnection,
    zone: &chrono_tz::Tz,
    people: &[(Uuid, String)],
    query: &CalendarQuery,
    now: chrono::DateTime<Utc>,
) -> QueryResult<(Period, Grid)> {
    let period = Period::new(query.view(), query.anchor(zone), zone);
    let person = query.person_id();
    let shown: Vec<(Uuid, String)> = people
        .iter()
        .filter(|(id, _)| person.is_none_or(|p| p == *id))
        .cloned()
        .collect();
    let entries = queries::entries(conn, &query.window(period.from, period.to))?;
    let grid = grid::lay_out(&period, zone, &shown, entries, now);
    Ok((period, grid))
}
