//! What people write on a work order: comments, and whether it needs a follow-up visit.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{begin, finish, lock, Acting, WorkOrderError};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::db::schema_org::work_orders as t;
use crate::work_orders::queries;

/// Whether a work order needs a follow-up visit, and why.
#[derive(Debug, Clone)]
pub struct Followup {
    pub needed: bool,
    pub notes: Option<String>,
}

/// Sets the follow-up flag and notes of work order `id`.
pub fn set_followup(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    followup: &Followup,
) -> Result<(), WorkOrderError> {
    let order = begin(conn, acting, id, seen, Permission::WorkOnAssigned)?;
    diesel::update(t::table.find(order.id))
        .set((
            t::requires_followup.eq(followup.needed),
            t::followup_notes.eq(&followup.notes),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("work_order_updated", "work_order", order.id)
            .data(json!({ "requires_followup": followup.needed })),
    )?;
    finish(conn, order.id)
}

/// Adds a comment (Markdown) to work order `id` in the actor's name. Comments carry no version:
/// they change nothing others could overwrite.
pub fn add_comment(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    body: &str,
) -> Result<(), WorkOrderError> {
    let order = lock(conn, acting, id, Permission::WorkOnAssigned)?;
    queries::add_comment(
        conn,
        order.id,
        (acting.actor.account_id, &acting.actor.display_name),
        body.trim(),
    )?;
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("work_order_commented", "work_order", order.id),
    )?;
    Ok(())
}
