//! The rules of inventory, for every caller (the pages, work orders, background jobs, the
//! command line, the demo): plain functions over a connection already inside the
//! organization, in the caller's transaction. Who may call them is the door's business
//! (`Permission::ManageInventory` to change the catalogue, locations and stock; work-order
//! parts go through the work order's own rules).
//!
//! Every change of a quantity is a ledger line posted by [`stock::post`]; the levels and the
//! items' totals follow from it in the same statement, so they never disagree with the ledger.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::forms::{ItemValues, LocationValues};
use super::model::LocationType;
use super::queries::{self, Item, Location};
use crate::audit::{self, AuditEvent};
use crate::orgs::Actor;
use crate::web::forms::FieldErrors;
use crate::web::AppError;

pub mod purchases;
pub mod stock;
pub mod surplus;
pub mod work_orders;

pub use stock::{adjust, count, receive, transfer};
pub use work_orders::{issue_to_work_order, StockFollower};

#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    /// The item, location or order is not in this organization.
    #[error("not found")]
    NotFound,
    #[error("rejected input")]
    Invalid(FieldErrors),
    /// Allowed in general, not now (too little left, an archived location).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    WorkOrder(#[from] crate::work_orders::operations::WorkOrderError),
    #[error(transparent)]
    Market(#[from] crate::marketplace::operations::MarketError),
    #[error(transparent)]
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for InventoryError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => InventoryError::NotFound,
            other => InventoryError::Database(other),
        }
    }
}

impl From<InventoryError> for AppError {
    fn from(e: InventoryError) -> Self {
        match e {
            InventoryError::NotFound => AppError::NotFound,
            InventoryError::Invalid(errors) => AppError::Rejected(errors),
            InventoryError::Refused(why) => AppError::Conflict(why),
            InventoryError::WorkOrder(e) => e.into(),
            InventoryError::Market(e) => e.into(),
            InventoryError::Database(e) => AppError::internal(e),
        }
    }
}

/// One field refused.
pub fn invalid(field: &str, message: impl Into<String>) -> InventoryError {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    InventoryError::Invalid(errors)
}

fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// A part number already used: the same letters and digits, whatever the spacing.
fn duplicate_part(
    conn: &mut PgConnection,
    values: &ItemValues,
    except: Option<Uuid>,
) -> Result<(), InventoryError> {
    match queries::find_by_part(conn, &values.part_number)? {
        Some(other) if Some(other.id) != except => Err(invalid(
            "part_number",
            format!(
                "{} is already in the catalogue as {} ({}).",
                values.part_number, other.part_number, other.name
            ),
        )),
        _ => Ok(()),
    }
}

/// A part number taken by an item written at the same moment (the index has the last word).
fn part_taken(e: diesel::result::Error) -> InventoryError {
    if is_unique_violation(&e) {
        invalid(
            "part_number",
            "This part number is already in the catalogue.",
        )
    } else {
        e.into()
    }
}

/// Adds an item to the catalogue.
pub fn create_item(
    conn: &mut PgConnection,
    actor: &Actor,
    values: &ItemValues,
) -> Result<Item, InventoryError> {
    duplicate_part(conn, values, None)?;
    let item = queries::insert_item(conn, values).map_err(part_taken)?;
    audit::record(
        conn,
        actor,
        AuditEvent::new("inventory_item_created", "inventory_item", item.id)
            .data(json!({ "part_number": item.part_number, "name": item.name }))
            .change(None, serde_json::to_value(values).ok()),
    )?;
    Ok(item)
}

pub fn update_item(
    conn: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    values: &ItemValues,
) -> Result<Item, InventoryError> {
    let before = queries::lock_item(conn, id)?;
    duplicate_part(conn, values, Some(id))?;
    let item = queries::update_item(conn, id, values).map_err(part_taken)?;
    audit::record(
        conn,
        actor,
        AuditEvent::new("inventory_item_updated", "inventory_item", item.id)
            .data(json!({ "part_number": item.part_number }))
            .change(
                serde_json::to_value(&before).ok(),
                serde_json::to_value(values).ok(),
            ),
    )?;
    Ok(item)
}

/// Checks that a location's van holder and site are the organization's own.
fn check_location(
    conn: &mut PgConnection,
    org_id: Uuid,
    values: &LocationValues,
) -> Result<(), InventoryError> {
    let mut errors = FieldErrors::default();
    if let Some(contractor) = values.contractor_id {
        if crate::contractors::queries::find(conn, contractor)
            .optional()?
            .is_none()
        {
            errors.add("contractor_id", "Choose one of your contractors.");
        }
    }
    if let Some(account) = values.account_id {
        let role = crate::members::queries::role_of(conn, org_id, account)?;
        if role.is_none_or(|r| r == crate::auth::roles::Role::Tenant) {
            errors.add("account_id", "Choose one of your members.");
        }
    }
    if let Some(site) = values.site_id {
        if crate::sites::queries::find(conn, site)
            .optional()?
            .is_none()
        {
            errors.add("site_id", "Choose one of your sites.");
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(InventoryError::Invalid(errors))
    }
}

fn name_taken(e: diesel::result::Error) -> InventoryError {
    if is_unique_violation(&e) {
        invalid("name", "Another location already has this name.")
    } else {
        e.into()
    }
}

pub fn create_location(
    conn: &mut PgConnection,
    org_id: Uuid,
    actor: &Actor,
    values: &LocationValues,
) -> Result<Location, InventoryError> {
    check_location(conn, org_id, values)?;
    let location = queries::insert_location(conn, values).map_err(name_taken)?;
    audit::record(
        conn,
        actor,
        AuditEvent::new("stock_location_created", "stock_location", location.id)
            .data(json!({ "name": location.name, "type": location.location_type.as_str() })),
    )?;
    Ok(location)
}

pub fn update_location(
    conn: &mut PgConnection,
    org_id: Uuid,
    actor: &Actor,
    id: Uuid,
    values: &LocationValues,
) -> Result<Location, InventoryError> {
    let before = queries::find_location(conn, id)?;
    check_location(conn, org_id, values)?;
    let location = queries::update_location(conn, id, values).map_err(name_taken)?;
    audit::record(
        conn,
        actor,
        AuditEvent::new("stock_location_updated", "stock_location", id)
            .data(json!({ "name": location.name }))
            .change(
                serde_json::to_value(&before).ok(),
                serde_json::to_value(values).ok(),
            ),
    )?;
    Ok(location)
}

/// What can be archived: it leaves the lists and pickers (no stock moves to an archived
/// location), and its ledger stays.
#[derive(Debug, Clone, Copy)]
pub enum Archivable {
    Item(Uuid),
    Location(Uuid),
}

/// Archives `what` or brings it back. Only what holds no stock can be archived: issue, move or
/// count it out first.
pub fn set_archived(
    conn: &mut PgConnection,
    actor: &Actor,
    what: Archivable,
    archive: bool,
) -> Result<(), InventoryError> {
    let (name, held, entity, id) = match what {
        Archivable::Item(id) => {
            let item = queries::lock_item(conn, id)?;
            (
                item.part_number,
                i64::from(item.on_hand),
                "inventory_item",
                id,
            )
        }
        Archivable::Location(id) => {
            let location = queries::find_location(conn, id)?;
            let levels = queries::levels_of(conn, queries::ledger::Of::Location(id))?;
            let held = levels.iter().map(|l| i64::from(l.on_hand)).sum();
            (location.name, held, "stock_location", id)
        }
    };
    if archive && held > 0 {
        return Err(InventoryError::Refused(format!(
            "{name} still holds {held} units: issue, move or count them out before archiving it."
        )));
    }
    match what {
        Archivable::Item(id) => queries::set_item_archived(conn, id, archive)?,
        Archivable::Location(id) => queries::set_location_archived(conn, id, archive)?,
    };
    let event = format!("{entity}_{}", if archive { "archived" } else { "restored" });
    audit::record(
        conn,
        actor,
        AuditEvent::new(&event, entity, id).data(json!({ "name": name })),
    )?;
    Ok(())
}

/// The location `id`, refused when archived: no stock moves to or from an archived location.
pub fn active_location(
    conn: &mut PgConnection,
    id: Uuid,
    field: &str,
) -> Result<Location, InventoryError> {
    match queries::find_location(conn, id).optional()? {
        None => Err(invalid(field, "Choose one of your locations.")),
        Some(l) if l.archived_at.is_some() => Err(invalid(
            field,
            format!(
                "{} is archived: restore it before moving stock there.",
                l.name
            ),
        )),
        Some(l) => Ok(l),
    }
}

/// The item `id`, refused (on `field`) when it is not in the catalogue or archived.
pub fn active_item(conn: &mut PgConnection, id: Uuid, field: &str) -> Result<Item, InventoryError> {
    match queries::find_item(conn, id).optional()? {
        None => Err(invalid(field, "Choose an item from your catalogue.")),
        Some(i) if i.archived_at.is_some() => Err(invalid(
            field,
            format!("{} is archived: restore it first.", i.part_number),
        )),
        Some(i) => Ok(i),
    }
}

/// Whether a location is a van, for "my van".
pub fn is_van(location: &Location) -> bool {
    location.location_type == LocationType::Van
}
