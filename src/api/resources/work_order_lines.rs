//! A work order's lines through the API: its tasks, parts, labour and comments read in one
//! call, and parts and labour recorded with the same checks and costing as the cards.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::work_orders::{current, WorkOrderOut};
use crate::api::auth::ApiClient;
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem};
use crate::api::respond::if_match_version;
use crate::api::scopes::Scope;
use crate::work_orders::forms::{LaborForm, PartForm};
use crate::work_orders::operations as work_orders;
use crate::work_orders::queries;

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskOut {
    pub id: Uuid,
    pub sequence: i32,
    pub title: String,
    pub status: String,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartOut {
    pub id: Uuid,
    pub part_number: Option<String>,
    pub part_name: String,
    pub quantity: i32,
    /// Decimal strings, in the organization's currency.
    pub unit_cost: String,
    pub total_cost: String,
    /// purchased, customer_supplied or inventory.
    pub source: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LaborOut {
    pub id: Uuid,
    pub contractor_name: String,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
    pub duration_minutes: i32,
    pub labor_type: String,
    pub total_cost: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentOut {
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinesOut {
    pub tasks: Vec<TaskOut>,
    pub parts: Vec<PartOut>,
    pub labor: Vec<LaborOut>,
    pub comments: Vec<CommentOut>,
}

/// The work order's tasks, parts, labour and comments.
#[utoipa::path(get, path = "/api/v1/work-orders/{id}/lines", tag = "Work orders",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = LinesOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["work_orders:read"])))]
pub async fn lines(client: ApiClient, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let lines = client
        .run(Scope::WorkOrdersRead, move |conn, _| {
            let order = queries::find(conn, id)?;
            Ok(LinesOut {
                tasks: queries::tasks(conn, order.id)?
                    .into_iter()
                    .map(|t| TaskOut {
                        id: t.id,
                        sequence: t.sequence,
                        title: t.title,
                        status: t.status,
                        completed_at: t.completed_at,
                        completed_by_name: t.completed_by_name,
                    })
                    .collect(),
                parts: queries::parts(conn, order.id)?
                    .into_iter()
                    .map(|p| PartOut {
                        id: p.id,
                        part_number: p.part_number,
                        part_name: p.part_name,
                        quantity: p.quantity,
                        unit_cost: p.unit_cost.to_string(),
                        total_cost: p.total_cost.to_string(),
                        source: p.source,
                    })
                    .collect(),
                labor: queries::labor(conn, order.id)?
                    .into_iter()
                    .map(|l| LaborOut {
                        id: l.id,
                        contractor_name: l.contractor_name,
                        start_time: l.start_time,
                        end_time: l.end_time,
                        duration_minutes: l.duration_minutes,
                        labor_type: l.labor_type,
                        total_cost: l.total_cost.to_string(),
                    })
                    .collect(),
                comments: queries::comments(conn, order.id)?
                    .into_iter()
                    .map(|c| CommentOut {
                        author_name: c.author_name,
                        body: c.body,
                        created_at: c.created_at,
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(lines))
}

/// A part used, bought in or supplied by the customer (parts from stock are issued through
/// the inventory).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartIn {
    pub part_name: String,
    #[serde(default)]
    pub part_number: Option<String>,
    #[serde(default)]
    pub manufacturer: Option<String>,
    pub quantity: u32,
    /// A decimal string with at most 2 decimals, e.g. "42.50".
    pub unit_cost: String,
    /// purchased or customer_supplied.
    pub source: String,
}

/// Records a part used; the work order's costs follow.
#[utoipa::path(post, path = "/api/v1/work-orders/{id}/parts", tag = "Work orders",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The work order's ETag")),
    request_body = PartIn,
    responses((status = 200, body = WorkOrderOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["work_orders:write"])))]
pub async fn add_part(
    client: ApiClient,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<PartIn>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let seen = if_match_version(&req)?;
    let part = body.value;
    let line = PartForm {
        part_number: part.part_number.unwrap_or_default(),
        part_name: part.part_name,
        manufacturer: part.manufacturer.unwrap_or_default(),
        quantity: part.quantity.to_string(),
        unit_cost: part.unit_cost,
        source: part.source,
        version: String::new(),
    }
    .validate()
    .map_err(ApiError::Invalid)?;
    let order = client
        .run(Scope::WorkOrdersWrite, move |conn, ctx| {
            work_orders::add_part(conn, &ctx.acting(), id, seen, &line)?;
            Ok(queries::find(conn, id)?)
        })
        .await?;
    Ok(current(order))
}

/// Labour by one contractor; costed at their rate for its kind.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LaborIn {
    pub contractor_id: Uuid,
    /// Wall-clock times at the site, e.g. 2026-12-10T09:00; at most a day apart.
    pub start_time: String,
    pub end_time: String,
    /// regular (default), overtime or emergency.
    #[serde(default)]
    pub labor_type: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// Records labour; the work order's costs follow.
#[utoipa::path(post, path = "/api/v1/work-orders/{id}/labor", tag = "Work orders",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The work order's ETag")),
    request_body = LaborIn,
    responses((status = 200, body = WorkOrderOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["work_orders:write"])))]
pub async fn add_labor(
    client: ApiClient,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<LaborIn>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let seen = if_match_version(&req)?;
    let labor = body.value;
    let entry = LaborForm {
        contractor_id: labor.contractor_id.to_string(),
        start_time: labor.start_time,
        end_time: labor.end_time,
        labor_type: labor.labor_type.unwrap_or_else(|| "regular".into()),
        description: labor.description.unwrap_or_default(),
        version: String::new(),
    }
    .validate()
    .map_err(ApiError::Invalid)?;
    let order = client
        .run(Scope::WorkOrdersWrite, move |conn, ctx| {
            work_orders::add_labor(conn, &ctx.acting(), id, seen, &entry)?;
            Ok(queries::find(conn, id)?)
        })
        .await?;
    Ok(current(order))
}
