//! The lift health score: 0–100, from what a facility manager would worry about.
//!
//! # The formula
//!
//! Every lift starts at 100 and loses points for each of six components; the score never goes
//! below 0. The same text is on the help page (`/o/{slug}/help/health-score`).
//!
//! | component | points |
//! | --- | --- |
//! | current status | operational 0 · under maintenance −10 · degraded −15 · out of service −40 |
//! | inspection compliance | no inspection scheduled −10 · overdue 1–30 days −10 · 31–90 days −20 · over 90 days −30 |
//! | planned maintenance done on time, last 90 days | 90% or more 0 · 75–89% −5 · 50–74% −10 · under 50% −15; nothing due 0 |
//! | breakdowns in the last 90 days | −8 each, at most −32 |
//! | callbacks in the last 90 days | −10 each, at most −30 (a repair that did not hold) |
//! | age since installation or, if later, modernisation | under 15 years 0 · 15–24 −5 · 25–34 −10 · 35 or more −15; unknown 0 |
//!
//! Decommissioned lifts carry no score. Breakdowns and callbacks count work orders of that type
//! reported in the last 90 days that were not cancelled.
//!
//! A site's score is the average of its scored lifts, each lift weighing the same (kept by the
//! `refresh_site_health` trigger); the organization's is the average over all its scored lifts.
//!
//! The score is stored with its components on the lift and recomputed in the transaction of
//! every change that affects it (status, lift details, work orders); the daily snapshot job
//! recomputes every lift first, so the parts that move with the calendar (overdue days, age,
//! the 90-day window) are never more than a day old.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamptz, Uuid as SqlUuid};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::schema_org::elevators;
use crate::elevators::status::ElevatorStatus;

/// The window breakdowns and callbacks are counted over.
pub const WINDOW_DAYS: i64 = 90;

/// What the score is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inputs {
    pub status: ElevatorStatus,
    pub next_inspection_due: Option<NaiveDate>,
    pub installation_date: Option<NaiveDate>,
    pub modernization_date: Option<NaiveDate>,
    pub breakdowns: i64,
    pub callbacks: i64,
    /// Planned maintenance visits that fell due in the last 90 days, and those done by their
    /// due date (PM compliance, `maintenance::compliance`).
    pub pm_due: i64,
    pub pm_on_time: i64,
}

/// One line of the breakdown: "−20: inspection overdue 34 days".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    pub component: String,
    pub points: i32,
    pub note: String,
}

impl Component {
    fn new(component: &str, points: i32, note: String) -> Component {
        Component {
            component: component.into(),
            points,
            note,
        }
    }

    /// "−20: inspection overdue 34 days" (a real minus sign).
    pub fn line(&self) -> String {
        if self.points < 0 {
            format!("−{}: {}", -self.points, self.note)
        } else {
            format!("0: {}", self.note)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub score: i32,
    pub components: Vec<Component>,
}

fn plural(n: i64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The score of a lift on `today`; `None` for a decommissioned lift.
pub fn score(inputs: &Inputs, today: NaiveDate) -> Option<Score> {
    let status = match inputs.status {
        ElevatorStatus::Decommissioned => return None,
        ElevatorStatus::Operational => Component::new("status", 0, "operational".into()),
        ElevatorStatus::Maintenance => Component::new("status", -10, "under maintenance".into()),
        ElevatorStatus::Degraded => Component::new("status", -15, "degraded".into()),
        ElevatorStatus::OutOfService => Component::new("status", -40, "out of service".into()),
    };
    let inspection = match inputs.next_inspection_due {
        None => Component::new("inspection", -10, "no inspection scheduled".into()),
        Some(due) => {
            let overdue = (today - due).num_days();
            let points = match overdue {
                d if d <= 0 => 0,
                1..=30 => -10,
                31..=90 => -20,
                _ => -30,
            };
            let note = if overdue > 0 {
                format!("inspection overdue {}", plural(overdue, "day"))
            } else {
                "inspection up to date".into()
            };
            Component::new("inspection", points, note)
        }
    };
    let breakdowns = Component::new(
        "breakdowns",
        -(8 * inputs.breakdowns.clamp(0, 4)) as i32,
        format!("{} in 90 days", plural(inputs.breakdowns, "breakdown")),
    );
    let callbacks = Component::new(
        "callbacks",
        -(10 * inputs.callbacks.clamp(0, 3)) as i32,
        format!("{} in 90 days", plural(inputs.callbacks, "callback")),
    );
    let since = match (inputs.installation_date, inputs.modernization_date) {
        (Some(i), Some(m)) => Some(i.max(m)),
        (i, m) => i.or(m),
    };
    let age = match since {
        None => Component::new("age", 0, "age unknown".into()),
        Some(since) => {
            let mut years = today.year() - since.year();
            if (today.month(), today.day()) < (since.month(), since.day()) {
                years -= 1;
            }
            let years = years.max(0);
            let points = match years {
                0..=14 => 0,
                15..=24 => -5,
                25..=34 => -10,
                _ => -15,
            };
            let what = if inputs.modernization_date == Some(since) {
                "since modernisation"
            } else {
                "since installation"
            };
            Component::new(
                "age",
                points,
                format!("{} {what}", plural(years as i64, "year")),
            )
        }
    };
    let maintenance = match (inputs.pm_due, inputs.pm_on_time) {
        (0, _) => Component::new("maintenance", 0, "no planned visit due in 90 days".into()),
        (due, on_time) => {
            let share = (on_time * 100 + due / 2) / due;
            let points = match share {
                90.. => 0,
                75..=89 => -5,
                50..=74 => -10,
                _ => -15,
            };
            Component::new(
                "maintenance",
                points,
                format!(
                    "{on_time} of {} done on time in 90 days",
                    plural(due, "planned visit")
                ),
            )
        }
    };
    let components = vec![status, inspection, maintenance, breakdowns, callbacks, age];
    let total: i32 = 100 + components.iter().map(|c| c.points).sum::<i32>();
    Some(Score {
        score: total.clamp(0, 100),
        components,
    })
}

/// A score as templates hand it over: with or without a value, by reference or not.
pub trait ScoreValue {
    fn score(&self) -> Option<i32>;
}

impl ScoreValue for Option<i32> {
    fn score(&self) -> Option<i32> {
        *self
    }
}

impl ScoreValue for i32 {
    fn score(&self) -> Option<i32> {
        Some(*self)
    }
}

impl<T: ScoreValue> ScoreValue for &T {
    fn score(&self) -> Option<i32> {
        (*self).score()
    }
}

/// The colour band of a score, always shown with the number itself.
pub fn band(score: impl ScoreValue) -> &'static str {
    match score.score() {
        None => "badge-grey",
        Some(s) if s >= 80 => "badge-ok",
        Some(s) if s >= 60 => "badge-warn",
        Some(_) => "badge-bad",
    }
}

/// The word for a band, so colour is never the only signal.
pub fn band_label(score: impl ScoreValue) -> &'static str {
    match score.score() {
        None => "not scored",
        Some(s) if s >= 80 => "good",
        Some(s) if s >= 60 => "fair",
        Some(_) => "poor",
    }
}

/// The stored breakdown of a lift's score, for its page.
pub fn components_of(stored: &serde_json::Value) -> Vec<Component> {
    serde_json::from_value(stored.clone()).unwrap_or_default()
}

#[derive(Debug, Clone, Queryable)]
struct LiftFacts {
    id: Uuid,
    status: ElevatorStatus,
    next_inspection_due: Option<NaiveDate>,
    installation_date: Option<NaiveDate>,
    modernization_date: Option<NaiveDate>,
}

#[derive(QueryableByName)]
struct FailureCount {
    #[diesel(sql_type = SqlUuid)]
    elevator_id: Uuid,
    #[diesel(sql_type = BigInt)]
    breakdowns: i64,
    #[diesel(sql_type = BigInt)]
    callbacks: i64,
    #[diesel(sql_type = BigInt)]
    pm_due: i64,
    #[diesel(sql_type = BigInt)]
    pm_on_time: i64,
}

/// Breakdowns and callbacks per lift in the window ending `now`, and its planned maintenance
/// visits due in the window (and those done on time); `only` narrows it to one lift.
fn failures(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    only: Option<Uuid>,
) -> QueryResult<Vec<FailureCount>> {
    diesel::sql_query(
        "SELECT elevator_id, sum(breakdowns)::bigint AS breakdowns, \
           sum(callbacks)::bigint AS callbacks, sum(pm_due)::bigint AS pm_due, \
           sum(pm_on_time)::bigint AS pm_on_time FROM ( \
           SELECT elevator_id, \
             count(*) FILTER (WHERE type = 'breakdown') AS breakdowns, \
             count(*) FILTER (WHERE type = 'callback') AS callbacks, 0 AS pm_due, 0 AS pm_on_time \
           FROM work_orders \
           WHERE type IN ('breakdown', 'callback') AND status <> 'cancelled' \
             AND elevator_id IS NOT NULL AND reported_at > $1 AND reported_at <= $2 \
             AND ($3::uuid IS NULL OR elevator_id = $3) \
           GROUP BY elevator_id \
           UNION ALL \
           SELECT s.elevator_id, 0, 0, count(*), \
             count(*) FILTER (WHERE w.status IN ('completed', 'invoiced') \
               AND (w.completed_at AT TIME ZONE si.timezone)::date <= o.due_on) \
           FROM maintenance_occurrences o JOIN maintenance_schedules s ON s.id = o.schedule_id \
           JOIN sites si ON si.id = s.site_id JOIN work_orders w ON w.id = o.work_order_id \
           WHERE o.status = 'raised' AND s.deleted_at IS NULL \
             AND ($3::uuid IS NULL OR s.elevator_id = $3) \
             AND o.due_on < ($2 AT TIME ZONE si.timezone)::date \
             AND o.due_on >= ($2 AT TIME ZONE si.timezone)::date - 90 \
           GROUP BY s.elevator_id) counts \
         GROUP BY elevator_id",
    )
    .bind::<Timestamptz, _>(now - Duration::days(WINDOW_DAYS))
    .bind::<Timestamptz, _>(now)
    .bind::<diesel::sql_types::Nullable<SqlUuid>, _>(only)
    .load(conn)
}

fn store(
    conn: &mut PgConnection,
    lift: &LiftFacts,
    counts: Option<&FailureCount>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let inputs = Inputs {
        status: lift.status,
        next_inspection_due: lift.next_inspection_due,
        installation_date: lift.installation_date,
        modernization_date: lift.modernization_date,
        breakdowns: counts.map_or(0, |c| c.breakdowns),
        callbacks: counts.map_or(0, |c| c.callbacks),
        pm_due: counts.map_or(0, |c| c.pm_due),
        pm_on_time: counts.map_or(0, |c| c.pm_on_time),
    };
    let scored = score(&inputs, now.date_naive());
    let components = scored
        .as_ref()
        .and_then(|s| serde_json::to_value(&s.components).ok())
        .unwrap_or_else(|| serde_json::json!([]));
    diesel::update(elevators::table.find(lift.id))
        .set((
            elevators::health_score.eq(scored.as_ref().map(|s| s.score)),
            elevators::health_score_components.eq(components),
            elevators::health_score_updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

fn facts() -> (
    elevators::id,
    elevators::status,
    elevators::next_inspection_due,
    elevators::installation_date,
    elevators::modernization_date,
) {
    (
        elevators::id,
        elevators::status,
        elevators::next_inspection_due,
        elevators::installation_date,
        elevators::modernization_date,
    )
}

/// Recomputes one lift's score in the caller's transaction; its site follows through the
/// `refresh_site_health` trigger. A removed lift keeps no score.
pub fn recompute_lift(conn: &mut PgConnection, elevator_id: Uuid) -> QueryResult<()> {
    let now = Utc::now();
    let lift: Option<LiftFacts> = elevators::table
        .find(elevator_id)
        .filter(elevators::deleted_at.is_null())
        .select(facts())
        .first(conn)
        .optional()?;
    let Some(lift) = lift else {
        return Ok(());
    };
    let counts = failures(conn, now, Some(elevator_id))?;
    store(conn, &lift, counts.first(), now)
}

/// Recomputes every current lift of the organization: two reads, then one write per lift.
pub fn recompute_all(conn: &mut PgConnection) -> QueryResult<usize> {
    let now = Utc::now();
    let lifts: Vec<LiftFacts> = elevators::table
        .filter(elevators::deleted_at.is_null())
        .select(facts())
        .load(conn)?;
    let counts = failures(conn, now, None)?;
    for lift in &lifts {
        store(
            conn,
            lift,
            counts.iter().find(|c| c.elevator_id == lift.id),
            now,
        )?;
    }
    Ok(lifts.len())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const TODAY: (i32, u32, u32) = (2026, 11, 23);

    fn today() -> NaiveDate {
        day(TODAY.0, TODAY.1, TODAY.2)
    }

    /// A lift that loses nothing: operational, inspected on time, new, no failures.
    fn healthy() -> Inputs {
        Inputs {
            status: ElevatorStatus::Operational,
            next_inspection_due: Some(day(2027, 3, 1)),
            installation_date: Some(day(2020, 1, 1)),
            modernization_date: None,
            breakdowns: 0,
            callbacks: 0,
            pm_due: 0,
            pm_on_time: 0,
        }
    }

    fn points(inputs: Inputs) -> i32 {
        score(&inputs, today()).unwrap().score
    }

    #[test]
    fn a_healthy_lift_scores_100() {
        assert_eq!(points(healthy()), 100);
    }

    #[test]
    fn status_alone() {
        let with = |status| {
            points(Inputs {
                status,
                ..healthy()
            })
        };
        assert_eq!(with(ElevatorStatus::Maintenance), 90);
        assert_eq!(with(ElevatorStatus::Degraded), 85);
        assert_eq!(with(ElevatorStatus::OutOfService), 60);
        assert!(score(
            &Inputs {
                status: ElevatorStatus::Decommissioned,
                ..healthy()
            },
            today()
        )
        .is_none());
    }

    #[test]
    fn inspection_alone() {
        let due = |d| {
            points(Inputs {
                next_inspection_due: d,
                ..healthy()
            })
        };
        assert_eq!(due(Some(today())), 100);
        assert_eq!(due(Some(today() - Duration::days(1))), 90);
        assert_eq!(due(Some(today() - Duration::days(30))), 90);
        assert_eq!(due(Some(today() - Duration::days(34))), 80);
        assert_eq!(due(Some(today() - Duration::days(90))), 80);
        assert_eq!(due(Some(today() - Duration::days(91))), 70);
        assert_eq!(due(None), 90);
        let s = score(
            &Inputs {
                next_inspection_due: Some(today() - Duration::days(34)),
                ..healthy()
            },
            today(),
        )
        .unwrap();
        assert!(s
            .components
            .iter()
            .any(|c| c.line() == "−20: inspection overdue 34 days"));
    }

    #[test]
    fn breakdowns_and_callbacks_alone() {
        let failures = |breakdowns, callbacks| {
            points(Inputs {
                breakdowns,
                callbacks,
                ..healthy()
            })
        };
        assert_eq!(failures(1, 0), 92);
        assert_eq!(failures(3, 0), 76);
        assert_eq!(failures(4, 0), 68);
        assert_eq!(failures(9, 0), 68, "breakdowns cost at most 32");
        assert_eq!(failures(0, 1), 90);
        assert_eq!(failures(0, 3), 70);
        assert_eq!(failures(0, 7), 70, "callbacks cost at most 30");
    }

    #[test]
    fn age_alone() {
        let installed = |date, modernised| {
            points(Inputs {
                installation_date: date,
                modernization_date: modernised,
                ..healthy()
            })
        };
        assert_eq!(installed(Some(day(2012, 11, 24)), None), 100, "13 years");
        assert_eq!(installed(Some(day(2011, 11, 23)), None), 95, "15 years");
        assert_eq!(installed(Some(day(1996, 1, 1)), None), 90, "30 years");
        assert_eq!(installed(Some(day(1980, 1, 1)), None), 85, "46 years");
        assert_eq!(
            installed(Some(day(1980, 1, 1)), Some(day(2018, 6, 1))),
            100,
            "modernisation resets the age"
        );
        assert_eq!(installed(None, None), 100, "unknown age costs nothing");
    }

    #[test]
    fn combined_and_never_below_zero() {
        // Out of service −40, overdue 34 days −20, 2 breakdowns −16, 1 callback −10,
        // 30 years old −10: 100 − 96 = 4.
        let inputs = Inputs {
            status: ElevatorStatus::OutOfService,
            next_inspection_due: Some(today() - Duration::days(34)),
            installation_date: Some(day(1996, 1, 1)),
            modernization_date: None,
            breakdowns: 2,
            callbacks: 1,
            pm_due: 0,
            pm_on_time: 0,
        };
        let s = score(&inputs, today()).unwrap();
        assert_eq!(s.score, 4);
        assert_eq!(s.components.iter().map(|c| c.points).sum::<i32>(), -96);
        let worst = Inputs {
            breakdowns: 10,
            callbacks: 10,
            installation_date: Some(day(1970, 1, 1)),
            next_inspection_due: Some(today() - Duration::days(400)),
            ..inputs
        };
        assert_eq!(points(worst), 0);
    }

    #[test]
    fn planned_maintenance_done_late_costs_points_by_share() {
        let with = |due, on_time| {
            points(Inputs {
                pm_due: due,
                pm_on_time: on_time,
                ..healthy()
            })
        };
        assert_eq!(with(0, 0), 100);
        assert_eq!(with(10, 9), 100);
        assert_eq!(with(4, 3), 95);
        assert_eq!(with(3, 2), 90);
        assert_eq!(with(3, 1), 85);
        let s = score(
            &Inputs {
                pm_due: 4,
                pm_on_time: 3,
                ..healthy()
            },
            today(),
        )
        .unwrap();
        assert!(s
            .components
            .iter()
            .any(|c| c.line() == "−5: 3 of 4 planned visits done on time in 90 days"));
    }

    #[test]
    fn bands() {
        assert_eq!(band(Some(80)), "badge-ok");
        assert_eq!(band(Some(79)), "badge-warn");
        assert_eq!(band(Some(59)), "badge-bad");
        assert_eq!(band_label(None), "not scored");
    }
}
