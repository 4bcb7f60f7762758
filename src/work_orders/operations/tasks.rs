//! A work order's checklist: adding tasks, doing or skipping them, reopening and reordering.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{begin, finish, invalid, Acting, WorkOrderError};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::work_orders::queries;

/// What can be done to a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskAction {
    /// Someone is working on it now.
    Start,
    Complete {
        notes: Option<String>,
    },
    Skip {
        notes: Option<String>,
    },
    Reopen,
    MoveUp,
    MoveDown,
}

impl TaskAction {
    /// Its name in forms and in the audit trail.
    pub fn as_str(&self) -> &'static str {
        match self {
            TaskAction::Start => "start",
            TaskAction::Complete { .. } => "complete",
            TaskAction::Skip { .. } => "skip",
            TaskAction::Reopen => "reopen",
            TaskAction::MoveUp => "up",
            TaskAction::MoveDown => "down",
        }
    }

    /// The action called `name`, with the notes that go with completing or skipping.
    pub fn parse(name: &str, notes: Option<String>) -> Option<TaskAction> {
        match name {
            "start" => Some(TaskAction::Start),
            "complete" => Some(TaskAction::Complete { notes }),
            "skip" => Some(TaskAction::Skip { notes }),
            "reopen" => Some(TaskAction::Reopen),
            "up" => Some(TaskAction::MoveUp),
            "down" => Some(TaskAction::MoveDown),
            _ => None,
        }
    }
}

/// Adds a task at the end of work order `id`'s checklist; returns its id.
pub fn add_task(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    title: &str,
) -> Result<Uuid, WorkOrderError> {
    let order = begin(conn, acting, id, seen, Permission::WorkOnAssigned)?;
    let title = title.trim();
    if title.is_empty() {
        return Err(invalid("task_title", "Enter the task."));
    }
    let task = queries::add_task(conn, order.id, title)?;
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("work_order_task_added", "work_order", order.id)
            .data(json!({ "task_id": task, "title": title })),
    )?;
    finish(conn, order.id)?;
    Ok(task)
}

/// Does `action` to task `task_id` of work order `id`.
pub fn act_on_task(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    task_id: Uuid,
    action: &TaskAction,
) -> Result<(), WorkOrderError> {
    let order = begin(conn, acting, id, seen, Permission::WorkOnAssigned)?;
    let task = queries::task(conn, order.id, task_id)?;
    let by = (acting.actor.account_id, acting.actor.display_name.as_str());
    match action {
        TaskAction::Start => {
            queries::set_task_status(conn, task.id, "in_progress", Some(by), None)?;
        }
        TaskAction::Complete { notes } => {
            queries::set_task_status(conn, task.id, "completed", Some(by), notes.as_deref())?;
        }
        TaskAction::Skip { notes } => {
            queries::set_task_status(conn, task.id, "skipped", Some(by), notes.as_deref())?;
        }
        TaskAction::Reopen => {
            queries::set_task_status(conn, task.id, "pending", None, None)?;
        }
        TaskAction::MoveUp | TaskAction::MoveDown => {
            queries::move_task(conn, order.id, task.id, *action == TaskAction::MoveUp)?;
        }
    }
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("work_order_task_updated", "work_order", order.id)
            .data(json!({ "task": task.title, "action": action.as_str() })),
    )?;
    finish(conn, order.id)?;
    Ok(())
}
