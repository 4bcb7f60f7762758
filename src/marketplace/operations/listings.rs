//! Selling: listing a part, editing, renewing and withdrawing it.

use bigdecimal::BigDecimal;
use diesel::prelude::*;
use uuid::Uuid;

use super::MarketError;
use crate::marketplace::money;
use crate::marketplace::queries::{self, Listing, ListingImage, ListingInput};
use crate::marketplace::traders::Trader;

const CHANGE_REFUSAL: &str = "Only managers and above can change their organization's listings.";

/// A listing and its photos, for the seller's editing page.
pub fn listing_for_editing(
    conn: &mut PgConnection,
    trader: &Trader,
    listing_id: Uuid,
) -> Result<(Listing, Vec<ListingImage>), MarketError> {
    let found = queries::find_listing(conn, listing_id)?;
    trader.acting_for(found.listing.seller_org_id, CHANGE_REFUSAL)?;
    let images = queries::images_of(conn, listing_id)?;
    Ok((found.listing, images))
}

/// Lists a part for the organization `org_id`; returns the new listing's id.
pub fn create_listing(
    conn: &mut PgConnection,
    trader: &Trader,
    org_id: Uuid,
    input: &ListingInput,
    fee_percent: &BigDecimal,
) -> Result<Uuid, MarketError> {
    trader.acting_for(
        org_id,
        "To sell parts you need to be a manager (or above) in the organization.",
    )?;
    trader.may_list()?;
    check_order_limit(input, fee_percent)?;
    Ok(queries::insert_listing(
        conn,
        org_id,
        trader.account_id,
        input,
    )?)
}

/// Saves a listing that is still for sale.
pub fn edit_listing(
    conn: &mut PgConnection,
    trader: &Trader,
    listing_id: Uuid,
    input: &ListingInput,
    fee_percent: &BigDecimal,
) -> Result<(), MarketError> {
    conn.transaction(|conn| {
        let found = queries::find_listing(conn, listing_id)?;
        trader.acting_for(found.listing.seller_org_id, CHANGE_REFUSAL)?;
        check_order_limit(input, fee_percent)?;
        if !queries::update_listing(conn, listing_id, input)? {
            return Err(MarketError::Conflict(
                "This listing was sold or withdrawn, so it can no longer be edited.".into(),
            ));
        }
        Ok(())
    })
}

/// Puts a listing up for another [`queries::LISTING_DAYS`] days (a withdrawn one too, as long
/// as parts are left).
pub fn renew_listing(
    conn: &mut PgConnection,
    trader: &Trader,
    listing_id: Uuid,
) -> Result<(), MarketError> {
    let found = queries::find_listing(conn, listing_id)?;
    trader.acting_for(found.listing.seller_org_id, CHANGE_REFUSAL)?;
    if !queries::renew(conn, listing_id)? {
        return Err(MarketError::Conflict(
            "Only a listing with parts left can be renewed.".into(),
        ));
    }
    Ok(())
}

/// Takes a listing off the marketplace; buyers no longer see it.
pub fn withdraw_listing(
    conn: &mut PgConnection,
    trader: &Trader,
    listing_id: Uuid,
) -> Result<(), MarketError> {
    let found = queries::find_listing(conn, listing_id)?;
    trader.acting_for(found.listing.seller_org_id, CHANGE_REFUSAL)?;
    if !queries::withdraw(conn, listing_id)? {
        return Err(MarketError::Conflict(
            "This listing is already sold or withdrawn.".into(),
        ));
    }
    super::stock::hand_over(conn, listing_id, super::stock::StockEvent::Withdrawn)?;
    Ok(())
}

/// Every part of a listing bought in one order, with shipping and the platform fee, must fit
/// what an order can total, or the listing could never be bought whole (and at the form's
/// highest price, not at all).
fn check_order_limit(input: &ListingInput, fee_percent: &BigDecimal) -> Result<(), MarketError> {
    let shipping = input
        .shipping_cost
        .clone()
        .filter(|_| input.shipping_available)
        .unwrap_or_else(money::zero);
    let quantity = input.quantity_available;
    let whole = money::amounts(&input.unit_price, quantity, &shipping, fee_percent);
    if money::fits_in_an_order(&whole.total) {
        return Ok(());
    }
    let currency = &input.currency;
    let all = if quantity == 1 {
        "Buying it".to_string()
    } else {
        format!("Buying all {quantity}")
    };
    let advice = match money::highest_unit_price(quantity, &shipping, fee_percent) {
        Some(price) if quantity == 1 => format!(
            "The price can be at most {currency} {}.",
            money::display(&price)
        ),
        Some(price) => format!(
            "For {quantity} the price can be at most {currency} {} each; or list fewer.",
            money::display(&price)
        ),
        None => "Lower the shipping cost.".into(),
    };
    Err(MarketError::field(
        "unit_price",
        format!(
            "{all} at this price, with shipping and the platform fee, would come to \
             {currency} {}, more than the {currency} {} one order can hold. {advice}",
            money::display(&whole.total),
            money::display(&money::largest_order_total())
        ),
    ))
}
