//! Orders: one order with its next steps and reviews, taking a step, reviewing, and the list
//! of the viewer's organizations' purchases and sales.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::{require_trader, run, Trader, PER_PAGE};
use crate::auth::identity::Viewer;
use crate::marketplace::forms::{PageQuery, ReviewForm, StepForm};
use crate::marketplace::lifecycle::{Action, Party};
use crate::marketplace::operations::{self, Order};
use crate::marketplace::queries;
use crate::marketplace::views::{OrderRow, OrdersPage, TransactionPage};
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::{render, render_status, see_other, AppError};
use crate::AppState;

async fn load_order(state: &AppState, trader: &Trader, id: Uuid) -> Result<Order, AppError> {
    let trader = trader.clone();
    run(state, move |conn| operations::order_for(conn, &trader, id)).await
}

/// The order's page. Steps are offered for the sides the viewer can act for now (not for a
/// suspended organization's side).
fn transaction_page(
    viewer: &Viewer,
    trader: &Trader,
    order: Order,
    step: (StepForm, FieldErrors),
    review: (ReviewForm, FieldErrors),
) -> TransactionPage {
    let t = &order.view.transaction;
    let (buyer_org_id, seller_org_id, status) = (t.buyer_org_id, t.seller_org_id, t.status);
    let mut actions: Vec<Action> = Vec::new();
    for party in &order.parties {
        if trader.side_suspended(*party, buyer_org_id, seller_org_id) {
            continue;
        }
        for action in Action::available(status, *party) {
            if !actions.contains(&action) {
                actions.push(action);
            }
        }
    }
    TransactionPage {
        layout: viewer
            .layout(format!("Order of {}", order.view.part_number))
            .section("marketplace"),
        acts_as_buyer: order.parties.contains(&Party::Buyer),
        acts_as_seller: order.parties.contains(&Party::Seller),
        actions,
        view: order.view,
        buyer_name: order.buyer_name,
        seller_name: order.seller_name,
        step: step.0,
        step_errors: step.1,
        review: review.0,
        review_errors: review.1,
    }
}

pub async fn transaction(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let order = load_order(&state, &trader, path.into_inner()).await?;
    render(&transaction_page(
        &viewer,
        &trader,
        order,
        Default::default(),
        Default::default(),
    ))
}

pub async fn step(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    form: web::Form<StepForm>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let (id, action) = path.into_inner();
    let action = Action::parse(&action).ok_or(AppError::NotFound)?;
    let form = form.into_inner();
    let stepper = trader.clone();
    let submitted = form.clone();
    let stepped = run(&state, move |conn| {
        operations::step_order(conn, &stepper, id, action, &submitted)
    })
    .await;
    match stepped {
        Ok(status) => {
            viewer.flash(
                "success",
                format!("The order is now {}.", status.label().to_lowercase()),
            );
            Ok(see_other(format!("/marketplace/transactions/{id}")))
        }
        Err(AppError::Rejected(errors)) => {
            let order = load_order(&state, &trader, id).await?;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &transaction_page(&viewer, &trader, order, (form, errors), Default::default()),
            )
        }
        Err(other) => Err(other),
    }
}

pub async fn review(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<ReviewForm>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let id = path.into_inner();
    let form = form.into_inner();
    let reviewer = trader.clone();
    let submitted = form.clone();
    let reviewed = run(&state, move |conn| {
        operations::review_order(conn, &reviewer, id, &submitted)
    })
    .await;
    match reviewed {
        Ok(()) => {
            viewer.flash("success", "Thank you for your review.");
            Ok(see_other(format!("/marketplace/transactions/{id}")))
        }
        Err(AppError::Rejected(errors)) => {
            let order = load_order(&state, &trader, id).await?;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &transaction_page(&viewer, &trader, order, Default::default(), (form, errors)),
            )
        }
        Err(other) => Err(other),
    }
}

pub async fn orders(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let orgs = trader.trading_org_ids();
    let page = query.page;
    let mine = orgs.clone();
    let (views, names, pagination) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let total = queries::orders_count(conn, &orgs)?;
            let pagination = Pagination::new("/marketplace/orders", page, PER_PAGE, total);
            let views = queries::orders(conn, &orgs, pagination.offset(), PER_PAGE)?;
            let mut ids: Vec<Uuid> = views
                .iter()
                .flat_map(|v| [v.transaction.buyer_org_id, v.transaction.seller_org_id])
                .collect();
            ids.sort();
            ids.dedup();
            Ok((views, queries::org_names(conn, &ids)?, pagination))
        })
        .await?;
    let rows = views
        .into_iter()
        .map(|view| {
            let sold = mine.contains(&view.transaction.seller_org_id);
            let other_party = if sold {
                names.of(view.transaction.buyer_org_id)
            } else {
                names.of(view.transaction.seller_org_id)
            };
            OrderRow {
                view,
                sold,
                other_party,
            }
        })
        .collect();
    render(&OrdersPage {
        layout: viewer.layout("Marketplace orders").section("marketplace"),
        rows,
        pagination,
    })
}
