//! Buying: the listing page's buy form.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::browse::{listing_page, load_listing_page, ListingForms};
use super::{require_trader, run};
use crate::auth::identity::Viewer;
use crate::marketplace::forms::BuyForm;
use crate::marketplace::operations::{self, Delivery, PurchaseRequest};
use crate::web::forms::FieldErrors;
use crate::web::{render_status, see_other, AppError};
use crate::AppState;

/// The purchase the form asks for, or what in it could not be read.
fn read_form(
    form: &BuyForm,
    listing_id: Uuid,
    buyer_org_id: Option<Uuid>,
) -> Result<PurchaseRequest, FieldErrors> {
    let mut errors = FieldErrors::default();
    if buyer_org_id.is_none() {
        errors.add(
            "organization",
            "Choose the organization you are buying for (you need to be a manager or above in it).",
        );
    }
    let quantity = form.quantity.trim().parse::<i32>().ok().filter(|q| *q >= 1);
    if quantity.is_none() {
        errors.add(
            "quantity",
            "Enter how many you want, a whole number from 1.",
        );
    }
    let delivery = Delivery::parse(&form.delivery);
    if delivery.is_none() {
        errors.add(
            "delivery",
            "Choose shipping or pickup, as the seller offers.",
        );
    }
    match (buyer_org_id, quantity, delivery) {
        (Some(buyer_org_id), Some(quantity), Some(delivery)) => Ok(PurchaseRequest {
            listing_id,
            buyer_org_id,
            quantity,
            delivery,
        }),
        _ => Err(errors),
    }
}

pub async fn buy(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<BuyForm>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let listing_id = path.into_inner();
    let form = form.into_inner();
    let buyer_org_id = trader
        .trading_by_slug(form.organization.trim())
        .map(|m| m.org_id);
    let bought = match read_form(&form, listing_id, buyer_org_id) {
        Ok(request) => {
            let buyer = trader.clone();
            let fee_percent = state.config.platform_fee_percent.clone();
            run(&state, move |conn| {
                operations::buy(conn, &buyer, &request, &fee_percent)
            })
            .await
        }
        Err(errors) => Err(AppError::Rejected(errors)),
    };
    match bought {
        Ok(transaction_id) => {
            viewer.flash(
                "success",
                "Your order was placed. The seller will confirm your payment.",
            );
            Ok(see_other(format!(
                "/marketplace/transactions/{transaction_id}"
            )))
        }
        Err(AppError::Rejected(buy_errors)) => {
            let extras = load_listing_page(&state, Some(trader), listing_id, false).await?;
            let forms = ListingForms {
                buy: form,
                buy_errors,
                ..Default::default()
            };
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &listing_page(&state, &viewer, extras, forms),
            )
        }
        Err(other) => Err(other),
    }
}
