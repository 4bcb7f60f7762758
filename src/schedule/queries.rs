//! Reads and writes of the dispatch calendar: a period's bookings and the work waiting for one
//! (in one statement), the clashes of a booking, and the calendar feeds' secrets.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use crate::db::schema_org::calendar_feeds;
use crate::db::sql_types;
use crate::work_orders::status::{Priority, WorkOrderStatus};

/// How many waiting work orders the side list shows.
pub const WAITING_LIMIT: i64 = 60;
/// At most this many bookings in one period (a week of 50 people is a few hundred).
pub const BOOKED_LIMIT: i64 = 3000;

/// A work order on the calendar: booked in the period, or waiting for a booking.
#[derive(Debug, Clone, QueryableByName)]
pub struct Entry {
    /// Booked in the period (else waiting for a booking).
    #[diesel(sql_type = Bool)]
    pub booked: bool,
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub work_order_number: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = sql_types::WorkOrderStatus)]
    pub status: WorkOrderStatus,
    #[diesel(sql_type = sql_types::WorkOrderPriority)]
    pub priority: Priority,
    #[diesel(sql_type = Int4)]
    pub version: i32,
    #[diesel(sql_type = Bool)]
    pub entrapment: bool,
    #[diesel(sql_type = Text)]
    pub site_name: String,
    #[diesel(sql_type = Text)]
    pub site_timezone: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub unit_number: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub assignee_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub assignee_name: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub scheduled_start: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub scheduled_end: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub due_date: Option<DateTime<Utc>>,
}

/// What the calendar shows: bookings starting in `[from, to)` and waiting work orders, both
/// narrowed by site, priority and person.
#[derive(Debug, Clone, Default)]
pub struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub site: Option<Uuid>,
    pub priority: Option<Priority>,
    pub person: Option<Uuid>,
}

const COLUMNS: &str =
    "w.id, w.work_order_number::text AS work_order_number, w.title::text AS title, \
    w.status, w.priority, w.version, w.entrapment, s.name::text AS site_name, \
    s.timezone::text AS site_timezone, e.unit_number::text AS unit_number, \
    w.assigned_contractor_id AS assignee_id, c.contact_name::text AS assignee_name, \
    w.scheduled_start, w.scheduled_end, w.due_date \
    FROM work_orders w JOIN sites s ON s.id = w.site_id \
    LEFT JOIN elevators e ON e.id = w.elevator_id \
    LEFT JOIN contractors c ON c.id = w.assigned_contractor_id";

/// `$3` site, `$4` priority (text), `$5` person.
const FILTERS: &str = "($3::uuid IS NULL OR w.site_id = $3) \
    AND ($4::text IS NULL OR w.priority::text = $4)";

/// The period's bookings and the waiting work orders, in one statement: one row per work
/// order, however many people and days the calendar shows.
pub fn entries(conn: &mut PgConnection, window: &Window) -> QueryResult<Vec<Entry>> {
    let sql = format!(
        "(SELECT true AS booked, {COLUMNS} \
           WHERE w.scheduled_start >= $1 AND w.scheduled_start < $2 \
             AND w.assigned_contractor_id IS NOT NULL AND w.status <> 'cancelled' \
             AND {FILTERS} AND ($5::uuid IS NULL OR w.assigned_contractor_id = $5) \
           ORDER BY w.scheduled_start, w.id LIMIT {BOOKED_LIMIT}) \
         UNION ALL \
         (SELECT false AS booked, {COLUMNS} \
           WHERE w.status IN ('pending', 'scheduled', 'on_hold') \
             AND (w.scheduled_start IS NULL OR w.assigned_contractor_id IS NULL) \
             AND {FILTERS} \
             AND ($5::uuid IS NULL OR w.assigned_contractor_id IS NULL OR w.assigned_contractor_id = $5) \
           ORDER BY w.entrapment DESC, w.priority, w.due_date NULLS LAST, w.reported_at, w.id \
           LIMIT {WAITING_LIMIT})"
    );
    diesel::sql_query(sql)
        .bind::<Timestamptz, _>(window.from)
        .bind::<Timestamptz, _>(window.to)
        .bind::<Nullable<SqlUuid>, _>(window.site)
        .bind::<Nullable<Text>, _>(window.priority.map(|p| p.as_str()))
        .bind::<Nullable<SqlUuid>, _>(window.person)
        .load(conn)
}

/// A booking of the same person at the same time as another.
#[derive(Debug, Clone, QueryableByName)]
pub struct Clash {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub work_order_number: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Timestamptz)]
    pub start: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub end: DateTime<Utc>,
}

/// The open work orders of `person` (other than `except`) booked during `[start, end)`. A
/// booking without an end counts as an hour.
pub fn clashes(
    conn: &mut PgConnection,
    person: Uuid,
    except: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> QueryResult<Vec<Clash>> {
    diesel::sql_query(
        "SELECT id, work_order_number::text AS work_order_number, title::text AS title, \
                scheduled_start AS start, \
                coalesce(scheduled_end, scheduled_start + interval '1 hour') AS end \
           FROM work_orders \
          WHERE assigned_contractor_id = $1 AND id <> $2 \
            AND status IN ('pending', 'scheduled', 'in_progress', 'on_hold') \
            AND scheduled_start < $4 \
            AND coalesce(scheduled_end, scheduled_start + interval '1 hour') > $3 \
          ORDER BY scheduled_start LIMIT 20",
    )
    .bind::<SqlUuid, _>(person)
    .bind::<SqlUuid, _>(except)
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .load(conn)
}

/// A person's booked work for their calendar feed.
#[derive(Debug, Clone, QueryableByName)]
pub struct FeedEvent {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub work_order_number: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub description: Option<String>,
    #[diesel(sql_type = sql_types::WorkOrderStatus)]
    pub status: WorkOrderStatus,
    #[diesel(sql_type = sql_types::WorkOrderPriority)]
    pub priority: Priority,
    #[diesel(sql_type = Int4)]
    pub version: i32,
    #[diesel(sql_type = Text)]
    pub site_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub address: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub unit_number: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub start: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub end: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
}

/// What `person` is booked for from `since` on (at most 1,000 visits), cancelled work left out.
pub fn feed_events(
    conn: &mut PgConnection,
    person: Uuid,
    since: DateTime<Utc>,
) -> QueryResult<Vec<FeedEvent>> {
    diesel::sql_query(
        "SELECT w.id, w.work_order_number::text AS work_order_number, w.title::text AS title, \
                w.description, w.status, w.priority, w.version, s.name::text AS site_name, \
                nullif(concat_ws(', ', s.address_line1, s.address_line2, s.city, s.state, \
                                 s.postal_code), '') AS address, \
                e.unit_number::text AS unit_number, w.scheduled_start AS start, \
                w.scheduled_end AS end, w.updated_at \
           FROM work_orders w JOIN sites s ON s.id = w.site_id \
           LEFT JOIN elevators e ON e.id = w.elevator_id \
          WHERE w.assigned_contractor_id = $1 AND w.scheduled_start >= $2 \
            AND w.status NOT IN ('cancelled', 'draft') \
          ORDER BY w.scheduled_start LIMIT 1000",
    )
    .bind::<SqlUuid, _>(person)
    .bind::<Timestamptz, _>(since)
    .load(conn)
}

/// Whether `person`'s feed has a secret whose hash is `token_hash`.
pub fn feed_matches(conn: &mut PgConnection, person: Uuid, token_hash: &[u8]) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        calendar_feeds::table
            .filter(calendar_feeds::contractor_id.eq(person))
            .filter(calendar_feeds::token_hash.eq(token_hash)),
    ))
    .get_result(conn)
}

/// When each person's feed address was made (people without one are absent).
pub fn feeds_made(conn: &mut PgConnection) -> QueryResult<Vec<(Uuid, DateTime<Utc>)>> {
    calendar_feeds::table
        .select((calendar_feeds::contractor_id, calendar_feeds::created_at))
        .load(conn)
}

/// Gives `person`'s feed the secret whose hash is `token_hash`, replacing any earlier one.
pub fn set_feed(conn: &mut PgConnection, person: Uuid, token_hash: &[u8]) -> QueryResult<()> {
    let now = Utc::now();
    diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::contractor_id.eq(person),
            calendar_feeds::token_hash.eq(token_hash),
            calendar_feeds::created_at.eq(now),
        ))
        .on_conflict(calendar_feeds::contractor_id)
        .do_update()
        .set((
            calendar_feeds::token_hash.eq(token_hash),
            calendar_feeds::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
