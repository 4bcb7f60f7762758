//! What a move means for the lift: preventive and inspection work in progress puts it in
//! maintenance and gives it back when done; a completed inspection records its result and
//! sets the next one from the lift's interval.

use chrono::{Months, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, AuditEvent};
use crate::db::schema_org::{elevators as e, work_orders as t};
use crate::elevators::queries as elevators;
use crate::elevators::status::{ElevatorStatus, InspectionResult};
use crate::work_orders::operations::{site_zone, Acting, WorkOrderError};
use crate::work_orders::queries::WorkOrder;
use crate::work_orders::status::{WorkOrderStatus, WorkOrderType};

/// Puts the lift of `order` in maintenance when preventive or inspection work starts, and gives
/// its status back when the work is completed or cancelled.
pub(super) fn follow_work(
    conn: &mut PgConnection,
    acting: &Acting,
    order: &WorkOrder,
    to: WorkOrderStatus,
) -> Result<(), WorkOrderError> {
    let Some(elevator_id) = order.elevator_id else {
        return Ok(());
    };
    if !matches!(
        order.work_type,
        WorkOrderType::Preventive | WorkOrderType::Inspection
    ) {
        return Ok(());
    }
    let reason = format!("{}: {}", order.work_order_number, order.title);
    let context = json!({ "work_order": order.work_order_number });
    let lift = elevators::find(conn, elevator_id)?;
    match to {
        WorkOrderStatus::InProgress if order.lift_status_before.is_none() => {
            if matches!(
                lift.status,
                ElevatorStatus::Maintenance | ElevatorStatus::Decommissioned
            ) {
                return Ok(());
            }
            let before = crate::elevators::operations::change_status(
                conn,
                acting.org,
                acting.actor,
                elevator_id,
                ElevatorStatus::Maintenance,
                Some(&reason),
                context,
            )?;
            diesel::update(t::table.find(order.id))
                .set(t::lift_status_before.eq(before))
                .execute(conn)?;
        }
        WorkOrderStatus::Completed | WorkOrderStatus::Cancelled => {
            if let Some(before) = order.lift_status_before {
                if lift.status == ElevatorStatus::Maintenance {
                    crate::elevators::operations::change_status(
                        conn,
                        acting.org,
                        acting.actor,
                        elevator_id,
                        before,
                        Some(&reason),
                        context,
                    )?;
                }
                diesel::update(t::table.find(order.id))
                    .set(t::lift_status_before.eq(None::<ElevatorStatus>))
                    .execute(conn)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// A completed inspection: the lift's last inspection (today at the site, with `result`) and
/// its next one (after the lift's interval). A failed or conditional result marks the work
/// order for follow-up, which offers the repair work order.
pub(super) fn record_inspection(
    conn: &mut PgConnection,
    acting: &Acting,
    order: &WorkOrder,
    result: InspectionResult,
) -> Result<(), WorkOrderError> {
    let Some(elevator_id) = order.elevator_id else {
        return Ok(());
    };
    let today = Utc::now()
        .with_timezone(&site_zone(conn, order.site_id)?)
        .date_naive();
    let months: i32 = e::table
        .find(elevator_id)
        .select(e::inspection_interval_months)
        .first(conn)?;
    let next = today.checked_add_months(Months::new(months.unsigned_abs()));
    diesel::update(e::table.find(elevator_id))
        .set((
            e::last_inspection_date.eq(today),
            e::last_inspection_result.eq(result),
            e::next_inspection_due.eq(next),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("inspection_recorded", "elevator", elevator_id).data(json!({
            "work_order": order.work_order_number, "result": result.as_str(),
            "date": today, "next_due": next,
        })),
    )?;
    if result != InspectionResult::Passed {
        diesel::update(t::table.find(order.id))
            .set((
                t::requires_followup.eq(true),
                t::followup_notes.eq(format!(
                    "Inspection {}: raise the repair work order.",
                    result.label().to_lowercase()
                )),
            ))
            .execute(conn)?;
    }
    Ok(())
}
