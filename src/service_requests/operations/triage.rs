//! Triage of fault reports by the organization's managers: acknowledge, set the priority,
//! decline, or convert into a work order the request then follows.
//!
//! Each action locks the request first, so two people triaging it at once queue: the second
//! sees what the first did (a request is never converted twice).

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{reporter, require};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::db::schema_org::service_requests;
use crate::service_requests::queries::{self as sr, ServiceRequest, PRIORITIES};
use crate::web::AppError;
use crate::work_orders::operations::{self as work_orders, Acting, NewWorkOrder};
use crate::work_orders::queries::WorkOrder;
use crate::work_orders::status::{Priority, WorkOrderType};

/// Runs one triage action on request `id`, locked, and audits its status and priority before
/// and after.
fn triage<T>(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    action: impl FnOnce(&mut PgConnection, &ServiceRequest) -> Result<T, AppError>,
) -> Result<T, AppError> {
    require(acting, Permission::ManageServiceRequests)?;
    let before = sr::find_for_update(conn, id)?;
    let done = action(conn, &before)?;
    let after = sr::find(conn, id)?;
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("service_request_updated", "service_request", id)
            .data(json!({ "reference": before.reference }))
            .change(
                Some(json!({ "status": before.status, "priority": before.priority })),
                Some(json!({ "status": after.status, "priority": after.priority })),
            ),
    )?;
    Ok(done)
}

fn must_be_open(request: &ServiceRequest) -> Result<(), AppError> {
    if matches!(request.status.as_str(), "open" | "acknowledged") {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "Request {} is already {}.",
            request.reference,
            request.status_label().to_lowercase()
        )))
    }
}

/// Tells the requester a new request was received; returns its reference.
pub fn acknowledge(conn: &mut PgConnection, acting: &Acting, id: Uuid) -> Result<String, AppError> {
    triage(conn, acting, id, |conn, request| {
        if request.status != "open" {
            return Err(AppError::Conflict(
                "Only a new request can be acknowledged.".into(),
            ));
        }
        let note = "We have received your report and are looking into it.";
        sr::set_status(conn, request.id, "acknowledged", Some(note))?;
        reporter::tell_reporter(conn, acting.org, request.id, "acknowledged", Some(note))?;
        Ok(request.reference.clone())
    })
}

/// Sets the request's priority, one of [`PRIORITIES`]; returns its reference.
pub fn set_priority(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    priority: &str,
) -> Result<String, AppError> {
    if !PRIORITIES.iter().any(|(k, _)| *k == priority) {
        return Err(AppError::BadRequest(
            "Choose a priority from the list.".into(),
        ));
    }
    triage(conn, acting, id, |conn, request| {
        diesel::update(service_requests::table.find(request.id))
            .set(service_requests::priority.eq(priority))
            .execute(conn)?;
        Ok(request.reference.clone())
    })
}

/// Declines an open request for `reason`, which the requester sees; returns its reference.
pub fn reject(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    reason: &str,
) -> Result<String, AppError> {
    triage(conn, acting, id, |conn, request| {
        must_be_open(request)?;
        diesel::update(service_requests::table.find(request.id))
            .set(service_requests::rejection_reason.eq(reason))
            .execute(conn)?;
        sr::set_status(conn, request.id, "rejected", Some(reason))?;
        reporter::tell_reporter(conn, acting.org, request.id, "rejected", Some(reason))?;
        Ok(request.reference.clone())
    })
}

/// Raises a work order from an open request, which follows it from then on; returns the work
/// order and the request's reference.
pub fn convert(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
) -> Result<(WorkOrder, String), AppError> {
    triage(conn, acting, id, |conn, request| {
        must_be_open(request)?;
        if request.assigned_work_order_id.is_some() {
            return Err(AppError::Conflict(
                "This request already has a work order.".into(),
            ));
        }
        let priority = match request.priority.as_str() {
            "urgent" => Priority::Emergency,
            "high" => Priority::High,
            "low" => Priority::Low,
            _ => Priority::Medium,
        };
        let work_type = if request.request_type == "issue_report" {
            WorkOrderType::Breakdown
        } else {
            WorkOrderType::Preventive
        };
        let order = work_orders::create(
            conn,
            acting,
            &NewWorkOrder {
                site_id: Some(request.site_id),
                elevator_id: request.elevator_id,
                description: request.description.clone(),
                entrapment: request.entrapment,
                reported_by_name: request.contact_name.clone(),
                reported_by_phone: request.contact_phone.clone(),
                reported_by_email: request.contact_email.clone(),
                ..NewWorkOrder::new(work_type, priority, request.subject.clone())
            },
        )?;
        sr::link_work_order(conn, request.id, order.id)?;
        if request.status == "open" {
            let note = format!("Work order {} raised.", order.work_order_number);
            sr::set_status(conn, request.id, "acknowledged", Some(&note))?;
            reporter::tell_reporter(conn, acting.org, request.id, "acknowledged", Some(&note))?;
        }
        Ok((order, request.reference.clone()))
    })
}
