//! Moving stock by hand: receiving goods (without a purchase order), adjusting with a reason,
//! and transferring several items between two locations.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::refusal;
use crate::auth::roles::Permission;
use crate::inventory::forms::{StockForm, TransferForm};
use crate::inventory::operations;
use crate::inventory::queries;
use crate::inventory::views::{StockPage, TransferPage};
use crate::orgs::OrgScope;
use crate::web::forms::{with_lines, FieldErrors};
use crate::web::{render_status, see_other, AppError};

/// Preselections from the page a form was opened from.
#[derive(Debug, Default, Deserialize)]
pub struct Preselect {
    #[serde(default)]
    item: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Receive,
    Adjust,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Receive => "receive",
            Mode::Adjust => "adjust",
        }
    }
}

/// Items and locations to choose from.
async fn choices(scope: &OrgScope) -> Result<(super::Options, super::Options), AppError> {
    scope
        .run(Permission::ManageInventory, |conn, _| {
            Ok((
                queries::item_options(conn)?,
                queries::location_options(conn)?,
            ))
        })
        .await
}

async fn stock_page(
    scope: &OrgScope,
    status: StatusCode,
    mode: Mode,
    form: StockForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (items, locations) = choices(scope).await?;
    let title = if mode == Mode::Receive {
        "Receive stock"
    } else {
        "Adjust stock"
    };
    render_status(
        status,
        &StockPage {
            layout: scope.layout(title, "inventory"),
            slug: scope.slug().to_string(),
            mode: mode.name(),
            form,
            errors,
            items,
            locations,
        },
    )
}

fn preselected(query: &Preselect) -> StockForm {
    StockForm {
        item_id: query.item.clone(),
        location_id: query.location.clone(),
        ..Default::default()
    }
}

pub async fn receive_form(
    scope: OrgScope,
    query: web::Query<Preselect>,
) -> Result<HttpResponse, AppError> {
    stock_page(
        &scope,
        StatusCode::OK,
        Mode::Receive,
        preselected(&query),
        FieldErrors::default(),
    )
    .await
}

pub async fn adjust_form(
    scope: OrgScope,
    query: web::Query<Preselect>,
) -> Result<HttpResponse, AppError> {
    stock_page(
        &scope,
        StatusCode::OK,
        Mode::Adjust,
        preselected(&query),
        FieldErrors::default(),
    )
    .await
}

pub async fn receive(
    scope: OrgScope,
    form: web::Form<StockForm>,
) -> Result<HttpResponse, AppError> {
    change(scope, Mode::Receive, form.into_inner()).await
}

pub async fn adjust(scope: OrgScope, form: web::Form<StockForm>) -> Result<HttpResponse, AppError> {
    change(scope, Mode::Adjust, form.into_inner()).await
}

async fn change(scope: OrgScope, mode: Mode, form: StockForm) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageInventory)?;
    let submitted = form.clone();
    let posted = scope
        .run(Permission::ManageInventory, move |conn, ctx| {
            let change = form
                .validate(mode == Mode::Adjust)
                .map_err(AppError::Rejected)?;
            let posted = match mode {
                Mode::Receive => operations::receive(conn, &ctx.org, &ctx.actor, &change)?,
                Mode::Adjust => operations::adjust(conn, &ctx.org, &ctx.actor, &change)?,
            };
            Ok((change.item_id, posted))
        })
        .await;
    match posted {
        Ok((item, posted)) => {
            let verb = if mode == Mode::Receive {
                "received"
            } else {
                "adjusted"
            };
            scope.viewer.flash(
                "success",
                format!(
                    "{} {verb}: {} now at that location.",
                    posted.part_number, posted.level_on_hand
                ),
            );
            Ok(see_other(format!(
                "/o/{}/inventory/items/{item}",
                scope.slug()
            )))
        }
        Err(e) => {
            let (status, errors) = refusal(e)?;
            stock_page(&scope, status, mode, submitted, errors).await
        }
    }
}

async fn transfer_page(
    scope: &OrgScope,
    status: StatusCode,
    form: TransferForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (items, locations) = choices(scope).await?;
    render_status(
        status,
        &TransferPage {
            layout: scope.layout("Transfer stock", "inventory"),
            slug: scope.slug().to_string(),
            form,
            errors,
            items,
            locations,
        },
    )
}

pub async fn transfer_form(
    scope: OrgScope,
    query: web::Query<Preselect>,
) -> Result<HttpResponse, AppError> {
    let form = TransferForm {
        from: query.from.clone(),
        to: query.to.clone(),
        item_id: vec![query.item.clone()],
        ..Default::default()
    };
    transfer_page(&scope, StatusCode::OK, form, FieldErrors::default()).await
}

pub async fn transfer(
    scope: OrgScope,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageInventory)?;
    let form: TransferForm = with_lines(form.into_inner(), &["item_id", "quantity"]);
    let submitted = form.clone();
    let moved = scope
        .run(Permission::ManageInventory, move |conn, ctx| {
            let transfer = form.validate().map_err(AppError::Rejected)?;
            let lines = operations::transfer(conn, &ctx.org, &ctx.actor, &transfer)?;
            Ok((transfer.to, lines))
        })
        .await;
    match moved {
        Ok((to, lines)) => {
            let plural = if lines == 1 { "" } else { "s" };
            scope
                .viewer
                .flash("success", format!("Moved {lines} item{plural}."));
            Ok(see_other(format!(
                "/o/{}/inventory/locations/{to}",
                scope.slug()
            )))
        }
        Err(e) => {
            let (status, errors) = refusal(e)?;
            transfer_page(&scope, status, submitted, errors).await
        }
    }
}
