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
        /// The meter reading a task asks for, as typed.
        reading: Option<String>,
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

    /// The action called `name`, with the notes (and reading) that go with completing or
    /// skipping.
    pub fn parse(name: &str, notes: Option<String>, reading: Option<String>) -> Option<TaskAction> {
        match name {
            "start" => Some(TaskAction::Start),
            "complete" => Some(TaskAction::Complete { notes, reading }),
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
        TaskAction::Complete { notes, reading } => {
            if let Some(meter) = task.meter() {
                record_task_reading(conn, acting, &order, &task, meter, reading.as_deref())?;
            }
            if task.requires == "photo" && task.photos == 0 {
                return Err(invalid(
                    &task.error_key(),
                    "Upload the photo this task asks for first.",
                ));
            }
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

/// Records the meter reading a task asks for, on the lift's meter and on the task. The lift's
/// rules hold: a reading lower than the last is refused (a counter reset is entered on the
/// lift's readings page).
fn record_task_reading(
    conn: &mut PgConnection,
    acting: &Acting,
    order: &queries::WorkOrder,
    task: &queries::Task,
    meter: crate::maintenance::model::Meter,
    typed: Option<&str>,
) -> Result<(), WorkOrderError> {
    use crate::maintenance::operations::{record_reading, MaintenanceError, NewReading};
    let field = task.error_key();
    let value = match typed
        .map(str::trim)
        .map(|t| t.replace(',', "").parse::<i64>())
    {
        Some(Ok(value)) if value >= 0 => value,
        _ => {
            return Err(invalid(
                &field,
                &format!(
                    "Enter the {} reading as a whole number.",
                    meter.label().to_lowercase()
                ),
            ))
        }
    };
    let elevator_id = order.elevator_id.ok_or_else(|| {
        invalid(
            &field,
            "This work order is for no lift, so it has no meter.",
        )
    })?;
    let reading = NewReading {
        elevator_id,
        meter,
        value,
        read_at: chrono::Utc::now(),
        counter_reset: false,
        work_order_id: Some(order.id),
    };
    match record_reading(conn, acting.actor, &reading) {
        Ok(_) => {}
        Err(MaintenanceError::Invalid(errors)) => {
            let mut moved = crate::web::forms::FieldErrors::default();
            for (_, message) in errors.messages() {
                moved.add(&field, message.clone());
            }
            return Err(WorkOrderError::Invalid(moved));
        }
        Err(MaintenanceError::Database(e)) => return Err(e.into()),
        Err(other) => return Err(WorkOrderError::Refused(other.to_string())),
    }
    queries::set_task_reading(conn, task.id, value)?;
    Ok(())
}
