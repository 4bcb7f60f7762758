//! The marketplace's rules, apart from its pages: what may be listed, changed, asked, bought
//! and moved, by whom, and what else happens with it (notifications, stock, files). Each
//! operation takes a connection, the acting [`Trader`] and typed input, and returns a typed
//! result or a [`MarketError`]; nothing here knows about HTTP or templates, so the pages, a
//! JSON API and background work call the same functions.

mod inquiries;
mod listings;
mod orders;
mod photos;
pub mod stock;

pub use inquiries::{ask, inquiry_thread, write_in_inquiry, InquiryThread};
pub use listings::{
    create_listing, edit_listing, listing_for_editing, renew_listing, withdraw_listing,
};
pub use orders::{buy, order_for, review_order, step_order, Delivery, Order, PurchaseRequest};
pub use photos::{add_photos, remove_photo, visible_photo};

use uuid::Uuid;

use super::lifecycle::ListingStatus;
use super::queries::{self, ListingWithSeller};
use super::traders::Trader;
use crate::storage::StorageError;
use crate::web::forms::FieldErrors;
use crate::web::AppError;

/// Why an operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum MarketError {
    /// Not there, or not for this account's eyes.
    #[error("not found")]
    NotFound,
    /// The account belongs to the organization, but its role does not allow this.
    #[error("not permitted: {0}")]
    NotPermitted(String),
    /// The organization it would act for is suspended: its marketplace activity is frozen.
    #[error("{organization} is suspended")]
    Suspended { organization: String },
    /// Not possible in the state things are in (sold out, already done, moved meanwhile).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Input the rules refuse, by field.
    #[error("rejected input")]
    Rejected(FieldErrors),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl MarketError {
    /// Input refused with one message on one field.
    pub fn field(field: &str, message: impl Into<String>) -> MarketError {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        MarketError::Rejected(errors)
    }
}

impl From<MarketError> for AppError {
    fn from(error: MarketError) -> AppError {
        match error {
            MarketError::NotFound => AppError::NotFound,
            MarketError::NotPermitted(why) => AppError::Forbidden(why),
            MarketError::Suspended { organization } => AppError::Forbidden(format!(
                "{organization} is suspended by the platform administrators: its marketplace \
                 listings, questions and orders are frozen until it is reinstated."
            )),
            MarketError::Conflict(why) => AppError::Conflict(why),
            MarketError::Rejected(errors) => AppError::Rejected(errors),
            MarketError::Database(error) => error.into(),
            MarketError::Storage(error) => error.into(),
        }
    }
}

/// A listing as its public pages may show it. Withdrawn listings, and every listing of a
/// suspended seller, are there only for the seller's own traders.
pub fn visible_listing(
    conn: &mut diesel::PgConnection,
    trader: Option<&Trader>,
    listing_id: Uuid,
) -> Result<ListingWithSeller, MarketError> {
    let found = queries::find_listing(conn, listing_id)?;
    let hidden = found.listing.status == ListingStatus::Withdrawn || found.seller_suspended;
    if hidden && !trader.is_some_and(|t| t.trades_for(found.listing.seller_org_id)) {
        return Err(MarketError::NotFound);
    }
    Ok(found)
}
