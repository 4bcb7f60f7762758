//! A schedule's visits ahead: which are coming, and moving or skipping one without breaking the
//! cycle (the next visits still count from the planned date, not the moved one).

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{invalid, MaintenanceError};
use crate::audit::{self, AuditEvent};
use crate::db::schema_org::maintenance_occurrences as occurrences;
use crate::maintenance::cycle::{past_holidays, Anchor};
use crate::maintenance::model::Schedule;
use crate::maintenance::queries;
use crate::orgs::Actor;

/// A visit not yet raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    pub planned_on: NaiveDate,
    /// Where it was moved, else the planned date.
    pub due_on: NaiveDate,
    pub skipped: bool,
}

/// A schedule's next `count` visits up to `until` from the generator's bookmark, with the moves
/// and skips made ahead and, for a schedule that skips them, the organization's `holidays`
/// passed over as the generator will. Meter schedules have none: their visits follow readings.
pub fn upcoming(
    schedule: &Schedule,
    ahead: &[(NaiveDate, NaiveDate, String)],
    holidays: &[NaiveDate],
    until: NaiveDate,
    count: usize,
) -> Vec<Upcoming> {
    let (Some(cycle), Some(next)) = (schedule.cycle(), schedule.next_due_on) else {
        return Vec::new();
    };
    let until = schedule.end_date.map_or(until, |end| end.min(until));
    let planned = match schedule.anchor() {
        Anchor::Fixed => cycle.between(schedule.start_date, next, until, count),
        // A floating cycle's later visits depend on when this one is done.
        Anchor::Floating => vec![next].into_iter().filter(|d| *d <= until).collect(),
    };
    let mut visits: Vec<Upcoming> = planned
        .into_iter()
        .map(|planned_on| {
            let made = ahead.iter().find(|(p, _, _)| *p == planned_on);
            let due_on = if schedule.skip_holidays {
                past_holidays(planned_on, holidays)
            } else {
                planned_on
            };
            Upcoming {
                planned_on,
                due_on: made.map_or(due_on, |(_, due, _)| *due),
                skipped: made.is_some_and(|(_, _, status)| status == "skipped"),
            }
        })
        .collect();
    // Visits planned before the bookmark but moved, and not yet raised, are still coming.
    for (planned_on, due_on, status) in ahead {
        if *planned_on < next && status == "planned" {
            visits.insert(
                0,
                Upcoming {
                    planned_on: *planned_on,
                    due_on: *due_on,
                    skipped: false,
                },
            );
        }
    }
    visits
}

/// What to do with one visit ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitChange {
    Skip,
    MoveTo(NaiveDate),
    /// Back to its planned date, not skipped.
    Restore,
}

/// Skips, moves or restores the visit of schedule `id` planned for `planned_on`.
pub fn change_visit(
    conn: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    planned_on: NaiveDate,
    change: VisitChange,
    note: Option<&str>,
    today: NaiveDate,
) -> Result<(), MaintenanceError> {
    let schedule = queries::find(conn, id)?;
    let ahead = queries::planned_ahead(conn, id)?;
    let horizon = planned_on.succ_opt().unwrap_or(planned_on);
    let known = upcoming(&schedule, &ahead, &[], horizon, 2000)
        .iter()
        .any(|v| v.planned_on == planned_on);
    if !known {
        if last_raised(conn, id)?.is_some_and(|last| planned_on <= last) {
            return Err(MaintenanceError::Refused(
                "That visit has already been raised as a work order: change the work order instead."
                    .into(),
            ));
        }
        return Err(MaintenanceError::NotFound);
    }
    let (due_on, status) = match change {
        VisitChange::Skip => (planned_on, "skipped"),
        VisitChange::Restore => (planned_on, "planned"),
        VisitChange::MoveTo(day) if day < today => {
            return Err(invalid("due_on", "Move the visit to today or a later day."));
        }
        VisitChange::MoveTo(day) => (day, "planned"),
    };
    if !queries::plan_visit(conn, id, planned_on, due_on, status, note)? {
        return Err(MaintenanceError::Refused(
            "That visit has already been raised as a work order: change the work order instead."
                .into(),
        ));
    }
    let event = match change {
        VisitChange::Skip => "maintenance_visit_skipped",
        VisitChange::MoveTo(_) => "maintenance_visit_moved",
        VisitChange::Restore => "maintenance_visit_restored",
    };
    audit::record(
        conn,
        actor,
        AuditEvent::new(event, "maintenance_schedule", id).data(json!({
            "name": schedule.name, "planned_on": planned_on, "due_on": due_on, "note": note,
        })),
    )?;
    Ok(())
}

/// Drops the moves and skips made ahead of the generator (the cycle they were on changed).
pub fn drop_planned_ahead(conn: &mut PgConnection, schedule_id: Uuid) -> QueryResult<usize> {
    diesel::delete(
        occurrences::table
            .filter(occurrences::schedule_id.eq(schedule_id))
            .filter(occurrences::status.ne("raised")),
    )
    .execute(conn)
}

/// The planned date of the latest visit raised.
pub fn last_raised(conn: &mut PgConnection, schedule_id: Uuid) -> QueryResult<Option<NaiveDate>> {
    occurrences::table
        .filter(occurrences::schedule_id.eq(schedule_id))
        .filter(occurrences::status.eq("raised"))
        .select(diesel::dsl::max(occurrences::planned_on))
        .first(conn)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::maintenance::model::Frequency;
    use crate::work_orders::status::{Priority, WorkOrderType};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn monthly(anchor: &str) -> Schedule {
        Schedule {
            id: Uuid::nil(),
            elevator_id: Uuid::nil(),
            site_id: Uuid::nil(),
            site_group_id: None,
            name: "Monthly service".into(),
            description: None,
            work_type: WorkOrderType::Preventive,
            priority: Priority::Medium,
            frequency: Frequency::Monthly,
            every: 1,
            weekday: None,
            day_of_month: Some(31),
            anchor: anchor.into(),
            lead_days: 7,
            assigned_contractor_id: None,
            estimated_hours: None,
            start_date: day(2026, 1, 31),
            end_date: Some(day(2026, 6, 30)),
            is_active: true,
            skip_holidays: false,
            next_due_on: Some(day(2026, 2, 28)),
            meter_from: None,
            created_at: chrono::Utc::now(),
            deleted_at: None,
        }
    }

    #[test]
    fn coming_visits_keep_the_cycle_with_moves_and_skips_and_stop_at_the_end_date() {
        let ahead = vec![
            (day(2026, 3, 31), day(2026, 4, 2), "planned".to_string()),
            (day(2026, 4, 30), day(2026, 4, 30), "skipped".to_string()),
            // Planned before the bookmark and moved: still coming.
            (day(2026, 1, 31), day(2026, 3, 5), "planned".to_string()),
        ];
        let visits = upcoming(&monthly("fixed"), &ahead, &[], day(2027, 1, 1), 12);
        let planned: Vec<NaiveDate> = visits.iter().map(|v| v.planned_on).collect();
        assert_eq!(
            planned,
            vec![
                day(2026, 1, 31),
                day(2026, 2, 28),
                day(2026, 3, 31),
                day(2026, 4, 30),
                day(2026, 5, 31),
                day(2026, 6, 30)
            ]
        );
        assert_eq!(visits[2].due_on, day(2026, 4, 2));
        assert!(visits[3].skipped);
        assert_eq!(visits[0].due_on, day(2026, 3, 5));
        // A holiday moves the visit's due day for a schedule that skips holidays.
        let skipping = Schedule {
            skip_holidays: true,
            ..monthly("fixed")
        };
        let visits = upcoming(&skipping, &[], &[day(2026, 5, 31)], day(2027, 1, 1), 12);
        assert_eq!(visits[3].due_on, day(2026, 6, 1));
    }

    #[test]
    fn a_floating_schedule_shows_only_its_next_visit() {
        let visits = upcoming(&monthly("floating"), &[], &[], day(2027, 1, 1), 12);
        assert_eq!(visits.len(), 1);
        let waiting = Schedule {
            next_due_on: None,
            ..monthly("floating")
        };
        assert!(upcoming(&waiting, &[], &[], day(2027, 1, 1), 12).is_empty());
    }
}
