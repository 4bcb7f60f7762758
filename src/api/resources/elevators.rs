//! `/api/v1/elevators`: lifts, and their status changes (a monitoring unit reporting a lift
//! out of service, a BMS putting one back).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::auth::ApiClient;
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem};
use crate::api::respond::{self, etag_at, if_match_at, with_etag, Page, Paging};
use crate::api::scopes::Scope;
use crate::elevators::forms::{ElevatorListQuery, StatusForm};
use crate::elevators::operations;
use crate::elevators::queries::{self as elevators, Elevator};
use crate::elevators::status::ElevatorStatus;

#[derive(Debug, Serialize, ToSchema)]
pub struct ElevatorOut {
    pub id: Uuid,
    pub site_id: Uuid,
    pub unit_number: String,
    pub serial_number: Option<String>,
    pub registration_number: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub drive_type: Option<String>,
    pub capacity_kg: Option<i32>,
    pub capacity_persons: Option<i32>,
    pub floors_served: Option<i32>,
    pub status: ElevatorStatus,
    pub status_changed_at: DateTime<Utc>,
    pub status_reason: Option<String>,
    pub last_inspection_date: Option<NaiveDate>,
    pub next_inspection_due: Option<NaiveDate>,
    pub health_score: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Elevator> for ElevatorOut {
    fn from(e: Elevator) -> Self {
        ElevatorOut {
            id: e.id,
            site_id: e.site_id,
            unit_number: e.unit_number,
            serial_number: e.serial_number,
            registration_number: e.registration_number,
            manufacturer: e.manufacturer,
            model: e.model,
            drive_type: e.drive_type,
            capacity_kg: e.capacity_kg,
            capacity_persons: e.capacity_persons,
            floors_served: e.floors_served,
            status: e.status,
            status_changed_at: e.status_changed_at,
            status_reason: e.status_reason,
            last_inspection_date: e.last_inspection_date,
            next_inspection_due: e.next_inspection_due,
            health_score: e.health_score,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

fn tag(e: &Elevator) -> String {
    etag_at(e.version())
}

/// Lifts in creation order, filtered as the lift list filters them.
#[utoipa::path(get, path = "/api/v1/elevators", tag = "Lifts",
    params(
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 200 (50)"),
        ("q" = Option<String>, Query), ("status" = Option<ElevatorStatus>, Query),
        ("manufacturer" = Option<String>, Query), ("site" = Option<Uuid>, Query),
        ("inspection" = Option<String>, Query, description = "overdue, or due within 30, 60 or 90 days"),
    ),
    responses((status = 200, body = Page<ElevatorOut>), (status = "4XX", body = Problem)),
    security(("api_key" = ["elevators:read"])))]
pub async fn list(
    client: ApiClient,
    paging: web::Query<Paging>,
    filters: web::Query<ElevatorListQuery>,
) -> Result<HttpResponse, ApiError> {
    respond::list(
        &client,
        Scope::ElevatorsRead,
        paging.into_inner(),
        move |conn, ask| elevators::in_creation_order(conn, &filters, ask.after, ask.limit),
        |e| (e.created_at, e.id),
        ElevatorOut::from,
    )
    .await
}

/// One lift.
#[utoipa::path(get, path = "/api/v1/elevators/{id}", tag = "Lifts",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ElevatorOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["elevators:read"])))]
pub async fn show(client: ApiClient, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let lift = client
        .run(Scope::ElevatorsRead, move |conn, _| {
            Ok(elevators::find(conn, id)?)
        })
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        &tag(&lift),
        &ElevatorOut::from(lift),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: ElevatorStatus,
    /// Needed for every status but operational.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Changes a lift's status, with the same rules as the lift page. Needs `If-Match`.
#[utoipa::path(post, path = "/api/v1/elevators/{id}/status", tag = "Lifts",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The lift's ETag")),
    request_body = StatusChange,
    responses((status = 200, body = ElevatorOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["elevators:write"])))]
pub async fn change_status(
    client: ApiClient,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<StatusChange>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let seen = if_match_at(&req)?;
    let form = StatusForm {
        status: body.value.status.as_str().to_string(),
        reason: body.value.reason.unwrap_or_default(),
    };
    let (status, reason) = form.validate().map_err(ApiError::Invalid)?;
    let lift = client
        .run(Scope::ElevatorsWrite, move |conn, ctx| {
            operations::change_status_seen(
                conn,
                ctx.org(),
                &ctx.actor,
                id,
                seen,
                status,
                reason.as_deref(),
            )?
            .ok_or(ApiError::PreconditionFailed)
        })
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        &tag(&lift),
        &ElevatorOut::from(lift),
    ))
}
