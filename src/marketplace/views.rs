//! Page structs of the marketplace.

use crate::web::local_time::filters;
use askama::Template;
use uuid::Uuid;

use super::forms::{
    BrowseQuery, BuyForm, ListingForm, MessageForm, ReviewForm, StepForm, CURRENCIES,
};
use super::lifecycle::{Action, ListingStatus, PartCondition};
use super::queries::{
    Inquiry, Listing, ListingCard, ListingImage, Message, MyListingRow, RatingSummary, Sort,
    TransactionView,
};
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::Layout;

/// An organization someone can sell or buy for.
#[derive(Debug, Clone)]
pub struct OrgChoice {
    pub slug: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "marketplace/browse.html")]
pub struct BrowsePage {
    pub layout: Layout,
    pub query: BrowseQuery,
    pub cards: Vec<ListingCard>,
    pub pagination: Pagination,
    pub manufacturers: Vec<String>,
    pub conditions: &'static [PartCondition],
    pub sorts: [Sort; 4],
    pub sort: Sort,
    pub problems: Vec<String>,
    pub can_sell: bool,
}

#[derive(Template)]
#[template(path = "marketplace/browse.html", block = "results")]
pub struct BrowseResults {
    pub query: BrowseQuery,
    pub cards: Vec<ListingCard>,
    pub pagination: Pagination,
}

#[derive(Template)]
#[template(path = "marketplace/listing.html")]
pub struct ListingPage {
    pub layout: Layout,
    pub listing: Listing,
    pub status: ListingStatus,
    pub seller_name: String,
    pub description_html: String,
    pub images: Vec<ListingImage>,
    pub rating: RatingSummary,
    pub others: Vec<ListingCard>,
    pub signed_in: bool,
    pub is_seller_member: bool,
    pub can_manage: bool,
    pub buyer_orgs: Vec<OrgChoice>,
    pub ask: MessageForm,
    pub ask_errors: FieldErrors,
    pub buy: BuyForm,
    pub buy_errors: FieldErrors,
    pub fee_percent: String,
}

#[derive(Template)]
#[template(path = "marketplace/form.html")]
pub struct ListingFormPage {
    pub layout: Layout,
    pub form: ListingForm,
    pub errors: FieldErrors,
    /// The listing being edited; `None` for a new one.
    pub editing: Option<Uuid>,
    pub seller_orgs: Vec<OrgChoice>,
    pub conditions: &'static [PartCondition],
    pub currencies: [&'static str; 3],
    pub images: Vec<ListingImage>,
    pub photo_error: Option<String>,
    pub can_add_photos: bool,
}

impl ListingFormPage {
    pub fn new(layout: Layout, form: ListingForm, errors: FieldErrors) -> ListingFormPage {
        ListingFormPage {
            layout,
            form,
            errors,
            editing: None,
            seller_orgs: Vec::new(),
            conditions: PartCondition::ALL,
            currencies: CURRENCIES,
            images: Vec::new(),
            photo_error: None,
            can_add_photos: false,
        }
    }
}

#[derive(Template)]
#[template(path = "marketplace/mine.html")]
pub struct MinePage {
    pub layout: Layout,
    pub rows: Vec<MyListingRow>,
    pub counts: Vec<(ListingStatus, i64)>,
    pub total: i64,
    pub status: Option<ListingStatus>,
    pub statuses: &'static [ListingStatus],
    pub pagination: Pagination,
}

#[derive(Template)]
#[template(path = "marketplace/inbox.html")]
pub struct InboxPage {
    pub layout: Layout,
    pub inquiries: Vec<Inquiry>,
    pub account_id: Uuid,
    pub pagination: Pagination,
}

#[derive(Template)]
#[template(path = "marketplace/inquiry.html")]
pub struct InquiryPage {
    pub layout: Layout,
    pub inquiry: Inquiry,
    pub messages: Vec<Message>,
    pub viewer_is_buyer: bool,
    pub form: MessageForm,
    pub errors: FieldErrors,
}

/// A purchase in a list, and whether one of the viewer's organizations sold it.
pub struct OrderRow {
    pub view: TransactionView,
    pub sold: bool,
    pub other_party: String,
}

#[derive(Template)]
#[template(path = "marketplace/orders.html")]
pub struct OrdersPage {
    pub layout: Layout,
    pub rows: Vec<OrderRow>,
    pub pagination: Pagination,
}

#[derive(Template)]
#[template(path = "marketplace/transaction.html")]
pub struct TransactionPage {
    pub layout: Layout,
    pub view: TransactionView,
    pub buyer_name: String,
    pub seller_name: String,
    pub actions: Vec<Action>,
    pub acts_as_buyer: bool,
    pub acts_as_seller: bool,
    pub step: StepForm,
    pub step_errors: FieldErrors,
    pub review: ReviewForm,
    pub review_errors: FieldErrors,
}

impl TransactionPage {
    pub fn can_review(&self) -> bool {
        let t = &self.view.transaction;
        t.status == super::TransactionStatus::Completed
            && ((self.acts_as_buyer && t.buyer_rating.is_none())
                || (self.acts_as_seller && !self.acts_as_buyer && t.seller_rating.is_none()))
    }
}
