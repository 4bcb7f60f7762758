//! `/api/v1/inventory`: a part's stock at every location, and stock movements (receipts and
//! adjustments) posted to the ledger with the same checks as the stock pages.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::auth::{ApiClient, ApiCtx};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem};
use crate::api::respond::{idempotency_key, once, Created};
use crate::api::scopes::Scope;
use crate::inventory::forms::StockForm;
use crate::inventory::operations::{self as stock, InventoryError};
use crate::inventory::queries::{self as inventory, ledger};
use crate::web::AppError;

impl From<InventoryError> for ApiError {
    fn from(e: InventoryError) -> Self {
        AppError::from(e).into()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LevelOut {
    pub location_id: Uuid,
    pub location_name: String,
    /// warehouse, van, site_store or consignment.
    pub location_type: String,
    pub on_hand: i32,
    pub reserved: i32,
    pub available: i32,
    pub last_counted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemOut {
    pub id: Uuid,
    pub part_number: String,
    pub name: String,
    pub manufacturer: Option<String>,
    pub category: Option<String>,
    /// Decimal strings, in the organization's currency.
    pub unit_cost: String,
    pub average_cost: String,
    pub on_hand: i32,
    pub reserved: i32,
    pub reorder_point: i32,
    pub archived: bool,
    /// Stock at each location holding any.
    pub levels: Vec<LevelOut>,
}

/// One catalogue item with its stock at every location.
#[utoipa::path(get, path = "/api/v1/inventory/items/{id}", tag = "Inventory",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["inventory:read"])))]
pub async fn item(client: ApiClient, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let item = client
        .run(Scope::InventoryRead, move |conn, _| {
            let item = inventory::find_item(conn, id)?;
            let levels = inventory::levels_of(conn, ledger::Of::Item(item.id))?
                .into_iter()
                .map(|l| LevelOut {
                    available: l.available(),
                    location_id: l.location_id,
                    location_name: l.location_name,
                    location_type: l.location_type.as_str().to_string(),
                    on_hand: l.on_hand,
                    reserved: l.reserved,
                    last_counted_at: l.last_counted_at,
                })
                .collect();
            Ok(ItemOut {
                id: item.id,
                part_number: item.part_number,
                name: item.name,
                manufacturer: item.manufacturer,
                category: item.category,
                unit_cost: item.unit_cost.to_string(),
                average_cost: item.average_cost.to_string(),
                on_hand: item.on_hand,
                reserved: item.reserved,
                reorder_point: item.reorder_point,
                archived: item.archived_at.is_some(),
                levels,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(item))
}

/// A receipt (goods arrived) or an adjustment (found, damaged, lost) of one item at one
/// location.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MovementIn {
    /// receipt or adjustment.
    pub kind: String,
    pub item_id: Uuid,
    pub location_id: Uuid,
    /// Units: at least 1 for a receipt; a signed, non-zero change for an adjustment.
    pub quantity: i32,
    /// For a receipt: what each cost, a decimal string ("42.50").
    #[serde(default)]
    pub unit_cost: Option<String>,
    /// Needed for an adjustment.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MovementOut {
    pub movement_id: Uuid,
    pub item_id: Uuid,
    pub location_id: Uuid,
    pub part_number: String,
    /// On hand at the location afterwards.
    pub on_hand_at_location: i32,
    /// On hand over every location afterwards.
    pub on_hand_total: i32,
    #[serde(rename = "self")]
    pub self_link: String,
}

/// Posts a stock movement. Send an `Idempotency-Key` so that a retry never posts it twice.
#[utoipa::path(post, path = "/api/v1/inventory/movements", tag = "Inventory",
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique text, e.g. a UUID")),
    request_body = MovementIn,
    responses((status = 201, body = MovementOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["inventory:write"])))]
pub async fn movement(
    client: ApiClient,
    req: HttpRequest,
    body: ApiJson<MovementIn>,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency_key(&req)?;
    let ApiJson { value, digest } = body;
    let signed = match value.kind.as_str() {
        "receipt" => false,
        "adjustment" => true,
        _ => return Err(ApiError::field("kind", "Send receipt or adjustment.")),
    };
    let change = StockForm {
        item_id: value.item_id.to_string(),
        location_id: value.location_id.to_string(),
        quantity: value.quantity.to_string(),
        unit_cost: value.unit_cost.unwrap_or_default(),
        reason: value.reason.unwrap_or_default(),
    }
    .validate(signed)
    .map_err(ApiError::Invalid)?;
    let created = client
        .run(Scope::InventoryWrite, move |conn, ctx: &ApiCtx| {
            once(conn, ctx, key.as_deref(), &digest, |conn| {
                let posted = if signed {
                    stock::adjust(conn, ctx.org(), &ctx.actor, &change)?
                } else {
                    stock::receive(conn, ctx.org(), &ctx.actor, &change)?
                };
                let out = MovementOut {
                    self_link: format!("/api/v1/inventory/items/{}", change.item_id),
                    movement_id: posted.movement_id,
                    item_id: change.item_id,
                    location_id: change.location_id,
                    part_number: posted.part_number,
                    on_hand_at_location: posted.level_on_hand,
                    on_hand_total: posted.total_after,
                };
                Created::new(out.self_link.clone(), None, &out)
            })
        })
        .await?;
    Ok(created.respond())
}
