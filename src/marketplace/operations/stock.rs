//! Listings made from a seller's stock ("sell surplus" in inventory) name the item. What
//! happens to such a listing — a sale, a withdrawal — is handed to a background job inside
//! the seller organization, which issues or releases the stock it set aside; the marketplace
//! itself never enters an organization's tables.

use diesel::prelude::*;
use uuid::Uuid;

use crate::background::queries::{enqueue, NewJob};
use crate::db::schema_public::marketplace_listings;

/// The kind of the job that settles a stock listing's event in the seller organization.
pub const STOCK_JOB: &str = "settle_listing_stock";

/// What happened to a listing.
#[derive(Debug, Clone, Copy)]
pub enum StockEvent {
    Sold { transaction_id: Uuid, quantity: i32 },
    Withdrawn,
}

/// Hands `event` of listing `listing_id` to the seller organization when the listing was made
/// from its stock; nothing for other listings.
pub fn hand_over(conn: &mut PgConnection, listing_id: Uuid, event: StockEvent) -> QueryResult<()> {
    let (seller, item): (Uuid, Option<Uuid>) = marketplace_listings::table
        .find(listing_id)
        .select((
            marketplace_listings::seller_org_id,
            marketplace_listings::inventory_item_id,
        ))
        .first(conn)?;
    if item.is_none() {
        return Ok(());
    }
    let (payload, key) = match event {
        StockEvent::Sold {
            transaction_id,
            quantity,
        } => (
            serde_json::json!({ "listing_id": listing_id, "transaction_id": transaction_id, "quantity": quantity }),
            Some(format!("sold:{transaction_id}")),
        ),
        StockEvent::Withdrawn => (
            serde_json::json!({ "listing_id": listing_id, "withdrawn": true }),
            None,
        ),
    };
    enqueue(
        conn,
        &NewJob {
            kind: STOCK_JOB,
            organization_id: Some(seller),
            payload,
            unique_key: key,
            run_at: chrono::Utc::now(),
            max_attempts: 5,
        },
    )?;
    Ok(())
}

/// Marks a new listing as made from the seller's item `item_id`.
pub fn link_item(conn: &mut PgConnection, listing_id: Uuid, item_id: Uuid) -> QueryResult<()> {
    diesel::update(marketplace_listings::table.find(listing_id))
        .set(marketplace_listings::inventory_item_id.eq(item_id))
        .execute(conn)?;
    Ok(())
}
