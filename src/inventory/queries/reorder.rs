//! The reorder list: items at or below their reorder point in total, and stock levels at or
//! below their location's own reorder point.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use uuid::Uuid;

use super::LOW;

/// One thing to reorder: an item in total (`location_id` none) or at one location.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct ReorderRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub item_id: Uuid,
    #[diesel(sql_type = Text)]
    pub part_number: String,
    #[diesel(sql_type = Text)]
    pub item_name: String,
    #[diesel(sql_type = Nullable<diesel::sql_types::Uuid>)]
    pub location_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub location_name: Option<String>,
    #[diesel(sql_type = Integer)]
    pub on_hand: i32,
    #[diesel(sql_type = Integer)]
    pub reorder_point: i32,
    /// The item's reorder quantity, or enough to get back above the reorder point when larger.
    #[diesel(sql_type = Integer)]
    pub suggested: i32,
    /// Units still to come on open purchase orders (drafts included), to that location when
    /// the row is one location's: what is already ordered should not be ordered twice.
    #[diesel(sql_type = BigInt)]
    pub on_order: i64,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

/// A page of the reorder list, by part number, each item's total before its locations.
pub fn page(conn: &mut PgConnection, offset: i64, limit: i64) -> QueryResult<Vec<ReorderRow>> {
    // The item branch is served by the partial index idx_inventory_items_low; open orders are
    // summed once (MATERIALIZED) rather than once per row.
    diesel::sql_query(format!(
        "WITH low AS ( \
           SELECT i.id AS item_id, NULL::uuid AS location_id, i.on_hand, i.reorder_point, \
             i.reorder_quantity \
           FROM inventory_items i \
           WHERE {LOW} \
           UNION ALL \
           SELECT sl.item_id, sl.location_id, sl.on_hand, sl.reorder_point, i.reorder_quantity \
           FROM stock_levels sl \
           JOIN inventory_items i ON i.id = sl.item_id \
           JOIN stock_locations l ON l.id = sl.location_id \
           WHERE sl.reorder_point IS NOT NULL AND sl.on_hand <= sl.reorder_point \
             AND i.archived_at IS NULL AND l.archived_at IS NULL \
         ), open_orders AS MATERIALIZED ( \
           SELECT pl.item_id, po.location_id, sum(pl.quantity - pl.received) AS units \
           FROM purchase_orders po \
           JOIN purchase_order_lines pl ON pl.purchase_order_id = po.id \
           WHERE po.status IN ('draft', 'ordered', 'partly_received') \
           GROUP BY pl.item_id, po.location_id \
         ) \
         SELECT low.item_id, i.part_number::text AS part_number, i.name::text AS item_name, \
           low.location_id, l.name::text AS location_name, low.on_hand, low.reorder_point, \
           greatest(low.reorder_quantity, low.reorder_point - low.on_hand + 1) AS suggested, \
           coalesce((SELECT sum(o.units) FROM open_orders o WHERE o.item_id = low.item_id \
             AND (low.location_id IS NULL OR o.location_id = low.location_id)), 0)::bigint \
             AS on_order, \
           count(*) OVER () AS total \
         FROM low \
         JOIN inventory_items i ON i.id = low.item_id \
         LEFT JOIN stock_locations l ON l.id = low.location_id \
         ORDER BY i.part_number_normalized, low.location_id IS NOT NULL, lower(l.name), \
           low.location_id \
         LIMIT $1 OFFSET $2",
    ))
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)
}
