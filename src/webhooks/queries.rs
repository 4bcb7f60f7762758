//! Reads and writes of `webhook_subscriptions` and `webhook_deliveries`, in the
//! organization's schema.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_org::{webhook_deliveries as d, webhook_subscriptions as s};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = s)]
pub struct Subscription {
    pub id: Uuid,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<String>,
    pub active: bool,
    pub secret_encrypted: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a subscription is saved with (its secret is set apart).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = s)]
#[diesel(treat_none_as_null = true)]
pub struct SubscriptionValues {
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<String>,
    pub active: bool,
}

pub fn insert_subscription(
    conn: &mut PgConnection,
    values: &SubscriptionValues,
    secret_encrypted: &[u8],
    created_by: Option<Uuid>,
) -> QueryResult<Subscription> {
    diesel::insert_into(s::table)
        .values((
            s::url.eq(&values.url),
            s::description.eq(&values.description),
            s::events.eq(&values.events),
            s::active.eq(values.active),
            s::secret_encrypted.eq(secret_encrypted),
            s::created_by.eq(created_by),
        ))
        .returning(Subscription::as_returning())
        .get_result(conn)
}

/// `NotFound` when there is no such subscription here.
pub fn update_subscription(
    conn: &mut PgConnection,
    id: Uuid,
    values: &SubscriptionValues,
) -> QueryResult<Subscription> {
    diesel::update(s::table.find(id))
        .set((values, s::updated_at.eq(Utc::now())))
        .returning(Subscription::as_returning())
        .get_result(conn)
}

pub fn set_secret(conn: &mut PgConnection, id: Uuid, secret_encrypted: &[u8]) -> QueryResult<()> {
    let changed = diesel::update(s::table.find(id))
        .set((
            s::secret_encrypted.eq(secret_encrypted),
            s::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    if changed == 1 {
        Ok(())
    } else {
        Err(diesel::result::Error::NotFound)
    }
}

/// Deletes the subscription and (by cascade) its deliveries; queued jobs then find nothing.
pub fn delete_subscription(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(s::table.find(id)).execute(conn)
}

pub fn find_subscription(conn: &mut PgConnection, id: Uuid) -> QueryResult<Subscription> {
    s::table
        .find(id)
        .select(Subscription::as_select())
        .first(conn)
}

pub fn list_subscriptions(conn: &mut PgConnection) -> QueryResult<Vec<Subscription>> {
    s::table
        .select(Subscription::as_select())
        .order((s::created_at, s::id))
        .load(conn)
}

/// The active subscriptions to `event`.
pub fn active_for(conn: &mut PgConnection, event: &str) -> QueryResult<Vec<Uuid>> {
    s::table
        .filter(s::active.eq(true))
        .filter(s::events.contains(vec![event]))
        .select(s::id)
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = d)]
pub struct Delivery {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub event_type: String,
    pub payload: serde_json::Value,
    pub status: String,
    pub attempts: i32,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub run_id: Uuid,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A new pending delivery, in charge of the job `run_id`.
pub struct NewDelivery<'a> {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub event_type: &'a str,
    pub payload: &'a serde_json::Value,
    pub run_id: Uuid,
}

pub fn insert_delivery(conn: &mut PgConnection, new: &NewDelivery) -> QueryResult<()> {
    diesel::insert_into(d::table)
        .values((
            d::id.eq(new.id),
            d::subscription_id.eq(new.subscription_id),
            d::event_type.eq(new.event_type),
            d::payload.eq(new.payload),
            d::run_id.eq(new.run_id),
            d::next_attempt_at.eq(Utc::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A delivery with where it goes and what signs it. The delivery is locked until the
/// transaction ends, so two workers never send it at once; its subscription is not, so it
/// can be edited meanwhile (the next attempt uses what it says then).
pub fn lock_delivery(
    conn: &mut PgConnection,
    id: Uuid,
) -> QueryResult<Option<(Delivery, String, Vec<u8>)>> {
    let Some(delivery) = d::table
        .find(id)
        .select(Delivery::as_select())
        .for_update()
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let (url, sealed) = s::table
        .find(delivery.subscription_id)
        .select((s::url, s::secret_encrypted))
        .first(conn)?;
    Ok(Some((delivery, url, sealed)))
}

/// Delivered, with the receiver's status code.
pub fn mark_delivered(conn: &mut PgConnection, id: Uuid, status_code: i32) -> QueryResult<()> {
    diesel::update(d::table.find(id))
        .set((
            d::status.eq("delivered"),
            d::attempts.eq(d::attempts + 1),
            d::last_status_code.eq(status_code),
            d::last_error.eq(None::<String>),
            d::next_attempt_at.eq(None::<DateTime<Utc>>),
            d::delivered_at.eq(Utc::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// One failed attempt of the job `run_id` (only while that job is still in charge).
pub struct FailedAttempt<'a> {
    pub id: Uuid,
    pub run_id: Uuid,
    pub status_code: Option<i32>,
    pub error: &'a str,
    /// `None` once the attempts are spent: the delivery is dead.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

pub fn mark_failed(conn: &mut PgConnection, attempt: &FailedAttempt) -> QueryResult<()> {
    let status = if attempt.next_attempt_at.is_some() {
        "failed"
    } else {
        "dead"
    };
    diesel::update(
        d::table
            .find(attempt.id)
            .filter(d::run_id.eq(attempt.run_id)),
    )
    .set((
        d::status.eq(status),
        d::attempts.eq(d::attempts + 1),
        d::last_status_code.eq(attempt.status_code),
        d::last_error.eq(attempt.error),
        d::next_attempt_at.eq(attempt.next_attempt_at),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Hands the delivery to a new job `run_id`: pending again, its attempts counted afresh.
/// `NotFound` unless it is one of `subscription_id`'s.
pub fn reset_for_redelivery(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    id: Uuid,
    run_id: Uuid,
) -> QueryResult<Delivery> {
    diesel::update(
        d::table
            .find(id)
            .filter(d::subscription_id.eq(subscription_id)),
    )
    .set((
        d::status.eq("pending"),
        d::attempts.eq(0),
        d::run_id.eq(run_id),
        d::next_attempt_at.eq(Utc::now()),
        d::delivered_at.eq(None::<DateTime<Utc>>),
    ))
    .returning(Delivery::as_returning())
    .get_result(conn)
}

/// The subscription's deliveries, newest first.
pub fn deliveries(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<Delivery>> {
    d::table
        .filter(d::subscription_id.eq(subscription_id))
        .select(Delivery::as_select())
        .order((d::created_at.desc(), d::id))
        .limit(limit)
        .offset(offset)
        .load(conn)
}

pub fn delivery_count(conn: &mut PgConnection, subscription_id: Uuid) -> QueryResult<i64> {
    d::table
        .filter(d::subscription_id.eq(subscription_id))
        .count()
        .get_result(conn)
}
