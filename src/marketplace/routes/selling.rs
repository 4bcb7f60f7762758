//! Selling: a new listing, editing, renewing and withdrawing one, and the seller's own list.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::{choices, require_trader, run, PER_PAGE};
use crate::auth::identity::Viewer;
use crate::marketplace::forms::{ListingForm, MineQuery, NewListingQuery};
use crate::marketplace::images;
use crate::marketplace::lifecycle::ListingStatus;
use crate::marketplace::operations;
use crate::marketplace::queries::{self, Listing, ListingImage};
use crate::marketplace::traders::NOT_A_SELLER;
use crate::marketplace::views::{ListingFormPage, MinePage, OrgChoice};
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::{render, render_status, see_other, AppError};
use crate::AppState;

fn new_listing_page(
    viewer: &Viewer,
    form: ListingForm,
    errors: FieldErrors,
    seller_orgs: Vec<OrgChoice>,
) -> ListingFormPage {
    let mut page = ListingFormPage::new(
        viewer.layout("Sell a part").section("marketplace"),
        form,
        errors,
    );
    page.seller_orgs = seller_orgs;
    page
}

pub async fn new_page(
    viewer: Viewer,
    query: web::Query<NewListingQuery>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let orgs = choices(trader.selling_orgs()?);
    trader.may_list()?;
    let chosen = query
        .org
        .clone()
        .filter(|slug| orgs.iter().any(|o| &o.slug == slug))
        .or_else(|| orgs.first().map(|o| o.slug.clone()))
        .unwrap_or_default();
    render(&new_listing_page(
        &viewer,
        ListingForm::new_default(chosen),
        FieldErrors::default(),
        orgs,
    ))
}

pub async fn create(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<ListingForm>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let orgs = choices(trader.selling_orgs()?);
    // Before reading the form: nothing typed is lost to a refusal that was always coming.
    trader.may_list()?;
    let form = form.into_inner();
    let org_id = trader
        .trading_by_slug(form.organization.trim())
        .map(|m| m.org_id);
    let (input, org_id) = match (form.validate(), org_id) {
        (Ok(input), Some(org_id)) => (input, org_id),
        (validated, org_id) => {
            let mut errors = validated.err().unwrap_or_default();
            if org_id.is_none() {
                errors.add("organization", "Choose one of your organizations.");
            }
            let page = new_listing_page(&viewer, form, errors, orgs);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let fee_percent = state.config.platform_fee_percent.clone();
    let created = run(&state, move |conn| {
        operations::create_listing(conn, &trader, org_id, &input, &fee_percent)
    })
    .await;
    match created {
        Ok(id) => {
            state.platform_choices().forget();
            viewer.flash(
                "success",
                "Your part is listed. Add photos below: listings with photos sell faster.",
            );
            Ok(see_other(format!("/marketplace/listings/{id}/edit")))
        }
        Err(AppError::Rejected(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_listing_page(&viewer, form, errors, orgs),
        ),
        Err(other) => Err(other),
    }
}

/// The listing and its photos, if the viewer may change them (see
/// [`operations::listing_for_editing`]).
pub(super) async fn editable_listing(
    state: &AppState,
    viewer: &Viewer,
    listing_id: Uuid,
) -> Result<(Listing, Vec<ListingImage>), AppError> {
    let trader = require_trader(viewer)?;
    run(state, move |conn| {
        operations::listing_for_editing(conn, &trader, listing_id)
    })
    .await
}

pub(super) fn edit_page(
    viewer: &Viewer,
    listing: &Listing,
    images: Vec<ListingImage>,
    form: ListingForm,
    errors: FieldErrors,
    photo_error: Option<String>,
) -> ListingFormPage {
    let mut page = ListingFormPage::new(
        viewer
            .layout(format!("Edit {}", listing.part_number))
            .section("marketplace"),
        form,
        errors,
    );
    page.editing = Some(listing.id);
    page.can_add_photos = (images.len() as i64) < images::MAX_PER_LISTING;
    page.images = images;
    page.photo_error = photo_error;
    page
}

pub async fn edit(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let (listing, images) = editable_listing(&state, &viewer, path.into_inner()).await?;
    let form = ListingForm::from_listing(&listing);
    render(&edit_page(
        &viewer,
        &listing,
        images,
        form,
        FieldErrors::default(),
        None,
    ))
}

pub async fn update(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<ListingForm>,
) -> Result<HttpResponse, AppError> {
    let listing_id = path.into_inner();
    let trader = require_trader(&viewer)?;
    let form = form.into_inner();
    let errors = match form.validate() {
        Ok(input) => {
            let fee_percent = state.config.platform_fee_percent.clone();
            let saved = run(&state, move |conn| {
                operations::edit_listing(conn, &trader, listing_id, &input, &fee_percent)
            })
            .await;
            state.platform_choices().forget();
            match saved {
                Ok(()) => {
                    viewer.flash("success", "The listing was saved.");
                    return Ok(see_other(format!("/marketplace/listings/{listing_id}")));
                }
                Err(AppError::Rejected(errors)) => errors,
                Err(other) => return Err(other),
            }
        }
        Err(errors) => errors,
    };
    let (listing, images) = editable_listing(&state, &viewer, listing_id).await?;
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &edit_page(&viewer, &listing, images, form, errors, None),
    )
}

pub async fn renew(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let listing_id = path.into_inner();
    run(&state, move |conn| {
        operations::renew_listing(conn, &trader, listing_id)
    })
    .await?;
    viewer.flash(
        "success",
        format!(
            "The listing is up for another {} days.",
            queries::LISTING_DAYS
        ),
    );
    Ok(see_other("/marketplace/mine"))
}

pub async fn withdraw(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let listing_id = path.into_inner();
    run(&state, move |conn| {
        operations::withdraw_listing(conn, &trader, listing_id)
    })
    .await?;
    viewer.flash(
        "success",
        "The listing was withdrawn; buyers no longer see it. Renew it to put it back up.",
    );
    Ok(see_other("/marketplace/mine"))
}

pub async fn mine(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<MineQuery>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    // A suspended organization's listings stay listed here, for its traders to see.
    let orgs = trader.trading_org_ids();
    if orgs.is_empty() {
        return Err(AppError::Forbidden(NOT_A_SELLER.into()));
    }
    let status = query.status.as_deref().and_then(ListingStatus::parse);
    let page = query.page;
    let (rows, counts, pagination) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            queries::expire_overdue(conn, &orgs)?;
            let total = queries::my_listings_count(conn, &orgs, status)?;
            let mut pagination = Pagination::new("/marketplace/mine", page, PER_PAGE, total);
            if let Some(status) = status {
                pagination = pagination.keeping(&[("status", status.as_str())]);
            }
            let rows = queries::my_listings(conn, &orgs, status, pagination.offset(), PER_PAGE)?;
            Ok((rows, queries::status_counts(conn, &orgs)?, pagination))
        })
        .await?;
    render(&MinePage {
        layout: viewer.layout("My listings").section("marketplace"),
        total: counts.iter().map(|(_, n)| n).sum(),
        rows,
        counts,
        status,
        statuses: ListingStatus::ALL,
        pagination,
    })
}
