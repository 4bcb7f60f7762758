//! What a work order's changes mean to the features that follow work orders.
//!
//! Work orders do not call into the features that follow them: a follower implements
//! [`Follower`] and is listed in [`FOLLOWERS`]. That list is the one place where this feature
//! names another, as `background/kinds.rs` lists the kinds of background work; everything else
//! in `work_orders` only knows the trait. A static list cannot be forgotten by a caller (the
//! pages, the JSON API and background jobs all move work orders through the same operation),
//! needs no registration at start-up, and adding a follower is one line.

use diesel::{PgConnection, QueryResult};

use super::queries::{RemovedPart, WorkOrder};
use super::status::WorkOrderStatus;
use crate::orgs::OrgHandle;

/// A work order moved from one status to another.
pub struct StatusChanged<'a> {
    pub org: &'a OrgHandle,
    /// The account that made the move (none for the platform's own jobs).
    pub by: Option<uuid::Uuid>,
    /// As it was before the move.
    pub work_order: &'a WorkOrder,
    pub from: WorkOrderStatus,
    pub to: WorkOrderStatus,
    /// What was done, when the move completed it.
    pub resolution: Option<&'a str>,
}

/// A part line taken off a work order.
pub struct PartRemoved<'a> {
    pub org: &'a OrgHandle,
    pub actor: &'a crate::orgs::Actor,
    pub work_order: &'a WorkOrder,
    pub part: &'a RemovedPart,
}

/// A feature that follows work orders. Each event runs in the transaction that made the change,
/// so a follower's failure undoes the change too.
pub trait Follower: Sync {
    fn status_changed(&self, _conn: &mut PgConnection, _change: &StatusChanged) -> QueryResult<()> {
        Ok(())
    }

    fn part_removed(&self, _conn: &mut PgConnection, _removal: &PartRemoved) -> QueryResult<()> {
        Ok(())
    }
}

/// Everyone who follows work orders.
pub const FOLLOWERS: &[&dyn Follower] = &[
    &crate::service_requests::operations::FaultReports,
    &super::operations::notices::StatusNotices,
    &crate::maintenance::operations::FloatingCycles,
    &crate::inventory::operations::StockFollower,
];

/// Tells every follower that a work order moved.
pub fn status_changed(conn: &mut PgConnection, change: &StatusChanged) -> QueryResult<()> {
    for follower in FOLLOWERS {
        follower.status_changed(conn, change)?;
    }
    Ok(())
}

/// Tells every follower that a part line was taken off.
pub fn part_removed(conn: &mut PgConnection, removal: &PartRemoved) -> QueryResult<()> {
    for follower in FOLLOWERS {
        follower.part_removed(conn, removal)?;
    }
    Ok(())
}
