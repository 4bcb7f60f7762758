//! Work in the field: running labour timers, and the sign-off recorded on completion.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_org::{contractors, labor_timers, work_order_labor, work_order_signoffs};

/// A labour timer that is running.
#[derive(Debug, Clone, Queryable)]
pub struct RunningTimer {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub contractor_id: Uuid,
    pub contractor_name: String,
    pub started_at: DateTime<Utc>,
}

type TimerColumns = (
    labor_timers::id,
    labor_timers::work_order_id,
    labor_timers::contractor_id,
    contractors::contact_name,
    labor_timers::started_at,
);
type Running = diesel::dsl::Select<
    diesel::dsl::InnerJoin<labor_timers::table, contractors::table>,
    TimerColumns,
>;

fn running() -> Running {
    labor_timers::table.inner_join(contractors::table).select((
        labor_timers::id,
        labor_timers::work_order_id,
        labor_timers::contractor_id,
        contractors::contact_name,
        labor_timers::started_at,
    ))
}

/// The timers running on a work order, longest first.
pub fn timers_on(conn: &mut PgConnection, work_order_id: Uuid) -> QueryResult<Vec<RunningTimer>> {
    running()
        .filter(labor_timers::work_order_id.eq(work_order_id))
        .order(labor_timers::started_at)
        .load(conn)
}

/// The timer a contractor has running, on whichever work order.
pub fn timer_of(conn: &mut PgConnection, contractor_id: Uuid) -> QueryResult<Option<RunningTimer>> {
    running()
        .filter(labor_timers::contractor_id.eq(contractor_id))
        .first(conn)
        .optional()
}

/// The timers started before `cutoff`, oldest first.
pub fn started_before(
    conn: &mut PgConnection,
    cutoff: DateTime<Utc>,
) -> QueryResult<Vec<RunningTimer>> {
    running()
        .filter(labor_timers::started_at.lt(cutoff))
        .order(labor_timers::started_at)
        .load(conn)
}

/// Starts a timer; `false` when the contractor already has one running.
pub fn start_timer(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    contractor_id: Uuid,
    at: DateTime<Utc>,
    by: Option<Uuid>,
) -> QueryResult<bool> {
    diesel::insert_into(labor_timers::table)
        .values((
            labor_timers::work_order_id.eq(work_order_id),
            labor_timers::contractor_id.eq(contractor_id),
            labor_timers::started_at.eq(at),
            labor_timers::started_by.eq(by),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n == 1)
}

pub fn remove_timer(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(labor_timers::table.find(id)).execute(conn)
}

/// Marks the labour line a timer became (found by its work order, person and start).
pub fn mark_timed(
    conn: &mut PgConnection,
    timer: &RunningTimer,
    capped: bool,
) -> QueryResult<usize> {
    diesel::update(
        work_order_labor::table
            .filter(work_order_labor::work_order_id.eq(timer.work_order_id))
            .filter(work_order_labor::contractor_id.eq(timer.contractor_id))
            .filter(work_order_labor::start_time.eq(timer.started_at)),
    )
    .set((
        work_order_labor::timed.eq(true),
        work_order_labor::capped.eq(capped),
    ))
    .execute(conn)
}

/// The labour lines of a work order that were cut to the cap.
pub fn capped_lines(conn: &mut PgConnection, work_order_id: Uuid) -> QueryResult<Vec<Uuid>> {
    work_order_labor::table
        .filter(work_order_labor::work_order_id.eq(work_order_id))
        .filter(work_order_labor::capped)
        .select(work_order_labor::id)
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = work_order_signoffs)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Signoff {
    pub work_order_id: Uuid,
    pub accepted_by_name: String,
    pub signature_key: Option<String>,
    pub signed_at: DateTime<Utc>,
    pub recorded_by_name: String,
}

pub fn signoff(conn: &mut PgConnection, work_order_id: Uuid) -> QueryResult<Option<Signoff>> {
    work_order_signoffs::table
        .find(work_order_id)
        .select(Signoff::as_select())
        .first(conn)
        .optional()
}

/// Records (or, on a reopened and completed-again work order, replaces) the sign-off; returns
/// the signature it replaced, whose file is then litter.
pub fn put_signoff(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    accepted_by_name: &str,
    signature_key: Option<&str>,
    recorded_by: (Option<Uuid>, &str),
) -> QueryResult<Option<String>> {
    let replaced = signoff(conn, work_order_id)?.and_then(|s| s.signature_key);
    diesel::insert_into(work_order_signoffs::table)
        .values((
            work_order_signoffs::work_order_id.eq(work_order_id),
            work_order_signoffs::accepted_by_name.eq(accepted_by_name),
            work_order_signoffs::signature_key.eq(signature_key),
            work_order_signoffs::signed_at.eq(Utc::now()),
            work_order_signoffs::recorded_by.eq(recorded_by.0),
            work_order_signoffs::recorded_by_name.eq(recorded_by.1),
        ))
        .on_conflict(work_order_signoffs::work_order_id)
        .do_update()
        .set((
            work_order_signoffs::accepted_by_name.eq(accepted_by_name),
            work_order_signoffs::signature_key.eq(signature_key),
            work_order_signoffs::signed_at.eq(Utc::now()),
            work_order_signoffs::recorded_by.eq(recorded_by.0),
            work_order_signoffs::recorded_by_name.eq(recorded_by.1),
        ))
        .execute(conn)?;
    Ok(replaced)
}
