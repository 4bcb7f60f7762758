//! Queries over an organization's work orders: the rows themselves here, the board and list in
//! [`listing`], and what hangs off a work order (tasks, parts, labour, comments) in [`lines`].

use bigdecimal::BigDecimal;
use chrono::{DateTime, Datelike, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_org::{work_order_counters, work_orders};
use crate::work_orders::status::{Priority, WorkOrderStatus, WorkOrderType};

pub mod field;
pub mod lines;
pub mod listing;

pub use lines::{
    add_comment, add_labor, add_part, add_task, comments, labor, move_task, parts, remove_labor,
    remove_part, set_task_reading, set_task_status, task, tasks, Comment, LaborEntry, LaborLine,
    PartLine, PartUsed, RemovedPart, Task,
};
pub use listing::{
    all_matching, card, columns, count, for_asset, for_contractor, page, Card, BOARD_COLUMNS,
    COLUMN_LIMIT,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = work_orders)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct WorkOrder {
    pub id: Uuid,
    pub elevator_id: Option<Uuid>,
    pub site_id: Uuid,
    pub work_order_number: String,
    #[diesel(column_name = type_)]
    pub work_type: WorkOrderType,
    pub priority: Priority,
    pub status: WorkOrderStatus,
    pub version: i32,
    pub title: String,
    pub description: Option<String>,
    pub fault_code: Option<String>,
    pub reported_symptoms: Option<String>,
    pub affected_floors: Option<String>,
    pub entrapment: bool,
    pub reported_at: DateTime<Utc>,
    pub scheduled_start: Option<DateTime<Utc>>,
    pub scheduled_end: Option<DateTime<Utc>>,
    pub actual_start: Option<DateTime<Utc>>,
    pub actual_end: Option<DateTime<Utc>>,
    pub due_date: Option<DateTime<Utc>>,
    pub assigned_contractor_id: Option<Uuid>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub reported_by_name: Option<String>,
    pub reported_by_phone: Option<String>,
    pub reported_by_email: Option<String>,
    pub resolution_notes: Option<String>,
    pub root_cause: Option<String>,
    pub resolution_type: Option<String>,
    pub cancellation_reason: Option<String>,
    pub parts_cost: BigDecimal,
    pub labor_cost: BigDecimal,
    pub total_cost: BigDecimal,
    pub requires_followup: bool,
    pub followup_notes: Option<String>,
    pub parent_work_order_id: Option<Uuid>,
    pub callback_reported_trouble: Option<String>,
    pub callback_reported_at: Option<DateTime<Utc>>,
    pub callback_corrective_action: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The due time was set by a person: a change of priority keeps it.
    pub due_date_manual: bool,
    /// The call-out fee charged (once), and whose.
    pub callout_cost: BigDecimal,
    pub callout_contractor_id: Option<Uuid>,
    /// The lift's status before this work put it in maintenance, given back when done.
    pub lift_status_before: Option<crate::elevators::status::ElevatorStatus>,
}

impl WorkOrder {
    pub fn is_overdue(&self, now: &DateTime<Utc>) -> bool {
        self.status.is_open() && self.due_date.is_some_and(|due| due < *now)
    }
}

/// Everything a new work order is written with.
#[derive(Insertable)]
#[diesel(table_name = work_orders)]
pub struct WorkOrderInsert {
    pub elevator_id: Option<Uuid>,
    pub site_id: Uuid,
    pub work_order_number: String,
    #[diesel(column_name = type_)]
    pub work_type: WorkOrderType,
    pub priority: Priority,
    pub status: WorkOrderStatus,
    pub title: String,
    pub description: Option<String>,
    pub fault_code: Option<String>,
    pub reported_symptoms: Option<String>,
    pub affected_floors: Option<String>,
    pub entrapment: bool,
    pub scheduled_start: Option<DateTime<Utc>>,
    pub scheduled_end: Option<DateTime<Utc>>,
    pub due_date: Option<DateTime<Utc>>,
    pub due_date_manual: bool,
    pub assigned_contractor_id: Option<Uuid>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub assigned_by: Option<Uuid>,
    pub reported_by_name: Option<String>,
    pub reported_by_phone: Option<String>,
    pub reported_by_email: Option<String>,
    pub parent_work_order_id: Option<Uuid>,
    pub callback_reported_trouble: Option<String>,
    pub callback_reported_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
}

/// The next number of `year` (`WO-2026-000123`). The counter row stays locked until the
/// transaction ends, so concurrent creations queue and numbers never repeat or skip.
pub fn next_number(conn: &mut PgConnection, year: i32) -> QueryResult<String> {
    let number: i32 = diesel::insert_into(work_order_counters::table)
        .values((
            work_order_counters::year.eq(year),
            work_order_counters::last_number.eq(1),
        ))
        .on_conflict(work_order_counters::year)
        .do_update()
        .set(work_order_counters::last_number.eq(work_order_counters::last_number + 1))
        .returning(work_order_counters::last_number)
        .get_result(conn)?;
    Ok(format!("WO-{year}-{number:06}"))
}

pub fn insert(conn: &mut PgConnection, values: WorkOrderInsert) -> QueryResult<WorkOrder> {
    diesel::insert_into(work_orders::table)
        .values(values)
        .returning(WorkOrder::as_returning())
        .get_result(conn)
}

pub fn year_of(now: DateTime<Utc>) -> i32 {
    now.year()
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<WorkOrder> {
    work_orders::table
        .find(id)
        .select(WorkOrder::as_select())
        .first(conn)
}

pub const OPEN: [WorkOrderStatus; 5] = [
    WorkOrderStatus::Draft,
    WorkOrderStatus::Pending,
    WorkOrderStatus::Scheduled,
    WorkOrderStatus::InProgress,
    WorkOrderStatus::OnHold,
];

/// The work order, locked until the transaction ends: every change takes this first.
pub fn lock(conn: &mut PgConnection, id: Uuid) -> QueryResult<WorkOrder> {
    work_orders::table
        .find(id)
        .select(WorkOrder::as_select())
        .for_update()
        .first(conn)
}

/// Marks a change: the next version, and when.
pub fn bump_version(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::update(work_orders::table.find(id))
        .set((
            work_orders::version.eq(work_orders::version + 1),
            work_orders::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
}

/// Parts, labour and total from their rows, in the caller's transaction. The call-out fee
/// stays while labour of the contractor it was charged for does.
pub fn recompute_costs(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE work_orders SET \
           parts_cost = p.total, labor_cost = l.total, \
           callout_cost = CASE WHEN k.kept THEN callout_cost ELSE 0 END, \
           callout_contractor_id = CASE WHEN k.kept THEN callout_contractor_id END, \
           total_cost = p.total + l.total + CASE WHEN k.kept THEN callout_cost ELSE 0 END \
         FROM (SELECT coalesce(sum(total_cost), 0) AS total FROM work_order_parts WHERE work_order_id = $1) p, \
              (SELECT coalesce(sum(total_cost), 0) AS total FROM work_order_labor WHERE work_order_id = $1) l, \
              (SELECT EXISTS (SELECT 1 FROM work_order_labor wl JOIN work_orders w ON w.id = wl.work_order_id \
                              WHERE wl.work_order_id = $1 AND wl.contractor_id = w.callout_contractor_id) AS kept) k \
         WHERE id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .execute(conn)
}

/// Charges `contractor_id`'s call-out fee on work order `id` unless one was charged already;
/// returns whether it was.
pub fn charge_callout(
    conn: &mut PgConnection,
    id: Uuid,
    contractor_id: Uuid,
    fee: &BigDecimal,
) -> QueryResult<bool> {
    let charged = diesel::update(
        work_orders::table
            .find(id)
            .filter(work_orders::callout_contractor_id.is_null()),
    )
    .set((
        work_orders::callout_cost.eq(fee),
        work_orders::callout_contractor_id.eq(contractor_id),
    ))
    .execute(conn)?;
    Ok(charged == 1)
}

/// Callbacks raised against a work order.
pub fn children(
    conn: &mut PgConnection,
    parent: Uuid,
) -> QueryResult<Vec<(Uuid, String, WorkOrderStatus)>> {
    work_orders::table
        .filter(work_orders::parent_work_order_id.eq(parent))
        .order(work_orders::reported_at)
        .select((
            work_orders::id,
            work_orders::work_order_number,
            work_orders::status,
        ))
        .load(conn)
}

/// Number of a work order, for links (the parent of a callback).
pub fn number_of(conn: &mut PgConnection, id: Uuid) -> QueryResult<String> {
    work_orders::table
        .find(id)
        .select(work_orders::work_order_number)
        .first(conn)
}

/// The open entrapment work order of a lift reported since `since`, if any: where further
/// reports of someone trapped in that lift are gathered.
pub fn open_entrapment(
    conn: &mut PgConnection,
    elevator_id: Uuid,
    since: DateTime<Utc>,
) -> QueryResult<Option<WorkOrder>> {
    work_orders::table
        .filter(work_orders::elevator_id.eq(elevator_id))
        .filter(work_orders::entrapment.eq(true))
        .filter(work_orders::status.eq_any(OPEN))
        .filter(work_orders::reported_at.gt(since))
        .order(work_orders::reported_at.desc())
        .select(WorkOrder::as_select())
        .first(conn)
        .optional()
}
