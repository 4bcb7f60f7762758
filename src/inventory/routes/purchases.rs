//! Purchase orders: the list by status, drafting one, its page, ordering or cancelling it, and
//! receiving goods against it.

use actix_web::http::StatusCode;
use actix_web::web::{self, ServiceConfig};
use actix_web::HttpResponse;
use bigdecimal::BigDecimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::roles::Permission;
use crate::inventory::forms::{PurchaseForm, ReceiveForm};
use crate::inventory::model::PurchaseStatus;
use crate::inventory::operations::purchases as operations;
use crate::inventory::queries::{self, purchases};
use crate::inventory::views::purchases::{OrderFormPage, OrderPage, OrdersPage, ALL, OPEN};
use crate::orgs::OrgScope;
use crate::web::forms::{with_lines, FieldErrors};
use crate::web::pagination::Pagination;
use crate::web::{render, render_status, see_other, AppError};

const PER_PAGE: i64 = 25;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.route("/inventory/purchase-orders", web::get().to(list))
        .route("/inventory/purchase-orders", web::post().to(create))
        .route("/inventory/purchase-orders/new", web::get().to(new_form))
        .route("/inventory/purchase-orders/{id}", web::get().to(detail))
        .route(
            "/inventory/purchase-orders/{id}/status",
            web::post().to(change_status),
        )
        .route(
            "/inventory/purchase-orders/{id}/receive",
            web::post().to(receive),
        );
}

fn order_path(slug: &str, id: Uuid) -> String {
    format!("/o/{slug}/inventory/purchase-orders/{id}")
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    /// "open" (the default), "all" or a status's stored name.
    pub status: String,
    pub page: Option<i64>,
}

pub async fn list(scope: OrgScope, query: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let mut query = query.into_inner();
    query.status = match query.status.as_str() {
        ALL => ALL.to_string(),
        raw => PurchaseStatus::parse(raw)
            .map_or(OPEN, PurchaseStatus::as_str)
            .to_string(),
    };
    // `purchases::page` names the open orders by an empty status.
    let status = if query.status == OPEN {
        String::new()
    } else {
        query.status.clone()
    };
    let path = format!("/o/{}/inventory/purchase-orders", scope.slug());
    let (rows, pagination) = {
        let query = query.clone();
        scope
            .read(move |conn, _| {
                let page = query.page.unwrap_or(1).max(1);
                let rows = purchases::page(conn, &status, (page - 1) * PER_PAGE, PER_PAGE)?;
                let total = rows.first().map_or(0, |r| r.total);
                Ok((
                    rows,
                    Pagination::new(&path, query.page, PER_PAGE, total).keeping(&query),
                ))
            })
            .await?
    };
    render(&OrdersPage {
        layout: scope.layout("Purchase orders", "inventory"),
        slug: scope.slug().to_string(),
        filter: query.status,
        rows,
        pagination,
        can_manage: scope.can(Permission::ManageInventory),
    })
}

async fn form_page(
    scope: &OrgScope,
    status: StatusCode,
    mut form: PurchaseForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (items, locations) = scope
        .run(Permission::ManageInventory, |conn, _| {
            Ok((
                queries::item_options(conn)?,
                queries::location_options(conn)?,
            ))
        })
        .await?;
    if form.location_id.is_empty() && status == StatusCode::OK {
        // Warehouses come first: the usual place goods are delivered to.
        form.location_id = locations
            .first()
            .map(|(id, _)| id.to_string())
            .unwrap_or_default();
    }
    render_status(
        status,
        &OrderFormPage {
            layout: scope.layout("New purchase order", "inventory"),
            slug: scope.slug().to_string(),
            form,
            errors,
            items,
            locations,
        },
    )
}

/// The reorder list's "Order" link fills in an item, a quantity and where to receive it.
#[derive(Debug, Deserialize)]
pub struct NewQuery {
    item: Option<Uuid>,
    quantity: Option<i32>,
    location: Option<Uuid>,
}

pub async fn new_form(
    scope: OrgScope,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let form = PurchaseForm {
        location_id: query.location.map(|id| id.to_string()).unwrap_or_default(),
        item_id: query.item.map(|id| id.to_string()).into_iter().collect(),
        quantity: query.quantity.map(|q| q.to_string()).into_iter().collect(),
        ..Default::default()
    };
    form_page(&scope, StatusCode::OK, form, FieldErrors::default()).await
}

/// The form with its empty lines left out, so that a line's number in the messages of
/// `PurchaseForm::validate` is its row on the re-rendered form (`rows()` leaves them out too).
fn without_empty_lines(form: PurchaseForm) -> PurchaseForm {
    let lines = form
        .item_id
        .len()
        .max(form.quantity.len())
        .max(form.unit_cost.len());
    let cell = |list: &[String], n: usize| list.get(n).cloned().unwrap_or_default();
    let mut compact = PurchaseForm {
        item_id: Vec::new(),
        quantity: Vec::new(),
        unit_cost: Vec::new(),
        ..form.clone()
    };
    for n in 0..lines {
        let row = [
            cell(&form.item_id, n),
            cell(&form.quantity, n),
            cell(&form.unit_cost, n),
        ];
        if row.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let [item, quantity, cost] = row;
        compact.item_id.push(item);
        compact.quantity.push(quantity);
        compact.unit_cost.push(cost);
    }
    compact
}

/// `operations::purchases::create` numbers a refused line by its place among the lines it
/// was given (those with an item or a quantity); this names the form's row instead.
fn on_form_rows(errors: FieldErrors, form: &PurchaseForm) -> FieldErrors {
    let rows: Vec<usize> = (0..form.item_id.len())
        .filter(|&n| {
            let filled = |list: &[String]| list.get(n).is_some_and(|v| !v.trim().is_empty());
            filled(&form.item_id) || filled(&form.quantity)
        })
        .collect();
    let mut renamed = FieldErrors::default();
    for (field, message) in errors.messages() {
        let row = field
            .strip_prefix("item_id-")
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| rows.get(n));
        match row {
            Some(row) => renamed.add(&format!("item_id-{row}"), message.as_str()),
            None => renamed.add(field, message.as_str()),
        }
    }
    renamed
}

pub async fn create(
    scope: OrgScope,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageInventory)?;
    let form = without_empty_lines(with_lines::<PurchaseForm>(
        form.into_inner(),
        &["item_id", "quantity", "unit_cost"],
    ));
    let values = match form.validate() {
        Ok(values) => values,
        Err(errors) => {
            return form_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await
        }
    };
    let created = scope
        .run(Permission::ManageInventory, move |conn, ctx| {
            Ok(operations::create(conn, &ctx.actor, &values)?)
        })
        .await;
    match created {
        Ok((id, number)) => {
            scope.viewer.flash(
                "success",
                format!("{number} is saved as a draft. Mark it as ordered once it is sent to the supplier."),
            );
            Ok(see_other(order_path(scope.slug(), id)))
        }
        Err(AppError::Rejected(errors)) => {
            let errors = on_form_rows(errors, &form);
            form_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await
        }
        Err(e) => Err(e),
    }
}

/// What the order page shows besides the order: a refusal and the receive form as typed.
#[derive(Default)]
struct Outcome {
    errors: FieldErrors,
    problem: Option<String>,
    receive: ReceiveForm,
}

async fn detail_page(
    scope: &OrgScope,
    id: Uuid,
    status: StatusCode,
    outcome: Outcome,
) -> Result<HttpResponse, AppError> {
    let (order, location_name, lines) = scope
        .read(move |conn, _| {
            let order = purchases::find(conn, id)?;
            let location_name = purchases::location_name(conn, order.location_id)?;
            Ok((order, location_name, purchases::lines_of(conn, id)?))
        })
        .await?;
    let total = lines
        .iter()
        .fold(BigDecimal::from(0), |sum, line| sum + line.total())
        .with_scale(2);
    render_status(
        status,
        &OrderPage {
            layout: scope.layout(order.number.clone(), "inventory"),
            slug: scope.slug().to_string(),
            order,
            location_name,
            lines,
            total,
            errors: outcome.errors,
            problem: outcome.problem,
            receive: outcome.receive,
            can_manage: scope.can(Permission::ManageInventory),
        },
    )
}

pub async fn detail(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    detail_page(
        &scope,
        path.into_inner().1,
        StatusCode::OK,
        Outcome::default(),
    )
    .await
}

/// A refusal shown on the order's page: 409 when the order's state forbids it, 422 for input.
async fn refused(
    scope: &OrgScope,
    id: Uuid,
    error: AppError,
    receive: ReceiveForm,
) -> Result<HttpResponse, AppError> {
    let (status, outcome) = match error {
        AppError::Conflict(why) => (
            StatusCode::CONFLICT,
            Outcome {
                problem: Some(why),
                receive,
                ..Default::default()
            },
        ),
        AppError::Rejected(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Outcome {
                errors,
                receive,
                problem: None,
            },
        ),
        other => return Err(other),
    };
    detail_page(scope, id, status, outcome).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    status: String,
}

pub async fn change_status(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageInventory)?;
    let id = path.into_inner().1;
    let to = match PurchaseStatus::parse(&form.status) {
        Some(to @ (PurchaseStatus::Ordered | PurchaseStatus::Cancelled)) => to,
        _ => {
            return Err(AppError::BadRequest(
                "A purchase order can be ordered or cancelled.".into(),
            ))
        }
    };
    let changed = scope
        .run(Permission::ManageInventory, move |conn, ctx| {
            operations::set_status(conn, &ctx.actor, id, to)?;
            Ok(purchases::find(conn, id)?.number)
        })
        .await;
    match changed {
        Ok(number) => {
            let message = match to {
                PurchaseStatus::Ordered => format!(
                    "{number} is marked as ordered: receive the goods here when they arrive."
                ),
                _ => format!("{number} is cancelled."),
            };
            scope.viewer.flash("success", message);
            Ok(see_other(order_path(scope.slug(), id)))
        }
        Err(e) => refused(&scope, id, e, ReceiveForm::default()).await,
    }
}

pub async fn receive(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageInventory)?;
    let id = path.into_inner().1;
    let form: ReceiveForm = with_lines(form.into_inner(), &["line_id", "quantity"]);
    let arrived = match form.validate() {
        Ok(arrived) => arrived,
        Err(errors) => return refused(&scope, id, AppError::Rejected(errors), form).await,
    };
    let units: i64 = arrived.iter().map(|(_, q)| i64::from(*q)).sum();
    let received = scope
        .run(Permission::ManageInventory, move |conn, ctx| {
            let status = operations::receive(conn, &ctx.org, &ctx.actor, id, &arrived)?;
            Ok((purchases::find(conn, id)?.number, status))
        })
        .await;
    match received {
        Ok((number, status)) => {
            let units = if units == 1 {
                "1 unit".to_string()
            } else {
                format!("{units} units")
            };
            scope.viewer.flash(
                "success",
                format!(
                    "{units} received into stock; {number} is now {}.",
                    status.label().to_lowercase()
                ),
            );
            Ok(see_other(order_path(scope.slug(), id)))
        }
        // The operation numbers a refused line by its own order, not the form's, so its
        // message (which names the part) is shown above the form rather than on a row.
        Err(AppError::Rejected(errors)) => {
            let mut shown = FieldErrors::default();
            shown.add(
                "receive",
                errors
                    .messages()
                    .map(|(_, m)| m.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            refused(&scope, id, AppError::Rejected(shown), form).await
        }
        Err(e) => refused(&scope, id, e, form).await,
    }
}
