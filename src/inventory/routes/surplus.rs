//! The marketplace bridge's pages: "sell surplus" on an item, and receiving a marketplace
//! purchase into a location.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::refusal;
use crate::auth::roles::Permission;
use crate::inventory::forms::{PurchaseReceiptForm, SurplusForm};
use crate::inventory::operations::surplus;
use crate::inventory::queries::{self, ledger::Of};
use crate::inventory::views::SellPage;
use crate::marketplace::lifecycle::PartCondition;
use crate::marketplace::traders::Trader;
use crate::orgs::OrgScope;
use crate::web::forms::FieldErrors;
use crate::web::{render_status, see_other, AppError};
use crate::AppState;

async fn sell_page(
    scope: &OrgScope,
    status: StatusCode,
    id: Uuid,
    form: Option<SurplusForm>,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (item, levels) = scope
        .run(Permission::TradeParts, move |conn, _| {
            Ok((
                queries::find_item(conn, id)?,
                queries::levels_of(conn, Of::Item(id))?,
            ))
        })
        .await?;
    let form = form.unwrap_or_else(|| surplus::proposal(&item, item.available()));
    render_status(
        status,
        &SellPage {
            layout: scope.layout(format!("Sell {}", item.part_number), "inventory"),
            slug: scope.slug().to_string(),
            item,
            levels,
            form,
            errors,
            conditions: PartCondition::ALL,
        },
    )
}

pub async fn sell_form(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    sell_page(
        &scope,
        StatusCode::OK,
        path.into_inner().1,
        None,
        FieldErrors::default(),
    )
    .await
}

pub async fn sell(
    scope: OrgScope,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
    form: web::Form<SurplusForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    scope.require(Permission::TradeParts)?;
    let signed_in = scope
        .viewer
        .signed_in()
        .cloned()
        .ok_or(AppError::NotFound)?;
    let trader = Trader::of(&signed_in);
    let fee = state.config.platform_fee_percent.clone();
    let files = state.files.clone();
    let form = form.into_inner();
    let submitted = form.clone();
    let listed = scope
        .run(Permission::TradeParts, move |conn, ctx| {
            Ok(surplus::list_surplus(
                conn,
                &ctx.org,
                &ctx.actor,
                &surplus::Seller {
                    trader: &trader,
                    fee_percent: &fee,
                    files: files.as_ref(),
                },
                id,
                &form,
            )?)
        })
        .await;
    match listed {
        Ok(listing) => {
            state.platform_choices().forget();
            scope.viewer.flash(
                "success",
                "Listed in the marketplace, and set aside in stock. Add photos here: listings with photos sell faster.",
            );
            Ok(see_other(format!("/marketplace/listings/{listing}/edit")))
        }
        Err(e) => {
            let (status, errors) = refusal(e)?;
            sell_page(&scope, status, id, Some(submitted), errors).await
        }
    }
}

pub async fn receive_purchase(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<PurchaseReceiptForm>,
) -> Result<HttpResponse, AppError> {
    let transaction = path.into_inner().1;
    let location = form.into_inner().location_id;
    let message = scope
        .run(Permission::ManageInventory, move |conn, ctx| {
            Ok(surplus::receive_purchase(
                conn,
                &ctx.org,
                &ctx.actor,
                transaction,
                &location,
            )?)
        })
        .await?;
    scope.viewer.flash("success", message);
    Ok(see_other(format!("/o/{}/inventory", scope.slug())))
}
