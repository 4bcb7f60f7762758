//! The generator: every visit that has come within its schedule's lead time is raised as a
//! work order, exactly once.
//!
//! Two steps, both safe to run on any number of workers at once. First each due schedule
//! (locked with `SKIP LOCKED`, so two workers never plan the same one) writes its visits up to
//! today plus its lead time as `planned` rows, keyed by (schedule, planned date): a visit
//! planned twice is one row. Then every `planned` row whose time has come is locked (again
//! skipping rows another worker holds), raised, and marked `raised` in the same transaction —
//! so a crash before the commit raises nothing and the next pass raises it, and a row once
//! raised is never picked again. After downtime the first step catches up: every visit missed
//! is planned and raised once, marked late.

use bigdecimal::ToPrimitive;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use super::MaintenanceError;
use crate::maintenance::cycle::{past_holidays, Anchor};
use crate::maintenance::model::Schedule;
use crate::maintenance::queries;
use crate::orgs::{Actor, OrgHandle};
use crate::web::local_time;
use crate::work_orders::operations::{self as work_orders, Acting, NewWorkOrder};

/// The most visits one schedule plans in one pass (a daily schedule down for a year).
const CATCH_UP_LIMIT: usize = 400;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    pub raised: usize,
    /// Of those, raised after their due date.
    pub late: usize,
    /// Visits the work-order rules refused to raise (left planned, in the log).
    pub refused: usize,
}

#[derive(QueryableByName)]
struct Due {
    #[diesel(embed)]
    schedule: Schedule,
    #[diesel(sql_type = Text)]
    timezone: String,
}

/// Runs one pass over the organization `conn` is inside, at `now`.
pub fn generate(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Generated, MaintenanceError> {
    let holidays = queries::holiday_days(conn)?;
    plan_due_visits(conn, now, &holidays)?;
    plan_meter_visits(conn, now)?;
    raise_planned(conn, org, actor, now)
}

/// Step one for calendar schedules: plans every visit up to each schedule's horizon.
fn plan_due_visits(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    holidays: &[NaiveDate],
) -> Result<(), MaintenanceError> {
    // A day's margin: the exact horizon is worked out in each site's zone below.
    let due: Vec<Due> = diesel::sql_query(
        "SELECT s.*, si.timezone FROM maintenance_schedules s JOIN sites si ON si.id = s.site_id \
         JOIN elevators e ON e.id = s.elevator_id AND e.deleted_at IS NULL \
         WHERE s.is_active AND s.deleted_at IS NULL AND s.next_due_on IS NOT NULL \
           AND s.frequency NOT IN ('trips', 'hours') \
           AND s.next_due_on <= ($1 AT TIME ZONE 'UTC')::date + s.lead_days + 1 \
         ORDER BY s.id FOR UPDATE OF s SKIP LOCKED",
    )
    .bind::<Timestamptz, _>(now)
    .load(conn)?;
    for Due { schedule, timezone } in due {
        let (Some(cycle), Some(next)) = (schedule.cycle(), schedule.next_due_on) else {
            continue;
        };
        let today = local_time::day(&now, &local_time::zone(&timezone));
        let mut horizon = today
            .checked_add_days(Days::new(u64::try_from(schedule.lead_days).unwrap_or(0)))
            .unwrap_or(today);
        if let Some(end) = schedule.end_date {
            horizon = horizon.min(end);
        }
        let planned = match schedule.anchor() {
            Anchor::Fixed => cycle.between(schedule.start_date, next, horizon, CATCH_UP_LIMIT),
            Anchor::Floating => vec![next].into_iter().filter(|d| *d <= horizon).collect(),
        };
        let Some(last) = planned.last().copied() else {
            continue;
        };
        for planned_on in &planned {
            let due_on = if schedule.skip_holidays {
                past_holidays(*planned_on, holidays)
            } else {
                *planned_on
            };
            insert_planned(conn, schedule.id, *planned_on, due_on)?;
        }
        // A floating schedule waits for this visit to be done before planning the next.
        let after = match schedule.anchor() {
            Anchor::Fixed => cycle
                .next_fixed(schedule.start_date, last)
                .filter(|d| schedule.end_date.is_none_or(|end| *d <= end)),
            Anchor::Floating => None,
        };
        queries::set_next_due(conn, schedule.id, after)?;
    }
    Ok(())
}

fn insert_planned(
    conn: &mut PgConnection,
    schedule_id: Uuid,
    planned_on: NaiveDate,
    due_on: NaiveDate,
) -> QueryResult<usize> {
    diesel::sql_query(
        "INSERT INTO maintenance_occurrences (schedule_id, planned_on, due_on) \
         VALUES ($1, $2, $3) ON CONFLICT (schedule_id, planned_on) DO NOTHING",
    )
    .bind::<SqlUuid, _>(schedule_id)
    .bind::<Date, _>(planned_on)
    .bind::<Date, _>(due_on)
    .execute(conn)
}

#[derive(QueryableByName)]
struct MeterDue {
    #[diesel(embed)]
    schedule: Schedule,
    #[diesel(sql_type = Text)]
    timezone: String,
    #[diesel(sql_type = BigInt)]
    last_value: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    rate: Option<f64>,
}

/// Step one for meter schedules: a visit is planned when the meter has passed its interval,
/// or will within the lead time at the rate it runs; the count then starts again.
fn plan_meter_visits(conn: &mut PgConnection, now: DateTime<Utc>) -> Result<(), MaintenanceError> {
    // Each lift's rate comes with its schedule: no query per schedule.
    let due: Vec<MeterDue> = diesel::sql_query(format!(
        "SELECT s.*, si.timezone, r.value AS last_value, {} AS rate \
         FROM maintenance_schedules s JOIN sites si ON si.id = s.site_id \
         JOIN elevators e ON e.id = s.elevator_id AND e.deleted_at IS NULL \
         JOIN LATERAL (SELECT value FROM meter_readings m \
           WHERE m.elevator_id = s.elevator_id AND m.meter = s.frequency \
           ORDER BY read_at DESC, created_at DESC LIMIT 1) r ON true \
         WHERE s.is_active AND s.deleted_at IS NULL AND s.frequency IN ('trips', 'hours') \
         ORDER BY s.id FOR UPDATE OF s SKIP LOCKED",
        queries::rate_sql("s.elevator_id", "s.frequency")
    ))
    .load(conn)?;
    for MeterDue {
        schedule,
        timezone,
        last_value,
        rate,
    } in due
    {
        let Some(from) = schedule.meter_from else {
            // The first reading since the schedule was made: the count starts here.
            queries::set_meter_from(conn, schedule.id, Some(last_value))?;
            continue;
        };
        let today = local_time::day(&now, &local_time::zone(&timezone));
        let target = from + i64::from(schedule.every);
        let due_on = if last_value >= target {
            Some(today)
        } else {
            forecast_day(today, last_value, target, rate.filter(|r| *r > 0.0)).filter(|day| {
                *day <= today
                    .checked_add_days(Days::new(u64::try_from(schedule.lead_days).unwrap_or(0)))
                    .unwrap_or(today)
            })
        };
        if let Some(due_on) = due_on {
            if schedule.end_date.is_none_or(|end| due_on <= end) {
                insert_planned(conn, schedule.id, due_on, due_on)?;
                queries::set_meter_from(conn, schedule.id, Some(target.max(last_value)))?;
            }
        }
    }
    Ok(())
}

/// The day a meter reading `last` today reaches `target`, running at `rate` a day.
pub fn forecast_day(
    today: NaiveDate,
    last: i64,
    target: i64,
    rate: Option<f64>,
) -> Option<NaiveDate> {
    if last >= target {
        return Some(today);
    }
    let days = ((target - last) as f64 / rate?).ceil();
    if !days.is_finite() || days > 3650.0 {
        return None;
    }
    today.checked_add_days(Days::new(days as u64))
}

#[derive(QueryableByName)]
struct Ready {
    #[diesel(sql_type = SqlUuid)]
    occurrence_id: Uuid,
    #[diesel(sql_type = Date)]
    planned_on: NaiveDate,
    #[diesel(sql_type = Date)]
    due_on: NaiveDate,
    #[diesel(sql_type = Bool)]
    late: bool,
    #[diesel(embed)]
    schedule: Schedule,
}

/// Step two: raises every planned visit whose time has come, once.
fn raise_planned(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Generated, MaintenanceError> {
    let ready: Vec<Ready> = diesel::sql_query(
        "SELECT o.id AS occurrence_id, o.planned_on, o.due_on, \
           o.due_on < ($1 AT TIME ZONE si.timezone)::date AS late, s.* \
         FROM maintenance_occurrences o \
         JOIN maintenance_schedules s ON s.id = o.schedule_id \
         JOIN sites si ON si.id = s.site_id \
         JOIN elevators e ON e.id = s.elevator_id AND e.deleted_at IS NULL \
         WHERE o.status = 'planned' AND s.is_active AND s.deleted_at IS NULL \
           AND o.due_on - s.lead_days <= ($1 AT TIME ZONE si.timezone)::date \
         ORDER BY o.due_on, o.id FOR UPDATE OF o SKIP LOCKED",
    )
    .bind::<Timestamptz, _>(now)
    .load(conn)?;
    let acting = Acting::system(org, actor);
    let mut done = Generated::default();
    for visit in ready {
        // Each visit in a savepoint: one the work-order rules refuse (its site archived) is
        // left planned and named in the log, and the others are still raised.
        let raised = conn.transaction(|conn| {
            raise(
                conn,
                &acting,
                &visit.schedule,
                visit.planned_on,
                visit.due_on,
            )
        });
        let order = match raised {
            Ok(order) => order,
            Err(MaintenanceError::WorkOrder(refused))
                if !matches!(refused, work_orders::WorkOrderError::Database(_)) =>
            {
                tracing::warn!(
                    schedule = %visit.schedule.id,
                    planned_on = %visit.planned_on,
                    error = %refused,
                    "a planned visit could not be raised"
                );
                done.refused += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        diesel::sql_query(
            "UPDATE maintenance_occurrences SET status = 'raised', work_order_id = $2, \
             raised_at = $3, late = $4 WHERE id = $1",
        )
        .bind::<SqlUuid, _>(visit.occurrence_id)
        .bind::<SqlUuid, _>(order)
        .bind::<Timestamptz, _>(now)
        .bind::<Bool, _>(visit.late)
        .execute(conn)?;
        done.raised += 1;
        done.late += usize::from(visit.late);
    }
    Ok(done)
}

/// Raises one visit as a work order: the schedule's type, priority, assignee and checklist, at
/// the site from 08:00 on its due day for the estimated hours, due by the end of that day.
fn raise(
    conn: &mut PgConnection,
    acting: &Acting,
    schedule: &Schedule,
    planned_on: NaiveDate,
    due_on: NaiveDate,
) -> Result<Uuid, MaintenanceError> {
    let start = due_on.and_time(NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default());
    let minutes = schedule
        .estimated_hours
        .as_ref()
        .and_then(|h| (h * bigdecimal::BigDecimal::from(60)).to_i64())
        .filter(|m| *m > 0)
        .unwrap_or(60);
    let mut new = NewWorkOrder::new(schedule.work_type, schedule.priority, schedule.name.clone());
    new.elevator_id = Some(schedule.elevator_id);
    new.description = Some(match &schedule.description {
        Some(text) => format!(
            "{text}\n\nPlanned visit of {planned_on} ({}).",
            schedule.describe()
        ),
        None => format!("Planned visit of {planned_on} ({}).", schedule.describe()),
    });
    new.scheduled_start = Some(start);
    new.scheduled_end = Some(start + TimeDelta::minutes(minutes.min(24 * 60)));
    new.due_date = Some(due_on.and_time(NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default()));
    new.assigned_contractor_id = schedule.assigned_contractor_id;
    let order = match work_orders::create(conn, acting, &new) {
        Ok(order) => order,
        // The default assignee left or their licence lapsed: the visit is still raised, for
        // a manager to assign.
        Err(work_orders::WorkOrderError::Invalid(_)) if new.assigned_contractor_id.is_some() => {
            new.assigned_contractor_id = None;
            work_orders::create(conn, acting, &new)?
        }
        Err(e) => return Err(e.into()),
    };
    diesel::sql_query(
        "UPDATE work_orders SET maintenance_schedule_id = $2, planned_on = $3 WHERE id = $1",
    )
    .bind::<SqlUuid, _>(order.id)
    .bind::<SqlUuid, _>(schedule.id)
    .bind::<Date, _>(planned_on)
    .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO work_order_tasks (work_order_id, sequence, title, requires) \
         SELECT $1, position, title, requires FROM maintenance_checklist_items \
         WHERE schedule_id = $2 ORDER BY position",
    )
    .bind::<SqlUuid, _>(order.id)
    .bind::<SqlUuid, _>(schedule.id)
    .execute(conn)?;
    Ok(order.id)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::forecast_day;
    use chrono::NaiveDate;

    #[test]
    fn a_meter_visit_is_forecast_from_the_rate() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        // 10,000 trips to go at 1,000 a day: ten days.
        assert_eq!(
            forecast_day(today, 40_000, 50_000, Some(1_000.0)),
            NaiveDate::from_ymd_opt(2026, 12, 14)
        );
        // Partial days round up: the visit is not forecast before the meter gets there.
        assert_eq!(
            forecast_day(today, 40_000, 50_000, Some(3_000.0)),
            NaiveDate::from_ymd_opt(2026, 12, 8)
        );
        assert_eq!(forecast_day(today, 50_001, 50_000, None), Some(today));
        assert_eq!(forecast_day(today, 40_000, 50_000, None), None);
        // A meter that barely moves gives no date rather than one decades away.
        assert_eq!(forecast_day(today, 0, 50_000, Some(0.001)), None);
    }
}
