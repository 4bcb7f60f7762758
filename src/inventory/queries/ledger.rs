//! The ledger: posting a movement (the level, the item's totals and the ledger row in one
//! statement), reading it back, and recomputing every figure from it.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Numeric, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use crate::inventory::model::MovementKind;

/// One line to write to the ledger.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub item_id: Uuid,
    pub location_id: Uuid,
    pub kind: MovementKind,
    /// The change of on-hand: negative for what leaves the location.
    pub quantity: i32,
    /// The change of what is reserved there.
    pub reserved_change: i32,
    /// What one unit cost; none: a receipt at the item's list cost, anything else at its
    /// average cost.
    pub unit_cost: Option<&'a BigDecimal>,
    pub reason: Option<&'a str>,
    pub work_order_id: Option<Uuid>,
    pub purchase_order_id: Option<Uuid>,
    pub counterpart_location_id: Option<Uuid>,
    pub marketplace_listing_id: Option<Uuid>,
    pub marketplace_transaction_id: Option<Uuid>,
    pub by: Option<Uuid>,
    pub by_name: &'a str,
}

impl<'a> Entry<'a> {
    /// A line with nothing but what every line has.
    pub fn new(
        kind: MovementKind,
        item_id: Uuid,
        location_id: Uuid,
        quantity: i32,
        actor: &'a crate::orgs::Actor,
    ) -> Entry<'a> {
        Entry {
            item_id,
            location_id,
            kind,
            quantity,
            reserved_change: 0,
            unit_cost: None,
            reason: None,
            work_order_id: None,
            purchase_order_id: None,
            counterpart_location_id: None,
            marketplace_listing_id: None,
            marketplace_transaction_id: None,
            by: Some(actor.account_id).filter(|id| !id.is_nil()),
            by_name: &actor.display_name,
        }
    }
}

/// What a posted line changed.
#[derive(Debug, Clone, QueryableByName)]
pub struct Posted {
    #[diesel(sql_type = SqlUuid)]
    pub movement_id: Uuid,
    #[diesel(sql_type = Text)]
    pub part_number: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub manufacturer: Option<String>,
    #[diesel(sql_type = Numeric)]
    pub unit_cost: BigDecimal,
    /// On hand at the location afterwards.
    #[diesel(sql_type = Integer)]
    pub level_on_hand: i32,
    #[diesel(sql_type = Nullable<Integer>)]
    pub level_reorder_point: Option<i32>,
    /// The item's totals over every location, before and after.
    #[diesel(sql_type = Integer)]
    pub total_before: i32,
    #[diesel(sql_type = Integer)]
    pub total_after: i32,
    #[diesel(sql_type = Integer)]
    pub reorder_point: i32,
}

impl Posted {
    /// Whether this line took the item's total down to its reorder point or below (from above).
    pub fn crossed_reorder_point(&self) -> bool {
        self.reorder_point > 0
            && self.total_before > self.reorder_point
            && self.total_after <= self.reorder_point
    }
}

// A level only grows by an upsert (a receipt creates it); anything that takes stock away or
// reserves it is a guarded update, so it never goes below zero or below what is reserved, and
// of two concurrent takers of the last units the second finds the guard false once the first
// commits. The item's totals and the ledger row follow in the same statement.
const GROW: &str = "INSERT INTO stock_levels AS l (item_id, location_id, on_hand, reserved) \
     VALUES ($1, $2, $4, 0) \
     ON CONFLICT (item_id, location_id) DO UPDATE SET on_hand = l.on_hand + EXCLUDED.on_hand \
     RETURNING l.on_hand, l.reorder_point";
const GUARDED: &str = "UPDATE stock_levels AS l SET on_hand = l.on_hand + $4, \
       reserved = l.reserved + $5 \
     WHERE l.item_id = $1 AND l.location_id = $2 \
       AND l.on_hand + $4 >= l.reserved + $5 AND l.reserved + $5 >= 0 \
     RETURNING l.on_hand, l.reorder_point";

fn statement(level: &str) -> String {
    format!(
        "WITH level AS ({level}), \
         item AS (UPDATE inventory_items AS i SET on_hand = i.on_hand + $4, \
             reserved = i.reserved + $5, \
             average_cost = CASE WHEN $3 = 'receive' AND i.on_hand + $4 > 0 \
               THEN round((i.average_cost * i.on_hand + coalesce($6, i.unit_cost) * $4) \
                 / (i.on_hand + $4), 4) \
               ELSE i.average_cost END, \
             last_issued_at = CASE WHEN $3 = 'issue' THEN now() ELSE i.last_issued_at END, \
             updated_at = now() \
           FROM level WHERE i.id = $1 \
           RETURNING i.part_number, i.name, i.manufacturer, i.on_hand, i.reorder_point, \
             CASE WHEN $3 = 'receive' THEN coalesce($6, i.unit_cost) \
               ELSE coalesce($6, i.average_cost) END AS cost), \
         m AS (INSERT INTO stock_movements (item_id, location_id, kind, quantity, \
             reserved_change, unit_cost, reason, work_order_id, purchase_order_id, \
             counterpart_location_id, marketplace_listing_id, marketplace_transaction_id, \
             on_hand_after, created_by, created_by_name) \
           SELECT $1, $2, $3, $4, $5, item.cost, $7, $8, $9, $10, $11, $12, level.on_hand, \
             $13, $14 FROM level, item \
           RETURNING id, unit_cost) \
         SELECT m.id AS movement_id, item.part_number::text AS part_number, \
           item.name::text AS name, item.manufacturer::text AS manufacturer, \
           m.unit_cost, level.on_hand AS level_on_hand, \
           level.reorder_point AS level_reorder_point, item.on_hand - $4 AS total_before, \
           item.on_hand AS total_after, item.reorder_point \
         FROM m, item, level"
    )
}

/// Posts `entry`: changes the level at its location and the item's totals, and writes the
/// ledger row, in one statement. `None` when the location has too little (available, or
/// reserved for an unreserve) — nothing is written then.
pub fn post(conn: &mut PgConnection, entry: &Entry) -> QueryResult<Option<Posted>> {
    let grows = entry.quantity >= 0 && entry.reserved_change == 0;
    let sql = statement(if grows { GROW } else { GUARDED });
    diesel::sql_query(sql)
        .bind::<SqlUuid, _>(entry.item_id)
        .bind::<SqlUuid, _>(entry.location_id)
        .bind::<Text, _>(entry.kind.as_str())
        .bind::<Integer, _>(entry.quantity)
        .bind::<Integer, _>(entry.reserved_change)
        .bind::<Nullable<Numeric>, _>(entry.unit_cost)
        .bind::<Nullable<Text>, _>(entry.reason)
        .bind::<Nullable<SqlUuid>, _>(entry.work_order_id)
        .bind::<Nullable<SqlUuid>, _>(entry.purchase_order_id)
        .bind::<Nullable<SqlUuid>, _>(entry.counterpart_location_id)
        .bind::<Nullable<SqlUuid>, _>(entry.marketplace_listing_id)
        .bind::<Nullable<SqlUuid>, _>(entry.marketplace_transaction_id)
        .bind::<Nullable<SqlUuid>, _>(entry.by)
        .bind::<Text, _>(entry.by_name)
        .get_result(conn)
        .optional()
}

/// A line of the ledger, as the item's and the location's pages show it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Movement {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Integer)]
    pub quantity: i32,
    #[diesel(sql_type = Integer)]
    pub reserved_change: i32,
    #[diesel(sql_type = Numeric)]
    pub unit_cost: BigDecimal,
    #[diesel(sql_type = Nullable<Text>)]
    pub reason: Option<String>,
    #[diesel(sql_type = Integer)]
    pub on_hand_after: i32,
    #[diesel(sql_type = Text)]
    pub created_by_name: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = SqlUuid)]
    pub item_id: Uuid,
    #[diesel(sql_type = Text)]
    pub part_number: String,
    #[diesel(sql_type = Text)]
    pub item_name: String,
    #[diesel(sql_type = SqlUuid)]
    pub location_id: Uuid,
    #[diesel(sql_type = Text)]
    pub location_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub counterpart_name: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub work_order_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub work_order_number: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub purchase_order_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub purchase_order_number: Option<String>,
}

impl Movement {
    pub fn kind(&self) -> Option<MovementKind> {
        MovementKind::parse(&self.kind)
    }

    pub fn label(&self) -> &'static str {
        self.kind().map_or("Movement", MovementKind::label)
    }

    pub fn tone(&self) -> &'static str {
        self.kind().map_or("grey", MovementKind::tone)
    }
}

/// Of one item or one location, newest first.
#[derive(Debug, Clone, Copy)]
pub enum Of {
    Item(Uuid),
    Location(Uuid),
}

pub fn movements(
    conn: &mut PgConnection,
    of: Of,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Movement>> {
    let (column, id) = match of {
        Of::Item(id) => ("m.item_id", id),
        Of::Location(id) => ("m.location_id", id),
    };
    diesel::sql_query(format!(
        "SELECT m.id, m.kind::text AS kind, m.quantity, m.reserved_change, m.unit_cost, m.reason, \
           m.on_hand_after, m.created_by_name::text AS created_by_name, m.created_at, m.item_id, \
           i.part_number::text AS part_number, i.name::text AS item_name, m.location_id, \
           l.name::text AS location_name, c.name::text AS counterpart_name, m.work_order_id, \
           w.work_order_number::text AS work_order_number, m.purchase_order_id, \
           p.number::text AS purchase_order_number \
         FROM stock_movements m \
         JOIN inventory_items i ON i.id = m.item_id \
         JOIN stock_locations l ON l.id = m.location_id \
         LEFT JOIN stock_locations c ON c.id = m.counterpart_location_id \
         LEFT JOIN work_orders w ON w.id = m.work_order_id \
         LEFT JOIN purchase_orders p ON p.id = m.purchase_order_id \
         WHERE {column} = $1 ORDER BY m.created_at DESC, m.id LIMIT $2 OFFSET $3"
    ))
    .bind::<SqlUuid, _>(id)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .bind::<diesel::sql_types::BigInt, _>(offset)
    .load(conn)
}

/// How many ledger lines one item or location has.
pub fn count(conn: &mut PgConnection, of: Of) -> QueryResult<i64> {
    use crate::db::schema_org::stock_movements as m;
    match of {
        Of::Item(id) => m::table.filter(m::item_id.eq(id)).count().get_result(conn),
        Of::Location(id) => m::table
            .filter(m::location_id.eq(id))
            .count()
            .get_result(conn),
    }
}

/// A figure that differs from what the ledger adds up to.
#[derive(Debug, Clone, QueryableByName, PartialEq, Eq)]
pub struct Difference {
    #[diesel(sql_type = Text)]
    pub part_number: String,
    /// The location, or "all locations" for the item's totals.
    #[diesel(sql_type = Text)]
    pub place: String,
    #[diesel(sql_type = Text)]
    pub figure: String,
    #[diesel(sql_type = Integer)]
    pub stored: i32,
    #[diesel(sql_type = Integer)]
    pub ledger: i32,
}

/// Every level, item total and reservation figure that is not what the ledger adds up to.
pub fn differences(conn: &mut PgConnection) -> QueryResult<Vec<Difference>> {
    diesel::sql_query(
        "WITH sums AS (SELECT item_id, location_id, sum(quantity)::int AS on_hand, \
             sum(reserved_change)::int AS reserved FROM stock_movements \
             GROUP BY item_id, location_id), \
         levels AS (SELECT coalesce(l.item_id, s.item_id) AS item_id, \
             coalesce(l.location_id, s.location_id) AS location_id, \
             coalesce(l.on_hand, 0) AS stored_on_hand, coalesce(s.on_hand, 0) AS ledger_on_hand, \
             coalesce(l.reserved, 0) AS stored_reserved, coalesce(s.reserved, 0) AS ledger_reserved \
           FROM stock_levels l FULL JOIN sums s \
             ON s.item_id = l.item_id AND s.location_id = l.location_id), \
         held AS (SELECT item_id, location_id, sum(quantity)::int AS quantity \
           FROM stock_reservations GROUP BY item_id, location_id), \
         totals AS (SELECT i.id AS item_id, i.on_hand, i.reserved, \
             coalesce(sum(s.on_hand), 0)::int AS ledger_on_hand, \
             coalesce(sum(s.reserved), 0)::int AS ledger_reserved \
           FROM inventory_items i LEFT JOIN sums s ON s.item_id = i.id GROUP BY i.id) \
         SELECT i.part_number::text AS part_number, loc.name::text AS place, d.figure, \
           d.stored, d.ledger \
         FROM (SELECT item_id, location_id, 'on hand' AS figure, stored_on_hand AS stored, \
                 ledger_on_hand AS ledger FROM levels WHERE stored_on_hand <> ledger_on_hand \
               UNION ALL SELECT item_id, location_id, 'reserved', stored_reserved, \
                 ledger_reserved FROM levels WHERE stored_reserved <> ledger_reserved \
               UNION ALL SELECT lv.item_id, lv.location_id, 'reservations held', \
                 lv.stored_reserved, coalesce(h.quantity, 0) FROM levels lv \
                 LEFT JOIN held h ON h.item_id = lv.item_id AND h.location_id = lv.location_id \
                 WHERE lv.stored_reserved <> coalesce(h.quantity, 0)) d \
         JOIN inventory_items i ON i.id = d.item_id \
         JOIN stock_locations loc ON loc.id = d.location_id \
         UNION ALL \
         SELECT i.part_number::text, 'all locations', 'total on hand', t.on_hand, t.ledger_on_hand \
           FROM totals t JOIN inventory_items i ON i.id = t.item_id \
           WHERE t.on_hand <> t.ledger_on_hand \
         UNION ALL \
         SELECT i.part_number::text, 'all locations', 'total reserved', t.reserved, \
             t.ledger_reserved \
           FROM totals t JOIN inventory_items i ON i.id = t.item_id \
           WHERE t.reserved <> t.ledger_reserved \
         ORDER BY 1, 2, 3",
    )
    .load(conn)
}
