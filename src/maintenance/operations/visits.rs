//! A schedule's visits ahead: which are coming, and moving or skipping one without breaking the
//! cycle (the next visits still count from the planned date, not the moved one).

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{invalid, MaintenanceError};
use crate::audit::{self, AuditEvent};
use crate::db::schema_org::maintenance_occurrences as occurrences;
use crate::maintenance::cycle::Anchor;
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

/// A schedule's next `count` visits from `from` (the generator's bookmark or later), with the
/// moves and skips made ahead. Meter schedules have none: their visits follow readings.
pub fn upcoming(
    schedule: &Schedule,
    ahead: &[(NaiveDate, NaiveDate, String)],
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
            Upcoming {
                planned_on,
                due_on: made.map_or(planned_on, |(_, due, _)| *due),
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
    let known = upcoming(&schedule, &ahead, horizon, 2000)
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
