//! Purchase orders: numbering, the list, one order with its lines, and receiving.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_org::{
    inventory_items as items, purchase_order_counters as counters, purchase_order_lines as lines,
    purchase_orders as orders, stock_locations as locations,
};
use crate::inventory::forms::PurchaseValues;
use crate::inventory::model::PurchaseStatus;

/// The next number of `year` (`PO-2026-000123`). The counter row stays locked until the
/// transaction ends, so concurrent creations queue and numbers never repeat or skip.
pub fn next_number(conn: &mut PgConnection, year: i32) -> QueryResult<String> {
    let number: i32 = diesel::insert_into(counters::table)
        .values((counters::year.eq(year), counters::last_number.eq(1)))
        .on_conflict(counters::year)
        .do_update()
        .set(counters::last_number.eq(counters::last_number + 1))
        .returning(counters::last_number)
        .get_result(conn)?;
    Ok(format!("PO-{year}-{number:06}"))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct PurchaseOrder {
    pub id: Uuid,
    pub number: String,
    pub supplier: String,
    pub location_id: Uuid,
    pub status: PurchaseStatus,
    pub expected_on: Option<NaiveDate>,
    pub notes: Option<String>,
    pub ordered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub fn insert(
    conn: &mut PgConnection,
    number: &str,
    values: &PurchaseValues,
    costs: &[BigDecimal],
    by: Option<Uuid>,
) -> QueryResult<Uuid> {
    let id: Uuid = diesel::insert_into(orders::table)
        .values((
            orders::number.eq(number),
            orders::supplier.eq(&values.supplier),
            orders::location_id.eq(values.location_id),
            orders::expected_on.eq(values.expected_on),
            orders::notes.eq(&values.notes),
            orders::created_by.eq(by),
        ))
        .returning(orders::id)
        .get_result(conn)?;
    let rows: Vec<_> = values
        .lines
        .iter()
        .zip(costs)
        .map(|((item, quantity, _), cost)| {
            (
                lines::purchase_order_id.eq(id),
                lines::item_id.eq(*item),
                lines::quantity.eq(*quantity),
                lines::unit_cost.eq(cost),
            )
        })
        .collect();
    diesel::insert_into(lines::table)
        .values(rows)
        .execute(conn)?;
    Ok(id)
}

/// The order `id`, locked for a change.
pub fn lock(conn: &mut PgConnection, id: Uuid) -> QueryResult<PurchaseOrder> {
    orders::table
        .find(id)
        .select(PurchaseOrder::as_select())
        .for_update()
        .first(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<PurchaseOrder> {
    orders::table
        .find(id)
        .select(PurchaseOrder::as_select())
        .first(conn)
}

pub fn set_status(conn: &mut PgConnection, id: Uuid, status: PurchaseStatus) -> QueryResult<usize> {
    let order = diesel::update(orders::table.find(id));
    let now = Utc::now();
    if status == PurchaseStatus::Ordered {
        order
            .set((
                orders::status.eq(status),
                orders::updated_at.eq(now),
                orders::ordered_at.eq(now),
            ))
            .execute(conn)
    } else {
        order
            .set((orders::status.eq(status), orders::updated_at.eq(now)))
            .execute(conn)
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct Line {
    pub id: Uuid,
    pub item_id: Uuid,
    pub part_number: String,
    pub item_name: String,
    pub quantity: i32,
    pub received: i32,
    pub unit_cost: BigDecimal,
}

impl Line {
    pub fn outstanding(&self) -> i32 {
        self.quantity - self.received
    }

    pub fn total(&self) -> BigDecimal {
        (&self.unit_cost * BigDecimal::from(self.quantity)).with_scale(2)
    }
}

pub fn lines_of(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<Line>> {
    lines::table
        .inner_join(items::table)
        .filter(lines::purchase_order_id.eq(id))
        .order(items::part_number_normalized)
        .select((
            lines::id,
            lines::item_id,
            items::part_number,
            items::name,
            lines::quantity,
            lines::received,
            lines::unit_cost,
        ))
        .load(conn)
}

/// Adds `quantity` to what line `line_id` of order `order_id` has received; `false` when that
/// would be more than was ordered.
pub fn receive_line(
    conn: &mut PgConnection,
    order_id: Uuid,
    line_id: Uuid,
    quantity: i32,
) -> QueryResult<bool> {
    diesel::update(
        lines::table
            .find(line_id)
            .filter(lines::purchase_order_id.eq(order_id))
            .filter(lines::received.le(lines::quantity - quantity)),
    )
    .set(lines::received.eq(lines::received + quantity))
    .execute(conn)
    .map(|n| n == 1)
}

#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct OrderRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub number: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub supplier: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub status: PurchaseStatus,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
    pub expected_on: Option<NaiveDate>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub location_name: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub lines: i64,
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    pub amount: BigDecimal,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub total: i64,
}

/// A page of orders, newest first; `status` empty for every open one, "all" for all.
pub fn page(
    conn: &mut PgConnection,
    status: &str,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<OrderRow>> {
    diesel::sql_query(
        "SELECT o.id, o.number::text AS number, o.supplier::text AS supplier, \
           o.status::text AS status, o.expected_on, l.name::text AS location_name, \
           (SELECT count(*) FROM purchase_order_lines pl WHERE pl.purchase_order_id = o.id) AS lines, \
           (SELECT coalesce(sum(pl.quantity * pl.unit_cost), 0) FROM purchase_order_lines pl \
             WHERE pl.purchase_order_id = o.id) AS amount, \
           o.created_at, count(*) OVER () AS total \
         FROM purchase_orders o JOIN stock_locations l ON l.id = o.location_id \
         WHERE ($1 = 'all' OR ($1 = '' AND o.status IN ('draft', 'ordered', 'partly_received')) \
           OR o.status = $1) \
         ORDER BY o.created_at DESC, o.id LIMIT $2 OFFSET $3",
    )
    .bind::<diesel::sql_types::Text, _>(status)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .bind::<diesel::sql_types::BigInt, _>(offset)
    .load(conn)
}

/// The location's name, for the order's page.
pub fn location_name(conn: &mut PgConnection, id: Uuid) -> QueryResult<String> {
    locations::table
        .find(id)
        .select(locations::name)
        .first(conn)
}
