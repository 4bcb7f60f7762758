//! The catalogue list: search (part number first, then trigram similarity, then words),
//! filters, sort and a page, in one query with its total.

use bigdecimal::BigDecimal;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Numeric, Text, Uuid as SqlUuid};
use uuid::Uuid;

use super::{normalize_part_number, LOW};
use crate::inventory::forms::{ItemListQuery, SLOW_DAYS};
use crate::web::listing::Sortable;

#[derive(Debug, Clone, QueryableByName)]
pub struct ItemRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub part_number: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub category: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub manufacturer: Option<String>,
    #[diesel(sql_type = Integer)]
    pub on_hand: i32,
    #[diesel(sql_type = Integer)]
    pub reserved: i32,
    #[diesel(sql_type = Integer)]
    pub reorder_point: i32,
    #[diesel(sql_type = Numeric)]
    pub average_cost: BigDecimal,
    #[diesel(sql_type = Numeric)]
    pub value: BigDecimal,
    /// On hand at the location filtered by, when there is one.
    #[diesel(sql_type = Nullable<Integer>)]
    pub at_location: Option<i32>,
    #[diesel(sql_type = Bool)]
    pub archived: bool,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

impl ItemRow {
    pub fn available(&self) -> i32 {
        self.on_hand - self.reserved
    }

    /// See [`super::LOW`].
    pub fn is_low(&self) -> bool {
        !self.archived && self.reorder_point > 0 && self.on_hand <= self.reorder_point
    }

    pub fn value_text(&self) -> String {
        crate::marketplace::money::display(&self.value)
    }
}

pub const SORTS: &[(&str, &str)] = &[
    ("part_number", "Part number"),
    ("name", "Name"),
    ("category", "Category"),
    ("on_hand", "On hand"),
    ("value", "Stock value"),
];

/// One page of the catalogue. With a search, the closest matches come first unless another
/// sort is asked for: the exact part number, then part numbers starting with it, then the
/// most similar part numbers and names, then matches of the words.
pub fn page(
    conn: &mut PgConnection,
    query: &ItemListQuery,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ItemRow>> {
    let dir = if query.descending() { "DESC" } else { "ASC" };
    let text = query.q.trim();
    let order = match query.sort.as_str() {
        "name" => format!("lower(i.name) {dir}, i.id"),
        "category" => format!("lower(i.category) {dir} NULLS LAST, i.part_number_normalized, i.id"),
        "on_hand" => format!("i.on_hand {dir}, i.part_number_normalized, i.id"),
        "value" => format!("i.on_hand * i.average_cost {dir}, i.part_number_normalized, i.id"),
        "" if !text.is_empty() => {
            "tier DESC, closeness DESC, i.part_number_normalized, i.id".into()
        }
        _ => format!("i.part_number_normalized {dir}, i.id"),
    };
    let location = Uuid::parse_str(query.location.trim()).ok();
    let sql = format!(
        "SELECT i.id, i.part_number::text AS part_number, i.name::text AS name, \
           i.category::text AS category, i.manufacturer::text AS manufacturer, i.on_hand, \
           i.reserved, i.reorder_point, i.average_cost, \
           round(i.on_hand * i.average_cost, 2) AS value, at.on_hand AS at_location, \
           i.archived_at IS NOT NULL AS archived, count(*) OVER () AS total, \
           CASE WHEN $1 = '' THEN 0 WHEN i.part_number_normalized = $2 THEN 3 \
             WHEN i.part_number_normalized LIKE $2 || '%' THEN 2 \
             WHEN i.part_number_normalized % $2 OR i.name % $1 THEN 1 ELSE 0 END AS tier, \
           CASE WHEN $1 = '' THEN 0 ELSE greatest(similarity(i.part_number_normalized, $2), \
             similarity(i.name, $1)) END AS closeness \
         FROM inventory_items i \
         LEFT JOIN stock_levels at ON at.item_id = i.id AND at.location_id = $6 \
         WHERE ($1 = '' OR i.part_number_normalized = $2 \
             OR ($2 <> '' AND i.part_number_normalized LIKE $2 || '%') \
             OR ($2 <> '' AND i.part_number_normalized % $2) OR i.name % $1 \
             OR i.barcode = $1 \
             OR i.search_document @@ plainto_tsquery('simple', $1)) \
           AND ($3 = '' OR lower(i.category) = lower($3)) \
           AND ($4 = '' OR lower(i.manufacturer) = lower($4)) \
           AND ($5 = '' OR i.compatible_models @> ARRAY[$5]) \
           AND ($6::uuid IS NULL OR at.on_hand > 0) \
           AND (NOT $7 OR ({LOW})) \
           AND ($8 OR i.archived_at IS NULL) \
           AND (NOT $11 OR (i.on_hand > 0 AND {slow})) \
         ORDER BY {order} LIMIT $9 OFFSET $10",
        slow = slow()
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(text)
        .bind::<Text, _>(normalize_part_number(text))
        .bind::<Text, _>(query.category.trim())
        .bind::<Text, _>(query.manufacturer.trim())
        .bind::<Text, _>(query.model.trim())
        .bind::<Nullable<SqlUuid>, _>(location)
        .bind::<Bool, _>(query.low == "1")
        .bind::<Bool, _>(query.archived == "1")
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(offset)
        .bind::<Bool, _>(query.slow == "1")
        .load(conn)
}

/// Nothing issued for [`SLOW_DAYS`] days (or, never issued, in the catalogue that long).
fn slow() -> String {
    format!("coalesce(i.last_issued_at, i.created_at) < now() - make_interval(days => {SLOW_DAYS})")
}

/// The inventory page's figures: stock value, items to reorder, slow movers and open orders.
#[derive(Debug, Clone, Default, QueryableByName)]
pub struct Summary {
    #[diesel(sql_type = Numeric)]
    pub value: BigDecimal,
    #[diesel(sql_type = BigInt)]
    pub items: i64,
    #[diesel(sql_type = BigInt)]
    pub low: i64,
    #[diesel(sql_type = BigInt)]
    pub slow: i64,
    #[diesel(sql_type = Numeric)]
    pub slow_value: BigDecimal,
    #[diesel(sql_type = BigInt)]
    pub open_orders: i64,
}

impl Summary {
    pub fn value_text(&self) -> String {
        crate::marketplace::money::display(&self.value)
    }

    /// Whole dollars, for a tile on a phone.
    pub fn value_whole(&self) -> String {
        let text = self.value_text();
        text.split('.').next().unwrap_or(&text).to_string()
    }

    pub fn slow_value_text(&self) -> String {
        crate::marketplace::money::display(&self.slow_value)
    }
}

pub fn summary(conn: &mut PgConnection) -> QueryResult<Summary> {
    diesel::sql_query(format!(
        "SELECT coalesce(round(sum(i.on_hand * i.average_cost), 2), 0) AS value, \
           count(*) FILTER (WHERE i.archived_at IS NULL) AS items, \
           count(*) FILTER (WHERE {LOW}) AS low, \
           count(*) FILTER (WHERE i.on_hand > 0 AND {SLOW}) AS slow, \
           coalesce(round(sum(i.on_hand * i.average_cost) FILTER (WHERE i.on_hand > 0 AND {SLOW}), 2), 0) \
             AS slow_value, \
           (SELECT count(*) FROM purchase_orders \
             WHERE status IN ('draft', 'ordered', 'partly_received')) AS open_orders \
         FROM inventory_items i",
        SLOW = slow()
    ))
    .get_result(conn)
}

/// The categories, makes and lift models the filters offer: what the items name.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub categories: Vec<String>,
    pub manufacturers: Vec<String>,
    pub models: Vec<String>,
}

#[derive(QueryableByName)]
struct Facet {
    #[diesel(sql_type = Text)]
    facet: String,
    #[diesel(sql_type = Text)]
    value: String,
}

pub fn facets(conn: &mut PgConnection) -> QueryResult<Facets> {
    let rows: Vec<Facet> = diesel::sql_query(
        "SELECT DISTINCT 'category' AS facet, category::text AS value FROM inventory_items \
           WHERE category IS NOT NULL AND archived_at IS NULL \
         UNION SELECT DISTINCT 'manufacturer', manufacturer::text FROM inventory_items \
           WHERE manufacturer IS NOT NULL AND archived_at IS NULL \
         UNION SELECT DISTINCT 'model', m FROM inventory_items, unnest(compatible_models) m \
           WHERE archived_at IS NULL AND m IS NOT NULL \
         ORDER BY 1, 2 LIMIT 3000",
    )
    .load(conn)?;
    let mut facets = Facets::default();
    for row in rows {
        match row.facet.as_str() {
            "category" => facets.categories.push(row.value),
            "manufacturer" => facets.manufacturers.push(row.value),
            _ => facets.models.push(row.value),
        }
    }
    Ok(facets)
}
