//! Moving a work order along its lifecycle (see `status.rs` for the moves there are), with what
//! each move records and what follows from it: the lift's status for a breakdown, and the
//! features that follow work orders (see `hooks.rs`).

use chrono::Utc;
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{begin, finish, Acting, WorkOrderError};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::db::schema_org::work_orders as t;
use crate::elevators::status::ElevatorStatus;
use crate::web::forms::FieldErrors;
use crate::work_orders::hooks::{self, StatusChanged};
use crate::work_orders::status::{WorkOrderStatus, WorkOrderType, RESOLUTION_TYPES};

/// A status move, with what the target status needs.
#[derive(Debug, Clone)]
pub struct Move {
    pub to: WorkOrderStatus,
    /// Why it is cancelled (needed to cancel).
    pub reason: Option<String>,
    /// What was done and how it was resolved (needed to complete).
    pub resolution_notes: Option<String>,
    /// One of [`RESOLUTION_TYPES`].
    pub resolution_type: Option<String>,
    pub root_cause: Option<String>,
    pub callback_corrective_action: Option<String>,
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

/// What a move to `to` needs besides the click.
fn check_details(change: &Move) -> Result<(), WorkOrderError> {
    let mut errors = FieldErrors::default();
    if change.to == WorkOrderStatus::Cancelled && change.reason.is_none() {
        errors.add("reason", "Say why the work order is cancelled.");
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
    check_details(change)?;
    let (from, to) = (order.status, change.to);
    if !from.can_move_to(to) {
        return Err(WorkOrderError::NotAllowed { from, to });
    }
    let now = Utc::now();
    diesel::update(t::table.find(order.id))
        .set((t::status.eq(to), t::updated_at.eq(now)))
        .execute(conn)?;
    match to {
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
    hooks::status_changed(
        conn,
        &StatusChanged {
            org: acting.org,
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
    finish(conn, order.id)?;
    Ok(Moved {
        work_order_number: order.work_order_number,
        from,
        to,
    })
}
