//! What the dashboard shows, in a fixed number of queries whatever the size of the portfolio:
//! every figure is an aggregate in SQL, never a query per lift or site.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{
    BigInt, Date, Double, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The lift figures of the tiles and the status chart.
#[derive(Debug, Clone, Default, QueryableByName, Serialize, Deserialize)]
pub struct LiftFigures {
    #[diesel(sql_type = BigInt)]
    pub active: i64,
    #[diesel(sql_type = BigInt)]
    pub operational: i64,
    #[diesel(sql_type = BigInt)]
    pub degraded: i64,
    #[diesel(sql_type = BigInt)]
    pub out_of_service: i64,
    #[diesel(sql_type = BigInt)]
    pub maintenance: i64,
    #[diesel(sql_type = BigInt)]
    pub decommissioned: i64,
    #[diesel(sql_type = BigInt)]
    pub inspections_overdue: i64,
    #[diesel(sql_type = BigInt)]
    pub inspections_due_soon: i64,
    #[diesel(sql_type = Nullable<Integer>)]
    pub average_health: Option<i32>,
}

impl LiftFigures {
    /// Lifts in service as a whole percentage of the lifts not decommissioned.
    pub fn in_service_percent(&self) -> Option<i64> {
        (self.active > 0).then(|| (self.operational * 100 + self.active / 2) / self.active)
    }
}

/// Lifts that count: current, at a current site (the same rule as the lift list).
/// The day it is at site `s` at the moment bound as `$1`.
const SITE_DAY: &str = "($1 AT TIME ZONE s.timezone)::date";

const CURRENT_LIFTS: &str = "FROM elevators e JOIN sites s ON s.id = e.site_id \
     WHERE e.deleted_at IS NULL AND s.deleted_at IS NULL";

/// Inspections are overdue or due soon by the day it is at each lift's site (`$1` is now).
pub fn lift_figures(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<LiftFigures> {
    diesel::sql_query(format!(
        "SELECT count(*) FILTER (WHERE e.status <> 'decommissioned') AS active, \
           count(*) FILTER (WHERE e.status = 'operational') AS operational, \
           count(*) FILTER (WHERE e.status = 'degraded') AS degraded, \
           count(*) FILTER (WHERE e.status = 'out_of_service') AS out_of_service, \
           count(*) FILTER (WHERE e.status = 'maintenance') AS maintenance, \
           count(*) FILTER (WHERE e.status = 'decommissioned') AS decommissioned, \
           count(*) FILTER (WHERE e.status <> 'decommissioned' AND e.next_inspection_due < {SITE_DAY}) \
             AS inspections_overdue, \
           count(*) FILTER (WHERE e.status <> 'decommissioned' AND e.next_inspection_due >= {SITE_DAY} \
             AND e.next_inspection_due <= {SITE_DAY} + 30) AS inspections_due_soon, \
           round(avg(e.health_score))::integer AS average_health \
         {CURRENT_LIFTS}"
    ))
    .bind::<Timestamptz, _>(now)
    .get_result(conn)
}

/// Open work orders by priority, overdue ones, and entrapments of the last 30 days.
#[derive(Debug, Clone, Default, QueryableByName, Serialize, Deserialize)]
pub struct WorkOrderFigures {
    #[diesel(sql_type = BigInt)]
    pub emergency: i64,
    #[diesel(sql_type = BigInt)]
    pub high: i64,
    #[diesel(sql_type = BigInt)]
    pub medium: i64,
    #[diesel(sql_type = BigInt)]
    pub low: i64,
    #[diesel(sql_type = BigInt)]
    pub scheduled: i64,
    #[diesel(sql_type = BigInt)]
    pub overdue: i64,
    #[diesel(sql_type = BigInt)]
    pub entrapments: i64,
}

impl WorkOrderFigures {
    pub fn open(&self) -> i64 {
        self.emergency + self.high + self.medium + self.low + self.scheduled
    }
}

/// The statuses the work-order list's "overdue" filter counts as open.
const OPEN: &str = "('draft', 'pending', 'scheduled', 'in_progress', 'on_hold')";

pub fn work_order_figures(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
) -> QueryResult<WorkOrderFigures> {
    diesel::sql_query(format!(
        "SELECT count(*) FILTER (WHERE status IN {OPEN} AND priority = 'emergency') AS emergency, \
           count(*) FILTER (WHERE status IN {OPEN} AND priority = 'high') AS high, \
           count(*) FILTER (WHERE status IN {OPEN} AND priority = 'medium') AS medium, \
           count(*) FILTER (WHERE status IN {OPEN} AND priority = 'low') AS low, \
           count(*) FILTER (WHERE status IN {OPEN} AND priority = 'scheduled') AS scheduled, \
           count(*) FILTER (WHERE status IN {OPEN} AND due_date < $1) AS overdue, \
           count(*) FILTER (WHERE entrapment AND reported_at > $1 - interval '30 days') AS entrapments \
         FROM work_orders"
    ))
    .bind::<Timestamptz, _>(now)
    .get_result(conn)
}

#[derive(Debug, Clone, Default, QueryableByName, Serialize, Deserialize)]
pub struct RequestFigures {
    #[diesel(sql_type = BigInt)]
    pub open: i64,
    #[diesel(sql_type = BigInt)]
    pub unacknowledged: i64,
}

pub fn request_figures(conn: &mut PgConnection) -> QueryResult<RequestFigures> {
    diesel::sql_query(
        "SELECT count(*) FILTER (WHERE status IN ('open', 'acknowledged', 'in_progress')) AS open, \
           count(*) FILTER (WHERE status = 'open') AS unacknowledged FROM service_requests",
    )
    .get_result(conn)
}

/// One line of "needs attention".
#[derive(Debug, Clone, QueryableByName)]
pub struct Attention {
    /// `lift_down`, `inspection_overdue`, `work_order_overdue`, `pm_overdue` or
    /// `request_unacknowledged`.
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = Text)]
    pub site_name: String,
    #[diesel(sql_type = Text)]
    pub detail: String,
    /// Since when: down since, inspection due on, work order due at.
    #[diesel(sql_type = Timestamptz)]
    pub since: DateTime<Utc>,
}

/// The kinds of item that need attention, each a query over `$1` (now) with the expression
/// its items are ordered by: lifts down, inspections overdue, overdue emergency/high work
/// orders, planned maintenance visits past their due date and fault reports nobody has
/// acknowledged.
fn attention_arms() -> [(String, &'static str); 5] {
    [
        (
            format!(
                "SELECT 'lift_down' AS kind, e.id, 'Lift ' || e.unit_number AS label, \
                   s.name AS site_name, coalesce(e.status_reason, '') AS detail, \
                   e.status_changed_at AS since \
                 {CURRENT_LIFTS} AND e.status = 'out_of_service'"
            ),
            "e.status_changed_at",
        ),
        (
            format!(
                "SELECT 'inspection_overdue', e.id, 'Lift ' || e.unit_number, s.name, \
                   coalesce(e.inspection_certificate_number, ''), e.next_inspection_due::timestamptz \
                 {CURRENT_LIFTS} AND e.status <> 'decommissioned' AND e.next_inspection_due < {SITE_DAY}"
            ),
            "e.next_inspection_due",
        ),
        (
            format!(
                "SELECT 'work_order_overdue', w.id, w.work_order_number || ' ' || w.title, s.name, \
                   w.priority::text, w.due_date \
                 FROM work_orders w JOIN sites s ON s.id = w.site_id \
                 WHERE w.status IN {OPEN} AND w.priority IN ('emergency', 'high') AND w.due_date < $1"
            ),
            "w.due_date",
        ),
        (
            format!(
                "SELECT 'pm_overdue', w.id, w.work_order_number || ' ' || w.title, s.name, \
                   w.priority::text, o.due_on::timestamptz \
                 FROM maintenance_occurrences o JOIN work_orders w ON w.id = o.work_order_id \
                 JOIN maintenance_schedules ms ON ms.id = o.schedule_id AND ms.deleted_at IS NULL \
                 JOIN sites s ON s.id = w.site_id \
                 WHERE o.status = 'raised' AND w.status IN {OPEN} \
                   AND o.due_on < ($1 AT TIME ZONE s.timezone)::date \
                   AND NOT (w.priority IN ('emergency', 'high') AND w.due_date < $1)"
            ),
            "o.due_on",
        ),
        (
            "SELECT 'request_unacknowledged', r.id, r.reference || ' ' || r.subject, s.name, \
               r.request_type, r.created_at \
             FROM service_requests r JOIN sites s ON s.id = r.site_id WHERE r.status = 'open'"
                .to_string(),
            "r.created_at",
        ),
    ]
}

/// The statement behind [`needs_attention`] (`$1` now, `$2` the limit). Each kind gives at
/// most its own `limit` oldest through its index, so the page never gathers every overdue item
/// of a large history.
pub fn needs_attention_sql() -> String {
    let arms: Vec<String> = attention_arms()
        .into_iter()
        .map(|(arm, order)| format!("({arm} ORDER BY {order} LIMIT $2)"))
        .collect();
    format!(
        "SELECT kind, id, label, site_name, detail, since FROM ({}) items \
         ORDER BY since, label LIMIT $2",
        arms.join(" UNION ALL ")
    )
}

/// The `limit` oldest items that need attention.
pub fn needs_attention(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<Attention>> {
    diesel::sql_query(needs_attention_sql())
        .bind::<Timestamptz, _>(now)
        .bind::<BigInt, _>(limit)
        .load(conn)
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// How many items need attention in all.
pub fn attention_total(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<i64> {
    let arms: Vec<String> = attention_arms()
        .into_iter()
        .map(|(arm, _)| format!("({arm})"))
        .collect();
    diesel::sql_query(format!(
        "SELECT count(*) AS total FROM ({}) items",
        arms.join(" UNION ALL ")
    ))
    .bind::<Timestamptz, _>(now)
    .get_result::<Total>(conn)
    .map(|row| row.total)
}

/// A labelled value of a chart.
#[derive(Debug, Clone, QueryableByName, Serialize, Deserialize)]
pub struct Point {
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = Double)]
    pub value: f64,
    /// A second series where the chart has one (completed per week), or the count behind an
    /// average (repairs per month).
    #[diesel(sql_type = Double)]
    pub other: f64,
}

/// Work orders opened and completed per week, the last 12 weeks (weeks start on Monday in
/// the organization's time zone), oldest first.
pub fn weekly_work_orders(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    tz: &str,
) -> QueryResult<Vec<Point>> {
    diesel::sql_query(
        "WITH weeks AS ( \
           SELECT week, week + interval '1 week' AS week_end FROM generate_series( \
             date_trunc('week', $1 AT TIME ZONE $2) - interval '11 weeks', \
             date_trunc('week', $1 AT TIME ZONE $2), interval '1 week') AS week) \
         SELECT to_char(week, 'YYYY-MM-DD') AS label, \
           (SELECT count(*) FROM work_orders w WHERE w.reported_at >= (week AT TIME ZONE $2) \
              AND w.reported_at < (week_end AT TIME ZONE $2))::float8 AS value, \
           (SELECT count(*) FROM work_orders w WHERE w.completed_at >= (week AT TIME ZONE $2) \
              AND w.completed_at < (week_end AT TIME ZONE $2))::float8 AS other \
         FROM weeks ORDER BY week",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Text, _>(tz)
    .load(conn)
}

/// Mean time to repair (hours from report to completion) of breakdowns completed in each of
/// the last 12 months, oldest first; `other` is how many repairs the average is over.
pub fn monthly_repair_time(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    tz: &str,
) -> QueryResult<Vec<Point>> {
    diesel::sql_query(
        "WITH months AS ( \
           SELECT month, month + interval '1 month' AS month_end FROM generate_series( \
             date_trunc('month', $1 AT TIME ZONE $2) - interval '11 months', \
             date_trunc('month', $1 AT TIME ZONE $2), interval '1 month') AS month) \
         SELECT to_char(month, 'YYYY-MM') AS label, \
           coalesce(round((avg(extract(epoch FROM w.completed_at - w.reported_at)) / 3600)::numeric, 1), 0)::float8 AS value, \
           count(w.id)::float8 AS other \
         FROM months LEFT JOIN work_orders w ON w.type = 'breakdown' \
           AND w.completed_at >= (month AT TIME ZONE $2) AND w.completed_at < (month_end AT TIME ZONE $2) \
         GROUP BY month ORDER BY month",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Text, _>(tz)
    .load(conn)
}

/// Breakdowns reported in the last 12 months per manufacturer, most first (at most 10).
pub fn breakdowns_by_manufacturer(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
) -> QueryResult<Vec<Point>> {
    diesel::sql_query(
        "SELECT coalesce(nullif(trim(e.manufacturer), ''), 'Unknown') AS label, \
           count(*)::float8 AS value, 0::float8 AS other \
         FROM work_orders w JOIN elevators e ON e.id = w.elevator_id \
         WHERE w.type = 'breakdown' AND w.status <> 'cancelled' \
           AND w.reported_at > $1 - interval '12 months' \
         GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10",
    )
    .bind::<Timestamptz, _>(now)
    .load(conn)
}

/// The sites with the lowest health, for the dashboard.
#[derive(Debug, Clone, QueryableByName)]
pub struct SiteHealth {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Integer)]
    pub health_score: i32,
    #[diesel(sql_type = Integer)]
    pub lift_count: i32,
}

pub fn lowest_sites(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<SiteHealth>> {
    diesel::sql_query(
        "SELECT id, name, health_score, lift_count FROM sites \
         WHERE deleted_at IS NULL AND health_score IS NOT NULL \
         ORDER BY health_score, lower(name), id LIMIT $1",
    )
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// The organization's time zone (its settings), for week and month boundaries.
pub fn time_zone(conn: &mut PgConnection, organization_id: Uuid) -> QueryResult<String> {
    let tz: Option<String> = diesel::sql_query(
        "SELECT coalesce(settings->>'timezone', 'Australia/Sydney') AS value \
         FROM organizations WHERE id = $1",
    )
    .bind::<SqlUuid, _>(organization_id)
    .get_result::<crate::db::TextRow>(conn)
    .optional()?
    .map(|row| row.value);
    Ok(tz
        .filter(|tz| tz.parse::<chrono_tz::Tz>().is_ok())
        .unwrap_or_else(|| "Australia/Sydney".into()))
}

/// Breakdown reliability: mean time to repair and mean time between breakdowns.
#[derive(Debug, Clone, Default, QueryableByName, Serialize, Deserialize)]
pub struct Reliability {
    #[diesel(sql_type = BigInt)]
    pub breakdowns: i64,
    /// Hours from report to completion, over completed breakdowns.
    #[diesel(sql_type = Nullable<Double>)]
    pub mttr_hours: Option<f64>,
    #[diesel(sql_type = BigInt)]
    pub repaired: i64,
    /// Days from one breakdown's report to the next on the same lift.
    #[diesel(sql_type = Nullable<Double>)]
    pub mtbf_days: Option<f64>,
    #[diesel(sql_type = BigInt)]
    pub gaps: i64,
}

impl Reliability {
    pub fn mttr(&self) -> String {
        match self.mttr_hours {
            Some(h) if h < 48.0 => format!("{h:.1} h"),
            Some(h) => format!("{:.1} days", h / 24.0),
            None => "—".into(),
        }
    }

    pub fn mtbf(&self) -> String {
        self.mtbf_days
            .map(|d| format!("{d:.0} days"))
            .unwrap_or_else(|| "—".into())
    }
}

/// Which breakdowns [`reliability`] looks at; all `None` is the whole organization.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    pub elevator_id: Option<Uuid>,
    pub site_id: Option<Uuid>,
    /// Breakdowns this contractor was assigned; the time to the next breakdown of the same
    /// lift still counts every breakdown, so MTBF says how long their repairs held.
    pub contractor_id: Option<Uuid>,
}

/// MTTR and MTBF over the breakdowns (not cancelled) reported in the last 12 months.
pub fn reliability(
    conn: &mut PgConnection,
    scope: Scope,
    now: DateTime<Utc>,
) -> QueryResult<Reliability> {
    diesel::sql_query(
        "WITH b AS ( \
           SELECT w.assigned_contractor_id, w.reported_at, w.completed_at, \
             lead(w.reported_at) OVER (PARTITION BY w.elevator_id ORDER BY w.reported_at) AS next_reported \
           FROM work_orders w \
           WHERE w.type = 'breakdown' AND w.status <> 'cancelled' AND w.elevator_id IS NOT NULL \
             AND w.reported_at > $1 \
             AND ($2::uuid IS NULL OR w.elevator_id = $2) AND ($3::uuid IS NULL OR w.site_id = $3)) \
         SELECT count(*) AS breakdowns, \
           avg(extract(epoch FROM completed_at - reported_at) / 3600)::float8 AS mttr_hours, \
           count(completed_at) AS repaired, \
           avg(extract(epoch FROM next_reported - reported_at) / 86400)::float8 AS mtbf_days, \
           count(next_reported) AS gaps \
         FROM b WHERE $4::uuid IS NULL OR assigned_contractor_id = $4",
    )
    .bind::<Timestamptz, _>(now - Duration::days(365))
    .bind::<Nullable<SqlUuid>, _>(scope.elevator_id)
    .bind::<Nullable<SqlUuid>, _>(scope.site_id)
    .bind::<Nullable<SqlUuid>, _>(scope.contractor_id)
    .get_result(conn)
}

/// A site's daily health, the last `days` days, oldest first.
#[derive(Debug, Clone, QueryableByName)]
pub struct HistoryPoint {
    #[diesel(sql_type = Date)]
    pub recorded_on: NaiveDate,
    #[diesel(sql_type = Integer)]
    pub score: i32,
}

pub fn site_history(
    conn: &mut PgConnection,
    site_id: Uuid,
    today: NaiveDate,
    days: i64,
) -> QueryResult<Vec<HistoryPoint>> {
    diesel::sql_query(
        "SELECT recorded_on, score FROM health_score_history \
         WHERE site_id = $1 AND recorded_on > $2 ORDER BY recorded_on",
    )
    .bind::<SqlUuid, _>(site_id)
    .bind::<Date, _>(today - Duration::days(days))
    .load(conn)
}

/// Everything the dashboard shows.
pub struct Dashboard {
    pub sites: i64,
    /// The aggregates, as of [`Dashboard::counted_at`].
    pub figures: super::figures::Figures,
    pub counted_at: DateTime<Utc>,
    pub attention: Vec<Attention>,
    pub lowest_sites: Vec<SiteHealth>,
    pub time_zone: String,
}

pub const ATTENTION_LIMIT: i64 = 25;

/// Loads the dashboard in the caller's organization transaction: the kept aggregates and a
/// few statements served by indexes, whatever the number of sites, lifts and work orders.
pub fn load(
    conn: &mut PgConnection,
    organization_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<Dashboard> {
    let time_zone = time_zone(conn, organization_id)?;
    let kept = super::figures::for_view(conn, organization_id, now, &time_zone)?;
    Ok(Dashboard {
        sites: crate::sites::queries::count_active(conn)?,
        figures: kept.figures,
        counted_at: kept.counted_at,
        attention: needs_attention(conn, now, ATTENTION_LIMIT)?,
        lowest_sites: lowest_sites(conn, 5)?,
        time_zone,
    })
}
