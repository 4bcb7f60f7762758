//! The board, the list and the work orders shown on a site's, a lift's or a contractor's page.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Duration, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};
use uuid::Uuid;

use super::OPEN;
use crate::db::schema_org::{contractors, elevators, sites, work_orders};
use crate::db::{static_sql, UnionAll};
use crate::web::listing::Sortable;
use crate::work_orders::forms::WorkOrderQuery;
use crate::work_orders::status::{Priority, WorkOrderStatus, WorkOrderType};

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
    /// The site's time zone, in which the card's times are shown.
    pub site_timezone: String,
    pub unit_number: Option<String>,
    pub assignee: Option<String>,
    pub total_cost: BigDecimal,
}

impl Card {
    /// The moves the board offers: those the work order can make (reopening is done on its
    /// page, with a reason).
    pub fn next_moves(&self) -> Vec<WorkOrderStatus> {
        let now = Utc::now();
        self.status
            .next_moves()
            .into_iter()
            .filter(|to| !self.status.is_reopen(*to))
            .filter(|to| {
                crate::work_orders::status::unmet_condition(
                    self.status,
                    *to,
                    self.priority,
                    None,
                    now,
                )
                .is_none()
            })
            .collect()
    }

    pub fn is_overdue(&self, now: &DateTime<Utc>) -> bool {
        self.status.is_open() && self.due_date.is_some_and(|due| due < *now)
    }

    /// A moment of this work order as read at its site ("Tue 3 Dec 2026, 09:30 AEDT").
    pub fn local(&self, at: &DateTime<Utc>) -> String {
        crate::web::local_time::date_time(at, &crate::web::local_time::zone(&self.site_timezone))
    }

    /// The day of a moment of this work order, at its site.
    pub fn local_date(&self, at: &DateTime<Utc>) -> String {
        crate::web::local_time::date(at, &crate::web::local_time::zone(&self.site_timezone))
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
    sites::timezone,
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
        sites::timezone,
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

/// Matching work orders in creation order after `after`: the JSON API's pages.
pub fn in_creation_order(
    conn: &mut PgConnection,
    query: &WorkOrderQuery,
    now: DateTime<Utc>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<super::WorkOrder>> {
    crate::created_after!(filtered(query, now), work_orders, after)
        .order((work_orders::created_at, work_orders::id))
        .limit(limit)
        .select(super::WorkOrder::as_select())
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
