//! Fault reports coming in: from anyone through a site's or lift's public link, or from a tenant
//! through the portal.
//!
//! Someone trapped is never turned away for the ordinary limits, and is not a flood gate
//! either: the first report of someone trapped in a lift raises the emergency work order at
//! once (the lift goes out of service, the managers are told); further reports for that lift
//! while its emergency is open and recent join that work order (a comment on it, the report
//! linked, nobody told again); and one address that keeps reporting it past
//! [`ENTRAPMENTS_PER_ADDRESS`] within [`ENTRAPMENT_WINDOW_MINUTES`] is refused with a number to
//! call instead.

use chrono::{Datelike, Duration, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::reporter;
use crate::audit::{self, AuditEvent};
use crate::elevators::status::ElevatorStatus;
use crate::notifications::{notify, NewNotification};
use crate::service_requests::queries::{self as sr, ReportTarget, RequestInsert, ServiceRequest};
use crate::web::forms::FieldErrors;
use crate::web::AppError;
use crate::work_orders::operations::{self as work_orders, Acting, NewWorkOrder};
use crate::work_orders::queries::{self as work_order_queries, WorkOrder};
use crate::work_orders::status::{Priority, WorkOrderType};

/// Ordinary reports one address may send in ten minutes.
pub const PER_ADDRESS: i64 = 5;
/// Ordinary reports one site may receive in ten minutes.
pub const PER_SITE: i64 = 30;
/// Reports of someone trapped in one lift that one address may send within the window.
pub const ENTRAPMENTS_PER_ADDRESS: i64 = 5;
/// How long an emergency gathers further reports of someone trapped in its lift, and the
/// window of the per-address limit on them.
pub const ENTRAPMENT_WINDOW_MINUTES: i64 = 60;

/// A fault report as its sender typed it.
#[derive(Debug, Clone)]
pub struct Report {
    /// Must be one of the site's lifts; needed when someone is trapped.
    pub elevator_id: Option<Uuid>,
    /// One of `queries::REQUEST_TYPES`.
    pub request_type: String,
    pub subject: String,
    pub description: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub trapped: bool,
}

/// Why a report was not recorded. Every refusal but [`ReportError::Failed`] comes before
/// anything is written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("rejected input")]
    Invalid(FieldErrors),
    #[error("Too many reports were sent from here in the last few minutes. Please wait ten minutes and try again; if it is an emergency, call the number above.")]
    TooManyReports,
    /// One address kept reporting someone trapped in the same lift; `call` is the
    /// organization's phone number, if it has one.
    #[error("{}", trapped_fallback(call.as_deref()))]
    TooManyEntrapmentReports { call: Option<String> },
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<diesel::result::Error> for ReportError {
    fn from(e: diesel::result::Error) -> Self {
        ReportError::Failed(e.into())
    }
}

fn trapped_fallback(call: Option<&str>) -> String {
    let call = match call {
        Some(phone) => format!("If someone is trapped, call {phone} now."),
        None => {
            "If someone is trapped, call emergency services or the building's emergency line now."
                .into()
        }
    };
    format!("This lift has already been reported several times from here in the last hour and the emergency call-out is under way. {call}")
}

/// The lift named must be one of the site's; someone trapped must be in a lift.
fn check_lift(target: &ReportTarget, report: &Report) -> Result<(), ReportError> {
    let mut errors = FieldErrors::default();
    match report.elevator_id {
        Some(id) if !target.lifts.iter().any(|(lift, _)| *lift == id) => {
            errors.add("elevator_id", "Choose a lift from the list.");
        }
        None if report.trapped => {
            errors.add("elevator_id", "Which lift is the person trapped in?");
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ReportError::Invalid(errors))
    }
}

/// A report sent through a public link to `target`, from the address in the actor's request.
pub fn submit_public_report(
    conn: &mut PgConnection,
    acting: &Acting,
    target: &ReportTarget,
    report: &Report,
) -> Result<ServiceRequest, ReportError> {
    check_lift(target, report)?;
    let ip = &acting.actor.meta.ip;
    match (report.trapped, report.elevator_id) {
        (true, Some(lift)) => {
            let since = Utc::now() - Duration::minutes(ENTRAPMENT_WINDOW_MINUTES);
            if sr::recent_entrapments(conn, ip, lift, since)? >= ENTRAPMENTS_PER_ADDRESS {
                return Err(ReportError::TooManyEntrapmentReports {
                    call: sr::organization_phone(conn, acting.org.id)?,
                });
            }
        }
        _ => {
            let (by_address, by_site) =
                sr::recent_counts(conn, ip, target.site_id, sr::ten_minutes_ago())?;
            if by_address >= PER_ADDRESS || by_site >= PER_SITE {
                return Err(ReportError::TooManyReports);
            }
        }
    }
    Ok(record(conn, acting, target, report, None)?)
}

/// A report from a device of the organization (a lift's remote monitoring unit, through the
/// API): no per-address limits — the device's key has its own — and the same path as the
/// public form from there, someone trapped raising or joining the lift's emergency.
pub fn submit_device_report(
    conn: &mut PgConnection,
    acting: &Acting,
    elevator_id: Uuid,
    report: &Report,
) -> Result<ServiceRequest, ReportError> {
    let site_id = crate::elevators::queries::find(conn, elevator_id)
        .map_err(|e| match e {
            diesel::result::Error::NotFound => {
                let mut errors = FieldErrors::default();
                errors.add("elevator_id", "No lift of this organization has this id.");
                ReportError::Invalid(errors)
            }
            other => other.into(),
        })?
        .site_id;
    let target = sr::site_target(conn, site_id, Some(elevator_id))?.ok_or(AppError::NotFound)?;
    check_lift(&target, report)?;
    Ok(record(conn, acting, &target, report, None)?)
}

/// A request from a tenant through the portal, for a lift of their building.
pub fn submit_portal_request(
    conn: &mut PgConnection,
    acting: &Acting,
    tenant_id: Uuid,
    report: &Report,
) -> Result<ServiceRequest, ReportError> {
    let tenant = sr::tenant(conn, tenant_id)?;
    let target = sr::site_target(conn, tenant.site_id, None)?.ok_or(AppError::NotFound)?;
    check_lift(&target, report)?;
    Ok(record(conn, acting, &target, report, Some(tenant_id))?)
}

/// Records the request, and for someone trapped raises or joins the lift's emergency.
fn record(
    conn: &mut PgConnection,
    acting: &Acting,
    target: &ReportTarget,
    report: &Report,
    tenant_id: Option<Uuid>,
) -> Result<ServiceRequest, AppError> {
    let now = Utc::now();
    let reference = sr::next_reference(conn, now.year())?;
    let request = sr::insert(
        conn,
        &RequestInsert {
            reference,
            status_token: sr::new_token(),
            site_id: target.site_id,
            elevator_id: report.elevator_id,
            tenant_id,
            request_type: report.request_type.clone(),
            subject: report.subject.clone(),
            description: report.description.clone(),
            contact_name: report.contact_name.clone(),
            contact_email: report.contact_email.clone(),
            contact_phone: report.contact_phone.clone(),
            entrapment: report.trapped,
            priority: if report.trapped { "urgent" } else { "normal" }.into(),
            submitted_ip: Some(acting.actor.meta.ip.clone()),
            submitted_by_account: tenant_id.and(acting.account_id()),
        },
    )?;
    let emergency = match (report.trapped, report.elevator_id) {
        (true, Some(lift)) => {
            let since = now - Duration::minutes(ENTRAPMENT_WINDOW_MINUTES);
            Some(
                match work_order_queries::open_entrapment(conn, lift, since)? {
                    Some(open) => join_emergency(conn, acting, &request, open)?,
                    None => raise_emergency(conn, acting, target, &request, lift)?,
                },
            )
        }
        _ => {
            tell_triagers(
                conn,
                acting,
                "service_request",
                &format!(
                    "New fault report {}: {} at {}",
                    request.reference, request.subject, target.site_name
                ),
                &request,
                &format!("/o/{}/service-requests/{}", acting.org.slug, request.id),
            )?;
            reporter::tell_reporter(conn, acting.org, request.id, "open", None)?;
            None
        }
    };
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("service_request_created", "service_request", request.id).data(json!({
            "reference": request.reference, "subject": request.subject, "entrapment": request.entrapment,
            "work_order": emergency.as_ref().map(|(number, joined)| json!({ "number": number, "joined": joined })),
        })),
    )?;
    let request = sr::find(conn, request.id)?;
    publish(conn, acting, &request)?;
    Ok(request)
}

/// `fault_report.created` to the organization's webhooks. The reporter's name and contact
/// details stay out: they gave them to the organization, not to every system it connects.
fn publish(conn: &mut PgConnection, acting: &Acting, request: &ServiceRequest) -> QueryResult<()> {
    let data = json!({
        "id": request.id,
        "reference": request.reference,
        "subject": request.subject,
        "request_type": request.request_type,
        "status": request.status,
        "priority": request.priority,
        "site_id": request.site_id,
        "elevator_id": request.elevator_id,
        "entrapment": request.entrapment,
        "work_order_id": request.assigned_work_order_id,
        "created_at": request.created_at,
    });
    crate::webhooks::emit(
        conn,
        acting.org,
        crate::webhooks::Event::FaultReportCreated,
        data,
    )
    .map(|_| ())
}

/// The work order a report of someone trapped becomes, before it is raised.
fn emergency_work_order(
    target: &ReportTarget,
    request: &ServiceRequest,
    lift: Uuid,
) -> NewWorkOrder {
    NewWorkOrder {
        site_id: Some(target.site_id),
        elevator_id: Some(lift),
        description: request.description.clone(),
        reported_symptoms: Some(
            "Person trapped in the lift, reported through the building's report link.".into(),
        ),
        entrapment: true,
        reported_by_name: request.contact_name.clone(),
        reported_by_phone: request.contact_phone.clone(),
        reported_by_email: request.contact_email.clone(),
        lift_status: Some(ElevatorStatus::OutOfService),
        ..NewWorkOrder::new(
            WorkOrderType::Breakdown,
            Priority::Emergency,
            format!("Entrapment: {}", request.subject),
        )
    }
}

/// Raises the emergency work order on the product's authority (whoever reported it), takes the
/// lift out of service and tells the managers; returns its number.
fn raise_emergency(
    conn: &mut PgConnection,
    acting: &Acting,
    target: &ReportTarget,
    request: &ServiceRequest,
    lift: Uuid,
) -> Result<(String, bool), AppError> {
    let order = work_orders::create(
        conn,
        &acting.as_system(),
        &emergency_work_order(target, request, lift),
    )?;
    sr::link_work_order(conn, request.id, order.id)?;
    let note = "Emergency work order raised for the trapped person";
    sr::set_status(conn, request.id, "acknowledged", Some(note))?;
    reporter::tell_reporter(conn, acting.org, request.id, "acknowledged", Some(note))?;
    tell_triagers(
        conn,
        acting,
        "entrapment",
        &format!(
            "ENTRAPMENT at {}: {} raised",
            target.site_name, order.work_order_number
        ),
        request,
        &format!("/o/{}/work-orders/{}", acting.org.slug, order.id),
    )?;
    Ok((order.work_order_number, false))
}

/// Adds a further report of someone trapped to the lift's open emergency: a comment on the work
/// order and the report linked to it; nobody is told again. Returns its number.
fn join_emergency(
    conn: &mut PgConnection,
    acting: &Acting,
    request: &ServiceRequest,
    open: WorkOrder,
) -> Result<(String, bool), AppError> {
    let from = [
        request.contact_name.as_deref(),
        request.contact_phone.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let comment = format!(
        "Someone trapped reported again: {}{}.",
        request.reference,
        if from.is_empty() {
            String::new()
        } else {
            format!(" (from {from})")
        }
    );
    work_orders::add_comment(conn, &acting.as_system(), open.id, &comment)?;
    sr::link_work_order(conn, request.id, open.id)?;
    let note = format!(
        "Added to the emergency call-out {} already under way",
        open.work_order_number
    );
    sr::set_status(conn, request.id, "acknowledged", Some(&note))?;
    reporter::tell_reporter(conn, acting.org, request.id, "acknowledged", Some(&note))?;
    Ok((open.work_order_number, true))
}

/// Tells the members who triage requests about `request`.
fn tell_triagers(
    conn: &mut PgConnection,
    acting: &Acting,
    kind: &str,
    title: &str,
    request: &ServiceRequest,
    link: &str,
) -> Result<(), AppError> {
    let recipients = sr::triagers(conn, acting.org.id)?;
    notify(
        conn,
        &recipients,
        &NewNotification {
            kind,
            title,
            body: request.description.as_deref().unwrap_or(""),
            link,
            organization_id: Some(acting.org.id),
        },
    )?;
    Ok(())
}
