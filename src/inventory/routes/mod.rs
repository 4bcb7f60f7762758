//! The pages under `/o/{slug}/inventory`. Handlers read the request, call one operation or
//! query through the organization's door, and render; the rules are in `operations`.

use actix_web::http::StatusCode;
use actix_web::web::{self, ServiceConfig};
use diesel::PgConnection;
use uuid::Uuid;

use crate::inventory::queries::ledger::{self, Movement, Of};
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::AppError;

pub mod items;
pub mod locations;
pub mod purchases;
pub mod reorder;
pub mod stock;
pub mod surplus;
pub mod work_orders;

pub const PER_PAGE: i64 = 25;

/// Choices for a select: id and label.
pub type Options = Vec<(Uuid, String)>;

/// One page of a ledger, newest first (the page count is not needed: "older" links on).
pub fn ledger_page(
    conn: &mut PgConnection,
    of: Of,
    path: &str,
    page: Option<i64>,
) -> Result<(Vec<Movement>, Pagination), AppError> {
    let page_no = page.unwrap_or(1).max(1);
    let total = ledger::count(conn, of)?;
    let movements = ledger::movements(conn, of, (page_no - 1) * PER_PAGE, PER_PAGE)?;
    Ok((movements, Pagination::new(path, page, PER_PAGE, total)))
}

/// How a refused change comes back to its form: field errors as 422, a refusal of the rules
/// (too little stock, an archived location) as 409 with its message at the top.
pub fn refusal(e: AppError) -> Result<(StatusCode, FieldErrors), AppError> {
    match e {
        AppError::Rejected(errors) => Ok((StatusCode::UNPROCESSABLE_ENTITY, errors)),
        AppError::Conflict(message) => {
            let mut errors = FieldErrors::default();
            errors.add("form", message);
            Ok((StatusCode::CONFLICT, errors))
        }
        other => Err(other),
    }
}

/// Archives (or restores) an item or a location, then back to its page with `done[archive]`.
pub async fn set_archived(
    scope: &crate::orgs::OrgScope,
    what: crate::inventory::operations::Archivable,
    archive: bool,
    done: [&str; 2],
    back: String,
) -> Result<actix_web::HttpResponse, AppError> {
    scope
        .run(
            crate::auth::roles::Permission::ManageInventory,
            move |conn, ctx| {
                Ok(crate::inventory::operations::set_archived(
                    conn, &ctx.actor, what, archive,
                )?)
            },
        )
        .await?;
    scope.viewer.flash("success", done[usize::from(archive)]);
    Ok(crate::web::see_other(back))
}

/// Every inventory route, registered inside the organization's scope.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.route("/inventory", web::get().to(items::list))
        .route("/inventory/export.csv", web::get().to(items::export))
        .route("/inventory/items", web::post().to(items::create))
        .route("/inventory/items/new", web::get().to(items::new_form))
        .route("/inventory/items/{id}", web::get().to(items::detail))
        .route("/inventory/items/{id}", web::post().to(items::update))
        .route(
            "/inventory/items/{id}/edit",
            web::get().to(items::edit_form),
        )
        .route(
            "/inventory/items/{id}/archive",
            web::post().to(items::archive),
        )
        .route(
            "/inventory/items/{id}/thresholds",
            web::post().to(items::thresholds),
        )
        .route(
            "/inventory/items/{id}/sell",
            web::get().to(surplus::sell_form),
        )
        .route("/inventory/items/{id}/sell", web::post().to(surplus::sell))
        .route(
            "/inventory/marketplace-purchases/{id}/receive",
            web::post().to(surplus::receive_purchase),
        )
        .route("/inventory/locations", web::get().to(locations::list))
        .route("/inventory/locations", web::post().to(locations::create))
        .route(
            "/inventory/locations/new",
            web::get().to(locations::new_form),
        )
        .route(
            "/inventory/locations/{id}",
            web::get().to(locations::detail),
        )
        .route(
            "/inventory/locations/{id}",
            web::post().to(locations::update),
        )
        .route(
            "/inventory/locations/{id}/edit",
            web::get().to(locations::edit_form),
        )
        .route(
            "/inventory/locations/{id}/archive",
            web::post().to(locations::archive),
        )
        .route(
            "/inventory/locations/{id}/count",
            web::get().to(locations::count_form),
        )
        .route(
            "/inventory/locations/{id}/count",
            web::post().to(locations::count),
        )
        .route("/inventory/receive", web::get().to(stock::receive_form))
        .route("/inventory/receive", web::post().to(stock::receive))
        .route("/inventory/adjust", web::get().to(stock::adjust_form))
        .route("/inventory/adjust", web::post().to(stock::adjust))
        .route("/inventory/transfer", web::get().to(stock::transfer_form))
        .route("/inventory/transfer", web::post().to(stock::transfer))
        .route(
            "/inventory/work-orders/{id}",
            web::get().to(work_orders::show),
        )
        .route(
            "/inventory/work-orders/{id}/stock",
            web::post().to(work_orders::take),
        )
        .route(
            "/inventory/work-orders/{id}/reservations/{reservation}/release",
            web::post().to(work_orders::release),
        );
    purchases::configure(cfg);
    reorder::configure(cfg);
}
