//! Work in the field: the labour timer a technician starts and stops on a work order assigned
//! to them, and the sign-off of the person on site who accepted the work.
//!
//! A timer becomes a labour line when it is stopped, priced like any other. One left running
//! is recorded as [`TIMER_CAP_HOURS`] hours at most and the line flagged, so a forgotten timer
//! never bills a weekend.

use base64::Engine;
use bigdecimal::BigDecimal;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{finish, invalid, lock, Acting, WorkOrderError};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::contractors::queries as contractors;
use crate::orgs::context::Actor;
use crate::storage::images::{self as decoding};
use crate::storage::{FileKind, FileStore, StorageError};
use crate::work_orders::costs;
use crate::work_orders::queries::field::{self, RunningTimer};
use crate::work_orders::queries::{self, LaborLine, WorkOrder};

/// The longest stretch a timer records.
pub const TIMER_CAP_HOURS: i64 = 12;

/// Where a timer ends: now, or the cap when it was left running longer; and whether capped.
pub fn timer_end(started_at: DateTime<Utc>, now: DateTime<Utc>) -> (DateTime<Utc>, bool) {
    let cap = started_at + Duration::hours(TIMER_CAP_HOURS);
    if now > cap {
        (cap, true)
    } else {
        (now.max(started_at + Duration::seconds(1)), false)
    }
}

/// The contractor record of the person acting, who must have one to time their labour.
fn own_contractor(conn: &mut PgConnection, acting: &Acting) -> Result<Uuid, WorkOrderError> {
    contractors::for_account(conn, acting.actor.account_id)?.ok_or(WorkOrderError::Forbidden(
        "Only a person with a contractor record can time labour; record it by hand instead.",
    ))
}

/// Starts the acting technician's timer on work order `id`.
pub fn start_timer(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
) -> Result<WorkOrder, WorkOrderError> {
    let order = lock(conn, acting, id, Permission::WorkOnAssigned)?;
    let contractor = own_contractor(conn, acting)?;
    if !order.status.is_open() {
        return Err(invalid(
            "timer",
            "This work order is closed; labour cannot be timed on it.",
        ));
    }
    if let Some(running) = field::timer_of(conn, contractor)? {
        let elsewhere = if running.work_order_id == order.id {
            "here".to_string()
        } else {
            format!("on {}", queries::number_of(conn, running.work_order_id)?)
        };
        return Err(invalid(
            "timer",
            &format!("Your timer is already running {elsewhere}; stop it first."),
        ));
    }
    let now = Utc::now();
    field::start_timer(conn, order.id, contractor, now, acting.account_id())?;
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("labor_timer_started", "work_order", order.id)
            .data(json!({ "contractor_id": contractor, "at": now })),
    )?;
    Ok(order)
}

/// A timer that was stopped.
#[derive(Debug, Clone)]
pub struct Stopped {
    pub minutes: i64,
    pub cost: BigDecimal,
    /// It ran past the cap and was recorded as [`TIMER_CAP_HOURS`] hours.
    pub capped: bool,
}

/// Stops the acting technician's timer on work order `id` and records its labour.
pub fn stop_timer(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    labor_type: &str,
    description: Option<String>,
) -> Result<Stopped, WorkOrderError> {
    let order = lock(conn, acting, id, Permission::WorkOnAssigned)?;
    let contractor = own_contractor(conn, acting)?;
    if !costs::LABOR_TYPES.iter().any(|(k, _)| *k == labor_type) {
        return Err(invalid("labor_type", "Choose the kind of labour."));
    }
    let timer = field::timer_of(conn, contractor)?
        .filter(|t| t.work_order_id == order.id)
        .ok_or_else(|| invalid("timer", "Your timer is not running on this work order."))?;
    let stopped = record_timer(
        conn,
        acting.actor,
        &timer,
        labor_type,
        description,
        Utc::now(),
    )?;
    finish(conn, order.id)?;
    Ok(stopped)
}

/// Records every timer left running past the cap as the cap (regular labour, flagged), so a
/// forgotten timer stops counting by itself; the background module runs it hourly. Returns
/// how many were recorded.
pub fn cap_forgotten_timers(
    conn: &mut PgConnection,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<usize, WorkOrderError> {
    let forgotten = field::started_before(conn, now - Duration::hours(TIMER_CAP_HOURS))?;
    for timer in &forgotten {
        let note = format!("Timer left running; recorded as {TIMER_CAP_HOURS} hours.");
        record_timer(conn, actor, timer, "regular", Some(note), now)?;
        finish(conn, timer.work_order_id)?;
    }
    Ok(forgotten.len())
}

/// Turns `timer` into a labour line ending at `now` (or the cap) and removes it.
fn record_timer(
    conn: &mut PgConnection,
    actor: &Actor,
    timer: &RunningTimer,
    labor_type: &str,
    description: Option<String>,
    now: DateTime<Utc>,
) -> Result<Stopped, WorkOrderError> {
    let (end, capped) = timer_end(timer.started_at, now);
    let line = LaborLine {
        contractor_id: timer.contractor_id,
        start: timer.started_at,
        end,
        labor_type: labor_type.to_string(),
        description,
    };
    let cost = queries::add_labor(conn, timer.work_order_id, &line)?;
    field::mark_timed(conn, timer, capped)?;
    field::remove_timer(conn, timer.id)?;
    queries::recompute_costs(conn, timer.work_order_id)?;
    let minutes = costs::minutes(line.start, line.end);
    audit::record(
        conn,
        actor,
        AuditEvent::new("labor_logged", "work_order", timer.work_order_id).data(json!({
            "contractor_id": timer.contractor_id, "minutes": minutes, "type": line.labor_type,
            "cost": cost.to_string(), "timed": true, "capped": capped,
        })),
    )?;
    Ok(Stopped {
        minutes,
        cost,
        capped,
    })
}

/// The sign-off given on completion: who accepted the work, and their drawn signature (a PNG
/// as the page's canvas sends it, `data:image/png;base64,…`), if they drew one.
#[derive(Debug, Clone, Default)]
pub struct Signoff {
    pub accepted_by_name: String,
    pub signature: Option<String>,
}

/// The widest signature kept, in pixels; the canvas draws a fraction of it.
const SIGNATURE_MAX_SIDE: u32 = 2_000;
const SIGNATURE_MAX_BYTES: usize = 512 * 1024;

/// Reads a drawn signature: a PNG of sensible size, encoded again so nothing but its pixels
/// is kept. `None` for a blank pad.
fn signature_png(data_url: &str) -> Result<Option<Vec<u8>>, WorkOrderError> {
    let refused = || {
        invalid(
            "signature",
            "The signature could not be read; draw it again.",
        )
    };
    let Some(encoded) = data_url.trim().strip_prefix("data:image/png;base64,") else {
        return if data_url.trim().is_empty() {
            Ok(None)
        } else {
            Err(refused())
        };
    };
    if encoded.len() > SIGNATURE_MAX_BYTES * 4 / 3 + 4 {
        return Err(invalid(
            "signature",
            "The signature is too large; draw it again.",
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| refused())?;
    if FileKind::sniff(&bytes) != Some(FileKind::Png) {
        return Err(refused());
    }
    let (width, height) = decoding::check_declared(&bytes).map_err(|_| refused())?;
    if width > SIGNATURE_MAX_SIDE || height > SIGNATURE_MAX_SIDE {
        return Err(refused());
    }
    let decoded = decoding::decode_limited(&bytes).map_err(|_| refused())?;
    let mut out = std::io::Cursor::new(Vec::new());
    decoded
        .image
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|_| refused())?;
    Ok(Some(out.into_inner()))
}

/// The file store failing rolls the completion's transaction back. A full store is the
/// person's to hear about; anything else is an internal failure, reported (with its cause)
/// like the database's, and the person sees the request id.
fn storage_failed(error: StorageError) -> WorkOrderError {
    match error {
        StorageError::Full => WorkOrderError::Refused(crate::storage::FULL_MESSAGE.into()),
        other => {
            WorkOrderError::Database(diesel::result::Error::QueryBuilderError(Box::new(other)))
        }
    }
}

/// Records the sign-off of completed work order `id` (called in the completion's
/// transaction); a form left empty records nothing. The signature is stored in the file store.
pub fn sign_off(
    conn: &mut PgConnection,
    store: &dyn FileStore,
    acting: &Acting,
    id: Uuid,
    signoff: &Signoff,
) -> Result<bool, WorkOrderError> {
    let name = signoff.accepted_by_name.trim();
    let signature = match signoff.signature.as_deref() {
        Some(data) => signature_png(data)?,
        None => None,
    };
    if name.is_empty() {
        return if signature.is_some() {
            Err(invalid(
                "accepted_by_name",
                "Enter the name of the person who signed.",
            ))
        } else {
            Ok(false)
        };
    }
    if name.chars().count() > 255 {
        return Err(invalid(
            "accepted_by_name",
            "Keep the name under 255 characters.",
        ));
    }
    let key = match signature {
        Some(png) => {
            let key = format!("signatures/{}/{id}-{}.png", acting.org.id, Uuid::new_v4());
            store.put(&key, &png).map_err(storage_failed)?;
            Some(key)
        }
        None => None,
    };
    let replaced = field::put_signoff(
        conn,
        id,
        name,
        key.as_deref(),
        (acting.account_id(), &acting.actor.display_name),
    )?;
    if let Some(old) = replaced {
        let _ = store.delete(&old);
    }
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("work_order_signed_off", "work_order", id)
            .data(json!({ "accepted_by": name, "signature": key.is_some() })),
    )?;
    Ok(true)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_forgotten_timer_is_capped_at_twelve_hours() {
        let start = Utc::now() - Duration::hours(30);
        let (end, capped) = timer_end(start, Utc::now());
        assert!(capped);
        assert_eq!(end - start, Duration::hours(12));
        let start = Utc::now() - Duration::minutes(95);
        let now = Utc::now();
        assert_eq!(timer_end(start, now), (now, false));
    }

    #[test]
    fn signatures_must_be_small_pngs() {
        assert!(signature_png("").unwrap().is_none());
        assert!(signature_png("data:image/png;base64,PGh0bWw+").is_err());
        assert!(signature_png("javascript:alert(1)").is_err());
        let image = image::RgbaImage::from_pixel(300, 100, image::Rgba([0, 0, 0, 255]));
        let mut png = std::io::Cursor::new(Vec::new());
        image.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let url = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png.get_ref())
        );
        assert!(signature_png(&url).unwrap().is_some());
    }
}
