//! Buying and orders: a purchase takes parts off the listing and records what they cost; then
//! each side moves the order a step at a time, and both review it once it is completed.

use bigdecimal::BigDecimal;
use diesel::prelude::*;
use uuid::Uuid;

use super::{visible_listing, MarketError};
use crate::marketplace::forms::{ReviewForm, StepForm};
use crate::marketplace::lifecycle::{Action, Party, TransactionStatus};
use crate::marketplace::money;
use crate::marketplace::queries::{self, NewTransaction, StepDetails, TransactionView};
use crate::marketplace::traders::Trader;
use crate::notifications::{notify, NewNotification};
use crate::web::forms::{check_line, check_text, FieldErrors};

const FOLLOW_REFUSAL: &str =
    "Only managers and above see and move their organization's marketplace orders.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Shipping,
    Pickup,
}

impl Delivery {
    pub fn parse(raw: &str) -> Option<Delivery> {
        match raw {
            "shipping" => Some(Delivery::Shipping),
            "pickup" => Some(Delivery::Pickup),
            _ => None,
        }
    }
}

/// What a buyer asks for.
#[derive(Debug, Clone)]
pub struct PurchaseRequest {
    pub listing_id: Uuid,
    pub buyer_org_id: Uuid,
    pub quantity: i32,
    pub delivery: Delivery,
}

/// Buys for the organization `request.buyer_org_id`; returns the new order's id. The parts
/// come off the listing in one conditional UPDATE, so however many buy at once the listing is
/// never oversold; an order whose total the books cannot hold is refused, not half made.
pub fn buy(
    conn: &mut PgConnection,
    trader: &Trader,
    request: &PurchaseRequest,
    fee_percent: &BigDecimal,
) -> Result<Uuid, MarketError> {
    conn.transaction(|conn| {
        let listing = visible_listing(conn, Some(trader), request.listing_id)?.listing;
        if request.buyer_org_id == listing.seller_org_id {
            return Err(MarketError::NotPermitted(
                "You cannot buy your own organization's listing.".into(),
            ));
        }
        match trader.acting_for(request.buyer_org_id, "") {
            Ok(_) => {}
            Err(MarketError::NotFound | MarketError::NotPermitted(_)) => {
                return Err(MarketError::field(
                    "organization",
                    "Choose the organization you are buying for (you need to be a manager or above in it).",
                ))
            }
            Err(other) => return Err(other),
        }
        let shipping = request.delivery == Delivery::Shipping;
        if (shipping && !listing.shipping_available) || (!shipping && !listing.local_pickup) {
            return Err(MarketError::field(
                "delivery",
                "Choose shipping or pickup, as the seller offers.",
            ));
        }
        let taken = queries::take_from_listing(
            conn,
            request.listing_id,
            request.quantity,
            request.buyer_org_id,
        )?
        .ok_or_else(|| {
            MarketError::Conflict(
                "Sorry, this part is no longer available in that quantity: someone may have just bought it.".into(),
            )
        })?;
        if (shipping && !taken.shipping_available) || (!shipping && !taken.local_pickup) {
            return Err(MarketError::Conflict(
                "The seller no longer offers that way of delivery.".into(),
            ));
        }
        let shipping_cost = match (&taken.shipping_cost, shipping) {
            (Some(cost), true) => cost.clone(),
            _ => money::zero(),
        };
        let amounts = money::amounts(
            &taken.unit_price,
            request.quantity,
            &shipping_cost,
            fee_percent,
        );
        if !money::fits_in_an_order(&amounts.total) {
            return Err(MarketError::field(
                "quantity",
                format!(
                    "An order can come to at most {currency} {}; this one would be \
                     {currency} {} with the platform fee. Order fewer, or ask the seller.",
                    money::display(&money::largest_order_total()),
                    money::display(&amounts.total),
                    currency = taken.currency,
                ),
            ));
        }
        queries::mark_sold_if_empty(conn, request.listing_id)?;
        let id = queries::insert_transaction(
            conn,
            &NewTransaction {
                listing_id: request.listing_id,
                buyer_org_id: request.buyer_org_id,
                buyer_account_id: trader.account_id,
                quantity: request.quantity,
                shipping,
                taken: &taken,
                amounts: &amounts,
            },
        )?;
        super::stock::hand_over(
            conn,
            request.listing_id,
            super::stock::StockEvent::Sold {
                transaction_id: id,
                quantity: request.quantity,
            },
        )?;
        let recipients = queries::org_traders(conn, taken.seller_org_id)?;
        notify(
            conn,
            &recipients,
            &NewNotification {
                kind: "marketplace_order",
                title: &format!("New order: {} × {}", request.quantity, listing.part_number),
                body: &format!(
                    "Total {}. Record the payment when it arrives.",
                    money::display(&amounts.total)
                ),
                link: &format!("/marketplace/transactions/{id}"),
                organization_id: Some(taken.seller_org_id),
            },
        )?;
        Ok(id)
    })
}

/// An order as one of its sides sees it.
pub struct Order {
    pub view: TransactionView,
    pub buyer_name: String,
    pub seller_name: String,
    /// The sides this account acts for.
    pub parties: Vec<Party>,
}

/// The sides of the order this account trades for. Other members of either organization are
/// refused; everyone else finds nothing.
fn sides(trader: &Trader, view: &TransactionView) -> Result<Vec<Party>, MarketError> {
    let t = &view.transaction;
    let parties = trader.parties(t.buyer_org_id, t.seller_org_id);
    if !parties.is_empty() {
        Ok(parties)
    } else if trader.is_member_of(t.buyer_org_id) || trader.is_member_of(t.seller_org_id) {
        Err(MarketError::NotPermitted(FOLLOW_REFUSAL.into()))
    } else {
        Err(MarketError::NotFound)
    }
}

pub fn order_for(
    conn: &mut PgConnection,
    trader: &Trader,
    transaction_id: Uuid,
) -> Result<Order, MarketError> {
    let view = queries::find_transaction(conn, transaction_id)?;
    let parties = sides(trader, &view)?;
    let t = &view.transaction;
    let names = queries::org_names(conn, &[t.buyer_org_id, t.seller_org_id])?;
    Ok(Order {
        buyer_name: names.of(t.buyer_org_id),
        seller_name: names.of(t.seller_org_id),
        view,
        parties,
    })
}

/// The side this account acts on for `allowed` sides: one whose organization is not
/// suspended, or the suspension that stops it.
fn acting_side(
    trader: &Trader,
    view: &TransactionView,
    allowed: &[Party],
) -> Result<Party, MarketError> {
    let t = &view.transaction;
    let suspended = |party: &Party| trader.side_suspended(*party, t.buyer_org_id, t.seller_org_id);
    match allowed.iter().find(|p| !suspended(p)) {
        Some(party) => Ok(*party),
        None => {
            let org_id = match allowed.first() {
                Some(Party::Buyer) => t.buyer_org_id,
                _ => t.seller_org_id,
            };
            Err(MarketError::Suspended {
                organization: trader
                    .membership(org_id)
                    .map(|m| m.name.clone())
                    .unwrap_or_default(),
            })
        }
    }
}

/// Moves the order one step, as whichever side this account may take it for, and tells the
/// other side; returns the order's new status.
pub fn step_order(
    conn: &mut PgConnection,
    trader: &Trader,
    transaction_id: Uuid,
    action: Action,
    form: &StepForm,
) -> Result<TransactionStatus, MarketError> {
    conn.transaction(|conn| {
        let view = queries::find_transaction(conn, transaction_id)?;
        let allowed: Vec<Party> = sides(trader, &view)?
            .into_iter()
            .filter(|p| action.party_may(*p))
            .collect();
        if allowed.is_empty() {
            return Err(MarketError::NotPermitted(format!(
                "“{}” is not yours to do on this order.",
                action.label()
            )));
        }
        let party = acting_side(trader, &view, &allowed)?;
        let t = &view.transaction;
        if !action.starts_from(t.status) {
            return Err(MarketError::Conflict(format!(
                "“{}” is not possible while the order is {}.",
                action.label(),
                t.status.label().to_lowercase()
            )));
        }
        let details = step_details(action, form, t.shipping_method == "shipping")
            .map_err(MarketError::Rejected)?;
        if !queries::apply_step(conn, t, action, &details)? {
            return Err(MarketError::Conflict(
                "This order has changed meanwhile; reload the page to see where it is.".into(),
            ));
        }
        let (other_org, recipients) = match party {
            Party::Seller => {
                let mut recipients = queries::org_traders(conn, t.buyer_org_id)?;
                if !recipients.contains(&t.buyer_account_id) {
                    recipients.push(t.buyer_account_id);
                }
                (t.buyer_org_id, recipients)
            }
            Party::Buyer => (
                t.seller_org_id,
                queries::org_traders(conn, t.seller_org_id)?,
            ),
        };
        let (_, to, _) = action.rule();
        notify(
            conn,
            &recipients,
            &NewNotification {
                kind: "marketplace_order",
                title: &format!(
                    "Order of {}: {}",
                    view.part_number,
                    to.label().to_lowercase()
                ),
                body: "",
                link: &format!("/marketplace/transactions/{}", t.id),
                organization_id: Some(other_org),
            },
        )?;
        Ok(to)
    })
}

/// What a step records besides the new state, checked: a payment needs its reference, a
/// shipment its tracking number (not a pickup), a dispute its reason.
fn step_details(action: Action, form: &StepForm, ships: bool) -> Result<StepDetails, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut details = StepDetails::default();
    let kept = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    match action {
        Action::Pay => {
            check_line(
                &mut errors,
                "payment_reference",
                &form.payment_reference,
                100,
                true,
            );
            check_line(
                &mut errors,
                "payment_method",
                &form.payment_method,
                50,
                false,
            );
            details.payment_reference = kept(&form.payment_reference);
            details.payment_method = kept(&form.payment_method);
        }
        Action::Ship => {
            check_line(
                &mut errors,
                "tracking_number",
                &form.tracking_number,
                100,
                ships,
            );
            details.tracking_number = kept(&form.tracking_number);
        }
        Action::Dispute => {
            check_text(&mut errors, "reason", &form.reason, 5000, true);
            details.dispute_reason = kept(&form.reason);
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(details)
    } else {
        Err(errors)
    }
}

/// Records this account's side's review of a completed order, once per side.
pub fn review_order(
    conn: &mut PgConnection,
    trader: &Trader,
    transaction_id: Uuid,
    form: &ReviewForm,
) -> Result<(), MarketError> {
    let view = queries::find_transaction(conn, transaction_id)?;
    let parties = sides(trader, &view)?;
    // Someone on both sides reviews as the buyer: the seller's rating is what others read.
    let Some(party) = [Party::Buyer, Party::Seller]
        .into_iter()
        .find(|p| parties.contains(p))
    else {
        return Err(MarketError::NotPermitted(
            "Only the buyer and the seller review an order.".into(),
        ));
    };
    acting_side(trader, &view, &[party])?;
    if view.transaction.status != TransactionStatus::Completed {
        return Err(MarketError::Conflict(
            "Reviews open once the order is completed.".into(),
        ));
    }
    let (rating, text) = form.validate().map_err(MarketError::Rejected)?;
    if !queries::review(conn, transaction_id, party == Party::Buyer, rating, &text)? {
        return Err(MarketError::Conflict(
            "You have already reviewed this order.".into(),
        ));
    }
    Ok(())
}
