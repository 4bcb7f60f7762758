//! The rules of work orders, for every caller: the pages, the JSON API and background jobs.
//!
//! Each operation is a plain function over a connection already inside the organization (it
//! runs in the caller's transaction, which every door into an organization opens), typed
//! inputs, and a typed result or a [`WorkOrderError`]. No operation knows about requests,
//! sessions or templates.
//!
//! Every change to an existing work order carries the version its author saw; when someone
//! else changed the work order meanwhile the change is refused as [`WorkOrderError::Stale`] and
//! nothing is overwritten. Every change takes the work order's row lock before anything else,
//! so two changes at once queue and the second is the stale one, never a deadlock.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::queries::{self, WorkOrder};
use super::status::WorkOrderStatus;
use crate::auth::roles::{Permission, Role};
use crate::contractors::queries as contractors;
use crate::orgs::{Actor, OrgCtx, OrgHandle};
use crate::web::forms::FieldErrors;
use crate::web::AppError;

pub mod assignment;
pub mod create;
pub mod edit;
pub mod field;
pub mod lifecycle;
pub mod lines;
pub mod notes;
pub mod notices;
mod published;
pub mod schedule;
pub mod tasks;

pub use assignment::{assign, Assignee};
pub use create::{create, NewWorkOrder};
pub use edit::{edit, Edit};
pub use lifecycle::{move_status, Move};
pub use lines::{add_labor, add_part, add_part_from, remove_line, CostLine, NewLabor};
pub use notes::{add_comment, set_followup, Followup};
pub use tasks::{act_on_task, add_task, TaskAction};

/// Who asks for an operation, in which organization, and on what authority.
#[derive(Debug, Clone, Copy)]
pub struct Acting<'a> {
    pub org: &'a OrgHandle,
    /// Named in the audit trail, the comments and the lift's history.
    pub actor: &'a Actor,
    pub authority: Authority,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// A member of the organization: the permission table in `auth/roles.rs` decides.
    Member(Role),
    /// An API key acting as the organization: its scopes decide, through the same table.
    Key(crate::api::scopes::Scopes),
    /// The product following its own rules on someone's behalf (someone trapped raises an
    /// emergency work order whoever reported it; a background job): nothing to check.
    System,
}

impl<'a> Acting<'a> {
    /// A member of the organization acting for themselves.
    pub fn member(ctx: &'a OrgCtx) -> Acting<'a> {
        Acting {
            org: &ctx.org,
            actor: &ctx.actor,
            authority: Authority::Member(ctx.role),
        }
    }

    /// The product acting on its own rules, in `actor`'s name.
    pub fn system(org: &'a OrgHandle, actor: &'a Actor) -> Acting<'a> {
        Acting {
            org,
            actor,
            authority: Authority::System,
        }
    }

    /// The same person, with the product's authority: for what a rule does as a consequence of
    /// what they did (a fault report of someone trapped raising its emergency work order).
    pub fn as_system(self) -> Acting<'a> {
        Acting {
            authority: Authority::System,
            ..self
        }
    }

    pub fn may(&self, permission: Permission) -> bool {
        match self.authority {
            Authority::Member(role) => role.can(permission),
            Authority::Key(scopes) => scopes.grant(permission),
            Authority::System => true,
        }
    }

    /// The account behind the actor, if any (the public report form has none).
    pub fn account_id(&self) -> Option<Uuid> {
        Some(self.actor.account_id).filter(|id| !id.is_nil())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WorkOrderError {
    /// The work order (or the task, part or labour entry named) does not exist here.
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    /// Someone else changed the work order since its author saw it.
    #[error("Someone else changed this work order while you were looking at it. It is shown as it is now; your change was not saved.")]
    Stale,
    /// The lifecycle has no such move.
    #[error(
        "A work order that is {} cannot be moved to {}.",
        from.label().to_lowercase(),
        to.label().to_lowercase()
    )]
    NotAllowed {
        from: WorkOrderStatus,
        to: WorkOrderStatus,
    },
    /// The move exists but not for this work order now (its priority, how long ago it was
    /// completed), or the work order is past being changed this way.
    #[error("{0}")]
    Refused(String),
    /// Input refused, field by field.
    #[error("rejected input")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for WorkOrderError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => WorkOrderError::NotFound,
            other => WorkOrderError::Database(other),
        }
    }
}

impl From<WorkOrderError> for AppError {
    fn from(e: WorkOrderError) -> Self {
        match e {
            WorkOrderError::NotFound => AppError::NotFound,
            WorkOrderError::Forbidden(why) => AppError::Forbidden(why.into()),
            WorkOrderError::Invalid(errors) => AppError::Rejected(errors),
            WorkOrderError::Database(e) => AppError::internal(e),
            conflict @ (WorkOrderError::Stale
            | WorkOrderError::NotAllowed { .. }
            | WorkOrderError::Refused(_)) => AppError::Conflict(conflict.to_string()),
        }
    }
}

/// One field refused.
fn invalid(field: &str, message: &str) -> WorkOrderError {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    WorkOrderError::Invalid(errors)
}

/// Whether `acting` may change `order`: managers any, a technician those assigned to their own
/// contractor record.
pub fn may_work(conn: &mut PgConnection, acting: &Acting, order: &WorkOrder) -> QueryResult<bool> {
    if acting.may(Permission::ManageWorkOrders) {
        return Ok(true);
    }
    if !acting.may(Permission::WorkOnAssigned) {
        return Ok(false);
    }
    let mine = contractors::for_account(conn, acting.actor.account_id)?;
    Ok(mine.is_some() && mine == order.assigned_contractor_id)
}

fn authorize(
    conn: &mut PgConnection,
    acting: &Acting,
    order: &WorkOrder,
    permission: Permission,
) -> Result<(), WorkOrderError> {
    if permission == Permission::ManageWorkOrders && !acting.may(permission) {
        return Err(WorkOrderError::Forbidden("Only managers can do this."));
    }
    if may_work(conn, acting, order)? {
        Ok(())
    } else {
        Err(WorkOrderError::Forbidden(
            "You can change only the work orders assigned to you.",
        ))
    }
}

/// Takes work order `id`'s row lock and checks that `acting` may make a change that needs
/// `permission`. The lock comes first in every change, before anything else is read or
/// written: concurrent changes to one work order then queue here, instead of each holding
/// something the other waits for (the audit trail's head, a lift) and deadlocking.
fn lock(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    permission: Permission,
) -> Result<WorkOrder, WorkOrderError> {
    let order = queries::lock(conn, id)?;
    authorize(conn, acting, &order, permission)?;
    Ok(order)
}

/// Starts a change to work order `id` that its author made at version `seen`: locks it,
/// checks who may, and refuses it as stale if someone else changed the work order since.
fn begin(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    permission: Permission,
) -> Result<WorkOrder, WorkOrderError> {
    let order = lock(conn, acting, id, permission)?;
    if order.version != seen {
        return Err(WorkOrderError::Stale);
    }
    Ok(order)
}

/// A change another feature makes to work order `id` (its author saw version `seen`) under
/// the work order's rules: locked first, allowed for whoever may work on it, refused when
/// stale, and at its next version afterwards.
pub fn change_with<T, F>(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    work: F,
) -> Result<T, WorkOrderError>
where
    F: FnOnce(&mut PgConnection, &WorkOrder) -> Result<T, WorkOrderError>,
{
    let order = begin(conn, acting, id, seen, Permission::WorkOnAssigned)?;
    let out = work(conn, &order)?;
    finish(conn, order.id)?;
    Ok(out)
}

/// Ends a change: the work order is at its next version.
fn finish(conn: &mut PgConnection, id: Uuid) -> Result<(), WorkOrderError> {
    queries::bump_version(conn, id)?;
    Ok(())
}

/// Ends a change that shows on the board (its column, card or assignee): open boards of the
/// organization refresh once it commits.
fn finish_on_board(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
) -> Result<(), WorkOrderError> {
    finish(conn, id)?;
    board_changed(conn, acting)
}

fn board_changed(conn: &mut PgConnection, acting: &Acting) -> Result<(), WorkOrderError> {
    crate::live::publish(
        conn,
        &crate::live::Event::for_organization("board", acting.org.id),
    )?;
    Ok(())
}

/// The time zone of a site, in which its people enter and read times.
pub fn site_zone(conn: &mut PgConnection, site_id: Uuid) -> QueryResult<chrono_tz::Tz> {
    Ok(crate::sites::queries::find(conn, site_id)?
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Australia::Sydney))
}

/// A wall-clock time at the site, as an instant; a time the clocks skip is refused on `field`.
fn at_site(
    errors: &mut FieldErrors,
    field: &str,
    local: Option<NaiveDateTime>,
    zone: &chrono_tz::Tz,
) -> Option<DateTime<Utc>> {
    let local = local?;
    let instant = zone
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc));
    if instant.is_none() {
        errors.add(field, "Enter a date and time like 2026-03-31 14:30.");
    }
    instant
}
