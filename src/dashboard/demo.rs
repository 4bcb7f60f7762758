//! Demo health: every lift scored, and 90 days of site history so the sparklines have a shape.
//! The history is worked out with the real formula from the demo work orders as they stood on
//! each past day (status and inspection dates as they are today).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::health::{self, Inputs, WINDOW_DAYS};
use crate::db::schema_org::{elevators, health_score_history, work_orders};
use crate::elevators::status::ElevatorStatus;
use crate::work_orders::status::{WorkOrderStatus, WorkOrderType};

type Lift = (
    Uuid,
    Uuid,
    ElevatorStatus,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

/// Scores every lift, then fills the history unless there is some. The caller has entered
/// the demo organization.
pub fn seed(conn: &mut PgConnection) -> QueryResult<()> {
    health::recompute_all(conn)?;
    if health_score_history::table
        .count()
        .get_result::<i64>(conn)?
        > 0
    {
        return Ok(());
    }
    let lifts: Vec<Lift> = elevators::table
        .filter(elevators::deleted_at.is_null())
        .select((
            elevators::id,
            elevators::site_id,
            elevators::status,
            elevators::next_inspection_due,
            elevators::installation_date,
            elevators::modernization_date,
        ))
        .load(conn)?;
    let failures: Vec<(Option<Uuid>, WorkOrderType, DateTime<Utc>)> = work_orders::table
        .filter(work_orders::type_.eq_any([WorkOrderType::Breakdown, WorkOrderType::Callback]))
        .filter(work_orders::status.ne(WorkOrderStatus::Cancelled))
        .select((
            work_orders::elevator_id,
            work_orders::type_,
            work_orders::reported_at,
        ))
        .load(conn)?;
    let today = Utc::now().date_naive();
    let mut rows = Vec::new();
    for back in (1..90).rev() {
        let day = today - Duration::days(back);
        let end = day.and_hms_opt(23, 59, 59).map(|t| t.and_utc());
        let Some(end) = end else { continue };
        let start = end - Duration::days(WINDOW_DAYS);
        let mut per_site: HashMap<Uuid, Vec<i32>> = HashMap::new();
        for (id, site_id, status, due, installed, modernised) in &lifts {
            let count = |kind| {
                failures
                    .iter()
                    .filter(|(e, k, at)| *e == Some(*id) && *k == kind && *at > start && *at <= end)
                    .count() as i64
            };
            let inputs = Inputs {
                status: *status,
                next_inspection_due: *due,
                installation_date: *installed,
                modernization_date: *modernised,
                breakdowns: count(WorkOrderType::Breakdown),
                callbacks: count(WorkOrderType::Callback),
                // The demo's maintenance history is made after this backfill.
                pm_due: 0,
                pm_on_time: 0,
            };
            if let Some(scored) = health::score(&inputs, day) {
                per_site.entry(*site_id).or_default().push(scored.score);
            }
        }
        for (site_id, scores) in per_site {
            let average = scores.iter().sum::<i32>() as f64 / scores.len() as f64;
            rows.push((
                health_score_history::site_id.eq(site_id),
                health_score_history::score.eq(average.round() as i32),
                health_score_history::recorded_on.eq(day),
                health_score_history::recorded_at.eq(end),
            ));
        }
    }
    for chunk in rows.chunks(500) {
        diesel::insert_into(health_score_history::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    Ok(())
}
