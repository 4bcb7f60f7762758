//! The visits coming in the next weeks or months, before they are raised: for the forecast
//! page (workload per month) and the dispatch calendar's faint blocks. One query whatever
//! the number of schedules; the dates come from each schedule's cycle.

use bigdecimal::ToPrimitive;
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Uuid as SqlUuid};
use uuid::Uuid;

use super::model::Schedule;
use super::operations::generate::forecast_day;
use super::operations::visits::upcoming;

/// One visit not yet raised.
#[derive(Debug, Clone)]
pub struct PlannedVisit {
    pub schedule_id: Uuid,
    pub name: String,
    pub elevator_id: Uuid,
    pub unit_number: String,
    pub site_name: String,
    pub due_on: NaiveDate,
    pub hours: f64,
    /// Forecast from the meter's rate rather than the calendar.
    pub from_meter: bool,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(embed)]
    schedule: Schedule,
    #[diesel(sql_type = Text)]
    unit_number: String,
    #[diesel(sql_type = Text)]
    site_name: String,
    #[diesel(sql_type = Nullable<diesel::sql_types::BigInt>)]
    last_value: Option<i64>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Double>)]
    rate: Option<f64>,
    /// The visits moved or skipped ahead of the generator: [[planned, due, status], …].
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    ahead: serde_json::Value,
}

impl Row {
    fn ahead(&self) -> Vec<(NaiveDate, NaiveDate, String)> {
        serde_json::from_value(self.ahead.clone()).unwrap_or_default()
    }
}

/// Every visit of the active schedules due from `from` to `until` (both included), not yet
/// raised and not skipped, in date order; of one site when given. One query.
pub fn planned(
    conn: &mut PgConnection,
    from: NaiveDate,
    until: NaiveDate,
    site_id: Option<Uuid>,
) -> QueryResult<Vec<PlannedVisit>> {
    // The meter's latest value and its rate over the last 90 days, and the visits moved or
    // skipped ahead, come with each schedule.
    let rows: Vec<Row> = diesel::sql_query(format!(
        "SELECT s.*, e.unit_number, si.name AS site_name, \
           CASE WHEN s.frequency IN ('trips', 'hours') THEN (SELECT m.value FROM meter_readings m \
             WHERE m.elevator_id = s.elevator_id AND m.meter = s.frequency \
             ORDER BY m.read_at DESC, m.created_at DESC LIMIT 1) END AS last_value, \
           CASE WHEN s.frequency IN ('trips', 'hours') THEN {} END AS rate, \
           coalesce((SELECT jsonb_agg(jsonb_build_array(o.planned_on, o.due_on, o.status)) \
             FROM maintenance_occurrences o WHERE o.schedule_id = s.id AND o.status <> 'raised'), \
             '[]') AS ahead \
         FROM maintenance_schedules s \
         JOIN elevators e ON e.id = s.elevator_id JOIN sites si ON si.id = s.site_id \
         WHERE s.is_active AND s.deleted_at IS NULL AND e.deleted_at IS NULL \
           AND ($1::uuid IS NULL OR s.site_id = $1) \
         ORDER BY s.id",
        super::queries::rate_sql("s.elevator_id", "s.frequency")
    ))
    .bind::<Nullable<SqlUuid>, _>(site_id)
    .load(conn)?;
    let holidays = super::queries::holiday_days(conn)?;
    let mut visits = Vec::new();
    for row in rows {
        let schedule = &row.schedule;
        let hours = schedule
            .estimated_hours
            .as_ref()
            .and_then(|h| h.to_f64())
            .unwrap_or(1.0);
        let visit = |due_on: NaiveDate, from_meter: bool| PlannedVisit {
            schedule_id: schedule.id,
            name: schedule.name.clone(),
            elevator_id: schedule.elevator_id,
            unit_number: row.unit_number.clone(),
            site_name: row.site_name.clone(),
            due_on,
            hours,
            from_meter,
        };
        if schedule.frequency.meter().is_some() {
            let target = schedule.meter_from.map(|f| f + i64::from(schedule.every));
            if let (Some(last), Some(target)) = (row.last_value, target) {
                if let Some(day) = forecast_day(from, last, target, row.rate) {
                    if day <= until {
                        visits.push(visit(day, true));
                    }
                }
            }
            continue;
        }
        for coming in upcoming(schedule, &row.ahead(), &holidays, until, 400) {
            if !coming.skipped && coming.due_on >= from && coming.due_on <= until {
                visits.push(visit(coming.due_on, false));
            }
        }
    }
    visits.sort_by(|a, b| {
        (a.due_on, &a.site_name, &a.unit_number).cmp(&(b.due_on, &b.site_name, &b.unit_number))
    });
    Ok(visits)
}

/// The workload per month: (first day of the month, visits, estimated hours), every month from
/// `from`'s to `until`'s, including empty ones.
pub fn per_month(
    visits: &[PlannedVisit],
    from: NaiveDate,
    until: NaiveDate,
) -> Vec<(NaiveDate, usize, f64)> {
    let first = from.with_day(1).unwrap_or(from);
    (0..)
        .map_while(|i| first.checked_add_months(chrono::Months::new(i)))
        .take_while(|month| *month <= until)
        .map(|month| {
            let (count, hours) = visits
                .iter()
                .filter(|v| v.due_on.year() == month.year() && v.due_on.month() == month.month())
                .fold((0, 0.0), |(n, h), v| (n + 1, h + v.hours));
            (month, count, hours)
        })
        .collect()
}

/// The workload per lift: (lift, site, visits in each month of `months`, estimated hours), by
/// site and lift.
pub fn per_lift(
    visits: &[PlannedVisit],
    months: &[(NaiveDate, usize, f64)],
) -> Vec<(String, String, Vec<usize>, f64)> {
    let mut lifts: std::collections::BTreeMap<(&str, &str, Uuid), (Vec<usize>, f64)> =
        std::collections::BTreeMap::new();
    for visit in visits {
        let key = (
            visit.site_name.as_str(),
            visit.unit_number.as_str(),
            visit.elevator_id,
        );
        let entry = lifts
            .entry(key)
            .or_insert_with(|| (vec![0; months.len()], 0.0));
        let month = (visit.due_on.year(), visit.due_on.month());
        if let Some(i) = months
            .iter()
            .position(|(m, _, _)| (m.year(), m.month()) == month)
        {
            entry.0[i] += 1;
        }
        entry.1 += visit.hours;
    }
    lifts
        .into_iter()
        .map(|((site, unit, _), (counts, hours))| {
            (unit.to_string(), site.to_string(), counts, hours)
        })
        .collect()
}
