//! Raising a work order: from the board, a site or a lift, a fault report, or someone trapped.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{assignment, at_site, invalid, site_zone, Acting, WorkOrderError};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::elevators::queries as elevators;
use crate::elevators::status::ElevatorStatus;
use crate::sites::queries as sites;
use crate::web::forms::FieldErrors;
use crate::work_orders::queries::{self, WorkOrder, WorkOrderInsert};
use crate::work_orders::status::{Priority, WorkOrderStatus, WorkOrderType};

/// Everything a new work order is raised with. The site, lift, contractor and parent are
/// checked against the organization by [`create`].
#[derive(Debug, Clone)]
pub struct NewWorkOrder {
    /// Optional when the lift is given: the lift's site is the work order's.
    pub site_id: Option<Uuid>,
    pub elevator_id: Option<Uuid>,
    pub work_type: WorkOrderType,
    pub priority: Priority,
    pub title: String,
    pub description: Option<String>,
    pub fault_code: Option<String>,
    pub reported_symptoms: Option<String>,
    pub affected_floors: Option<String>,
    /// Someone is trapped: always an emergency, whatever `priority` says.
    pub entrapment: bool,
    pub reported_by_name: Option<String>,
    pub reported_by_phone: Option<String>,
    pub reported_by_email: Option<String>,
    pub assigned_contractor_id: Option<Uuid>,
    /// Why the contractor is assigned although their licence or insurance has expired.
    pub expiry_reason: Option<String>,
    /// Wall-clock times at the site, as its people enter them.
    pub scheduled_start: Option<NaiveDateTime>,
    pub scheduled_end: Option<NaiveDateTime>,
    /// Left empty, the due time follows from the priority.
    pub due_date: Option<NaiveDateTime>,
    /// Kept as a draft instead of submitted.
    pub draft: bool,
    /// For a callback: the work order called back.
    pub parent_work_order_id: Option<Uuid>,
    pub callback_reported_trouble: Option<String>,
    /// Left empty on a callback, it is now.
    pub callback_reported_at: Option<NaiveDateTime>,
    /// The lift's status set in the same step (someone trapped takes it out of service).
    pub lift_status: Option<ElevatorStatus>,
}

impl NewWorkOrder {
    /// A work order with what every one needs, and nothing else yet.
    pub fn new(work_type: WorkOrderType, priority: Priority, title: impl Into<String>) -> Self {
        NewWorkOrder {
            site_id: None,
            elevator_id: None,
            work_type,
            priority,
            title: title.into(),
            description: None,
            fault_code: None,
            reported_symptoms: None,
            affected_floors: None,
            entrapment: false,
            reported_by_name: None,
            reported_by_phone: None,
            reported_by_email: None,
            assigned_contractor_id: None,
            expiry_reason: None,
            scheduled_start: None,
            scheduled_end: None,
            due_date: None,
            draft: false,
            parent_work_order_id: None,
            callback_reported_trouble: None,
            callback_reported_at: None,
            lift_status: None,
        }
    }
}

/// The site the work is at: the lift's, or the site given when no lift is.
fn site_of(conn: &mut PgConnection, new: &NewWorkOrder) -> Result<Uuid, WorkOrderError> {
    match (new.elevator_id, new.site_id) {
        (Some(elevator_id), site) => {
            let elevator = elevators::find(conn, elevator_id).map_err(|e| match e {
                diesel::result::Error::NotFound => {
                    invalid("elevator_id", "Choose one of your lifts.")
                }
                other => other.into(),
            })?;
            if site.is_some_and(|s| s != elevator.site_id) {
                return Err(invalid("elevator_id", "That lift is at another site."));
            }
            Ok(elevator.site_id)
        }
        (None, Some(site_id)) => match sites::find(conn, site_id) {
            Ok(site) if site.deleted_at.is_none() => Ok(site_id),
            Ok(_) | Err(diesel::result::Error::NotFound) => {
                Err(invalid("site_id", "Choose one of your current sites."))
            }
            Err(e) => Err(e.into()),
        },
        (None, None) => Err(invalid("elevator_id", "Choose the lift this work is for.")),
    }
}

/// Raises a work order: checks what it names belongs to the organization, numbers it (gap-free
/// per year), reads its times in the site's zone, works out its due time from the priority,
/// sets the lift's status if asked, and audits it.
pub fn create(
    conn: &mut PgConnection,
    acting: &Acting,
    new: &NewWorkOrder,
) -> Result<WorkOrder, WorkOrderError> {
    if !acting.may(Permission::ManageWorkOrders) {
        return Err(WorkOrderError::Forbidden(
            "Only managers can raise work orders.",
        ));
    }
    let now = Utc::now();
    let site_id = site_of(conn, new)?;
    let contractor = match new.assigned_contractor_id {
        Some(id) => Some(assignment::active_contractor(
            conn,
            id,
            "assigned_contractor_id",
        )?),
        None => None,
    };
    let lapsed = match &contractor {
        Some(c) => assignment::check_expiry(conn, site_id, c, new.expiry_reason.as_deref())?,
        None => Vec::new(),
    };
    if let Some(parent) = new.parent_work_order_id {
        queries::find(conn, parent).map_err(|_| {
            invalid(
                "parent_work_order_id",
                "The original work order was not found.",
            )
        })?;
    }
    let zone = site_zone(conn, site_id)?;
    let mut errors = FieldErrors::default();
    let scheduled_start = at_site(&mut errors, "scheduled_start", new.scheduled_start, &zone);
    let scheduled_end = at_site(&mut errors, "scheduled_end", new.scheduled_end, &zone);
    let due_override = at_site(&mut errors, "due_date", new.due_date, &zone);
    let callback_reported_at = at_site(
        &mut errors,
        "callback_reported_at",
        new.callback_reported_at,
        &zone,
    );
    if let (Some(start), Some(end)) = (scheduled_start, scheduled_end) {
        if end <= start {
            errors.add(
                "scheduled_end",
                "The scheduled end must be after the start.",
            );
        }
    }
    if !errors.is_empty() {
        return Err(WorkOrderError::Invalid(errors));
    }
    // Someone trapped is always an emergency.
    let priority = if new.entrapment {
        Priority::Emergency
    } else {
        new.priority
    };
    let number = queries::next_number(conn, queries::year_of(now))?;
    let assigned = new.assigned_contractor_id.is_some();
    let order = queries::insert(
        conn,
        WorkOrderInsert {
            elevator_id: new.elevator_id,
            site_id,
            work_order_number: number,
            work_type: new.work_type,
            priority,
            status: if new.draft {
                WorkOrderStatus::Draft
            } else {
                WorkOrderStatus::Pending
            },
            title: new.title.clone(),
            description: new.description.clone(),
            fault_code: new.fault_code.clone(),
            reported_symptoms: new.reported_symptoms.clone(),
            affected_floors: new.affected_floors.clone(),
            entrapment: new.entrapment,
            scheduled_start,
            scheduled_end,
            due_date: due_override.or_else(|| priority.default_due(now, &zone)),
            due_date_manual: due_override.is_some(),
            assigned_contractor_id: new.assigned_contractor_id,
            assigned_at: assigned.then_some(now),
            assigned_by: acting.account_id().filter(|_| assigned),
            reported_by_name: new.reported_by_name.clone(),
            reported_by_phone: new.reported_by_phone.clone(),
            reported_by_email: new.reported_by_email.clone(),
            parent_work_order_id: new.parent_work_order_id,
            callback_reported_trouble: new.callback_reported_trouble.clone(),
            callback_reported_at: callback_reported_at.or(new.parent_work_order_id.map(|_| now)),
            created_by: acting.actor.account_id,
        },
    )?;
    if let Some(elevator_id) = order.elevator_id {
        crate::dashboard::health::recompute_lift(conn, elevator_id)?;
        if let Some(lift_status) = new.lift_status {
            let reason = if order.entrapment {
                format!("{}: person trapped", order.work_order_number)
            } else {
                format!("{}: {}", order.work_order_number, order.title)
            };
            crate::elevators::operations::change_status(
                conn,
                acting.org,
                acting.actor,
                elevator_id,
                lift_status,
                Some(&reason),
                json!({ "work_order": order.work_order_number }),
            )?;
        }
    }
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("work_order_created", "work_order", order.id).data(json!({
            "number": order.work_order_number, "title": order.title, "priority": order.priority.as_str(),
            "type": order.work_type.as_str(), "entrapment": order.entrapment,
        })),
    )?;
    if let Some(contractor) = &contractor {
        audit::record(
            conn,
            acting.actor,
            AuditEvent::new("work_order_assigned", "work_order", order.id)
                .data(json!({ "contractor_id": contractor.id })),
        )?;
        assignment::notify_assignee(conn, acting, &order, contractor)?;
        assignment::audit_expiry_override(
            conn,
            acting,
            order.id,
            contractor,
            &lapsed,
            new.expiry_reason.as_deref(),
        )?;
    }
    // Raised by the product on a fault report's behalf, the report has told them already.
    if order.entrapment && acting.authority != super::Authority::System {
        tell_managers(conn, acting, &order)?;
    }
    super::published::created(conn, acting, &order)?;
    super::board_changed(conn, acting)?;
    Ok(order)
}

/// Someone is trapped: every manager of the organization hears of it at once.
fn tell_managers(
    conn: &mut PgConnection,
    acting: &Acting,
    order: &WorkOrder,
) -> Result<(), WorkOrderError> {
    let managers = crate::members::queries::with_permission(
        conn,
        acting.org.id,
        Permission::ManageWorkOrders,
    )?;
    let title = format!(
        "Someone is trapped: {} {}",
        order.work_order_number, order.title
    );
    let link = format!("/o/{}/work-orders/{}", acting.org.slug, order.id);
    crate::notifications::notify(
        conn,
        &managers,
        &crate::notifications::NewNotification {
            kind: "entrapment",
            title: &title,
            body: order.affected_floors.as_deref().unwrap_or(""),
            link: &link,
            organization_id: Some(acting.org.id),
        },
    )?;
    Ok(())
}
