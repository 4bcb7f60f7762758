//! Queries over an organization's work orders and what hangs off them.

use crate::db::static_sql;
use bigdecimal::BigDecimal;
use chrono::{DateTime, Datelike, Duration, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};
use uuid::Uuid;

use super::costs;
use super::forms::WorkOrderQuery;
use super::status::{Priority, WorkOrderStatus, WorkOrderType};
use crate::db::schema_org::{
    contractors, elevators, sites, work_order_comments, work_order_counters, work_order_labor,
    work_order_parts, work_order_tasks, work_orders,
};
use crate::db::UnionAll;

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

/// A card on the board or a row of the list.
#[derive(Debug, Clone, Queryable)]
pub struct Card {
    pub id: Uuid,
    pub number: String,
    pub title: String,
    pub status: WorkOrderStatus,
    pub priority: Priority,
    pub work_type: WorkOrderType,
    pub entrapment: bool,
    pub due_date: Option<DateTime<Utc>>,
    pub reported_at: DateTime<Utc>,
    pub version: i32,
    pub site_name: String,
    pub unit_number: Option<String>,
    pub assignee: Option<String>,
    pub total_cost: BigDecimal,
}

impl Card {
    pub fn is_overdue(&self, now: &DateTime<Utc>) -> bool {
        self.status.is_open() && self.due_date.is_some_and(|due| due < *now)
    }
}

type Boxed<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::LeftJoin<
        diesel::dsl::LeftJoin<
            diesel::dsl::InnerJoin<work_orders::table, sites::table>,
            elevators::table,
        >,
        contractors::table,
    >,
    diesel::pg::Pg,
>;

/// Same expression as the trigram index on work orders.
const SEARCH_TEXT: &str = "(work_orders.work_order_number || ' ' || work_orders.title || ' ' || \
     coalesce(work_orders.fault_code, ''))";

/// A condition on work orders' own columns, usable in any query that reads `work_orders`.
/// Nullable because comparisons with nullable columns are (NULL is "no match" in a filter).
type Predicate<QS> = Box<dyn BoxableExpression<QS, Pg, SqlType = Nullable<Bool>>>;

/// The condition the others are added to, typed so that comparisons with nullable columns join.
fn always() -> crate::db::static_sql::StaticSql<Nullable<Bool>> {
    static_sql::<Nullable<Bool>>("TRUE")
}

/// The list and board filters as one condition on work orders' own columns. Counting needs no
/// join (an index-only scan); the cards join sites, lifts and contractors.
fn matching<QS>(query: &WorkOrderQuery, now: DateTime<Utc>) -> Predicate<QS>
where
    QS: 'static,
    work_orders::site_id: SelectableExpression<QS>,
    work_orders::priority: SelectableExpression<QS>,
    work_orders::type_: SelectableExpression<QS>,
    work_orders::assigned_contractor_id: SelectableExpression<QS>,
    work_orders::due_date: SelectableExpression<QS>,
    work_orders::status: SelectableExpression<QS>,
{
    let mut p: Predicate<QS> = Box::new(always());
    let search = query.q.trim();
    if !search.is_empty() {
        let pattern = crate::db::contains_pattern(search);
        p = Box::new(p.and(static_sql::<Text>(SEARCH_TEXT).ilike(pattern)));
    }
    if let Some(site) = query.site_id() {
        p = Box::new(p.and(work_orders::site_id.eq(site)));
    }
    if let Some(priority) = Priority::parse(&query.priority) {
        p = Box::new(p.and(work_orders::priority.eq(priority)));
    }
    if let Some(kind) = WorkOrderType::parse(&query.work_type) {
        p = Box::new(p.and(work_orders::type_.eq(kind)));
    }
    if query.assignee == "none" {
        p = Box::new(p.and(work_orders::assigned_contractor_id.is_null()));
    } else if let Some(assignee) = query.assignee_id() {
        p = Box::new(p.and(work_orders::assigned_contractor_id.eq(assignee)));
    }
    if query.overdue == "1" {
        p = Box::new(
            p.and(work_orders::due_date.lt(now))
                .and(work_orders::status.eq_any(OPEN)),
        );
    }
    if let Some(status) = WorkOrderStatus::parse(&query.status) {
        p = Box::new(p.and(work_orders::status.eq(status)));
    }
    p
}

/// What a board column holds: its status, and for Completed only the last 14 days.
fn in_column<QS>(status: WorkOrderStatus, now: DateTime<Utc>) -> Predicate<QS>
where
    QS: 'static,
    work_orders::status: SelectableExpression<QS>,
    work_orders::completed_at: SelectableExpression<QS>,
{
    if status == WorkOrderStatus::Completed {
        Box::new(
            always()
                .and(work_orders::status.eq(status))
                .and(work_orders::completed_at.ge(now - Duration::days(14))),
        )
    } else {
        Box::new(always().and(work_orders::status.eq(status)))
    }
}

fn filtered<'a>(query: &'a WorkOrderQuery, now: DateTime<Utc>) -> Boxed<'a> {
    work_orders::table
        .inner_join(sites::table)
        .left_join(elevators::table)
        .left_join(contractors::table)
        .into_boxed()
        .filter(matching(query, now))
}

pub const OPEN: [WorkOrderStatus; 5] = [
    WorkOrderStatus::Draft,
    WorkOrderStatus::Pending,
    WorkOrderStatus::Scheduled,
    WorkOrderStatus::InProgress,
    WorkOrderStatus::OnHold,
];

type CardColumns = (
    work_orders::id,
    work_orders::work_order_number,
    work_orders::title,
    work_orders::status,
    work_orders::priority,
    work_orders::type_,
    work_orders::entrapment,
    work_orders::due_date,
    work_orders::reported_at,
    work_orders::version,
    sites::name,
    diesel::dsl::Nullable<elevators::unit_number>,
    diesel::dsl::Nullable<contractors::contact_name>,
    work_orders::total_cost,
);

fn card_columns() -> CardColumns {
    (
        work_orders::id,
        work_orders::work_order_number,
        work_orders::title,
        work_orders::status,
        work_orders::priority,
        work_orders::type_,
        work_orders::entrapment,
        work_orders::due_date,
        work_orders::reported_at,
        work_orders::version,
        sites::name,
        elevators::unit_number.nullable(),
        contractors::contact_name.nullable(),
        work_orders::total_cost,
    )
}

/// The board's columns in order; completed shows the last 14 days.
pub const BOARD_COLUMNS: [WorkOrderStatus; 5] = [
    WorkOrderStatus::Pending,
    WorkOrderStatus::Scheduled,
    WorkOrderStatus::InProgress,
    WorkOrderStatus::OnHold,
    WorkOrderStatus::Completed,
];

/// How many cards a column shows; its count says how many there are in all.
pub const COLUMN_LIMIT: i64 = 50;

/// The order of cards in a column: entrapments first, then by priority and due time.
fn card_order(card: &Card) -> impl Ord + '_ {
    (
        !card.entrapment,
        card.priority,
        card.due_date.is_none(),
        card.due_date,
        card.id,
    )
}

/// Board columns: the first [`COLUMN_LIMIT`] cards of each and how many there are in all, in
/// two round trips whatever the number of columns. Each column is its own arm of a
/// `UNION ALL`, so each still reads its own index range.
pub fn columns(
    conn: &mut PgConnection,
    query: &WorkOrderQuery,
    statuses: &[WorkOrderStatus],
    now: DateTime<Utc>,
) -> QueryResult<Vec<(WorkOrderStatus, Vec<Card>, i64)>> {
    let arms = statuses.iter().map(|&status| {
        filtered(query, now)
            .filter(in_column(status, now))
            .order((
                work_orders::entrapment.desc(),
                work_orders::priority.asc(),
                work_orders::due_date.asc().nulls_last(),
                work_orders::id,
            ))
            .limit(COLUMN_LIMIT)
            .select(card_columns())
    });
    let count_arms = statuses.iter().map(|&status| {
        work_orders::table
            .filter(matching(query, now))
            .filter(in_column(status, now))
            .select((
                status.into_sql::<crate::db::sql_types::WorkOrderStatus>(),
                diesel::dsl::count_star(),
            ))
    });
    let mut cards: Vec<Card> = UnionAll(arms.collect()).load(conn)?;
    let counts: Vec<(WorkOrderStatus, i64)> = UnionAll(count_arms.collect()).load(conn)?;
    cards.sort_by(|a, b| card_order(a).cmp(&card_order(b)));
    Ok(statuses
        .iter()
        .map(|&status| {
            let count = counts
                .iter()
                .find(|(s, _)| *s == status)
                .map_or(0, |(_, n)| *n);
            let column = cards
                .iter()
                .filter(|c| c.status == status)
                .cloned()
                .collect();
            (status, column, count)
        })
        .collect())
}

/// One card by id (after a move), or `None` if it no longer matches.
pub fn card(conn: &mut PgConnection, id: Uuid) -> QueryResult<Card> {
    work_orders::table
        .inner_join(sites::table)
        .left_join(elevators::table)
        .left_join(contractors::table)
        .filter(work_orders::id.eq(id))
        .select(card_columns())
        .first(conn)
}

pub fn count(
    conn: &mut PgConnection,
    query: &WorkOrderQuery,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    work_orders::table
        .filter(matching(query, now))
        .count()
        .get_result(conn)
}

fn sorted<'a>(q: Boxed<'a>, query: &WorkOrderQuery) -> Boxed<'a> {
    let desc = query.descending();
    let q = match (query.sort_column(), desc) {
        ("number", false) => q.order(work_orders::work_order_number.asc()),
        ("number", true) => q.order(work_orders::work_order_number.desc()),
        ("priority", false) => q.order(work_orders::priority.asc()),
        ("priority", true) => q.order(work_orders::priority.desc()),
        ("status", false) => q.order(work_orders::status.asc()),
        ("status", true) => q.order(work_orders::status.desc()),
        ("due", false) => q.order(work_orders::due_date.asc().nulls_last()),
        ("due", true) => q.order(work_orders::due_date.desc().nulls_last()),
        ("cost", false) => q.order(work_orders::total_cost.asc()),
        ("cost", true) => q.order(work_orders::total_cost.desc()),
        (_, false) => q.order(work_orders::reported_at.asc()),
        (_, true) => q.order(work_orders::reported_at.desc()),
    };
    q.then_order_by(work_orders::id)
}

pub fn page(
    conn: &mut PgConnection,
    query: &WorkOrderQuery,
    now: DateTime<Utc>,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Card>> {
    sorted(filtered(query, now), query)
        .offset(offset)
        .limit(limit)
        .select(card_columns())
        .load(conn)
}

pub fn all_matching(
    conn: &mut PgConnection,
    query: &WorkOrderQuery,
    now: DateTime<Utc>,
) -> QueryResult<Vec<Card>> {
    sorted(filtered(query, now), query)
        .limit(crate::imports::MAX_ROWS as i64)
        .select(card_columns())
        .load(conn)
}

/// Work orders of one site or lift: open ones first, then the most recent.
pub fn for_asset(
    conn: &mut PgConnection,
    site_id: Option<Uuid>,
    elevator_id: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Card>> {
    let mut q = work_orders::table
        .inner_join(sites::table)
        .left_join(elevators::table)
        .left_join(contractors::table)
        .into_boxed();
    if let Some(site) = site_id {
        q = q.filter(work_orders::site_id.eq(site));
    }
    if let Some(elevator) = elevator_id {
        q = q.filter(work_orders::elevator_id.eq(elevator));
    }
    q.order((
        static_sql::<diesel::sql_types::Bool>(
            "work_orders.status IN ('draft','pending','scheduled','in_progress','on_hold')",
        )
        .desc(),
        work_orders::reported_at.desc(),
    ))
    .limit(limit)
    .select(card_columns())
    .load(conn)
}

/// Work orders of one contractor, open first.
pub fn for_contractor(
    conn: &mut PgConnection,
    contractor_id: Uuid,
    limit: i64,
) -> QueryResult<Vec<Card>> {
    let query = WorkOrderQuery {
        assignee: contractor_id.to_string(),
        ..Default::default()
    };
    filtered(&query, Utc::now())
        .order((
            static_sql::<diesel::sql_types::Bool>(
                "work_orders.status IN ('draft','pending','scheduled','in_progress','on_hold')",
            )
            .desc(),
            work_orders::due_date.asc().nulls_last(),
            work_orders::reported_at.desc(),
        ))
        .limit(limit)
        .select(card_columns())
        .load(conn)
}

/// Claims the version the author saw: bumps it, or says someone else changed the work order.
pub fn claim_version(conn: &mut PgConnection, id: Uuid, seen: i32) -> QueryResult<bool> {
    let updated = diesel::update(
        work_orders::table
            .filter(work_orders::id.eq(id))
            .filter(work_orders::version.eq(seen)),
    )
    .set((
        work_orders::version.eq(work_orders::version + 1),
        work_orders::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Parts, labour and total from their rows, in the caller's transaction.
pub fn recompute_costs(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE work_orders SET \
           parts_cost = p.total, labor_cost = l.total, total_cost = p.total + l.total \
         FROM (SELECT coalesce(sum(total_cost), 0) AS total FROM work_order_parts WHERE work_order_id = $1) p, \
              (SELECT coalesce(sum(total_cost), 0) AS total FROM work_order_labor WHERE work_order_id = $1) l \
         WHERE id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .execute(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = work_order_tasks)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Task {
    pub id: Uuid,
    pub sequence: i32,
    pub title: String,
    pub status: String,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by_name: Option<String>,
    pub completion_notes: Option<String>,
}

pub fn tasks(conn: &mut PgConnection, work_order_id: Uuid) -> QueryResult<Vec<Task>> {
    work_order_tasks::table
        .filter(work_order_tasks::work_order_id.eq(work_order_id))
        .order((work_order_tasks::sequence, work_order_tasks::created_at))
        .select(Task::as_select())
        .load(conn)
}

pub fn add_task(conn: &mut PgConnection, work_order_id: Uuid, title: &str) -> QueryResult<Uuid> {
    let next: i32 = work_order_tasks::table
        .filter(work_order_tasks::work_order_id.eq(work_order_id))
        .select(diesel::dsl::max(work_order_tasks::sequence))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0)
        + 1;
    diesel::insert_into(work_order_tasks::table)
        .values((
            work_order_tasks::work_order_id.eq(work_order_id),
            work_order_tasks::sequence.eq(next),
            work_order_tasks::title.eq(title),
        ))
        .returning(work_order_tasks::id)
        .get_result(conn)
}

pub fn task(conn: &mut PgConnection, work_order_id: Uuid, task_id: Uuid) -> QueryResult<Task> {
    work_order_tasks::table
        .filter(work_order_tasks::work_order_id.eq(work_order_id))
        .filter(work_order_tasks::id.eq(task_id))
        .select(Task::as_select())
        .first(conn)
}

pub fn set_task_status(
    conn: &mut PgConnection,
    task_id: Uuid,
    status: &str,
    by: Option<(Uuid, &str)>,
    notes: Option<&str>,
) -> QueryResult<usize> {
    let done = status != "pending";
    diesel::update(work_order_tasks::table.find(task_id))
        .set((
            work_order_tasks::status.eq(status),
            work_order_tasks::completed_at.eq(done.then(Utc::now)),
            work_order_tasks::completed_by.eq(by.map(|(id, _)| id)),
            work_order_tasks::completed_by_name.eq(by.map(|(_, name)| name)),
            work_order_tasks::completion_notes.eq(notes),
            work_order_tasks::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
}

/// Swaps a task with its neighbour above (`up`) or below.
pub fn move_task(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    task_id: Uuid,
    up: bool,
) -> QueryResult<()> {
    let all = tasks(conn, work_order_id)?;
    let Some(index) = all.iter().position(|t| t.id == task_id) else {
        return Err(diesel::result::Error::NotFound);
    };
    let other = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1).filter(|i| *i < all.len())
    };
    if let Some(other) = other {
        let (a, b) = (&all[index], &all[other]);
        for (id, sequence) in [(a.id, b.sequence), (b.id, a.sequence)] {
            diesel::update(work_order_tasks::table.find(id))
                .set(work_order_tasks::sequence.eq(sequence))
                .execute(conn)?;
        }
        // Equal sequences (from concurrent adds) would not swap; renumber in order instead.
        if a.sequence == b.sequence {
            let mut ids: Vec<Uuid> = all.iter().map(|t| t.id).collect();
            ids.swap(index, other);
            for (n, id) in ids.iter().enumerate() {
                diesel::update(work_order_tasks::table.find(*id))
                    .set(work_order_tasks::sequence.eq(n as i32 + 1))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = work_order_parts)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct PartUsed {
    pub id: Uuid,
    pub part_number: Option<String>,
    pub part_name: String,
    pub manufacturer: Option<String>,
    pub quantity: i32,
    pub unit_cost: BigDecimal,
    pub total_cost: BigDecimal,
    pub source: String,
}

pub fn parts(conn: &mut PgConnection, work_order_id: Uuid) -> QueryResult<Vec<PartUsed>> {
    work_order_parts::table
        .filter(work_order_parts::work_order_id.eq(work_order_id))
        .order(work_order_parts::created_at)
        .select(PartUsed::as_select())
        .load(conn)
}

pub fn add_part(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    part: &super::forms::Part,
) -> QueryResult<Uuid> {
    diesel::insert_into(work_order_parts::table)
        .values((
            work_order_parts::work_order_id.eq(work_order_id),
            work_order_parts::part_number.eq(&part.part_number),
            work_order_parts::part_name.eq(&part.part_name),
            work_order_parts::manufacturer.eq(&part.manufacturer),
            work_order_parts::quantity.eq(part.quantity),
            work_order_parts::unit_cost.eq(&part.unit_cost),
            work_order_parts::total_cost.eq(costs::part_cost(&part.unit_cost, part.quantity)),
            work_order_parts::source.eq(&part.source),
        ))
        .returning(work_order_parts::id)
        .get_result(conn)
}

pub fn remove_part(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    part_id: Uuid,
) -> QueryResult<usize> {
    diesel::delete(
        work_order_parts::table
            .filter(work_order_parts::work_order_id.eq(work_order_id))
            .filter(work_order_parts::id.eq(part_id)),
    )
    .execute(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct LaborEntry {
    pub id: Uuid,
    pub contractor_name: String,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
    pub duration_minutes: i32,
    pub labor_type: String,
    pub hourly_rate: BigDecimal,
    pub multiplier: BigDecimal,
    pub total_cost: BigDecimal,
    pub description: Option<String>,
}

impl LaborEntry {
    /// Paid at more than the plain rate (overtime, emergency).
    pub fn multiplied(&self) -> bool {
        self.multiplier > 1
    }
}

pub fn labor(conn: &mut PgConnection, work_order_id: Uuid) -> QueryResult<Vec<LaborEntry>> {
    work_order_labor::table
        .inner_join(contractors::table)
        .filter(work_order_labor::work_order_id.eq(work_order_id))
        .order(work_order_labor::start_time)
        .select((
            work_order_labor::id,
            contractors::contact_name,
            work_order_labor::start_time,
            work_order_labor::end_time,
            work_order_labor::duration_minutes,
            work_order_labor::labor_type,
            work_order_labor::hourly_rate,
            work_order_labor::multiplier,
            work_order_labor::total_cost,
            work_order_labor::description,
        ))
        .load(conn)
}

/// Records labour at the contractor's rate (with the multiplier for its kind); returns its cost.
pub fn add_labor(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    entry: &super::forms::Labor,
) -> QueryResult<BigDecimal> {
    let (rate, emergency): (Option<BigDecimal>, BigDecimal) = contractors::table
        .find(entry.contractor_id)
        .select((
            contractors::hourly_rate,
            contractors::emergency_rate_multiplier,
        ))
        .first(conn)?;
    let rate = rate.unwrap_or_default();
    let minutes = costs::minutes(entry.start, entry.end);
    let multiplier = costs::multiplier(&entry.labor_type, &emergency);
    let total = costs::labor_cost(&rate, minutes, &multiplier);
    diesel::insert_into(work_order_labor::table)
        .values((
            work_order_labor::work_order_id.eq(work_order_id),
            work_order_labor::contractor_id.eq(entry.contractor_id),
            work_order_labor::start_time.eq(entry.start),
            work_order_labor::end_time.eq(entry.end),
            work_order_labor::duration_minutes.eq(minutes as i32),
            work_order_labor::labor_type.eq(&entry.labor_type),
            work_order_labor::hourly_rate.eq(&rate),
            work_order_labor::multiplier.eq(&multiplier),
            work_order_labor::total_cost.eq(&total),
            work_order_labor::description.eq(&entry.description),
        ))
        .execute(conn)?;
    Ok(total)
}

pub fn remove_labor(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    labor_id: Uuid,
) -> QueryResult<usize> {
    diesel::delete(
        work_order_labor::table
            .filter(work_order_labor::work_order_id.eq(work_order_id))
            .filter(work_order_labor::id.eq(labor_id)),
    )
    .execute(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct Comment {
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub fn comments(conn: &mut PgConnection, work_order_id: Uuid) -> QueryResult<Vec<Comment>> {
    work_order_comments::table
        .filter(work_order_comments::work_order_id.eq(work_order_id))
        .order(work_order_comments::created_at)
        .select((
            work_order_comments::author_name,
            work_order_comments::body,
            work_order_comments::created_at,
        ))
        .load(conn)
}

pub fn add_comment(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    author: (Uuid, &str),
    body: &str,
) -> QueryResult<usize> {
    diesel::insert_into(work_order_comments::table)
        .values((
            work_order_comments::work_order_id.eq(work_order_id),
            work_order_comments::author_id.eq(author.0),
            work_order_comments::author_name.eq(author.1),
            work_order_comments::body.eq(body),
        ))
        .execute(conn)
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
