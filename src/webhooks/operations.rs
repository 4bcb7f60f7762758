//! The rules: saving subscriptions (the URL through the SSRF guard), their secrets, and the
//! deliveries — emitted by the operations that change what subscribers hear of, sent again on
//! request, or sent as a test. Everything runs in the caller's transaction inside the
//! organization, so a change that rolls back emits nothing.

use chrono::{SecondsFormat, Utc};
use diesel::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

use super::events::{Event, PING};
use super::forms::SubscriptionForm;
use super::queries::{self, Delivery, NewDelivery, Subscription, SubscriptionValues};
use super::{deliver, guard, secret};
use crate::audit::{self, AuditEvent};
use crate::background::{self, NewJob};
use crate::config::Config;
use crate::orgs::{OrgCtx, OrgHandle};
use crate::web::AppError;

/// Queues one delivery of `event` to every active subscription to it, each with a job of its
/// own; returns how many. `data` is the object the event is about.
pub fn emit(
    conn: &mut PgConnection,
    org: &OrgHandle,
    event: Event,
    data: Value,
) -> QueryResult<usize> {
    let subscriptions = queries::active_for(conn, event.as_str())?;
    for subscription in &subscriptions {
        queue(conn, org, *subscription, event.as_str(), &data)?;
    }
    Ok(subscriptions.len())
}

/// One delivery and its job. The payload is fixed now, so a retry or a redelivery sends the
/// very same body (receivers tell repeats apart by its `id`).
fn queue(
    conn: &mut PgConnection,
    org: &OrgHandle,
    subscription_id: Uuid,
    event_type: &str,
    data: &Value,
) -> QueryResult<Uuid> {
    let id = Uuid::new_v4();
    let run_id = Uuid::new_v4();
    let payload = json!({
        "id": id,
        "type": event_type,
        "created_at": Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        "organization": org.slug,
        "data": data,
    });
    queries::insert_delivery(
        conn,
        &NewDelivery {
            id,
            subscription_id,
            event_type,
            payload: &payload,
            run_id,
        },
    )?;
    enqueue(conn, org, id, run_id)?;
    Ok(id)
}

/// The job that sends delivery `id`, as `run_id`. Its organization is named so it runs inside
/// it; the run is its unique key, so it is enqueued once.
fn enqueue(conn: &mut PgConnection, org: &OrgHandle, id: Uuid, run_id: Uuid) -> QueryResult<()> {
    background::enqueue(
        conn,
        &NewJob {
            kind: deliver::KIND,
            organization_id: Some(org.id),
            payload: json!({ "delivery": id, "run": run_id }),
            unique_key: Some(run_id.to_string()),
            run_at: Utc::now(),
            max_attempts: deliver::MAX_ATTEMPTS,
        },
    )
    .map(|_| ())
}

/// The form's values, with the URL checked by the guard; every complaint at once.
fn checked(config: &Config, form: &SubscriptionForm) -> Result<SubscriptionValues, AppError> {
    let values = form.validate();
    let mut errors = values.as_ref().err().cloned().unwrap_or_default();
    if !form.url.trim().is_empty() && !errors.has("url") {
        if let Err(refused) = guard::check_url(&form.url, config.webhook_allow_private) {
            errors.add("url", refused.to_string());
        }
    }
    match values {
        Ok(values) if errors.is_empty() => Ok(values),
        _ => Err(AppError::Rejected(errors)),
    }
}

fn sealed(config: &Config, plain: &str) -> Result<Vec<u8>, AppError> {
    secret::seal(&config.secret_key, plain)
        .ok_or_else(|| AppError::unexpected("sealing a webhook secret failed"))
}

fn described(subscription: &Subscription) -> Value {
    json!({ "url": subscription.url, "events": subscription.events, "active": subscription.active })
}

/// Subscribes a URL, with a new secret.
pub fn create(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    config: &Config,
    form: &SubscriptionForm,
) -> Result<Subscription, AppError> {
    let values = checked(config, form)?;
    let sealed = sealed(config, &secret::generate())?;
    let subscription =
        queries::insert_subscription(conn, &values, &sealed, Some(ctx.actor.account_id))?;
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new("webhook_created", "webhook_subscription", subscription.id)
            .change(None, Some(described(&subscription))),
    )?;
    Ok(subscription)
}

pub fn update(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    config: &Config,
    id: Uuid,
    form: &SubscriptionForm,
) -> Result<Subscription, AppError> {
    let before = queries::find_subscription(conn, id)?;
    let values = checked(config, form)?;
    let subscription = queries::update_subscription(conn, id, &values)?;
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new("webhook_updated", "webhook_subscription", id)
            .change(Some(described(&before)), Some(described(&subscription))),
    )?;
    Ok(subscription)
}

/// Deletes the subscription and its delivery log; returns its URL.
pub fn delete(conn: &mut PgConnection, ctx: &OrgCtx, id: Uuid) -> Result<String, AppError> {
    let subscription = queries::find_subscription(conn, id)?;
    queries::delete_subscription(conn, id)?;
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new("webhook_deleted", "webhook_subscription", id)
            .change(Some(described(&subscription)), None),
    )?;
    Ok(subscription.url)
}

/// A new secret; deliveries sent from now on (retries included) are signed with it.
pub fn rotate_secret(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    config: &Config,
    id: Uuid,
) -> Result<(), AppError> {
    queries::find_subscription(conn, id)?;
    queries::set_secret(conn, id, &sealed(config, &secret::generate())?)?;
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new("webhook_secret_rotated", "webhook_subscription", id),
    )?;
    Ok(())
}

/// Sends the delivery again: pending, attempts afresh, in the hands of a new job (a job of an
/// earlier run still queued then does nothing).
pub fn redeliver(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    subscription_id: Uuid,
    delivery_id: Uuid,
) -> Result<Delivery, AppError> {
    let run_id = Uuid::new_v4();
    let delivery = queries::reset_for_redelivery(conn, subscription_id, delivery_id, run_id)?;
    enqueue(conn, &ctx.org, delivery_id, run_id)?;
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new(
            "webhook_redelivered",
            "webhook_subscription",
            subscription_id,
        )
        .data(json!({ "delivery": delivery_id, "event": delivery.event_type })),
    )?;
    Ok(delivery)
}

/// A `ping` to this subscription alone, paused or not, to try the receiving end.
pub fn ping(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    subscription_id: Uuid,
) -> Result<Uuid, AppError> {
    let subscription = queries::find_subscription(conn, subscription_id)?;
    let data = json!({
        "subscription_id": subscription.id,
        "message": "A test event sent from SiteSync's webhook settings.",
    });
    Ok(queue(conn, &ctx.org, subscription.id, PING, &data)?)
}
