//! Every read and write of schedules, their visits, meter readings and holidays. Lists are one
//! query each, whatever the number of schedules.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Int2, Int4, Nullable, Numeric, Text, Uuid as SqlUuid};
use uuid::Uuid;

use super::forms::ScheduleListQuery;
use super::model::{ChecklistItem, Frequency, Meter, Requirement, Schedule};
use crate::db::schema_org::{
    holidays, maintenance_checklist_items as items, maintenance_occurrences as occurrences,
    maintenance_schedules as schedules, meter_readings as readings,
};

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Schedule> {
    schedules::table
        .find(id)
        .filter(schedules::deleted_at.is_null())
        .select(Schedule::as_select())
        .first(conn)
}

/// Schedules of a lift or site (or all), active or paused as `state` says ("active" by
/// default, "paused", "all"), in creation order after `after`: the JSON API's pages.
pub fn in_creation_order(
    conn: &mut PgConnection,
    elevator: Option<Uuid>,
    site: Option<Uuid>,
    state: &str,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<Schedule>> {
    let mut q = schedules::table
        .filter(schedules::deleted_at.is_null())
        .into_boxed();
    if let Some(elevator) = elevator {
        q = q.filter(schedules::elevator_id.eq(elevator));
    }
    if let Some(site) = site {
        q = q.filter(schedules::site_id.eq(site));
    }
    match state {
        "all" => {}
        "paused" => q = q.filter(schedules::is_active.eq(false)),
        _ => q = q.filter(schedules::is_active.eq(true)),
    }
    crate::created_after!(q, schedules, after)
        .order((schedules::created_at, schedules::id))
        .limit(limit)
        .select(Schedule::as_select())
        .load(conn)
}

/// The schedules kept in step with `schedule` ("all lifts of this site"), itself included.
pub fn group_of(conn: &mut PgConnection, schedule: &Schedule) -> QueryResult<Vec<Schedule>> {
    match schedule.site_group_id {
        None => Ok(vec![schedule.clone()]),
        Some(group) => schedules::table
            .filter(schedules::site_group_id.eq(group))
            .filter(schedules::deleted_at.is_null())
            .select(Schedule::as_select())
            .load(conn),
    }
}

pub fn checklist(conn: &mut PgConnection, schedule_id: Uuid) -> QueryResult<Vec<ChecklistItem>> {
    items::table
        .filter(items::schedule_id.eq(schedule_id))
        .order(items::position)
        .select(ChecklistItem::as_select())
        .load(conn)
}

/// The checklists of many schedules at once, in order.
pub fn checklists(
    conn: &mut PgConnection,
    schedule_ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, ChecklistItem)>> {
    items::table
        .filter(items::schedule_id.eq_any(schedule_ids))
        .order((items::schedule_id, items::position))
        .select((items::schedule_id, ChecklistItem::as_select()))
        .load(conn)
}

pub fn replace_checklist(
    conn: &mut PgConnection,
    schedule_id: Uuid,
    list: &[(String, Requirement)],
) -> QueryResult<()> {
    diesel::delete(items::table.filter(items::schedule_id.eq(schedule_id))).execute(conn)?;
    let rows: Vec<_> = list
        .iter()
        .enumerate()
        .map(|(i, (title, requires))| {
            (
                items::schedule_id.eq(schedule_id),
                items::position.eq(i as i32 + 1),
                items::title.eq(title),
                items::requires.eq(requires.as_str()),
            )
        })
        .collect();
    diesel::insert_into(items::table)
        .values(&rows)
        .execute(conn)?;
    Ok(())
}

/// The lifts of a site that are not archived, as (id, unit).
pub fn lifts_of_site(conn: &mut PgConnection, site_id: Uuid) -> QueryResult<Vec<(Uuid, String)>> {
    use crate::db::schema_org::elevators;
    elevators::table
        .filter(elevators::site_id.eq(site_id))
        .filter(elevators::deleted_at.is_null())
        .order(elevators::unit_number)
        .select((elevators::id, elevators::unit_number))
        .load(conn)
}

/// One row of the schedule list.
#[derive(Debug, Clone, QueryableByName)]
pub struct ScheduleRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub frequency: Frequency,
    #[diesel(sql_type = Int4)]
    pub every: i32,
    #[diesel(sql_type = Nullable<Int2>)]
    pub weekday: Option<i16>,
    #[diesel(sql_type = Nullable<Int2>)]
    pub day_of_month: Option<i16>,
    #[diesel(sql_type = Text)]
    pub work_type: String,
    #[diesel(sql_type = Bool)]
    pub is_active: bool,
    #[diesel(sql_type = Nullable<Numeric>)]
    pub estimated_hours: Option<BigDecimal>,
    #[diesel(sql_type = SqlUuid)]
    pub elevator_id: Uuid,
    #[diesel(sql_type = Text)]
    pub unit_number: String,
    #[diesel(sql_type = SqlUuid)]
    pub site_id: Uuid,
    #[diesel(sql_type = Text)]
    pub site_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub assignee: Option<String>,
    /// The next visit not yet raised (moved dates included).
    #[diesel(sql_type = Nullable<Date>)]
    pub next_visit: Option<NaiveDate>,
    /// Raised visits past their due date and not done.
    #[diesel(sql_type = BigInt)]
    pub overdue: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub meter_from: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

impl ScheduleRow {
    pub fn describe(&self) -> String {
        let weekday = self
            .weekday
            .and_then(|d| super::model::WEEKDAYS.get(d as usize).copied());
        super::model::describe(self.frequency, self.every, weekday, self.day_of_month)
    }
}

/// A raised visit is overdue when its due date has passed at its site and its work order is
/// still open.
pub const OVERDUE: &str =
    "o.status = 'raised' AND o.due_on < (now() AT TIME ZONE si.timezone)::date \
     AND w.status IN ('draft', 'pending', 'scheduled', 'in_progress', 'on_hold')";

/// A page of the list, filtered and sorted, with the total in every row: one query.
pub fn page(
    conn: &mut PgConnection,
    query: &ScheduleListQuery,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ScheduleRow>> {
    let order = match query.sort.as_str() {
        "name" => "lower(s.name), s.id",
        "lift" => "lower(si.name), e.unit_number, lower(s.name), s.id",
        "frequency" => "s.frequency, s.every, lower(s.name), s.id",
        _ => "next_visit NULLS LAST, lower(s.name), s.id",
    };
    let state = match query.state.as_str() {
        "paused" => "NOT s.is_active",
        "all" => "true",
        _ => "s.is_active",
    };
    let sql = format!(
        "SELECT s.id, s.name, s.frequency, s.every, s.weekday, s.day_of_month, \
           s.work_type::text AS work_type, s.is_active, s.estimated_hours, e.id AS elevator_id, \
           e.unit_number, si.id AS site_id, si.name AS site_name, c.contact_name AS assignee, \
           CASE WHEN s.frequency IN ('trips', 'hours') THEN NULL \
                ELSE least(nx.due_on, s.next_due_on) END AS next_visit, \
           od.overdue, s.meter_from, count(*) OVER () AS total \
         FROM maintenance_schedules s \
         JOIN elevators e ON e.id = s.elevator_id \
         JOIN sites si ON si.id = s.site_id \
         LEFT JOIN contractors c ON c.id = s.assigned_contractor_id \
         LEFT JOIN LATERAL (SELECT min(o.due_on) AS due_on FROM maintenance_occurrences o \
           WHERE o.schedule_id = s.id AND o.status = 'planned') nx ON true \
         LEFT JOIN LATERAL (SELECT count(*) AS overdue FROM maintenance_occurrences o \
           JOIN work_orders w ON w.id = o.work_order_id \
           WHERE o.schedule_id = s.id AND {OVERDUE}) od ON true \
         WHERE s.deleted_at IS NULL AND e.deleted_at IS NULL AND {state} \
           AND ($1 = '' OR s.name ILIKE '%' || $1 || '%' OR e.unit_number ILIKE '%' || $1 || '%') \
           AND ($2 = '' OR si.id::text = $2) \
           AND ($3 = '' OR e.id::text = $3) \
           AND ($4 = '' OR s.frequency = $4) \
           AND ($5 = '' OR s.assigned_contractor_id::text = $5 \
                OR ($5 = 'none' AND s.assigned_contractor_id IS NULL)) \
           AND (NOT $6 OR od.overdue > 0) \
         ORDER BY {order} LIMIT $7 OFFSET $8"
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(query.q.trim())
        .bind::<Text, _>(query.site.trim())
        .bind::<Text, _>(query.elevator.trim())
        .bind::<Text, _>(query.frequency.trim())
        .bind::<Text, _>(query.assignee.trim())
        .bind::<Bool, _>(query.overdue == "1")
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(offset)
        .load(conn)
}

/// One visit of a schedule, with its work order when raised.
#[derive(Debug, Clone, QueryableByName)]
pub struct Visit {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub schedule_id: Uuid,
    #[diesel(sql_type = Text)]
    pub schedule_name: String,
    #[diesel(sql_type = Text)]
    pub unit_number: String,
    #[diesel(sql_type = SqlUuid)]
    pub elevator_id: Uuid,
    #[diesel(sql_type = Date)]
    pub planned_on: NaiveDate,
    #[diesel(sql_type = Date)]
    pub due_on: NaiveDate,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Bool)]
    pub late: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub note: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub work_order_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub work_order_number: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub work_order_status: Option<String>,
    /// The day it was done, at the site.
    #[diesel(sql_type = Nullable<Date>)]
    pub done_on: Option<NaiveDate>,
    #[diesel(sql_type = Bool)]
    pub overdue: bool,
}

impl Visit {
    /// (label, badge class) of where the visit stands.
    pub fn state(&self) -> (&'static str, &'static str) {
        match (self.status.as_str(), self.done_on, self.overdue) {
            ("skipped", _, _) => ("Skipped", "badge-grey"),
            ("planned", _, _) => ("Planned", "badge-info"),
            (_, Some(done), _) if done <= self.due_on => ("Done on time", "badge-ok"),
            (_, Some(_), _) => ("Done late", "badge-warn"),
            (_, None, true) => ("Overdue", "badge-bad"),
            _ if self.work_order_status.as_deref() == Some("cancelled") => {
                ("Cancelled", "badge-grey")
            }
            _ => ("Raised", "badge-info"),
        }
    }
}

const VISITS: &str = "SELECT o.id, o.schedule_id, s.name AS schedule_name, e.unit_number, \
       e.id AS elevator_id, o.planned_on, o.due_on, o.status, o.late, o.note, o.work_order_id, \
       w.work_order_number, w.status::text AS work_order_status, \
       (w.completed_at AT TIME ZONE si.timezone)::date AS done_on, \
       coalesce(w.id IS NOT NULL AND {OVERDUE}, false) AS overdue \
     FROM maintenance_occurrences o \
     JOIN maintenance_schedules s ON s.id = o.schedule_id \
     JOIN elevators e ON e.id = s.elevator_id \
     JOIN sites si ON si.id = s.site_id \
     LEFT JOIN work_orders w ON w.id = o.work_order_id";

fn visits_sql(filter: &str, order: &str) -> String {
    format!(
        "{} WHERE {filter} ORDER BY {order}",
        VISITS.replace("{OVERDUE}", OVERDUE)
    )
}

/// A schedule's visits, latest planned first.
pub fn visits_of(
    conn: &mut PgConnection,
    schedule_id: Uuid,
    limit: i64,
) -> QueryResult<Vec<Visit>> {
    diesel::sql_query(visits_sql(
        "o.schedule_id = $1",
        "o.planned_on DESC LIMIT $2",
    ))
    .bind::<SqlUuid, _>(schedule_id)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// Overdue visits, most overdue first; of one site or lift when given.
pub fn overdue(
    conn: &mut PgConnection,
    site_id: Option<Uuid>,
    elevator_id: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Visit>> {
    diesel::sql_query(visits_sql(
        &format!(
            "{OVERDUE} AND s.deleted_at IS NULL AND ($1::uuid IS NULL OR s.site_id = $1) \
             AND ($2::uuid IS NULL OR s.elevator_id = $2)"
        ),
        "o.due_on, e.unit_number LIMIT $3",
    ))
    .bind::<Nullable<SqlUuid>, _>(site_id)
    .bind::<Nullable<SqlUuid>, _>(elevator_id)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

pub fn find_visit(conn: &mut PgConnection, id: Uuid) -> QueryResult<Visit> {
    diesel::sql_query(visits_sql("o.id = $1 AND s.deleted_at IS NULL", "o.id"))
        .bind::<SqlUuid, _>(id)
        .get_result(conn)
}

/// Plans (or re-plans) one visit ahead of the generator: a "skip" or "move" of a visit not
/// yet raised. A visit already raised is left as it is (`false`).
pub fn plan_visit(
    conn: &mut PgConnection,
    schedule_id: Uuid,
    planned_on: NaiveDate,
    due_on: NaiveDate,
    status: &str,
    note: Option<&str>,
) -> QueryResult<bool> {
    let changed = diesel::sql_query(
        "INSERT INTO maintenance_occurrences (schedule_id, planned_on, due_on, status, note) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (schedule_id, planned_on) DO UPDATE \
           SET due_on = EXCLUDED.due_on, status = EXCLUDED.status, note = EXCLUDED.note \
           WHERE maintenance_occurrences.status <> 'raised'",
    )
    .bind::<SqlUuid, _>(schedule_id)
    .bind::<Date, _>(planned_on)
    .bind::<Date, _>(due_on)
    .bind::<Text, _>(status)
    .bind::<Nullable<Text>, _>(note)
    .execute(conn)?;
    Ok(changed > 0)
}

/// The visits planned ahead of the generator (moved or skipped), by planned date.
pub fn planned_ahead(
    conn: &mut PgConnection,
    schedule_id: Uuid,
) -> QueryResult<Vec<(NaiveDate, NaiveDate, String)>> {
    occurrences::table
        .filter(occurrences::schedule_id.eq(schedule_id))
        .filter(occurrences::status.ne("raised"))
        .select((
            occurrences::planned_on,
            occurrences::due_on,
            occurrences::status,
        ))
        .order(occurrences::planned_on)
        .load(conn)
}

/// A lift's latest reading of `meter`.
pub fn last_reading(
    conn: &mut PgConnection,
    elevator_id: Uuid,
    meter: Meter,
) -> QueryResult<Option<(i64, DateTime<Utc>)>> {
    readings::table
        .filter(readings::elevator_id.eq(elevator_id))
        .filter(readings::meter.eq(meter.as_str()))
        .order((readings::read_at.desc(), readings::created_at.desc()))
        .select((readings::value, readings::read_at))
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Queryable)]
pub struct Reading {
    pub id: Uuid,
    pub meter: Meter,
    pub value: i64,
    pub read_at: DateTime<Utc>,
    pub counter_reset: bool,
    pub work_order_id: Option<Uuid>,
    pub recorded_by_name: String,
}

pub fn readings_of(
    conn: &mut PgConnection,
    elevator_id: Uuid,
    limit: i64,
) -> QueryResult<Vec<Reading>> {
    readings::table
        .filter(readings::elevator_id.eq(elevator_id))
        .order((readings::read_at.desc(), readings::created_at.desc()))
        .select((
            readings::id,
            readings::meter,
            readings::value,
            readings::read_at,
            readings::counter_reset,
            readings::work_order_id,
            readings::recorded_by_name,
        ))
        .limit(limit)
        .load(conn)
}

/// How fast lift `elevator`'s meter `meter` runs, as an SQL expression (both are SQL too):
/// units a day over the last 90 days of readings since the last counter reset, when two of them
/// are at least a day apart. The one definition for every page that forecasts.
pub fn rate_sql(elevator: &str, meter: &str) -> String {
    format!(
        "(SELECT CASE WHEN extract(epoch FROM max(r.read_at) - min(r.read_at)) >= 86400 \
           THEN (max(r.value) - min(r.value))::float8 \
             / (extract(epoch FROM max(r.read_at) - min(r.read_at)) / 86400) END \
         FROM meter_readings r \
         WHERE r.elevator_id = {elevator} AND r.meter = {meter} \
           AND r.read_at >= now() - interval '90 days' \
           AND r.read_at >= coalesce((SELECT max(x.read_at) FROM meter_readings x \
             WHERE x.elevator_id = {elevator} AND x.meter = {meter} AND x.counter_reset), \
             '-infinity'))"
    )
}

/// How fast a lift's meter runs ([`rate_sql`]), when it can be told.
pub fn daily_rate(
    conn: &mut PgConnection,
    elevator_id: Uuid,
    meter: Meter,
) -> QueryResult<Option<f64>> {
    #[derive(QueryableByName)]
    struct Rate {
        #[diesel(sql_type = Nullable<diesel::sql_types::Double>)]
        rate: Option<f64>,
    }
    let rate: Rate = diesel::sql_query(format!("SELECT {} AS rate", rate_sql("$1", "$2")))
        .bind::<SqlUuid, _>(elevator_id)
        .bind::<Text, _>(meter.as_str())
        .get_result(conn)?;
    Ok(rate.rate.filter(|r| *r > 0.0))
}

#[allow(clippy::too_many_arguments)]
pub fn insert_reading(
    conn: &mut PgConnection,
    elevator_id: Uuid,
    meter: Meter,
    value: i64,
    read_at: DateTime<Utc>,
    counter_reset: bool,
    work_order_id: Option<Uuid>,
    recorded_by: Option<Uuid>,
    recorded_by_name: &str,
) -> QueryResult<Uuid> {
    diesel::insert_into(readings::table)
        .values((
            readings::elevator_id.eq(elevator_id),
            readings::meter.eq(meter.as_str()),
            readings::value.eq(value),
            readings::read_at.eq(read_at),
            readings::counter_reset.eq(counter_reset),
            readings::work_order_id.eq(work_order_id),
            readings::recorded_by.eq(recorded_by),
            readings::recorded_by_name.eq(recorded_by_name),
        ))
        .returning(readings::id)
        .get_result(conn)
}

pub fn holidays(conn: &mut PgConnection) -> QueryResult<Vec<(NaiveDate, String)>> {
    holidays::table
        .order(holidays::day)
        .select((holidays::day, holidays::name))
        .load(conn)
}

pub fn holiday_days(conn: &mut PgConnection) -> QueryResult<Vec<NaiveDate>> {
    holidays::table
        .order(holidays::day)
        .select(holidays::day)
        .load(conn)
}

pub fn add_holiday(conn: &mut PgConnection, day: NaiveDate, name: &str) -> QueryResult<usize> {
    diesel::insert_into(holidays::table)
        .values((holidays::day.eq(day), holidays::name.eq(name)))
        .on_conflict(holidays::day)
        .do_update()
        .set(holidays::name.eq(name))
        .execute(conn)
}

pub fn remove_holiday(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<usize> {
    diesel::delete(holidays::table.find(day)).execute(conn)
}

/// The meter schedules of a lift on `meter`, locked for the reading that moves them.
pub fn meter_schedules(
    conn: &mut PgConnection,
    elevator_id: Uuid,
    meter: Meter,
) -> QueryResult<Vec<Schedule>> {
    schedules::table
        .filter(schedules::elevator_id.eq(elevator_id))
        .filter(schedules::frequency.eq(meter.as_str()))
        .filter(schedules::deleted_at.is_null())
        .select(Schedule::as_select())
        .for_update()
        .load(conn)
}

pub fn set_meter_from(conn: &mut PgConnection, id: Uuid, from: Option<i64>) -> QueryResult<usize> {
    diesel::update(schedules::table.find(id))
        .set(schedules::meter_from.eq(from))
        .execute(conn)
}

pub fn set_next_due(
    conn: &mut PgConnection,
    id: Uuid,
    next: Option<NaiveDate>,
) -> QueryResult<usize> {
    diesel::update(schedules::table.find(id))
        .set(schedules::next_due_on.eq(next))
        .execute(conn)
}

/// Every lift that is not archived, as (id, "unit — site"), for pickers and filters.
pub fn lift_options(conn: &mut PgConnection) -> QueryResult<Vec<(Uuid, String)>> {
    use crate::db::schema_org::{elevators, sites};
    let rows: Vec<(Uuid, String, String)> = elevators::table
        .inner_join(sites::table)
        .filter(elevators::deleted_at.is_null())
        .filter(sites::deleted_at.is_null())
        .order((sites::name, elevators::unit_number))
        .select((elevators::id, elevators::unit_number, sites::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, unit, site)| (id, format!("{unit} — {site}")))
        .collect())
}

/// The schedule page's names: (lift unit, site name, default assignee).
pub fn names_of(
    conn: &mut PgConnection,
    schedule: &Schedule,
) -> QueryResult<(String, String, Option<String>)> {
    use crate::db::schema_org::{contractors, elevators, sites};
    let (unit, site): (String, String) = elevators::table
        .inner_join(sites::table)
        .filter(elevators::id.eq(schedule.elevator_id))
        .select((elevators::unit_number, sites::name))
        .first(conn)?;
    let assignee = match schedule.assigned_contractor_id {
        Some(id) => contractors::table
            .find(id)
            .select(contractors::contact_name)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok((unit, site, assignee))
}
