//! What other systems hear of work orders through webhooks (`crate::webhooks`): emitted in
//! the transaction of the change, so a change that rolls back is never announced.

use diesel::{PgConnection, QueryResult};
use serde_json::{json, Value};

use super::Acting;
use crate::webhooks::{self, Event};
use crate::work_orders::queries::WorkOrder;
use crate::work_orders::status::WorkOrderStatus;

/// The work order's main fields, as receivers get them; `status` is the one it has now.
fn data(order: &WorkOrder, status: WorkOrderStatus) -> Value {
    json!({
        "id": order.id,
        "number": order.work_order_number,
        "title": order.title,
        "status": status.as_str(),
        "priority": order.priority.as_str(),
        "type": order.work_type.as_str(),
        "site_id": order.site_id,
        "elevator_id": order.elevator_id,
        "entrapment": order.entrapment,
        "assigned_contractor_id": order.assigned_contractor_id,
        "due_date": order.due_date,
        "created_at": order.created_at,
    })
}

/// `work_order.created`.
pub fn created(conn: &mut PgConnection, acting: &Acting, order: &WorkOrder) -> QueryResult<()> {
    webhooks::emit(
        conn,
        acting.org,
        Event::WorkOrderCreated,
        data(order, order.status),
    )
    .map(|_| ())
}

/// `work_order.status_changed` for every move, and `work_order.completed` too when the move
/// completed it. `order` is as it was before the move.
pub fn moved(
    conn: &mut PgConnection,
    acting: &Acting,
    order: &WorkOrder,
    from: WorkOrderStatus,
    to: WorkOrderStatus,
) -> QueryResult<()> {
    let mut changed = data(order, to);
    if let Some(fields) = changed.as_object_mut() {
        fields.insert("previous_status".into(), json!(from.as_str()));
    }
    webhooks::emit(
        conn,
        acting.org,
        Event::WorkOrderStatusChanged,
        changed.clone(),
    )?;
    if to == WorkOrderStatus::Completed {
        webhooks::emit(conn, acting.org, Event::WorkOrderCompleted, changed)?;
    }
    Ok(())
}
