//! Stock moving: posting one ledger line (and what follows from it: the audit trail, the
//! reorder notice), receipts, adjustments, transfers and counts.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{active_item, active_location, invalid, InventoryError};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::inventory::forms::{count_field, Count, StockChange, Transfer};
use crate::inventory::model::MovementKind;
use crate::inventory::queries::{self, ledger, ledger::Entry, ledger::Posted};
use crate::notifications::queries::{notify, NewNotification};
use crate::orgs::{Actor, OrgHandle};

/// Posts `entry`, refusing with a message naming what is left when the location has too
/// little; tells the managers when the item's total falls to its reorder point.
pub fn post(
    conn: &mut PgConnection,
    org: &OrgHandle,
    entry: &Entry,
) -> Result<Posted, InventoryError> {
    match ledger::post(conn, entry)? {
        Some(posted) => {
            if posted.crossed_reorder_point() {
                reorder_notice(conn, org, &posted)?;
            }
            Ok(posted)
        }
        None => Err(too_little(conn, entry)),
    }
}

/// Why a posting found too little: how many are available (or reserved) there now.
fn too_little(conn: &mut PgConnection, entry: &Entry) -> InventoryError {
    let levels = queries::levels_of(conn, ledger::Of::Item(entry.item_id)).unwrap_or_default();
    let level = levels.iter().find(|l| l.location_id == entry.location_id);
    let (part, place) = match (level, queries::find_item(conn, entry.item_id)) {
        (Some(l), _) => (l.part_number.clone(), l.location_name.clone()),
        (None, Ok(item)) => match queries::find_location(conn, entry.location_id) {
            Ok(location) => (item.part_number, location.name),
            // Not one of ours: the caller names the field it came from.
            Err(_) => return InventoryError::NotFound,
        },
        (None, Err(_)) => return InventoryError::NotFound,
    };
    let available = level.map_or(0, |l| l.available());
    let message = if entry.kind == MovementKind::Unreserve {
        format!(
            "Only {} of {part} are reserved at {place}.",
            level.map_or(0, |l| l.reserved)
        )
    } else if available == 0 {
        format!(
            "There is no {part} available at {place}: someone may have just taken the last ones."
        )
    } else {
        format!("Only {available} of {part} are available at {place}.")
    };
    InventoryError::Refused(message)
}

fn reorder_notice(
    conn: &mut PgConnection,
    org: &OrgHandle,
    posted: &Posted,
) -> Result<(), InventoryError> {
    let managers =
        crate::members::queries::with_permission(conn, org.id, Permission::ManageInventory)?;
    let title = format!(
        "{} is down to {} — time to reorder",
        posted.part_number, posted.total_after
    );
    let body = format!(
        "{} ({}) has {} left in total, at or below its reorder point of {}.",
        posted.name, posted.part_number, posted.total_after, posted.reorder_point
    );
    let link = format!("/o/{}/inventory/reorder", org.slug);
    notify(
        conn,
        &managers,
        &NewNotification {
            kind: "inventory_reorder",
            title: &title,
            body: &body,
            link: &link,
            organization_id: Some(org.id),
        },
    )?;
    Ok(())
}

/// Records a posted line in the audit trail under its kind's event.
pub fn audit_posted(
    conn: &mut PgConnection,
    actor: &Actor,
    entry: &Entry,
    posted: &Posted,
) -> Result<(), InventoryError> {
    audit::record(
        conn,
        actor,
        AuditEvent::new(entry.kind.audit_event(), "inventory_item", entry.item_id).data(json!({
            "movement_id": posted.movement_id, "part_number": posted.part_number,
            "location_id": entry.location_id, "quantity": entry.quantity,
            "reserved_change": entry.reserved_change, "unit_cost": posted.unit_cost.to_string(),
            "reason": entry.reason, "work_order_id": entry.work_order_id,
            "purchase_order_id": entry.purchase_order_id,
            "counterpart_location_id": entry.counterpart_location_id,
        })),
    )?;
    Ok(())
}

/// Posts and audits one line.
pub fn record(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    entry: &Entry,
) -> Result<Posted, InventoryError> {
    let posted = post(conn, org, entry)?;
    audit_posted(conn, actor, entry, &posted)?;
    Ok(posted)
}

/// Goods arrived at a location (not against a purchase order): on hand grows and the average
/// cost moves towards what they cost.
pub fn receive(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    change: &StockChange,
) -> Result<Posted, InventoryError> {
    active_item(conn, change.item_id, "item_id")?;
    active_location(conn, change.location_id, "location_id")?;
    let mut entry = Entry::new(
        MovementKind::Receive,
        change.item_id,
        change.location_id,
        change.quantity,
        actor,
    );
    entry.unit_cost = change.unit_cost.as_ref();
    entry.reason = change.reason.as_deref();
    record(conn, org, actor, &entry)
}

/// A correction with a reason (found, damaged, lost): up or down, never below what is reserved.
pub fn adjust(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    change: &StockChange,
) -> Result<Posted, InventoryError> {
    queries::find_item(conn, change.item_id)
        .optional()?
        .ok_or_else(|| invalid("item_id", "Choose an item from your catalogue."))?;
    active_location(conn, change.location_id, "location_id")?;
    let mut entry = Entry::new(
        MovementKind::Adjust,
        change.item_id,
        change.location_id,
        change.quantity,
        actor,
    );
    entry.reason = change.reason.as_deref();
    record(conn, org, actor, &entry)
}

/// Moves several items from one location to another; all lines or none.
pub fn transfer(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    transfer: &Transfer,
) -> Result<usize, InventoryError> {
    let from = active_location(conn, transfer.from, "from")?;
    let to = active_location(conn, transfer.to, "to")?;
    // Always in one order, so two transfers touching the same levels queue, never deadlock.
    let mut lines = transfer.lines.clone();
    lines.sort();
    for (n, (item, quantity)) in lines.iter().enumerate() {
        let field = format!("item_id-{n}");
        active_item(conn, *item, &field)?;
        let (first, second) = if from.id < to.id {
            (
                (from.id, -quantity, MovementKind::TransferOut, to.id),
                (to.id, *quantity, MovementKind::TransferIn, from.id),
            )
        } else {
            (
                (to.id, *quantity, MovementKind::TransferIn, from.id),
                (from.id, -quantity, MovementKind::TransferOut, to.id),
            )
        };
        for (location, change, kind, other) in [first, second] {
            let mut entry = Entry::new(kind, *item, location, change, actor);
            entry.counterpart_location_id = Some(other);
            entry.reason = transfer.reason.as_deref();
            let posted = post(conn, org, &entry)?;
            if kind == MovementKind::TransferOut {
                audit_posted(conn, actor, &entry, &posted)?;
            }
        }
    }
    Ok(lines.len())
}

/// A stock count at `location_id`: each counted quantity replaces what was on hand, the
/// difference posted as a count line with `reason`. Returns the lines that differed.
pub fn count(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    location_id: Uuid,
    count: &Count,
) -> Result<Vec<(String, i32)>, InventoryError> {
    let (counted, reason) = (&count.lines, count.reason.as_deref());
    let location = queries::find_location(conn, location_id)?;
    if location.archived_at.is_some() {
        return Err(invalid(
            "form",
            format!(
                "{} is archived: restore it before counting it.",
                location.name
            ),
        ));
    }
    let levels = queries::levels_of(conn, ledger::Of::Location(location_id))?;
    let mut differences = Vec::new();
    let mut errors = crate::web::forms::FieldErrors::default();
    let mut entries = Vec::new();
    for (item, counted) in counted {
        let level = levels.iter().find(|l| l.item_id == *item);
        let (on_hand, reserved) = level.map_or((0, 0), |l| (l.on_hand, l.reserved));
        if level.is_none() {
            active_item(conn, *item, &count_field(*item))?;
        }
        if *counted < reserved {
            errors.add(
                &count_field(*item),
                format!("{reserved} are reserved here: release them before counting fewer."),
            );
        }
        entries.push((*item, counted - on_hand));
    }
    if !errors.is_empty() {
        return Err(InventoryError::Invalid(errors));
    }
    if entries.iter().any(|(_, d)| *d != 0) && reason.is_none() {
        return Err(invalid(
            "reason",
            "Say why the count differs (e.g. yearly stocktake).",
        ));
    }
    entries.sort();
    for (item, difference) in &entries {
        let mut entry = Entry::new(MovementKind::Count, *item, location_id, *difference, actor);
        entry.reason = reason;
        let posted = record(conn, org, actor, &entry)?;
        if *difference != 0 {
            differences.push((posted.part_number, *difference));
        }
    }
    let ids: Vec<Uuid> = entries.iter().map(|(item, _)| *item).collect();
    queries::mark_counted(conn, location_id, &ids)?;
    Ok(differences)
}

/// A location's own thresholds for an item.
pub fn set_thresholds(
    conn: &mut PgConnection,
    item_id: Uuid,
    location_id: Uuid,
    minimum: Option<i32>,
    reorder_point: Option<i32>,
) -> Result<(), InventoryError> {
    queries::find_item(conn, item_id)?;
    active_location(conn, location_id, "location_id")?;
    queries::set_level_thresholds(conn, item_id, location_id, minimum, reorder_point)?;
    Ok(())
}
