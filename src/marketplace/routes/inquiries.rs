//! Inquiries: asking about a listing, the inbox of threads, one thread and its replies.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::browse::{listing_page, load_listing_page, ListingForms};
use super::{require_trader, run, PER_PAGE};
use crate::auth::identity::Viewer;
use crate::marketplace::forms::{MessageForm, PageQuery};
use crate::marketplace::operations::{self, InquiryThread};
use crate::marketplace::queries;
use crate::marketplace::views::{InboxPage, InquiryPage};
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::{render, render_status, see_other, AppError};
use crate::AppState;

pub async fn ask(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<MessageForm>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let listing_id = path.into_inner();
    let form = form.into_inner();
    let question = match form.validate() {
        Ok(question) => question,
        Err(ask_errors) => {
            let extras = load_listing_page(&state, Some(trader), listing_id, false).await?;
            let forms = ListingForms {
                ask: form,
                ask_errors,
                ..Default::default()
            };
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &listing_page(&state, &viewer, extras, forms),
            );
        }
    };
    let inquiry_id = run(&state, move |conn| {
        operations::ask(conn, &trader, listing_id, &question)
    })
    .await?;
    viewer.flash(
        "success",
        "Your question was sent to the seller. You will be notified of the answer.",
    );
    Ok(see_other(format!("/marketplace/inquiries/{inquiry_id}")))
}

pub async fn inbox(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let account_id = trader.account_id;
    let orgs = trader.trading_org_ids();
    let page = query.page;
    let (inquiries, pagination) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let total = queries::inbox_count(conn, account_id, &orgs)?;
            let pagination = Pagination::new("/marketplace/inquiries", page, PER_PAGE, total);
            let rows = queries::inbox(conn, account_id, &orgs, pagination.offset(), PER_PAGE)?;
            Ok((rows, pagination))
        })
        .await?;
    render(&InboxPage {
        layout: viewer
            .layout("Marketplace inquiries")
            .section("marketplace"),
        inquiries,
        account_id,
        pagination,
    })
}

async fn load_thread(
    state: &AppState,
    viewer: &Viewer,
    inquiry_id: Uuid,
) -> Result<InquiryThread, AppError> {
    let trader = require_trader(viewer)?;
    run(state, move |conn| {
        operations::inquiry_thread(conn, &trader, inquiry_id)
    })
    .await
}

fn inquiry_page(
    viewer: &Viewer,
    thread: InquiryThread,
    form: MessageForm,
    errors: FieldErrors,
) -> InquiryPage {
    let account_id = viewer.signed_in().map(|a| a.id).unwrap_or_default();
    InquiryPage {
        layout: viewer
            .layout(format!("Inquiry about {}", thread.inquiry.part_number))
            .section("marketplace"),
        viewer_is_buyer: thread.inquiry.buyer_account_id == account_id,
        inquiry: thread.inquiry,
        messages: thread.messages,
        form,
        errors,
    }
}

pub async fn inquiry(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let thread = load_thread(&state, &viewer, path.into_inner()).await?;
    render(&inquiry_page(
        &viewer,
        thread,
        MessageForm::default(),
        FieldErrors::default(),
    ))
}

pub async fn reply(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<MessageForm>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let inquiry_id = path.into_inner();
    let form = form.into_inner();
    let body = match form.validate() {
        Ok(body) => body,
        Err(errors) => {
            let thread = load_thread(&state, &viewer, inquiry_id).await?;
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &inquiry_page(&viewer, thread, form, errors),
            );
        }
    };
    run(&state, move |conn| {
        operations::write_in_inquiry(conn, &trader, inquiry_id, &body)
    })
    .await?;
    viewer.flash("success", "Your message was sent.");
    Ok(see_other(format!("/marketplace/inquiries/{inquiry_id}")))
}
