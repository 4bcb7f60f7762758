//! `/api/v1/work-orders`: list, read, raise and edit work orders. Input goes through the same
//! form validation and operations as the pages; times a client sends are wall-clock times at
//! the site (`2026-12-10T09:00`), times it reads are UTC.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::auth::{ApiClient, ApiCtx};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem};
use crate::api::respond::{
    self, etag, idempotency_key, if_match_version, once, with_etag, Created, Page, Paging,
};
use crate::api::scopes::Scope;
use crate::work_orders::forms::{NewWorkOrderForm, WorkOrderQuery};
use crate::work_orders::operations::{self as work_orders, site_zone, Edit};
use crate::work_orders::queries::{self as queries, WorkOrder};
use crate::work_orders::status::{Priority, WorkOrderStatus, WorkOrderType};

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkOrderOut {
    pub id: Uuid,
    pub number: String,
    pub site_id: Uuid,
    pub elevator_id: Option<Uuid>,
    pub work_type: WorkOrderType,
    pub priority: Priority,
    pub status: WorkOrderStatus,
    /// Changes with every change; the ETag is this version.
    pub version: i32,
    pub title: String,
    pub description: Option<String>,
    pub fault_code: Option<String>,
    pub entrapment: bool,
    pub reported_at: DateTime<Utc>,
    pub scheduled_start: Option<DateTime<Utc>>,
    pub scheduled_end: Option<DateTime<Utc>>,
    pub due_date: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub assigned_contractor_id: Option<Uuid>,
    pub resolution_notes: Option<String>,
    pub resolution_type: Option<String>,
    /// Decimal strings, in the organization's currency.
    pub parts_cost: String,
    pub labor_cost: String,
    pub total_cost: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// This work order's address in the API.
    #[serde(rename = "self")]
    pub self_link: String,
}

impl From<WorkOrder> for WorkOrderOut {
    fn from(w: WorkOrder) -> Self {
        WorkOrderOut {
            self_link: format!("/api/v1/work-orders/{}", w.id),
            id: w.id,
            number: w.work_order_number,
            site_id: w.site_id,
            elevator_id: w.elevator_id,
            work_type: w.work_type,
            priority: w.priority,
            status: w.status,
            version: w.version,
            title: w.title,
            description: w.description,
            fault_code: w.fault_code,
            entrapment: w.entrapment,
            reported_at: w.reported_at,
            scheduled_start: w.scheduled_start,
            scheduled_end: w.scheduled_end,
            due_date: w.due_date,
            completed_at: w.completed_at,
            assigned_contractor_id: w.assigned_contractor_id,
            resolution_notes: w.resolution_notes,
            resolution_type: w.resolution_type,
            parts_cost: w.parts_cost.to_string(),
            labor_cost: w.labor_cost.to_string(),
            total_cost: w.total_cost.to_string(),
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

/// The answer of a change: the work order as it is now, with its ETag.
pub fn current(order: WorkOrder) -> HttpResponse {
    with_etag(
        StatusCode::OK,
        &etag(order.version),
        &WorkOrderOut::from(order),
    )
}

/// Work orders in creation order, filtered as the work-order list filters them.
#[utoipa::path(get, path = "/api/v1/work-orders", tag = "Work orders",
    params(
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 200 (50)"),
        ("q" = Option<String>, Query), ("site" = Option<Uuid>, Query),
        ("status" = Option<WorkOrderStatus>, Query), ("priority" = Option<Priority>, Query),
        ("work_type" = Option<WorkOrderType>, Query),
        ("assignee" = Option<Uuid>, Query, description = "A contractor's id"),
        ("overdue" = Option<String>, Query, description = "1: only overdue work orders"),
    ),
    responses((status = 200, body = Page<WorkOrderOut>), (status = "4XX", body = Problem)),
    security(("api_key" = ["work_orders:read"])))]
pub async fn list(
    client: ApiClient,
    paging: web::Query<Paging>,
    filters: web::Query<WorkOrderQuery>,
) -> Result<HttpResponse, ApiError> {
    respond::list(
        &client,
        Scope::WorkOrdersRead,
        paging.into_inner(),
        move |conn, ask| {
            queries::listing::in_creation_order(conn, &filters, Utc::now(), ask.after, ask.limit)
        },
        |w| (w.created_at, w.id),
        WorkOrderOut::from,
    )
    .await
}

/// One work order.
#[utoipa::path(get, path = "/api/v1/work-orders/{id}", tag = "Work orders",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = WorkOrderOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["work_orders:read"])))]
pub async fn show(client: ApiClient, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let order = client
        .run(Scope::WorkOrdersRead, move |conn, _| {
            Ok(queries::find(conn, id)?)
        })
        .await?;
    Ok(current(order))
}

/// A work order to raise. The lift (or at least the site), the type, the priority and the
/// title are needed; the rest is as on the page.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkOrderIn {
    pub site_id: Option<Uuid>,
    pub elevator_id: Option<Uuid>,
    pub work_type: Option<WorkOrderType>,
    pub priority: Option<Priority>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub fault_code: Option<String>,
    pub reported_symptoms: Option<String>,
    pub affected_floors: Option<String>,
    /// Someone is trapped: always an emergency, and the lift goes out of service.
    pub entrapment: Option<bool>,
    pub reported_by_name: Option<String>,
    pub reported_by_phone: Option<String>,
    pub reported_by_email: Option<String>,
    pub assigned_contractor_id: Option<Uuid>,
    /// Why a contractor whose licence or insurance has expired is assigned anyway.
    pub expiry_reason: Option<String>,
    /// Wall-clock time at the site, e.g. 2026-12-10T09:00.
    pub scheduled_start: Option<String>,
    pub scheduled_end: Option<String>,
    /// Left out, the due time follows from the priority.
    pub due_date: Option<String>,
    /// Keep it as a draft instead of submitting it.
    pub draft: Option<bool>,
    /// For a callback: the work order called back, and what the caller reported.
    pub parent_work_order_id: Option<Uuid>,
    pub callback_reported_trouble: Option<String>,
}

fn flag(value: bool) -> String {
    if value { "1" } else { "" }.to_string()
}

impl NewWorkOrderIn {
    /// Writes the fields given over `form`, the page's form, whose validation then applies.
    fn onto(self, form: &mut NewWorkOrderForm) {
        let id = |v: Uuid| v.to_string();
        let set = |target: &mut String, value: Option<String>| {
            if let Some(value) = value {
                *target = value;
            }
        };
        set(&mut form.site_id, self.site_id.map(id));
        set(&mut form.elevator_id, self.elevator_id.map(id));
        set(
            &mut form.work_type,
            self.work_type.map(|t| t.as_str().into()),
        );
        set(&mut form.priority, self.priority.map(|p| p.as_str().into()));
        set(&mut form.title, self.title);
        set(&mut form.description, self.description);
        set(&mut form.fault_code, self.fault_code);
        set(&mut form.reported_symptoms, self.reported_symptoms);
        set(&mut form.affected_floors, self.affected_floors);
        set(&mut form.entrapment, self.entrapment.map(flag));
        set(&mut form.reported_by_name, self.reported_by_name);
        set(&mut form.reported_by_phone, self.reported_by_phone);
        set(&mut form.reported_by_email, self.reported_by_email);
        set(
            &mut form.assigned_contractor_id,
            self.assigned_contractor_id.map(id),
        );
        set(&mut form.expiry_reason, self.expiry_reason);
        set(&mut form.scheduled_start, self.scheduled_start);
        set(&mut form.scheduled_end, self.scheduled_end);
        set(&mut form.due_date, self.due_date);
        set(&mut form.draft, self.draft.map(flag));
        set(
            &mut form.parent_work_order_id,
            self.parent_work_order_id.map(id),
        );
        set(
            &mut form.callback_reported_trouble,
            self.callback_reported_trouble,
        );
    }
}

/// Raises a work order. Send an `Idempotency-Key` so that a retry never raises a second one.
#[utoipa::path(post, path = "/api/v1/work-orders", tag = "Work orders",
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique text, e.g. a UUID")),
    request_body = NewWorkOrderIn,
    responses((status = 201, body = WorkOrderOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["work_orders:write"])))]
pub async fn create(
    client: ApiClient,
    req: HttpRequest,
    body: ApiJson<NewWorkOrderIn>,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency_key(&req)?;
    let ApiJson { value, digest } = body;
    let mut form = NewWorkOrderForm::default();
    value.onto(&mut form);
    let new = form.validate().map_err(ApiError::Invalid)?;
    let created = client
        .run(Scope::WorkOrdersWrite, move |conn, ctx: &ApiCtx| {
            once(conn, ctx, key.as_deref(), &digest, |conn| {
                let order = work_orders::create(conn, &ctx.acting(), &new)?;
                let out = WorkOrderOut::from(order);
                Created::new(out.self_link.clone(), Some(etag(out.version)), &out)
            })
        })
        .await?;
    Ok(created.respond())
}

/// Changes the fields given (the others stay). Needs `If-Match`.
#[utoipa::path(patch, path = "/api/v1/work-orders/{id}", tag = "Work orders",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The work order's ETag")),
    request_body = NewWorkOrderIn,
    responses((status = 200, body = WorkOrderOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["work_orders:write"])))]
pub async fn update(
    client: ApiClient,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: ApiJson<NewWorkOrderIn>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let seen = if_match_version(&req)?;
    let change = body.value;
    let order = client
        .run(Scope::WorkOrdersWrite, move |conn, ctx| {
            let order = queries::find(conn, id)?;
            let zone = site_zone(conn, order.site_id)?;
            let mut form = NewWorkOrderForm::of(&order, &zone);
            change.onto(&mut form);
            let edit = Edit::from_form(form.validate().map_err(ApiError::Invalid)?);
            Ok(work_orders::edit(conn, &ctx.acting(), id, seen, &edit)?)
        })
        .await?;
    Ok(current(order))
}
