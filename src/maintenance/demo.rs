//! The demo's planned maintenance: every lift has a monthly service and a yearly safety test
//! that started a year ago, raised by the generator as the weeks went by, most visits done on
//! time, some late and a few missed, so PM compliance and the forecast show real shapes. One
//! lift also counts its trips.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use super::forms::ScheduleForm;
use super::operations::{self, generate, MaintenanceError, NewReading};
use crate::db::schema_org::{elevators, maintenance_schedules};
use crate::orgs::{Actor, OrgHandle};

const MONTHLY_CHECKLIST: &str = "Check the landing and car doors, their locks and gaps\n\
Test the alarm, intercom and emergency lighting\n\
Inspect the machine room and controller\n\
Lubricate the guide rails\n\
Read the trip counter [trips]\n\
Test run over all floors";

const YEARLY_CHECKLIST: &str = "Safety gear and overspeed governor test\n\
Buffer test\n\
Brake test at rated load\n\
Photo of the test certificate [photo]";

/// Seeds the schedules and their year of visits unless there are schedules already. The
/// caller has entered the demo organization; work orders and contractors are seeded first.
pub fn seed(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
) -> Result<(), MaintenanceError> {
    let existing: i64 = maintenance_schedules::table.count().get_result(conn)?;
    if existing > 0 {
        return Ok(());
    }
    let lifts: Vec<Uuid> = elevators::table
        .filter(elevators::deleted_at.is_null())
        .filter(elevators::status.ne(crate::elevators::status::ElevatorStatus::Decommissioned))
        .order(elevators::created_at)
        .select(elevators::id)
        .load(conn)?;
    let contractors: Vec<Uuid> = crate::contractors::queries::options(conn)?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    let today = Utc::now().date_naive();
    let year_ago = today - Duration::days(365);
    for (i, lift) in lifts.iter().enumerate() {
        let assignee = contractors
            .get(i % contractors.len().max(1))
            .map(|id| id.to_string())
            .unwrap_or_default();
        let monthly = ScheduleForm {
            elevator_id: lift.to_string(),
            name: "Monthly service".into(),
            work_type: "preventive".into(),
            priority: "scheduled".into(),
            frequency: "monthly".into(),
            every: "1".into(),
            day_of_month: (1 + (i * 3) % 28).to_string(),
            lead_days: "7".into(),
            assigned_contractor_id: assignee.clone(),
            estimated_hours: "1.5".into(),
            start_date: year_ago.to_string(),
            skip_holidays: "1".into(),
            anchor: "fixed".into(),
            checklist: MONTHLY_CHECKLIST.into(),
            ..Default::default()
        };
        let yearly = ScheduleForm {
            name: "Yearly safety test".into(),
            work_type: "inspection".into(),
            frequency: "yearly".into(),
            day_of_month: String::new(),
            lead_days: "14".into(),
            estimated_hours: "4".into(),
            start_date: (year_ago + Duration::days(40 + (i as i64 * 17) % 300)).to_string(),
            checklist: YEARLY_CHECKLIST.into(),
            ..monthly.clone()
        };
        for form in [monthly, yearly] {
            let values = form
                .validate()
                .map_err(operations::MaintenanceError::Invalid)?;
            operations::save(conn, actor, None, &values)?;
        }
    }
    if let Some(first) = lifts.first() {
        trips(conn, actor, *first, today)?;
    }
    // The generator as it ran every week of the past year, so nothing is raised late.
    let mut day = year_ago;
    while day <= today {
        generate(conn, org, actor, noon(day))?;
        day += Duration::days(7);
    }
    generate(conn, org, actor, Utc::now())?;
    finish_past_visits(conn, today)?;
    crate::dashboard::health::recompute_all(conn)?;
    Ok(())
}

fn noon(day: NaiveDate) -> DateTime<Utc> {
    chrono_tz::Australia::Sydney
        .from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()))
        .earliest()
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}

/// A trip-counter schedule on the first lift, with readings a fortnight apart over 90 days.
fn trips(
    conn: &mut PgConnection,
    actor: &Actor,
    lift: Uuid,
    today: NaiveDate,
) -> Result<(), MaintenanceError> {
    for k in 0..7i64 {
        let reading = NewReading {
            elevator_id: lift,
            meter: super::model::Meter::Trips,
            value: 1_204_000 + k * 14 * 820,
            read_at: noon(today - Duration::days(90 - k * 14)),
            counter_reset: false,
            work_order_id: None,
        };
        operations::record_reading(conn, actor, &reading)?;
    }
    let form = ScheduleForm {
        elevator_id: lift.to_string(),
        name: "Rope and sheave inspection".into(),
        work_type: "preventive".into(),
        priority: "medium".into(),
        frequency: "trips".into(),
        every: "100000".into(),
        lead_days: "10".into(),
        estimated_hours: "3".into(),
        start_date: (today - Duration::days(90)).to_string(),
        anchor: "fixed".into(),
        checklist: "Measure rope diameter and count broken wires\nInspect the sheave grooves\nRead the trip counter [trips]".into(),
        ..Default::default()
    };
    let values = form.validate().map_err(MaintenanceError::Invalid)?;
    operations::save(conn, actor, None, &values)?;
    // The count started 30,000 trips ago.
    diesel::sql_query(
        "UPDATE maintenance_schedules SET meter_from = 1204000 + 6 * 14 * 820 - 30000 \
         WHERE frequency = 'trips' AND elevator_id = $1",
    )
    .bind::<SqlUuid, _>(lift)
    .execute(conn)?;
    Ok(())
}

/// Completes the visits that fell due: most on their day, one in eight five days late, one in
/// fifteen left undone (overdue now).
fn finish_past_visits(conn: &mut PgConnection, today: NaiveDate) -> QueryResult<usize> {
    let done = diesel::sql_query(
        "WITH v AS ( \
           SELECT o.work_order_id AS id, o.due_on, \
             row_number() OVER (ORDER BY o.due_on, o.id) AS n \
           FROM maintenance_occurrences o WHERE o.status = 'raised' AND o.due_on < $1::date), \
         done AS ( \
           SELECT id, ((due_on + CASE WHEN n % 8 = 3 THEN 5 ELSE 0 END)::timestamp \
             + time '10:30') AT TIME ZONE 'Australia/Sydney' AS at \
           FROM v WHERE n % 15 <> 7) \
         UPDATE work_orders w SET status = 'completed', actual_start = done.at - interval '90 minutes', \
           actual_end = done.at, completed_at = done.at, updated_at = done.at, \
           resolution_type = 'adjusted', \
           resolution_notes = 'Serviced to the checklist; lift tested over all floors.' \
         FROM done WHERE w.id = done.id AND done.at < $2",
    )
    .bind::<diesel::sql_types::Date, _>(today)
    .bind::<Timestamptz, _>(Utc::now())
    .execute(conn)?;
    // Raised work orders were reported when the generator raised them, not today.
    diesel::sql_query(
        "UPDATE work_orders w SET reported_at = o.raised_at, created_at = o.raised_at \
         FROM maintenance_occurrences o WHERE o.work_order_id = w.id",
    )
    .execute(conn)?;
    diesel::sql_query(
        "UPDATE work_order_tasks t SET status = 'completed', completed_at = w.completed_at, \
           completed_by_name = 'Demo technician', \
           reading = CASE WHEN t.requires = 'trips' \
             THEN (extract(epoch FROM w.completed_at) / 1000)::bigint END \
         FROM work_orders w WHERE w.id = t.work_order_id AND w.completed_at IS NOT NULL \
           AND w.maintenance_schedule_id IS NOT NULL",
    )
    .execute(conn)?;
    Ok(done)
}
