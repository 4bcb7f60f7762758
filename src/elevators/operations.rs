//! The rule every change of a lift's status follows, whoever makes it: by hand on the lift's
//! page, a work order's status move, or someone trapped reported through the public form.

use diesel::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

use super::queries::{self, ChangedBy};
use super::status::ElevatorStatus;
use crate::audit::{self, AuditEvent};
use crate::orgs::{Actor, OrgHandle};
use crate::webhooks::{self, Event};

/// [`change_status`] by someone who read the lift at `seen` (its [`queries::Elevator::version`]):
/// the lift's row is locked first, and when it changed since, nothing is changed and `None`
/// comes back. Otherwise the lift as it is afterwards.
pub fn change_status_seen(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    elevator_id: Uuid,
    seen: chrono::DateTime<chrono::Utc>,
    status: ElevatorStatus,
    reason: Option<&str>,
) -> QueryResult<Option<queries::Elevator>> {
    let lift = queries::find_for_update(conn, elevator_id)?;
    if lift.version() != seen {
        return Ok(None);
    }
    let context = json!({ "unit_number": lift.unit_number });
    change_status(conn, org, actor, elevator_id, status, reason, context)?;
    queries::find(conn, elevator_id).map(Some)
}

/// Sets lift `elevator_id` to `status` for `reason`, in its history (and its health score) and
/// in the audit trail, in the caller's transaction; returns the status it had. `context` is
/// what the audit event says besides the reason (the lift's unit, the work order behind it).
/// A real change is announced to `org`'s webhooks as `elevator.status_changed`.
pub fn change_status(
    conn: &mut PgConnection,
    org: &OrgHandle,
    actor: &Actor,
    elevator_id: Uuid,
    status: ElevatorStatus,
    reason: Option<&str>,
    context: Value,
) -> QueryResult<ElevatorStatus> {
    let by = ChangedBy {
        // The public report form acts with no account.
        account_id: Some(actor.account_id).filter(|id| !id.is_nil()),
        name: &actor.display_name,
    };
    let previous = queries::set_status(conn, elevator_id, status, reason, &by)?;
    if previous != status {
        let (site_id, unit_number) = queries::site_and_unit(conn, elevator_id)?;
        let data = json!({
            "id": elevator_id,
            "unit_number": unit_number,
            "site_id": site_id,
            "status": status.as_str(),
            "previous_status": previous.as_str(),
            "reason": reason,
        });
        webhooks::emit(conn, org, Event::ElevatorStatusChanged, data)?;
    }
    let mut data = context;
    if let Some(fields) = data.as_object_mut() {
        fields.insert("reason".into(), json!(reason));
    }
    audit::record(
        conn,
        actor,
        AuditEvent::new("elevator_status_changed", "elevator", elevator_id)
            .data(data)
            .change(
                Some(json!({ "status": previous.as_str() })),
                Some(json!({ "status": status.as_str() })),
            ),
    )?;
    Ok(previous)
}
