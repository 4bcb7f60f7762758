//! Browsing: the search page and a listing's own page (which also carries the buy and ask
//! forms, re-rendered by `buying` and `inquiries` when what was typed is refused).

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::{choices, trader, Trader, PER_PAGE};
use crate::auth::identity::Viewer;
use crate::marketplace::forms::{BrowseQuery, BuyForm, MessageForm};
use crate::marketplace::lifecycle::PartCondition;
use crate::marketplace::operations;
use crate::marketplace::queries::{
    self, ListingCard, ListingImage, ListingWithSeller, RatingSummary, SearchFilter, Sort,
};
use crate::marketplace::views::{BrowsePage, BrowseResults, ListingPage};
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::{markdown, render, AppError, Htmx};
use crate::AppState;

pub async fn browse(
    viewer: Viewer,
    state: web::Data<AppState>,
    htmx: Htmx,
    query: web::Query<BrowseQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (filter, problems) = query.filter();
    let page = query.page;
    let keep = query.clone();
    let choices = state.platform_choices();
    let (cards, pagination, manufacturers) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let total = queries::search_count(conn, &filter)?;
            let pagination = Pagination::new("/marketplace", page, PER_PAGE, total).keeping(&keep);
            let cards = queries::search(conn, &filter, pagination.offset(), PER_PAGE)?;
            let manufacturers = if htmx.is_fragment() {
                Vec::new()
            } else {
                choices.get("marketplace makes", || queries::manufacturers(conn))?
            };
            Ok((cards, pagination, manufacturers))
        })
        .await?;
    if htmx.is_fragment() {
        return render(&BrowseResults {
            query,
            cards,
            pagination,
        });
    }
    let sort = query.sort();
    render(&BrowsePage {
        layout: viewer.layout("Parts marketplace").section("marketplace"),
        can_sell: trader(&viewer).is_some_and(|t| t.active_trading().next().is_some()),
        query,
        cards,
        pagination,
        manufacturers,
        conditions: PartCondition::ALL,
        sorts: Sort::ALL,
        sort,
        problems,
    })
}

/// What the listing page shows besides the listing itself.
pub(super) struct ListingExtras {
    found: ListingWithSeller,
    images: Vec<ListingImage>,
    rating: RatingSummary,
    others: Vec<ListingCard>,
}

pub(super) async fn load_listing_page(
    state: &AppState,
    trader: Option<Trader>,
    listing_id: Uuid,
    count_view: bool,
) -> Result<ListingExtras, AppError> {
    state
        .db
        .run(move |conn| -> Result<ListingExtras, AppError> {
            let found = operations::visible_listing(conn, trader.as_ref(), listing_id)?;
            let seller_org_id = found.listing.seller_org_id;
            if count_view
                && !trader
                    .as_ref()
                    .is_some_and(|t| t.is_member_of(seller_org_id))
            {
                queries::record_view(conn, listing_id)?;
            }
            let others = queries::search(
                conn,
                &SearchFilter {
                    seller_org_id: Some(seller_org_id),
                    exclude_listing: Some(listing_id),
                    ..Default::default()
                },
                0,
                6,
            )?;
            Ok(ListingExtras {
                images: queries::images_of(conn, listing_id)?,
                rating: queries::seller_rating(conn, seller_org_id)?,
                found,
                others,
            })
        })
        .await
}

/// The buy and ask forms of the listing page, as typed.
pub(super) struct ListingForms {
    pub ask: MessageForm,
    pub ask_errors: FieldErrors,
    pub buy: BuyForm,
    pub buy_errors: FieldErrors,
}

impl Default for ListingForms {
    fn default() -> Self {
        ListingForms {
            ask: MessageForm::default(),
            ask_errors: FieldErrors::default(),
            buy: BuyForm {
                quantity: "1".into(),
                ..Default::default()
            },
            buy_errors: FieldErrors::default(),
        }
    }
}

pub(super) fn listing_page(
    state: &AppState,
    viewer: &Viewer,
    extras: ListingExtras,
    forms: ListingForms,
) -> ListingPage {
    let trader = trader(viewer);
    let listing = extras.found.listing;
    let seller_org_id = listing.seller_org_id;
    let buyer_orgs = trader
        .as_ref()
        .map(|t| choices(t.active_trading().filter(|m| m.org_id != seller_org_id)))
        .unwrap_or_default();
    let title = format!("{} {}", listing.part_number, listing.part_name);
    ListingPage {
        layout: viewer.layout(title).section("marketplace"),
        status: listing.effective_status(),
        description_html: markdown::render(&listing.description),
        seller_name: extras.found.seller_name,
        images: extras.images,
        rating: extras.rating,
        others: extras.others,
        signed_in: trader.is_some(),
        is_seller_member: trader
            .as_ref()
            .is_some_and(|t| t.is_member_of(seller_org_id)),
        can_manage: trader.as_ref().is_some_and(|t| t.acts_for(seller_org_id)),
        buyer_orgs,
        ask: forms.ask,
        ask_errors: forms.ask_errors,
        buy: forms.buy,
        buy_errors: forms.buy_errors,
        fee_percent: state.config.platform_fee_percent.normalized().to_string(),
        listing,
    }
}

pub async fn show(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let extras = load_listing_page(&state, trader(&viewer), path.into_inner(), true).await?;
    render(&listing_page(
        &state,
        &viewer,
        extras,
        ListingForms::default(),
    ))
}
