//! Meter readings: trip counters and running hours, entered on the lift's readings page or
//! with a checklist task that asks for one.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{invalid, MaintenanceError};
use crate::audit::{self, AuditEvent};
use crate::maintenance::model::{thousands, Meter};
use crate::maintenance::queries;
use crate::orgs::Actor;

#[derive(Debug, Clone)]
pub struct NewReading {
    pub elevator_id: Uuid,
    pub meter: Meter,
    pub value: i64,
    pub read_at: DateTime<Utc>,
    /// The counter was replaced or reset, so the value may be lower than the last.
    pub counter_reset: bool,
    pub work_order_id: Option<Uuid>,
}

/// When a reading typed for `day` (none: now) was taken: midday at the lift's site, so it stays
/// that day in any zone, and never later than now. A day after today at the site is refused.
pub fn reading_time(
    conn: &mut PgConnection,
    elevator_id: Uuid,
    day: Option<chrono::NaiveDate>,
) -> Result<DateTime<Utc>, MaintenanceError> {
    let Some(day) = day else {
        return Ok(Utc::now());
    };
    let lift = crate::elevators::queries::find(conn, elevator_id)?;
    let zone =
        crate::web::local_time::zone(&crate::sites::queries::find(conn, lift.site_id)?.timezone);
    if day > crate::web::local_time::today(&zone) {
        return Err(invalid("read_on", "A reading cannot be from the future."));
    }
    let midday = day.and_hms_opt(12, 0, 0).unwrap_or_default();
    Ok(crate::web::local_time::to_utc(midday, &zone)
        .unwrap_or_else(Utc::now)
        .min(Utc::now()))
}

/// Records a reading. A reading lower than the lift's last is refused unless it is marked as a
/// counter reset; a reset carries each meter schedule's progress over to the new counter.
pub fn record_reading(
    conn: &mut PgConnection,
    actor: &Actor,
    reading: &NewReading,
) -> Result<Uuid, MaintenanceError> {
    let lift = crate::elevators::queries::find(conn, reading.elevator_id)?;
    if reading.value < 0 {
        return Err(invalid("value", "A reading cannot be negative."));
    }
    if reading.read_at > Utc::now() + chrono::Duration::minutes(5) {
        return Err(invalid("read_on", "A reading cannot be from the future."));
    }
    // Locked first, so two readings at once queue and the second compares with the first.
    let schedules = queries::meter_schedules(conn, lift.id, reading.meter)?;
    let last = queries::last_reading(conn, lift.id, reading.meter)?;
    if let Some((last_value, _)) = last {
        if reading.value < last_value && !reading.counter_reset {
            return Err(invalid(
                "value",
                format!(
                    "The last reading was {}; a lower one is accepted only as a counter reset.",
                    thousands(last_value)
                ),
            ));
        }
        if reading.counter_reset {
            for schedule in &schedules {
                if let Some(from) = schedule.meter_from {
                    let progress = last_value - from;
                    queries::set_meter_from(conn, schedule.id, Some(reading.value - progress))?;
                }
            }
        }
    }
    let id = queries::insert_reading(
        conn,
        lift.id,
        reading.meter,
        reading.value,
        reading.read_at,
        reading.counter_reset,
        reading.work_order_id,
        Some(actor.account_id).filter(|id| !id.is_nil()),
        &actor.display_name,
    )?;
    audit::record(
        conn,
        actor,
        AuditEvent::new("meter_reading_recorded", "elevator", lift.id).data(json!({
            "meter": reading.meter.as_str(), "value": reading.value,
            "counter_reset": reading.counter_reset, "work_order_id": reading.work_order_id,
        })),
    )?;
    Ok(id)
}
