//! The bridge to the marketplace: surplus stock listed for sale (and set aside while it is
//! listed), its sales issued from stock, and marketplace purchases received into a location.

use bigdecimal::BigDecimal;
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::stock::{audit_posted, post, record};
use super::{active_location, invalid, InventoryError};
use crate::audit::{self, AuditEvent};
use crate::inventory::forms::{chosen, quantity, SurplusForm};
use crate::inventory::model::MovementKind;
use crate::inventory::queries::{self, ledger::Entry, reservations, Item};
use crate::marketplace::lifecycle::PartCondition;
use crate::marketplace::operations::{self as market, stock as market_stock};
use crate::marketplace::queries::ListingInput;
use crate::marketplace::traders::Trader;
use crate::orgs::{Actor, OrgHandle};
use crate::storage::FileStore;
use crate::web::forms::FieldErrors;

/// The listing "sell surplus" proposes for `item`: its part number, name, make, models and
/// description, at its sale price.
pub fn proposal(item: &Item, available: i32) -> SurplusForm {
    SurplusForm {
        location_id: String::new(),
        quantity: available.max(1).to_string(),
        unit_price: item
            .sale_price
            .as_ref()
            .map(|p| p.with_scale(2).to_string())
            .unwrap_or_default(),
        condition: PartCondition::New.as_str().into(),
    }
}

/// Who lists surplus, as the marketplace knows them: the trader, the platform's fee (for its
/// order limit) and the file store its photos go to.
pub struct Seller<'a> {
    pub trader: &'a Trader,
    pub fee_percent: &'a BigDecimal,
    pub files: &'a dyn FileStore,
}

/// Lists `form.quantity` of item `item_id` from one location in the marketplace for the
/// organization, and sets that quantity aside there until it sells or is withdrawn. Returns
/// the listing's id.
pub fn list_surplus(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    seller: &Seller,
    item_id: Uuid,
    form: &SurplusForm,
) -> Result<Uuid, InventoryError> {
    let item = queries::find_item(conn, item_id)?;
    let mut errors = FieldErrors::default();
    let location = chosen(
        &mut errors,
        "location_id",
        &form.location_id,
        "Choose where the parts are.",
    );
    let count = quantity(&mut errors, "quantity", &form.quantity, 1);
    let price = match crate::marketplace::money::parse(&form.unit_price) {
        Ok(p) if p > 0 => Some(p),
        Ok(_) => {
            errors.add("unit_price", "Enter a price above zero.");
            None
        }
        Err(why) => {
            errors.add("unit_price", why);
            None
        }
    };
    let condition = PartCondition::parse(&form.condition);
    if condition.is_none() {
        errors.add("condition", "Choose the parts' condition.");
    }
    let (Some(location), Some(count), Some(price), Some(condition), true) =
        (location, count, price, condition, errors.is_empty())
    else {
        return Err(InventoryError::Invalid(errors));
    };
    let location = active_location(conn, location, "location_id")?;
    let input = ListingInput {
        part_number: item.part_number.clone(),
        part_name: item.name.clone(),
        manufacturer: item.manufacturer.clone(),
        model_compatibility: item.compatible_models.iter().flatten().cloned().collect(),
        description: item
            .description
            .clone()
            .unwrap_or_else(|| item.name.clone()),
        condition,
        condition_notes: None,
        quantity_available: count,
        unit_price: price,
        currency: "AUD".into(),
        location_city: None,
        location_state: None,
        location_country: "Australia".into(),
        shipping_available: true,
        shipping_cost: None,
        local_pickup: true,
    };
    let listing = market::create_listing(conn, seller.trader, org.id, &input, seller.fee_percent)
        .map_err(InventoryError::from)?;
    market_stock::link_item(conn, listing, item.id)?;
    let mut entry = Entry::new(MovementKind::Reserve, item.id, location.id, 0, actor);
    entry.reserved_change = count;
    entry.marketplace_listing_id = Some(listing);
    entry.reason = Some("Listed in the marketplace");
    let posted = post(conn, org, &entry).map_err(|e| match e {
        InventoryError::Refused(why) => invalid("quantity", why),
        other => other,
    })?;
    reservations::insert(
        conn,
        reservations::For::Listing(listing),
        item.id,
        location.id,
        count,
        Some(actor.account_id),
    )?;
    copy_photos(conn, seller, &item, listing)?;
    audit_posted(conn, actor, &entry, &posted)?;
    Ok(listing)
}

/// Puts the item's photos (as many as a listing takes) on its new listing, through the
/// marketplace's own checks. A photo whose file is gone is left out.
fn copy_photos(
    conn: &mut PgConnection,
    seller: &Seller,
    item: &Item,
    listing: Uuid,
) -> Result<(), InventoryError> {
    let files = seller.files;
    let mut photos = Vec::new();
    for attachment in crate::attachments::queries::of_item(conn, item.id)? {
        if !attachment.is_photo()
            || photos.len() as i64 >= crate::marketplace::images::MAX_PER_LISTING
        {
            continue;
        }
        let Some(bytes) = files
            .get(&attachment.storage_key)
            .map_err(|e| InventoryError::Refused(e.to_string()))?
        else {
            continue;
        };
        if let Ok(photo) = crate::marketplace::images::accept(&attachment.file_name, bytes, false) {
            photos.push(photo);
        }
    }
    if !photos.is_empty() {
        market::add_photos(conn, files, seller.trader, listing, &photos)?;
    }
    Ok(())
}

/// A sale or withdrawal of a listing made from stock, handed over by the marketplace.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ListingEvent {
    pub listing_id: Uuid,
    #[serde(default)]
    pub transaction_id: Option<Uuid>,
    #[serde(default)]
    pub quantity: i32,
    #[serde(default)]
    pub withdrawn: bool,
}

/// Issues what sold from the stock set aside for the listing, or releases what is left of it
/// when it was withdrawn. Nothing when nothing is held (the reservation was released).
pub fn settle_listing(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    event: &ListingEvent,
) -> Result<(), InventoryError> {
    let held = reservations::held(conn, reservations::For::Listing(event.listing_id))?;
    let Some(held) = held.first() else {
        return Ok(());
    };
    let (kind, units) = if event.withdrawn {
        (MovementKind::Unreserve, held.quantity)
    } else {
        (MovementKind::Issue, event.quantity.min(held.quantity))
    };
    if units <= 0 {
        return Ok(());
    }
    let on_hand = if kind == MovementKind::Issue {
        -units
    } else {
        0
    };
    let mut entry = Entry::new(kind, held.item_id, held.location_id, on_hand, actor);
    entry.reserved_change = -units;
    entry.marketplace_listing_id = Some(event.listing_id);
    entry.marketplace_transaction_id = event.transaction_id;
    entry.reason = Some(if event.withdrawn {
        "Marketplace listing withdrawn"
    } else {
        "Sold in the marketplace"
    });
    let posted = post(conn, org, &entry)?;
    reservations::reduce(conn, held.id, units)?;
    audit_posted(conn, actor, &entry, &posted)
}

/// A marketplace purchase of this organization that can be received into stock.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct Purchase {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub transaction_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub part_number: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub part_name: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub manufacturer: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub quantity: i32,
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    pub unit_price: BigDecimal,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub status: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    pub item_id: Option<Uuid>,
}

/// The organization's delivered or completed marketplace purchases not yet received.
pub fn purchases_to_receive(conn: &mut PgConnection, org_id: Uuid) -> QueryResult<Vec<Purchase>> {
    diesel::sql_query(
        "SELECT t.id AS transaction_id, l.part_number::text AS part_number, \
           l.part_name::text AS part_name, l.manufacturer::text AS manufacturer, t.quantity, \
           t.unit_price, t.status::text AS status, i.id AS item_id \
         FROM marketplace_transactions t \
         JOIN marketplace_listings l ON l.id = t.listing_id \
         LEFT JOIN inventory_items i ON i.part_number_normalized = l.part_number_normalized \
         WHERE t.buyer_org_id = $1 AND t.status IN ('shipped', 'delivered', 'completed') \
           AND NOT EXISTS (SELECT 1 FROM stock_movements m \
             WHERE m.marketplace_transaction_id = t.id AND m.kind = 'receive') \
         ORDER BY t.created_at DESC LIMIT 50",
    )
    .bind::<diesel::sql_types::Uuid, _>(org_id)
    .load(conn)
}

/// Receives marketplace purchase `transaction_id` into a location: into the catalogue item
/// with its part number, or a new item made from the listing. Once only.
pub fn receive_purchase(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    transaction_id: Uuid,
    location_id: &str,
) -> Result<String, InventoryError> {
    let purchase = purchases_to_receive(conn, org.id)?
        .into_iter()
        .find(|p| p.transaction_id == transaction_id)
        .ok_or(InventoryError::NotFound)?;
    let mut errors = FieldErrors::default();
    let Some(location) = chosen(
        &mut errors,
        "location_id",
        location_id,
        "Choose where to put the parts.",
    ) else {
        return Err(InventoryError::Invalid(errors));
    };
    let location = active_location(conn, location, "location_id")?;
    let item_id = match purchase.item_id {
        Some(id) => id,
        None => {
            let values = crate::inventory::forms::ItemForm {
                part_number: purchase.part_number.clone(),
                name: purchase.part_name.clone(),
                manufacturer: purchase.manufacturer.clone().unwrap_or_default(),
                unit_cost: purchase.unit_price.to_string(),
                ..Default::default()
            }
            .validate()
            .map_err(InventoryError::Invalid)?;
            super::create_item(conn, actor, &values)?.id
        }
    };
    let mut entry = Entry::new(
        MovementKind::Receive,
        item_id,
        location.id,
        purchase.quantity,
        actor,
    );
    entry.unit_cost = Some(&purchase.unit_price);
    entry.marketplace_transaction_id = Some(transaction_id);
    entry.reason = Some("Bought in the marketplace");
    record(conn, org, actor, &entry)?;
    audit::record(
        conn,
        actor,
        AuditEvent::new("marketplace_purchase_received", "inventory_item", item_id)
            .data(json!({ "transaction_id": transaction_id, "location": location.name })),
    )?;
    Ok(format!(
        "{} × {} received into {}.",
        purchase.quantity, purchase.part_number, location.name
    ))
}
