//! Who does the work: assigning a work order to a contractor (or to nobody).

use chrono::Utc;
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{begin, finish, invalid, Acting, WorkOrderError};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::contractors::queries::{self as contractors, Contractor};
use crate::db::schema_org::work_orders as t;
use crate::work_orders::queries::WorkOrder;

/// Assigns work order `id` to `contractor_id`, an active contractor, or to nobody; returns the
/// contractor now assigned.
pub fn assign(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    contractor_id: Option<Uuid>,
) -> Result<Option<Contractor>, WorkOrderError> {
    let order = begin(conn, acting, id, seen, Permission::ManageWorkOrders)?;
    let contractor = set_assignee(conn, acting, &order, contractor_id, "contractor_id")?;
    finish(conn, order.id)?;
    Ok(contractor)
}

/// An active contractor of the organization, or the refusal on `field`.
pub(super) fn active_contractor(
    conn: &mut PgConnection,
    id: Uuid,
    field: &str,
) -> Result<Contractor, WorkOrderError> {
    match contractors::find(conn, id) {
        Ok(c) if c.is_active => Ok(c),
        Ok(_) | Err(diesel::result::Error::NotFound) => {
            Err(invalid(field, "Choose an active contractor."))
        }
        Err(e) => Err(e.into()),
    }
}

/// Sets who does `order` (already locked by the caller), audits it; `field` is where a refusal
/// is shown. Only managers assign.
pub(super) fn set_assignee(
    conn: &mut PgConnection,
    acting: &Acting,
    order: &WorkOrder,
    contractor_id: Option<Uuid>,
    field: &str,
) -> Result<Option<Contractor>, WorkOrderError> {
    if !acting.may(Permission::ManageWorkOrders) {
        return Err(WorkOrderError::Forbidden("Only managers can assign work."));
    }
    let contractor = match contractor_id {
        None => None,
        Some(id) => Some(active_contractor(conn, id, field)?),
    };
    let assigned = contractor.is_some();
    diesel::update(t::table.find(order.id))
        .set((
            t::assigned_contractor_id.eq(contractor.as_ref().map(|c| c.id)),
            t::assigned_at.eq(assigned.then(Utc::now)),
            t::assigned_by.eq(acting.account_id().filter(|_| assigned)),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("work_order_assigned", "work_order", order.id)
            .data(json!({ "contractor": contractor.as_ref().map(|c| c.contact_name.clone()) }))
            .change(
                Some(json!({ "contractor_id": order.assigned_contractor_id })),
                Some(json!({ "contractor_id": contractor.as_ref().map(|c| c.id) })),
            ),
    )?;
    Ok(contractor)
}
