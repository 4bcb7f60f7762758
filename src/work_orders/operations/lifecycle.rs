//! Moving a work order along its lifecycle (see `status.rs` for the moves there are), with what
//! each move records and what follows from it: the lift's status for a breakdown, and the
//! features that follow work orders (see `hooks.rs`).

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{assignment, at_site, begin, finish_on_board, site_zone, Acting, WorkOrderError};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::db::schema_org::work_orders as t;
use crate::elevators::status::{ElevatorStatus, InspectionResult};
use crate::web::forms::FieldErrors;
use crate::work_orders::hooks::{self, StatusChanged};
use crate::work_orders::queries::{self, WorkOrder};
use crate::work_orders::status::{self, WorkOrderStatus, WorkOrderType, RESOLUTION_TYPES};

mod lift;

/// A status move, with what the target status needs.
#[derive(Debug, Clone)]
pub struct Move {
    pub to: WorkOrderStatus,
    /// Why it is cancelled or reopened (needed for both).
    pub reason: Option<String>,
    /// To schedule: who does it, if nobody is assigned yet (or someone else should).
    pub assignee: Option<Uuid>,
    /// Why someone whose licence or insurance has expired is assigned anyway.
    pub expiry_reason: Option<String>,
    /// To schedule: when, at the site, if the work order has no start time yet (or it moves).
    pub scheduled_start: Option<NaiveDateTime>,
    pub scheduled_end: Option<NaiveDateTime>,
    /// What was done and how it was resolved (needed to complete).
    pub resolution_notes: Option<String>,
    /// One of [`RESOLUTION_TYPES`].
    pub resolution_type: Option<String>,
    pub root_cause: Option<String>,
    pub callback_corrective_action: Option<String>,
    /// Completing an inspection: how it went.
    pub inspection_result: Option<InspectionResult>,
    /// For a breakdown or callback on a lift: the lift's status, set in the same step.
    pub lift_status: Option<ElevatorStatus>,
}

/// A move that was made.
#[derive(Debug, Clone)]
pub struct Moved {
    pub work_order_number: String,
    pub from: WorkOrderStatus,
    pub to: WorkOrderStatus,
}

impl Move {
    /// A move to `to` with nothing else.
    pub fn to(to: WorkOrderStatus) -> Move {
        Move {
            to,
            reason: None,
            assignee: None,
            expiry_reason: None,
            scheduled_start: None,
            scheduled_end: None,
            resolution_notes: None,
            resolution_type: None,
            root_cause: None,
            callback_corrective_action: None,
            inspection_result: None,
            lift_status: None,
        }
    }
}

/// What a move from `from` to `change.to` needs besides the click.
fn check_details(from: WorkOrderStatus, change: &Move) -> Result<(), WorkOrderError> {
    let mut errors = FieldErrors::default();
    if change.to == WorkOrderStatus::Cancelled && change.reason.is_none() {
        errors.add("reason", "Say why the work order is cancelled.");
    }
    if from.is_reopen(change.to) && change.reason.is_none() {
        errors.add("reason", "Say why the work order is reopened.");
    }
    if change.to == WorkOrderStatus::Completed {
        if change.resolution_notes.is_none() {
            errors.add("resolution_notes", "Describe what was done.");
        }
        let known = change
            .resolution_type
            .as_deref()
            .is_some_and(|kind| RESOLUTION_TYPES.iter().any(|(k, _)| *k == kind));
        if !known {
            errors.add("resolution_type", "Choose how it was resolved.");
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(WorkOrderError::Invalid(errors))
    }
}

/// Moves work order `id` (at version `seen` when its author looked) to `change.to`.
pub fn move_status(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    change: &Move,
) -> Result<Moved, WorkOrderError> {
    let order = begin(conn, acting, id, seen, Permission::WorkOnAssigned)?;
    let (from, to) = (order.status, change.to);
    if !from.can_move_to(to) {
        return Err(WorkOrderError::NotAllowed { from, to });
    }
    let now = Utc::now();
    if let Some(why) = status::unmet_condition(from, to, order.priority, order.completed_at, now) {
        return Err(WorkOrderError::Refused(why.into()));
    }
    check_details(from, change)?;
    if to == WorkOrderStatus::Completed {
        // What the checklist asks to leave behind (meter readings, photos) comes first.
        let missing: Vec<String> = queries::tasks(conn, order.id)?
            .iter()
            .filter_map(queries::Task::missing)
            .collect();
        if !missing.is_empty() {
            return Err(WorkOrderError::Refused(format!(
                "Before completing, fill in {}.",
                missing.join("; ")
            )));
        }
    }
    let inspection_result = change.inspection_result;
    if to == WorkOrderStatus::Completed
        && order.work_type == WorkOrderType::Inspection
        && inspection_result.is_none()
    {
        let mut errors = FieldErrors::default();
        errors.add("inspection_result", "Choose the inspection's result.");
        return Err(WorkOrderError::Invalid(errors));
    }
    if to == WorkOrderStatus::Scheduled {
        schedule(conn, acting, &order, change)?;
    }
    diesel::update(t::table.find(order.id))
        .set((t::status.eq(to), t::updated_at.eq(now)))
        .execute(conn)?;
    match to {
        WorkOrderStatus::InProgress if from.is_reopen(to) => {
            diesel::update(t::table.find(order.id))
                .set((
                    t::completed_at.eq(None::<chrono::DateTime<Utc>>),
                    t::actual_end.eq(None::<chrono::DateTime<Utc>>),
                ))
                .execute(conn)?;
        }
        WorkOrderStatus::InProgress => {
            diesel::update(t::table.find(order.id).filter(t::actual_start.is_null()))
                .set(t::actual_start.eq(now))
                .execute(conn)?;
        }
        WorkOrderStatus::Completed => {
            diesel::update(t::table.find(order.id))
                .set((
                    t::actual_end.eq(now),
                    t::completed_at.eq(now),
                    t::resolution_notes.eq(&change.resolution_notes),
                    t::resolution_type.eq(&change.resolution_type),
                    t::root_cause.eq(&change.root_cause),
                    t::callback_corrective_action.eq(&change.callback_corrective_action),
                ))
                .execute(conn)?;
        }
        WorkOrderStatus::Cancelled => {
            diesel::update(t::table.find(order.id))
                .set(t::cancellation_reason.eq(&change.reason))
                .execute(conn)?;
        }
        _ => {}
    }
    lift::follow_work(conn, acting, &order, to)?;
    if let (WorkOrderStatus::Completed, Some(result)) = (to, inspection_result) {
        if order.work_type == WorkOrderType::Inspection {
            lift::record_inspection(conn, acting, &order, result)?;
        }
    }
    hooks::status_changed(
        conn,
        &StatusChanged {
            org: acting.org,
            by: acting.account_id(),
            work_order: &order,
            from,
            to,
            resolution: change.resolution_notes.as_deref(),
        },
    )?;
    // A breakdown can take the lift out of service (or return it) in the same step.
    if let (
        Some(lift_status),
        Some(elevator_id),
        WorkOrderType::Breakdown | WorkOrderType::Callback,
    ) = (change.lift_status, order.elevator_id, order.work_type)
    {
        let reason = format!("{}: {}", order.work_order_number, order.title);
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
    if let Some(elevator_id) = order.elevator_id {
        crate::dashboard::health::recompute_lift(conn, elevator_id)?;
    }
    let event = match to {
        WorkOrderStatus::InProgress if from.is_reopen(to) => "work_order_reopened",
        WorkOrderStatus::InProgress if from != WorkOrderStatus::OnHold => "work_order_started",
        WorkOrderStatus::Completed => "work_order_completed",
        WorkOrderStatus::Cancelled => "work_order_cancelled",
        _ => "work_order_updated",
    };
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new(event, "work_order", order.id)
            .data(json!({ "number": order.work_order_number, "reason": change.reason, "resolution": change.resolution_notes }))
            .change(Some(json!({ "status": from.as_str() })), Some(json!({ "status": to.as_str() }))),
    )?;
    super::published::moved(conn, acting, &order, from, to)?;
    finish_on_board(conn, acting, order.id)?;
    Ok(Moved {
        work_order_number: order.work_order_number,
        from,
        to,
    })
}

/// Scheduling `order`: it needs someone to do it and a start time, from the move or already on
/// the work order; a new assignee is assigned in the same step.
fn schedule(
    conn: &mut PgConnection,
    acting: &Acting,
    order: &WorkOrder,
    change: &Move,
) -> Result<(), WorkOrderError> {
    let zone = site_zone(conn, order.site_id)?;
    let mut errors = FieldErrors::default();
    let start = at_site(
        &mut errors,
        "scheduled_start",
        change.scheduled_start,
        &zone,
    );
    let end = at_site(&mut errors, "scheduled_end", change.scheduled_end, &zone);
    let (start, end) = match start {
        Some(start) => (Some(start), end),
        None => (order.scheduled_start, end.or(order.scheduled_end)),
    };
    if start.is_none() && !errors.has("scheduled_start") {
        errors.add("scheduled_start", "Enter when the work is to start.");
    }
    if let (Some(start), Some(end)) = (start, end) {
        if end <= start {
            errors.add(
                "scheduled_end",
                "The scheduled end must be after the start.",
            );
        }
    }
    let assignee = change.assignee.or(order.assigned_contractor_id);
    if assignee.is_none() {
        errors.add("assigned_contractor_id", "Choose who does the work.");
    }
    if !errors.is_empty() {
        return Err(WorkOrderError::Invalid(errors));
    }
    if change.assignee.is_some() && change.assignee != order.assigned_contractor_id {
        assignment::set_assignee(
            conn,
            acting,
            order,
            &assignment::Assignee {
                contractor_id: change.assignee,
                expiry_reason: change.expiry_reason.clone(),
            },
            "assigned_contractor_id",
        )?;
    }
    diesel::update(t::table.find(order.id))
        .set((t::scheduled_start.eq(start), t::scheduled_end.eq(end)))
        .execute(conn)?;
    Ok(())
}
