//! Inquiries: a buyer asks about a listing, the seller's traders answer, each side hears of
//! the other's messages.

use diesel::prelude::*;
use uuid::Uuid;

use super::{visible_listing, MarketError};
use crate::marketplace::lifecycle::Party;
use crate::marketplace::queries::{self, Inquiry, Message};
use crate::marketplace::traders::Trader;
use crate::notifications::{notify, NewNotification};

const FOLLOW_REFUSAL: &str =
    "Only managers and above see and answer their organization's marketplace questions.";

/// Asks the seller about a listing (starting the asker's thread on it, or adding to it);
/// returns the thread's id.
pub fn ask(
    conn: &mut PgConnection,
    trader: &Trader,
    listing_id: Uuid,
    question: &str,
) -> Result<Uuid, MarketError> {
    conn.transaction(|conn| {
        let listing = visible_listing(conn, Some(trader), listing_id)?.listing;
        if trader.is_member_of(listing.seller_org_id) {
            return Err(MarketError::NotPermitted(
                "This is your organization's own listing.".into(),
            ));
        }
        let (inquiry_id, _) = queries::ask(conn, &listing, trader.account_id, question)?;
        let mut recipients = queries::org_traders(conn, listing.seller_org_id)?;
        if !recipients.contains(&listing.seller_account_id) {
            recipients.push(listing.seller_account_id);
        }
        notify(
            conn,
            &recipients,
            &NewNotification {
                kind: "marketplace_inquiry",
                title: &format!(
                    "{} asked about {}",
                    trader.display_name, listing.part_number
                ),
                body: &question.chars().take(300).collect::<String>(),
                link: &format!("/marketplace/inquiries/{inquiry_id}"),
                organization_id: Some(listing.seller_org_id),
            },
        )?;
        Ok(inquiry_id)
    })
}

/// A thread as one of its two sides sees it.
pub struct InquiryThread {
    pub inquiry: Inquiry,
    pub messages: Vec<Message>,
    pub side: Party,
}

/// The side of the thread this account is on: the seller's traders, or the account that
/// asked. Other members of the seller organization are refused; everyone else finds nothing.
fn side(trader: &Trader, inquiry: &Inquiry) -> Result<Party, MarketError> {
    if trader.trades_for(inquiry.seller_org_id) {
        Ok(Party::Seller)
    } else if inquiry.buyer_account_id == trader.account_id {
        Ok(Party::Buyer)
    } else if trader.is_member_of(inquiry.seller_org_id) {
        Err(MarketError::NotPermitted(FOLLOW_REFUSAL.into()))
    } else {
        Err(MarketError::NotFound)
    }
}

pub fn inquiry_thread(
    conn: &mut PgConnection,
    trader: &Trader,
    inquiry_id: Uuid,
) -> Result<InquiryThread, MarketError> {
    let inquiry = queries::find_inquiry(conn, inquiry_id)?;
    let side = side(trader, &inquiry)?;
    Ok(InquiryThread {
        messages: queries::messages(conn, inquiry_id)?,
        inquiry,
        side,
    })
}

/// Adds a message to the thread, from whichever side this account is on, and tells the other
/// side. The seller answers only while its organization is not suspended.
pub fn write_in_inquiry(
    conn: &mut PgConnection,
    trader: &Trader,
    inquiry_id: Uuid,
    body: &str,
) -> Result<(), MarketError> {
    conn.transaction(|conn| {
        let inquiry = queries::find_inquiry(conn, inquiry_id)?;
        let from_seller = side(trader, &inquiry)? == Party::Seller;
        if from_seller {
            trader.acting_for(inquiry.seller_org_id, FOLLOW_REFUSAL)?;
        }
        queries::add_message(conn, inquiry.id, trader.account_id, from_seller, body)?;
        let (recipients, organization_id, title) = if from_seller {
            (
                vec![inquiry.buyer_account_id],
                None,
                format!(
                    "{} answered about {}",
                    inquiry.seller_name, inquiry.part_number
                ),
            )
        } else {
            (
                queries::org_traders(conn, inquiry.seller_org_id)?,
                Some(inquiry.seller_org_id),
                format!(
                    "{} wrote about {}",
                    trader.display_name, inquiry.part_number
                ),
            )
        };
        notify(
            conn,
            &recipients,
            &NewNotification {
                kind: "marketplace_inquiry",
                title: &title,
                body: &body.chars().take(300).collect::<String>(),
                link: &format!("/marketplace/inquiries/{}", inquiry.id),
                organization_id,
            },
        )?;
        Ok(())
    })
}
