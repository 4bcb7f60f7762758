//! Purchase orders: drafting one (numbered PO-YYYY-NNNNNN, gap-free), ordering, cancelling,
//! and receiving goods against it, which posts receipt lines to the ledger.

use bigdecimal::BigDecimal;
use chrono::{Datelike, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::stock::record;
use super::{active_item, active_location, invalid, InventoryError};
use crate::audit::{self, AuditEvent};
use crate::inventory::forms::PurchaseValues;
use crate::inventory::model::{MovementKind, PurchaseStatus};
use crate::inventory::queries::{ledger::Entry, purchases};
use crate::orgs::{Actor, OrgHandle};

/// Drafts an order; each line costs what it says or the item's list cost.
pub fn create(
    conn: &mut PgConnection,
    actor: &Actor,
    values: &PurchaseValues,
) -> Result<(Uuid, String), InventoryError> {
    active_location(conn, values.location_id, "location_id")?;
    let mut costs: Vec<BigDecimal> = Vec::new();
    for (n, (item, _, cost)) in values.lines.iter().enumerate() {
        let item = active_item(conn, *item, &format!("item_id-{n}"))?;
        costs.push(cost.clone().unwrap_or(item.unit_cost));
    }
    let number = purchases::next_number(conn, Utc::now().year())?;
    let id = purchases::insert(
        conn,
        &number,
        values,
        &costs,
        Some(actor.account_id).filter(|i| !i.is_nil()),
    )?;
    audit::record(
        conn,
        actor,
        AuditEvent::new("purchase_order_created", "purchase_order", id).data(
            json!({ "number": number, "supplier": values.supplier, "lines": values.lines.len() }),
        ),
    )?;
    Ok((id, number))
}

/// Moves an order: draft → ordered, or any open one → cancelled (not once goods arrived).
pub fn set_status(
    conn: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    to: PurchaseStatus,
) -> Result<(), InventoryError> {
    let order = purchases::lock(conn, id)?;
    let allowed = match to {
        PurchaseStatus::Ordered => order.status == PurchaseStatus::Draft,
        PurchaseStatus::Cancelled => matches!(
            order.status,
            PurchaseStatus::Draft | PurchaseStatus::Ordered
        ),
        _ => false,
    };
    if !allowed {
        return Err(InventoryError::Refused(format!(
            "A purchase order that is {} cannot be {}.",
            order.status.label().to_lowercase(),
            if to == PurchaseStatus::Ordered {
                "ordered"
            } else {
                "cancelled"
            }
        )));
    }
    purchases::set_status(conn, id, to)?;
    audit::record(
        conn,
        actor,
        AuditEvent::new("purchase_order_status_changed", "purchase_order", id).data(
            json!({ "number": order.number, "from": order.status.as_str(), "to": to.as_str() }),
        ),
    )?;
    Ok(())
}

/// Receives `arrived` (line id, units) of order `id` at its location: one receipt line each,
/// at the line's cost; the order becomes partly received or received.
pub fn receive(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    id: Uuid,
    arrived: &[(Uuid, i32)],
) -> Result<PurchaseStatus, InventoryError> {
    let order = purchases::lock(conn, id)?;
    if !order.status.receivable() {
        return Err(InventoryError::Refused(format!(
            "Goods are received against ordered purchase orders; this one is {}.",
            order.status.label().to_lowercase()
        )));
    }
    active_location(conn, order.location_id, "location_id")?;
    let lines = purchases::lines_of(conn, id)?;
    let mut arrived = arrived.to_vec();
    arrived.sort_by_key(|(line, _)| lines.iter().find(|l| l.id == *line).map(|l| l.item_id));
    for (n, (line_id, quantity)) in arrived.iter().enumerate() {
        let Some(line) = lines.iter().find(|l| l.id == *line_id) else {
            return Err(invalid(
                &format!("quantity-{n}"),
                "This line is not on the order.",
            ));
        };
        if !purchases::receive_line(conn, id, line.id, *quantity)? {
            return Err(invalid(
                &format!("quantity-{n}"),
                format!(
                    "Only {} of {} are still to come.",
                    line.outstanding(),
                    line.part_number
                ),
            ));
        }
        let mut entry = Entry::new(
            MovementKind::Receive,
            line.item_id,
            order.location_id,
            *quantity,
            actor,
        );
        entry.unit_cost = Some(&line.unit_cost);
        entry.purchase_order_id = Some(id);
        record(conn, org, actor, &entry)?;
    }
    let lines = purchases::lines_of(conn, id)?;
    let status = if lines.iter().all(|l| l.outstanding() == 0) {
        PurchaseStatus::Received
    } else {
        PurchaseStatus::PartlyReceived
    };
    purchases::set_status(conn, id, status)?;
    Ok(status)
}
