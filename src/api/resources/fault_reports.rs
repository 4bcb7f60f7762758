//! `/api/v1/fault-reports`: faults reported by devices — a lift's remote monitoring unit
//! reporting an entrapment follows the same emergency path as the QR form.

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
use crate::service_requests::forms::ReportForm;
use crate::service_requests::operations::{submit_device_report, ReportError};
use crate::service_requests::queries::{self as requests, ServiceRequest};

#[derive(Debug, Serialize, ToSchema)]
pub struct FaultReportOut {
    pub id: Uuid,
    pub reference: String,
    pub site_id: Uuid,
    pub elevator_id: Option<Uuid>,
    pub request_type: String,
    pub subject: String,
    pub description: Option<String>,
    pub entrapment: bool,
    pub priority: String,
    pub status: String,
    /// The work order raised for it (at once when someone is trapped).
    pub work_order_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    #[serde(rename = "self")]
    pub self_link: String,
}

impl From<ServiceRequest> for FaultReportOut {
    fn from(r: ServiceRequest) -> Self {
        FaultReportOut {
            self_link: format!("/api/v1/fault-reports/{}", r.id),
            id: r.id,
            reference: r.reference,
            site_id: r.site_id,
            elevator_id: r.elevator_id,
            request_type: r.request_type,
            subject: r.subject,
            description: r.description,
            entrapment: r.entrapment,
            priority: r.priority,
            status: r.status,
            work_order_id: r.assigned_work_order_id,
            created_at: r.created_at,
        }
    }
}

/// A fault a device reports on one of the organization's lifts.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultReportIn {
    pub elevator_id: Uuid,
    /// issue_report (default), inquiry, move_request or access_request.
    #[serde(default)]
    pub request_type: Option<String>,
    /// Needed unless someone is trapped.
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Someone is trapped: raises (or joins) the lift's emergency work order at once and takes
    /// the lift out of service.
    #[serde(default)]
    pub trapped: bool,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
}

impl From<ReportError> for ApiError {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Invalid(errors) => ApiError::Invalid(errors),
            ReportError::Failed(e) => e.into(),
            limited => ApiError::Conflict(limited.to_string()),
        }
    }
}

/// Reports a fault. Send an `Idempotency-Key` so that a retry never reports it twice.
#[utoipa::path(post, path = "/api/v1/fault-reports", tag = "Fault reports",
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique text, e.g. a UUID")),
    request_body = FaultReportIn,
    responses((status = 201, body = FaultReportOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["fault_reports:write"])))]
pub async fn create(
    client: ApiClient,
    req: HttpRequest,
    body: ApiJson<FaultReportIn>,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency_key(&req)?;
    let ApiJson { value, digest } = body;
    let elevator_id = value.elevator_id;
    let report = ReportForm {
        elevator_id: elevator_id.to_string(),
        request_type: value.request_type.unwrap_or_else(|| "issue_report".into()),
        subject: value.subject.unwrap_or_default(),
        description: value.description.unwrap_or_default(),
        contact_name: value.contact_name.unwrap_or_default(),
        contact_email: value.contact_email.unwrap_or_default(),
        contact_phone: value.contact_phone.unwrap_or_default(),
        trapped: if value.trapped { "1" } else { "" }.into(),
        website: String::new(),
    }
    .validate()
    .map_err(ApiError::Invalid)?;
    let created = client
        .run(Scope::FaultReportsWrite, move |conn, ctx: &ApiCtx| {
            once(conn, ctx, key.as_deref(), &digest, |conn| {
                let made = submit_device_report(conn, &ctx.acting(), elevator_id, &report)?;
                // Read again: someone trapped has its work order linked by now.
                let out = FaultReportOut::from(requests::find(conn, made.id)?);
                Created::new(out.self_link.clone(), None, &out)
            })
        })
        .await?;
    Ok(created.respond())
}

/// One fault report, with its status and work order.
#[utoipa::path(get, path = "/api/v1/fault-reports/{id}", tag = "Fault reports",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = FaultReportOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["fault_reports:read"])))]
pub async fn show(client: ApiClient, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let report = client
        .run(Scope::FaultReportsRead, move |conn, _| {
            Ok(requests::find(conn, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(FaultReportOut::from(report)))
}
