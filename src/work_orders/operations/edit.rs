//! Changing what a work order says after it was raised: its title, description, priority,
//! type, due time, fault details, reporter, scheduled window and lift (at the same site).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::{at_site, begin, finish_on_board, invalid, site_zone, Acting, WorkOrderError};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::db::schema_org::work_orders as t;
use crate::elevators::queries as elevators;
use crate::web::forms::FieldErrors;
use crate::work_orders::queries::{self, WorkOrder};
use crate::work_orders::status::{Priority, WorkOrderType};

/// What the edit form sends. Times are wall-clock times at the site.
#[derive(Debug, Clone)]
pub struct Edit {
    pub elevator_id: Option<Uuid>,
    pub work_type: WorkOrderType,
    pub priority: Priority,
    pub title: String,
    pub description: Option<String>,
    pub fault_code: Option<String>,
    pub reported_symptoms: Option<String>,
    pub affected_floors: Option<String>,
    pub reported_by_name: Option<String>,
    pub reported_by_phone: Option<String>,
    pub reported_by_email: Option<String>,
    pub scheduled_start: Option<NaiveDateTime>,
    pub scheduled_end: Option<NaiveDateTime>,
    /// Left empty, the due time follows from the priority.
    pub due_date: Option<NaiveDateTime>,
}

impl Edit {
    /// The edit of what the form (the same as the one that raises work orders) says.
    pub fn from_form(new: super::NewWorkOrder) -> Edit {
        Edit {
            elevator_id: new.elevator_id,
            work_type: new.work_type,
            priority: new.priority,
            title: new.title,
            description: new.description,
            fault_code: new.fault_code,
            reported_symptoms: new.reported_symptoms,
            affected_floors: new.affected_floors,
            reported_by_name: new.reported_by_name,
            reported_by_phone: new.reported_by_phone,
            reported_by_email: new.reported_by_email,
            scheduled_start: new.scheduled_start,
            scheduled_end: new.scheduled_end,
            due_date: new.due_date,
        }
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = t, treat_none_as_null = true)]
struct Changes<'a> {
    elevator_id: Option<Uuid>,
    #[diesel(column_name = type_)]
    work_type: WorkOrderType,
    priority: Priority,
    title: &'a str,
    description: Option<&'a str>,
    fault_code: Option<&'a str>,
    reported_symptoms: Option<&'a str>,
    affected_floors: Option<&'a str>,
    reported_by_name: Option<&'a str>,
    reported_by_phone: Option<&'a str>,
    reported_by_email: Option<&'a str>,
    scheduled_start: Option<chrono::DateTime<chrono::Utc>>,
    scheduled_end: Option<chrono::DateTime<chrono::Utc>>,
    due_date: Option<chrono::DateTime<chrono::Utc>>,
    due_date_manual: bool,
}

/// The fields of `order` an edit can change, as the audit trail records them.
fn snapshot(order: &WorkOrder) -> Map<String, Value> {
    let fields = json!({
        "elevator_id": order.elevator_id, "type": order.work_type.as_str(),
        "priority": order.priority.as_str(), "title": order.title,
        "description": order.description, "fault_code": order.fault_code,
        "reported_symptoms": order.reported_symptoms, "affected_floors": order.affected_floors,
        "reported_by_name": order.reported_by_name, "reported_by_phone": order.reported_by_phone,
        "reported_by_email": order.reported_by_email, "scheduled_start": order.scheduled_start,
        "scheduled_end": order.scheduled_end, "due_date": order.due_date,
    });
    match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Edits work order `id`, seen at version `seen`; returns it as it now is. A lift must be at
/// the work order's site. Left empty, the due time follows the priority: recomputed from when
/// the work was reported if the priority changed (or a due time set by hand was cleared), kept
/// otherwise. Audited with what changed, before and after.
pub fn edit(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    edit: &Edit,
) -> Result<WorkOrder, WorkOrderError> {
    let order = begin(conn, acting, id, seen, Permission::ManageWorkOrders)?;
    if !order.status.is_editable() {
        return Err(WorkOrderError::Refused(format!(
            "A work order that is {} can no longer be edited.",
            order.status.label().to_lowercase()
        )));
    }
    if let Some(elevator_id) = edit.elevator_id {
        match elevators::find(conn, elevator_id) {
            Ok(lift) if lift.site_id == order.site_id && lift.deleted_at.is_none() => {}
            Ok(_) | Err(diesel::result::Error::NotFound) => {
                return Err(invalid(
                    "elevator_id",
                    "Choose one of the lifts at this work order's site.",
                ))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let zone = site_zone(conn, order.site_id)?;
    let mut errors = FieldErrors::default();
    let scheduled_start = at_site(&mut errors, "scheduled_start", edit.scheduled_start, &zone);
    let scheduled_end = at_site(&mut errors, "scheduled_end", edit.scheduled_end, &zone);
    let due_override = at_site(&mut errors, "due_date", edit.due_date, &zone);
    if let (Some(start), Some(end)) = (scheduled_start, scheduled_end) {
        if end <= start {
            errors.add(
                "scheduled_end",
                "The scheduled end must be after the start.",
            );
        }
    }
    if !errors.is_empty() {
        return Err(WorkOrderError::Invalid(errors));
    }
    // Someone trapped stays an emergency.
    let priority = if order.entrapment {
        Priority::Emergency
    } else {
        edit.priority
    };
    let due_date = match due_override {
        Some(due) => Some(due),
        None if order.due_date_manual || priority != order.priority => {
            priority.default_due(order.reported_at, &zone)
        }
        None => order.due_date,
    };
    diesel::update(t::table.find(order.id))
        .set(&Changes {
            elevator_id: edit.elevator_id,
            work_type: edit.work_type,
            priority,
            title: &edit.title,
            description: edit.description.as_deref(),
            fault_code: edit.fault_code.as_deref(),
            reported_symptoms: edit.reported_symptoms.as_deref(),
            affected_floors: edit.affected_floors.as_deref(),
            reported_by_name: edit.reported_by_name.as_deref(),
            reported_by_phone: edit.reported_by_phone.as_deref(),
            reported_by_email: edit.reported_by_email.as_deref(),
            scheduled_start,
            scheduled_end,
            due_date,
            due_date_manual: due_override.is_some(),
        })
        .execute(conn)?;
    finish_on_board(conn, acting, order.id)?;
    let edited = queries::find(conn, order.id)?;
    let (before, after) = (snapshot(&order), snapshot(&edited));
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    let pick = |fields: &Map<String, Value>| -> Value {
        Value::Object(
            changed
                .iter()
                .map(|k| ((*k).clone(), fields.get(*k).cloned().unwrap_or(Value::Null)))
                .collect(),
        )
    };
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("work_order_edited", "work_order", order.id)
            .data(json!({ "number": order.work_order_number, "fields": changed }))
            .change(Some(pick(&before)), Some(pick(&after))),
    )?;
    for lift in [order.elevator_id, edited.elevator_id]
        .into_iter()
        .flatten()
    {
        crate::dashboard::health::recompute_lift(conn, lift)?;
    }
    Ok(edited)
}
