//! Stock set aside for a work order or a marketplace listing.

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_org::{
    inventory_items as items, stock_locations as locations, stock_reservations as reservations,
};

#[derive(Debug, Clone, Queryable)]
pub struct Reservation {
    pub id: Uuid,
    pub item_id: Uuid,
    pub location_id: Uuid,
    pub quantity: i32,
    pub part_number: String,
    pub item_name: String,
    pub location_name: String,
}

/// What is held for what.
#[derive(Debug, Clone, Copy)]
pub enum For {
    WorkOrder(Uuid),
    Listing(Uuid),
}

pub fn insert(
    conn: &mut PgConnection,
    held_for: For,
    item_id: Uuid,
    location_id: Uuid,
    quantity: i32,
    by: Option<Uuid>,
) -> QueryResult<Uuid> {
    let (work_order, listing) = match held_for {
        For::WorkOrder(id) => (Some(id), None),
        For::Listing(id) => (None, Some(id)),
    };
    diesel::insert_into(reservations::table)
        .values((
            reservations::item_id.eq(item_id),
            reservations::location_id.eq(location_id),
            reservations::quantity.eq(quantity),
            reservations::work_order_id.eq(work_order),
            reservations::marketplace_listing_id.eq(listing),
            reservations::created_by.eq(by),
        ))
        .returning(reservations::id)
        .get_result(conn)
}

/// The reservations held for a work order or listing (changes to them run under the work
/// order's row lock, or in the listing's one job at a time).
pub fn held(conn: &mut PgConnection, held_for: For) -> QueryResult<Vec<Reservation>> {
    let query = reservations::table
        .inner_join(items::table.on(items::id.eq(reservations::item_id)))
        .inner_join(locations::table.on(locations::id.eq(reservations::location_id)))
        .select((
            reservations::id,
            reservations::item_id,
            reservations::location_id,
            reservations::quantity,
            items::part_number,
            items::name,
            locations::name,
        ))
        .order(reservations::created_at)
        .into_boxed();
    match held_for {
        For::WorkOrder(id) => query.filter(reservations::work_order_id.eq(id)).load(conn),
        For::Listing(id) => query
            .filter(reservations::marketplace_listing_id.eq(id))
            .load(conn),
    }
}

pub fn find(conn: &mut PgConnection, held_for: For, id: Uuid) -> QueryResult<Reservation> {
    held(conn, held_for)?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(diesel::result::Error::NotFound)
}

/// Takes `quantity` off a reservation; it goes when nothing is left.
pub fn reduce(conn: &mut PgConnection, id: Uuid, quantity: i32) -> QueryResult<()> {
    diesel::delete(
        reservations::table
            .find(id)
            .filter(reservations::quantity.le(quantity)),
    )
    .execute(conn)?;
    diesel::update(reservations::table.find(id))
        .set(reservations::quantity.eq(reservations::quantity - quantity))
        .execute(conn)?;
    Ok(())
}
