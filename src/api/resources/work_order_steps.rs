//! What happens to a work order after it is raised, through the API: moves along its
//! lifecycle (scheduling, starting, completing, cancelling), assignment, tasks and comments.
//! Each needs `If-Match` where the pages need the version their author saw.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::work_orders::{current, WorkOrderOut};
use crate::api::auth::ApiClient;
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem};
use crate::api::respond::if_match_version;
use crate::api::scopes::Scope;
use crate::elevators::status::ElevatorStatus;
use crate::web::forms::{check_line, check_text, FieldErrors};
use crate::work_orders::forms::MoveForm;
use crate::work_orders::operations::{self as work_orders, Assignee};
use crate::work_orders::queries;
use crate::work_orders::status::WorkOrderStatus;

/// A move along the lifecycle. What a move needs is as on the page: a reason to cancel or
/// reopen, resolution notes and type to complete, a contractor and time to schedule.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveIn {
    pub to: WorkOrderStatus,
    pub reason: Option<String>,
    pub assigned_contractor_id: Option<Uuid>,
    pub expiry_reason: Option<String>,
    /// Wall-clock time at the site, e.g. 2026-12-10T09:00.
    pub scheduled_start: Option<String>,
    pub scheduled_end: Option<String>,
    pub resolution_notes: Option<String>,
    pub resolution_type: Option<String>,
    pub root_cause: Option<String>,
    pub callback_corrective_action: Option<String>,
    /// Completing an inspection: passed, failed or conditional.
    pub inspection_result: Option<String>,
    pub lift_status: Option<ElevatorStatus>,
}

impl MoveIn {
    fn form(self) -> MoveForm {
        MoveForm {
            to: self.to.as_str().into(),
            reason: self.reason.unwrap_or_default(),
            assigned_contractor_id: self
                .assigned_contractor_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            expiry_reason: self.expiry_reason.unwrap_or_default(),
            scheduled_start: self.scheduled_start.unwrap_or_default(),
            scheduled_end: self.scheduled_end.unwrap_or_default(),
            resolution_notes: self.resolution_notes.unwrap_or_default(),
            resolution_type: self.resolution_type.unwrap_or_default(),
            root_cause: self.root_cause.unwrap_or_default(),
            callback_corrective_action: self.callback_corrective_action.unwrap_or_default(),
            inspection_result: self.inspection_result.unwrap_or_default(),
            lift_status: self
                .lift_status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            ..MoveForm::default()
        }
    }
}

/// Moves the work order to another status (`completed` completes it).
#[utoipa::path(post, path = "/api/v1/work-orders/{id}/move", tag = "Work orders",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The work order's ETag")),
    request_body = MoveIn,
    responses((status = 200, body = WorkOrderOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["work_orders:write"])))]
pub async fn move_to(
    client: ApiClient,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<MoveIn>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let seen = if_match_version(&req)?;
    let change = body.value.form().validate().map_err(ApiError::Invalid)?;
    let order = client
        .run(Scope::WorkOrdersWrite, move |conn, ctx| {
            work_orders::move_status(conn, &ctx.acting(), id, seen, &change)?;
            Ok(queries::find(conn, id)?)
        })
        .await?;
    Ok(current(order))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignIn {
    /// The contractor to assign; null unassigns.
    pub contractor_id: Option<Uuid>,
    /// Why a contractor whose licence or insurance has expired is assigned anyway.
    #[serde(default)]
    pub expiry_reason: Option<String>,
}

/// Assigns the work order to a contractor, or unassigns it.
#[utoipa::path(post, path = "/api/v1/work-orders/{id}/assign", tag = "Work orders",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The work order's ETag")),
    request_body = AssignIn,
    responses((status = 200, body = WorkOrderOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["work_orders:write"])))]
pub async fn assign(
    client: ApiClient,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<AssignIn>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let seen = if_match_version(&req)?;
    let assignee = Assignee {
        contractor_id: body.value.contractor_id,
        expiry_reason: body.value.expiry_reason,
    };
    let order = client
        .run(Scope::WorkOrdersWrite, move |conn, ctx| {
            work_orders::assign(conn, &ctx.acting(), id, seen, &assignee)?;
            Ok(queries::find(conn, id)?)
        })
        .await?;
    Ok(current(order))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskIn {
    pub title: String,
}

/// Adds a task to the work order's checklist.
#[utoipa::path(post, path = "/api/v1/work-orders/{id}/tasks", tag = "Work orders",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The work order's ETag")),
    request_body = TaskIn,
    responses((status = 200, body = WorkOrderOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["work_orders:write"])))]
pub async fn add_task(
    client: ApiClient,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<TaskIn>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let seen = if_match_version(&req)?;
    let title = body.value.title;
    let mut errors = FieldErrors::default();
    if !check_line(&mut errors, "title", &title, 255, true) {
        return Err(ApiError::Invalid(errors));
    }
    let order = client
        .run(Scope::WorkOrdersWrite, move |conn, ctx| {
            work_orders::add_task(conn, &ctx.acting(), id, seen, &title)?;
            Ok(queries::find(conn, id)?)
        })
        .await?;
    Ok(current(order))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentIn {
    pub body: String,
}

/// Adds a comment, signed by the key's name. Comments never conflict, so no `If-Match`.
#[utoipa::path(post, path = "/api/v1/work-orders/{id}/comments", tag = "Work orders",
    params(("id" = Uuid, Path)),
    request_body = CommentIn,
    responses((status = 200, body = WorkOrderOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["work_orders:write"])))]
pub async fn comment(
    client: ApiClient,
    id: web::Path<Uuid>,
    body: ApiJson<CommentIn>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let text = body.value.body;
    let mut errors = FieldErrors::default();
    if !check_text(&mut errors, "body", &text, 5000, true) {
        return Err(ApiError::Invalid(errors));
    }
    let order = client
        .run(Scope::WorkOrdersWrite, move |conn, ctx| {
            work_orders::add_comment(conn, &ctx.acting(), id, &text)?;
            Ok(queries::find(conn, id)?)
        })
        .await?;
    Ok(current(order))
}
