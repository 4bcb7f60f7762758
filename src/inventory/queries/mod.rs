//! Every read and write of the catalogue, locations and levels. The ledger's statements are in
//! [`ledger`], the catalogue's search in [`listing`], purchase orders in [`purchases`].

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::forms::{ItemValues, LocationValues};
use super::model::LocationType;
use crate::db::schema_org::{
    inventory_items as items, stock_levels as levels, stock_locations as locations,
};

/// An item due for reordering: its total at or below its reorder point (0 means the item is not
/// reordered), not archived. The partial index `idx_inventory_items_low` has this condition.
pub const LOW: &str =
    "i.reorder_point > 0 AND i.on_hand <= i.reorder_point AND i.archived_at IS NULL";

pub mod ledger;
pub mod listing;
pub mod purchases;
pub mod reorder;
pub mod reservations;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = items)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Item {
    pub id: Uuid,
    pub part_number: String,
    pub manufacturer_part_number: Option<String>,
    pub barcode: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub manufacturer: Option<String>,
    pub compatible_manufacturers: Vec<Option<String>>,
    pub compatible_models: Vec<Option<String>>,
    pub compatible_equipment_types: Vec<Option<String>>,
    pub unit_cost: BigDecimal,
    pub average_cost: BigDecimal,
    pub sale_price: Option<BigDecimal>,
    pub minimum_stock: i32,
    pub reorder_point: i32,
    pub reorder_quantity: i32,
    pub specifications: Option<String>,
    pub on_hand: i32,
    pub reserved: i32,
    pub last_issued_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
}

fn joined(list: &[Option<String>]) -> String {
    list.iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

impl Item {
    pub fn available(&self) -> i32 {
        self.on_hand - self.reserved
    }

    /// See [`LOW`].
    pub fn is_low(&self) -> bool {
        self.reorder_point > 0 && self.on_hand <= self.reorder_point && self.archived_at.is_none()
    }

    pub fn models(&self) -> String {
        joined(&self.compatible_models)
    }

    pub fn makes(&self) -> String {
        joined(&self.compatible_manufacturers)
    }

    pub fn equipment(&self) -> String {
        joined(&self.compatible_equipment_types)
    }

    /// The value of what is on hand at average cost.
    pub fn value_text(&self) -> String {
        crate::marketplace::money::display(&(&self.average_cost * BigDecimal::from(self.on_hand)))
    }

    pub fn average_cost_text(&self) -> String {
        crate::marketplace::money::display(&self.average_cost)
    }
}

/// An item's fields as written.
#[derive(AsChangeset, Insertable)]
#[diesel(table_name = items)]
#[diesel(treat_none_as_null = true)]
struct ItemWrite<'a> {
    part_number: &'a str,
    manufacturer_part_number: Option<&'a str>,
    barcode: Option<&'a str>,
    name: &'a str,
    description: Option<&'a str>,
    category: Option<&'a str>,
    subcategory: Option<&'a str>,
    manufacturer: Option<&'a str>,
    compatible_manufacturers: Vec<Option<String>>,
    compatible_models: Vec<Option<String>>,
    compatible_equipment_types: Vec<Option<String>>,
    unit_cost: &'a BigDecimal,
    sale_price: Option<&'a BigDecimal>,
    minimum_stock: i32,
    reorder_point: i32,
    reorder_quantity: i32,
    specifications: Option<&'a str>,
}

fn some(list: &[String]) -> Vec<Option<String>> {
    list.iter().cloned().map(Some).collect()
}

impl ItemValues {
    fn write(&self) -> ItemWrite<'_> {
        ItemWrite {
            part_number: &self.part_number,
            manufacturer_part_number: self.manufacturer_part_number.as_deref(),
            barcode: self.barcode.as_deref(),
            name: &self.name,
            description: self.description.as_deref(),
            category: self.category.as_deref(),
            subcategory: self.subcategory.as_deref(),
            manufacturer: self.manufacturer.as_deref(),
            compatible_manufacturers: some(&self.compatible_manufacturers),
            compatible_models: some(&self.compatible_models),
            compatible_equipment_types: some(&self.compatible_equipment_types),
            unit_cost: &self.unit_cost,
            sale_price: self.sale_price.as_ref(),
            minimum_stock: self.minimum_stock,
            reorder_point: self.reorder_point,
            reorder_quantity: self.reorder_quantity,
            specifications: self.specifications.as_deref(),
        }
    }
}

/// Upper case letters and digits, as the `part_number_normalized` column keeps it.
pub use crate::marketplace::queries::normalize_part_number;

pub fn find_item(conn: &mut PgConnection, id: Uuid) -> QueryResult<Item> {
    items::table.find(id).select(Item::as_select()).first(conn)
}

/// The item `id` with its row locked, for a change that reads before it writes.
pub fn lock_item(conn: &mut PgConnection, id: Uuid) -> QueryResult<Item> {
    items::table
        .find(id)
        .select(Item::as_select())
        .for_update()
        .first(conn)
}

/// The item whose part number is `raw` ignoring spaces, dashes and dots.
pub fn find_by_part(conn: &mut PgConnection, raw: &str) -> QueryResult<Option<Item>> {
    items::table
        .filter(items::part_number_normalized.eq(normalize_part_number(raw)))
        .select(Item::as_select())
        .first(conn)
        .optional()
}

/// Ids of the items with these normalized part numbers.
pub fn ids_by_parts(conn: &mut PgConnection, parts: &[String]) -> QueryResult<Vec<(String, Uuid)>> {
    items::table
        .filter(items::part_number_normalized.eq_any(parts))
        .select((items::part_number_normalized, items::id))
        .load(conn)
}

pub fn insert_item(conn: &mut PgConnection, values: &ItemValues) -> QueryResult<Item> {
    diesel::insert_into(items::table)
        .values(values.write())
        .returning(Item::as_returning())
        .get_result(conn)
}

pub fn update_item(conn: &mut PgConnection, id: Uuid, values: &ItemValues) -> QueryResult<Item> {
    diesel::update(items::table.find(id))
        .set((values.write(), items::updated_at.eq(Utc::now())))
        .returning(Item::as_returning())
        .get_result(conn)
}

pub fn set_item_archived(conn: &mut PgConnection, id: Uuid, archived: bool) -> QueryResult<usize> {
    diesel::update(items::table.find(id))
        .set(items::archived_at.eq(archived.then(Utc::now)))
        .execute(conn)
}

/// Items to choose from in a form: id and "PART — name", active ones, by part number.
pub fn item_options(conn: &mut PgConnection) -> QueryResult<Vec<(Uuid, String)>> {
    let rows: Vec<(Uuid, String, String)> = items::table
        .filter(items::archived_at.is_null())
        .order(items::part_number_normalized)
        .select((items::id, items::part_number, items::name))
        .limit(5000)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, part, name)| (id, format!("{part} — {name}")))
        .collect())
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = locations)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Location {
    pub id: Uuid,
    pub name: String,
    pub location_type: LocationType,
    pub contractor_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub site_id: Option<Uuid>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
}

#[derive(AsChangeset, Insertable)]
#[diesel(table_name = locations)]
#[diesel(treat_none_as_null = true)]
struct LocationWrite<'a> {
    name: &'a str,
    location_type: LocationType,
    contractor_id: Option<Uuid>,
    account_id: Option<Uuid>,
    site_id: Option<Uuid>,
    address: Option<&'a str>,
    notes: Option<&'a str>,
}

impl LocationValues {
    fn write(&self) -> LocationWrite<'_> {
        LocationWrite {
            name: &self.name,
            location_type: self.location_type,
            contractor_id: self.contractor_id,
            account_id: self.account_id,
            site_id: self.site_id,
            address: self.address.as_deref(),
            notes: self.notes.as_deref(),
        }
    }
}

pub fn find_location(conn: &mut PgConnection, id: Uuid) -> QueryResult<Location> {
    locations::table
        .find(id)
        .select(Location::as_select())
        .first(conn)
}

pub fn insert_location(conn: &mut PgConnection, values: &LocationValues) -> QueryResult<Location> {
    diesel::insert_into(locations::table)
        .values(values.write())
        .returning(Location::as_returning())
        .get_result(conn)
}

pub fn update_location(
    conn: &mut PgConnection,
    id: Uuid,
    values: &LocationValues,
) -> QueryResult<Location> {
    diesel::update(locations::table.find(id))
        .set(values.write())
        .returning(Location::as_returning())
        .get_result(conn)
}

pub fn set_location_archived(
    conn: &mut PgConnection,
    id: Uuid,
    archived: bool,
) -> QueryResult<usize> {
    diesel::update(locations::table.find(id))
        .set(locations::archived_at.eq(archived.then(Utc::now)))
        .execute(conn)
}

/// The vans `account` holds, as a member or through its contractor record ("my van").
pub fn vans_of(conn: &mut PgConnection, account: Uuid) -> QueryResult<Vec<(Uuid, String)>> {
    let contractor = crate::contractors::queries::for_account(conn, account)?;
    locations::table
        .filter(locations::location_type.eq(LocationType::Van))
        .filter(locations::archived_at.is_null())
        .filter(
            locations::account_id
                .eq(account)
                .or(locations::contractor_id.eq(contractor)),
        )
        .order(locations::name)
        .select((locations::id, locations::name))
        .load(conn)
}

/// Active locations to choose from, warehouses first.
pub fn location_options(conn: &mut PgConnection) -> QueryResult<Vec<(Uuid, String)>> {
    let rows: Vec<(Uuid, String, LocationType)> = locations::table
        .filter(locations::archived_at.is_null())
        .order((locations::location_type.desc(), locations::name))
        .select((locations::id, locations::name, locations::location_type))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, kind)| (id, format!("{name} ({})", kind.label().to_lowercase())))
        .collect())
}

/// A location with what it holds, for the locations page.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct LocationRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub location_type: LocationType,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub holder: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub site_name: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub archived: bool,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub items: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub units: i64,
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    pub value: BigDecimal,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub low: i64,
}

impl LocationRow {
    pub fn value_text(&self) -> String {
        crate::marketplace::money::display(&self.value)
    }
}

/// Every location with its item count, units, value at average cost and items below their
/// reorder point there; archived ones last.
pub fn location_rows(conn: &mut PgConnection) -> QueryResult<Vec<LocationRow>> {
    diesel::sql_query(
        "SELECT l.id, l.name::text AS name, l.location_type::text AS location_type, \
           coalesce(c.contact_name, a.display_name)::text AS holder, s.name::text AS site_name, \
           l.archived_at IS NOT NULL AS archived, \
           count(sl.item_id) FILTER (WHERE sl.on_hand > 0) AS items, \
           coalesce(sum(sl.on_hand), 0)::bigint AS units, \
           coalesce(round(sum(sl.on_hand * i.average_cost), 2), 0) AS value, \
           count(*) FILTER (WHERE sl.on_hand <= sl.reorder_point) AS low \
         FROM stock_locations l \
         LEFT JOIN contractors c ON c.id = l.contractor_id \
         LEFT JOIN accounts a ON a.id = l.account_id \
         LEFT JOIN sites s ON s.id = l.site_id \
         LEFT JOIN stock_levels sl ON sl.location_id = l.id \
         LEFT JOIN inventory_items i ON i.id = sl.item_id \
         GROUP BY l.id, c.contact_name, a.display_name, s.name \
         ORDER BY l.archived_at IS NOT NULL, l.location_type DESC, lower(l.name)",
    )
    .load(conn)
}

/// One item's stock at one location.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct LevelRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub item_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub part_number: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub item_name: String,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub location_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub location_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub location_type: LocationType,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub on_hand: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub reserved: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Integer>)]
    pub minimum_stock: Option<i32>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Integer>)]
    pub reorder_point: Option<i32>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    pub last_counted_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    pub value: BigDecimal,
}

impl LevelRow {
    pub fn available(&self) -> i32 {
        self.on_hand - self.reserved
    }

    pub fn is_low(&self) -> bool {
        self.reorder_point.is_some_and(|p| self.on_hand <= p)
    }

    pub fn value_text(&self) -> String {
        crate::marketplace::money::display(&self.value)
    }
}

/// Levels of one item (every location) or one location (every item), by name.
pub fn levels_of(conn: &mut PgConnection, of: ledger::Of) -> QueryResult<Vec<LevelRow>> {
    let (filter, order, id) = match of {
        ledger::Of::Item(id) => ("sl.item_id = $1", "l.location_type DESC, lower(l.name)", id),
        ledger::Of::Location(id) => ("sl.location_id = $1", "i.part_number_normalized", id),
    };
    diesel::sql_query(format!(
        "SELECT sl.item_id, i.part_number::text AS part_number, i.name::text AS item_name, \
           sl.location_id, l.name::text AS location_name, l.location_type::text AS location_type, \
           sl.on_hand, sl.reserved, sl.minimum_stock, sl.reorder_point, sl.last_counted_at, \
           round(sl.on_hand * i.average_cost, 2) AS value \
         FROM stock_levels sl \
         JOIN inventory_items i ON i.id = sl.item_id \
         JOIN stock_locations l ON l.id = sl.location_id \
         WHERE {filter} ORDER BY {order}"
    ))
    .bind::<diesel::sql_types::Uuid, _>(id)
    .load(conn)
}

/// Sets one location's own thresholds for an item (none: the item's).
pub fn set_level_thresholds(
    conn: &mut PgConnection,
    item_id: Uuid,
    location_id: Uuid,
    minimum: Option<i32>,
    reorder_point: Option<i32>,
) -> QueryResult<usize> {
    diesel::insert_into(levels::table)
        .values((
            levels::item_id.eq(item_id),
            levels::location_id.eq(location_id),
            levels::minimum_stock.eq(minimum),
            levels::reorder_point.eq(reorder_point),
        ))
        .on_conflict((levels::item_id, levels::location_id))
        .do_update()
        .set((
            levels::minimum_stock.eq(minimum),
            levels::reorder_point.eq(reorder_point),
        ))
        .execute(conn)
}

/// Notes that `location_id` was counted now, for the items listed.
pub fn mark_counted(
    conn: &mut PgConnection,
    location_id: Uuid,
    item_ids: &[Uuid],
) -> QueryResult<usize> {
    diesel::update(
        levels::table
            .filter(levels::location_id.eq(location_id))
            .filter(levels::item_id.eq_any(item_ids)),
    )
    .set(levels::last_counted_at.eq(Utc::now()))
    .execute(conn)
}

/// The stock one can take for a work order: every level with something available, the
/// viewer's own vans first, then warehouses, then the rest.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct Pickable {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub item_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub location_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub label: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub location_name: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub mine: bool,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub available: i32,
}

/// What can be picked for a work order. `vans_of` are the van holders counted as "mine" (the
/// assignee's contractor record and the viewer's account).
pub fn pickable(
    conn: &mut PgConnection,
    contractor: Option<Uuid>,
    account: Option<Uuid>,
) -> QueryResult<Vec<Pickable>> {
    diesel::sql_query(
        "SELECT sl.item_id, sl.location_id, \
           (i.part_number || ' — ' || i.name)::text AS label, l.name::text AS location_name, \
           coalesce(l.location_type = 'van' AND (l.contractor_id = $1 OR l.account_id = $2), false) AS mine, \
           sl.on_hand - sl.reserved AS available \
         FROM stock_levels sl \
         JOIN inventory_items i ON i.id = sl.item_id \
         JOIN stock_locations l ON l.id = sl.location_id \
         WHERE sl.on_hand > sl.reserved AND l.archived_at IS NULL AND i.archived_at IS NULL \
         ORDER BY mine DESC, (l.location_type = 'warehouse') DESC, lower(l.name), \
           i.part_number_normalized \
         LIMIT 2000",
    )
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(contractor)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(account)
    .load(conn)
}

/// An account's display name (a follower names who moved the work order).
pub fn account_name(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<String>> {
    use crate::db::schema_public::accounts;
    accounts::table
        .find(id)
        .select(accounts::display_name)
        .first::<String>(conn)
        .optional()
}

/// Items by id, in the order of `ids` (the CSV export keeps the list's order).
pub fn items_by_ids(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Item>> {
    let mut found: Vec<Item> = items::table
        .filter(items::id.eq_any(ids))
        .select(Item::as_select())
        .load(conn)?;
    let position: std::collections::HashMap<Uuid, usize> =
        ids.iter().enumerate().map(|(n, id)| (*id, n)).collect();
    found.sort_by_key(|item| position.get(&item.id).copied());
    Ok(found)
}

/// The organization's staff (not tenants), for a van's holder.
pub fn member_options(conn: &mut PgConnection, org_id: Uuid) -> QueryResult<Vec<(Uuid, String)>> {
    use crate::db::schema_public::{accounts, memberships};
    memberships::table
        .inner_join(accounts::table.on(accounts::id.eq(memberships::account_id)))
        .filter(memberships::organization_id.eq(org_id))
        .filter(memberships::role.ne("tenant"))
        .order(accounts::display_name)
        .select((accounts::id, accounts::display_name))
        .load(conn)
}

/// Who holds a van: its technician's or member's name.
pub fn holder_of(conn: &mut PgConnection, location: &Location) -> QueryResult<Option<String>> {
    if let Some(contractor) = location.contractor_id {
        return crate::contractors::queries::find(conn, contractor)
            .optional()
            .map(|c| c.map(|c| c.contact_name));
    }
    match location.account_id {
        Some(account) => account_name(conn, account),
        None => Ok(None),
    }
}
