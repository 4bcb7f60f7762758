//! Stock on work orders: a part line taken from stock (issued in the same transaction as the
//! line, at the item's average cost), parts reserved for a scheduled work order and issued
//! when it starts, and stock returned when a part line is taken off.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::stock::{audit_posted, post};
use super::InventoryError;
use crate::audit::{self, AuditEvent};
use crate::inventory::forms::FromStock;
use crate::inventory::model::MovementKind;
use crate::inventory::queries::{self, ledger::Entry, ledger::Posted, reservations};
use crate::orgs::{Actor, OrgHandle};
use crate::work_orders::hooks::{Follower, PartRemoved, StatusChanged};
use crate::work_orders::operations::{self as orders, Acting, WorkOrderError};
use crate::work_orders::queries::{PartLine, WorkOrder};
use crate::work_orders::status::WorkOrderStatus;

fn refused(e: InventoryError) -> WorkOrderError {
    match e {
        InventoryError::Invalid(errors) => WorkOrderError::Invalid(errors),
        InventoryError::Refused(why) => WorkOrderError::Refused(why),
        InventoryError::NotFound => WorkOrderError::Invalid({
            let mut errors = crate::web::forms::FieldErrors::default();
            errors.add("stock", "Choose an item and where to take it from.");
            errors
        }),
        InventoryError::WorkOrder(e) => e,
        InventoryError::Market(e) => WorkOrderError::Refused(e.to_string()),
        InventoryError::Database(e) => WorkOrderError::Database(e),
    }
}

/// Takes `pick` from stock for work order `id` (seen at version `seen`): the ledger line and
/// the part line in one transaction, or — with `pick.reserve` — sets it aside until the
/// work order starts. Issuing adds one statement to the part line's write.
pub fn issue_to_work_order(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    pick: &FromStock,
) -> Result<(), WorkOrderError> {
    if pick.reserve {
        return reserve(conn, acting, id, seen, pick);
    }
    orders::add_part_from(conn, acting, id, seen, |conn, order| {
        if !order.status.is_open() {
            return Err(WorkOrderError::Refused(
                "Parts are taken from stock only for open work orders.".into(),
            ));
        }
        let mut entry = Entry::new(
            MovementKind::Issue,
            pick.item_id,
            pick.location_id,
            -pick.quantity,
            acting.actor,
        );
        entry.work_order_id = Some(order.id);
        let posted = post(conn, acting.org, &entry).map_err(refused)?;
        let line = part_line(&posted, pick.quantity, pick.item_id, pick.location_id);
        let issued = json!({
            "movement_id": posted.movement_id, "item_id": pick.item_id,
            "location_id": pick.location_id,
        });
        Ok((line, Some(issued)))
    })
}

/// The part line of `quantity` issued by `posted`, priced at the item's average cost.
fn part_line(posted: &Posted, quantity: i32, item: Uuid, location: Uuid) -> PartLine {
    PartLine {
        part_number: Some(posted.part_number.clone()),
        part_name: posted.name.clone(),
        manufacturer: posted.manufacturer.clone(),
        quantity,
        unit_cost: posted.unit_cost.with_scale(2),
        source: "inventory".into(),
        stock: Some((item, location)),
    }
}

/// Sets stock aside for a work order that has not started.
fn reserve(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    pick: &FromStock,
) -> Result<(), WorkOrderError> {
    orders::change_with(conn, acting, id, seen, |conn, order| {
        if !may_reserve(order) {
            return Err(WorkOrderError::Refused(
                "Parts are reserved for work orders that have not started; take them from stock instead.".into(),
            ));
        }
        let mut entry = Entry::new(
            MovementKind::Reserve,
            pick.item_id,
            pick.location_id,
            0,
            acting.actor,
        );
        entry.reserved_change = pick.quantity;
        entry.work_order_id = Some(order.id);
        let posted = post(conn, acting.org, &entry).map_err(refused)?;
        reservations::insert(
            conn,
            reservations::For::WorkOrder(order.id),
            pick.item_id,
            pick.location_id,
            pick.quantity,
            acting.account_id(),
        )?;
        audit_posted(conn, acting.actor, &entry, &posted).map_err(refused)?;
        Ok(())
    })
}

/// Releases one reservation of work order `id`.
pub fn release(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    reservation: Uuid,
) -> Result<(), WorkOrderError> {
    orders::change_with(conn, acting, id, seen, |conn, order| {
        let held = reservations::find(conn, reservations::For::WorkOrder(order.id), reservation)?;
        unreserve(conn, acting.org, acting.actor, order, &held).map_err(refused)
    })
}

fn unreserve(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    order: &WorkOrder,
    held: &reservations::Reservation,
) -> Result<(), InventoryError> {
    let mut entry = Entry::new(
        MovementKind::Unreserve,
        held.item_id,
        held.location_id,
        0,
        actor,
    );
    entry.reserved_change = -held.quantity;
    entry.work_order_id = Some(order.id);
    let posted = post(conn, org, &entry)?;
    reservations::reduce(conn, held.id, held.quantity)?;
    audit_posted(conn, actor, &entry, &posted)
}

/// Issues everything reserved for `order` as part lines (it has started).
fn issue_reserved(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    order: &WorkOrder,
) -> Result<(), InventoryError> {
    let held = reservations::held(conn, reservations::For::WorkOrder(order.id))?;
    for r in &held {
        let mut entry = Entry::new(
            MovementKind::Issue,
            r.item_id,
            r.location_id,
            -r.quantity,
            actor,
        );
        entry.reserved_change = -r.quantity;
        entry.work_order_id = Some(order.id);
        let posted = post(conn, org, &entry)?;
        reservations::reduce(conn, r.id, r.quantity)?;
        crate::work_orders::queries::add_part(
            conn,
            order.id,
            &part_line(&posted, r.quantity, r.item_id, r.location_id),
        )?;
        audit_posted(conn, actor, &entry, &posted)?;
    }
    if !held.is_empty() {
        crate::work_orders::queries::recompute_costs(conn, order.id)?;
    }
    Ok(())
}

/// The name a follower's ledger lines carry: the account that moved the work order.
fn mover(conn: &mut PgConnection, by: Option<Uuid>) -> QueryResult<Actor> {
    let name = match by {
        Some(id) => queries::account_name(conn, id)?,
        None => None,
    };
    Ok(Actor::new(
        by.unwrap_or_else(Uuid::nil),
        "",
        name.unwrap_or_else(|| "SiteSync".into()),
        crate::web::request_meta::RequestMeta::default(),
    ))
}

fn as_query(e: InventoryError) -> diesel::result::Error {
    match e {
        InventoryError::Database(e) => e,
        InventoryError::NotFound => diesel::result::Error::NotFound,
        other => diesel::result::Error::QueryBuilderError(other.to_string().into()),
    }
}

/// Follows work orders for the stock on them.
pub struct StockFollower;

impl Follower for StockFollower {
    fn status_changed(&self, conn: &mut PgConnection, change: &StatusChanged) -> QueryResult<()> {
        let starts =
            change.to == WorkOrderStatus::InProgress && change.from != WorkOrderStatus::OnHold;
        let ends = change.to == WorkOrderStatus::Cancelled;
        if !starts && !ends {
            return Ok(());
        }
        let actor = mover(conn, change.by)?;
        if starts {
            return issue_reserved(conn, change.org, &actor, change.work_order).map_err(as_query);
        }
        for held in reservations::held(conn, reservations::For::WorkOrder(change.work_order.id))? {
            unreserve(conn, change.org, &actor, change.work_order, &held).map_err(as_query)?;
        }
        Ok(())
    }

    /// A part line taken from stock goes back where it came from.
    fn part_removed(&self, conn: &mut PgConnection, removal: &PartRemoved) -> QueryResult<()> {
        let (Some(item), Some(location)) = (
            removal.part.inventory_item_id,
            removal.part.stock_location_id,
        ) else {
            return Ok(());
        };
        let mut entry = Entry::new(
            MovementKind::Return,
            item,
            location,
            removal.part.quantity,
            removal.actor,
        );
        entry.work_order_id = Some(removal.work_order.id);
        entry.reason = Some("Part line removed from the work order");
        let posted = post(conn, removal.org, &entry).map_err(as_query)?;
        audit::record(
            conn,
            removal.actor,
            AuditEvent::new("stock_returned", "inventory_item", item).data(json!({
                "movement_id": posted.movement_id, "work_order_id": removal.work_order.id,
                "location_id": location, "quantity": removal.part.quantity,
            })),
        )?;
        Ok(())
    }
}

/// Reservations of a work order, for its parts card.
pub fn reserved_for(
    conn: &mut PgConnection,
    work_order: Uuid,
) -> QueryResult<Vec<reservations::Reservation>> {
    reservations::held(conn, reservations::For::WorkOrder(work_order))
}

/// The stock offered for a work order: the assignee's van first, then warehouses.
pub fn pickable_for(
    conn: &mut PgConnection,
    order: &WorkOrder,
    viewer: Uuid,
) -> QueryResult<Vec<queries::Pickable>> {
    queries::pickable(conn, order.assigned_contractor_id, Some(viewer))
}

/// Whether parts can still be reserved for `order`: it has not started.
pub fn may_reserve(order: &WorkOrder) -> bool {
    matches!(
        order.status,
        WorkOrderStatus::Draft | WorkOrderStatus::Pending | WorkOrderStatus::Scheduled
    )
}
