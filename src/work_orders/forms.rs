//! What the work-order forms send, and how it is checked.

use crate::web::listing::Sortable;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::operations::{Assignee, Followup, Move, NewLabor, NewWorkOrder, TaskAction};
use super::queries::{PartLine, WorkOrder};
use super::status::{Priority, WorkOrderStatus, WorkOrderType};
use crate::elevators::status::{ElevatorStatus, InspectionResult};
use crate::web::forms::{
    blank, check_email, check_line, check_text, decimal, plausible_date, whole, FieldErrors,
};

/// A `datetime-local` value: a wall-clock time, read in the site's zone by the operation.
pub fn local_time(errors: &mut FieldErrors, field: &str, value: &str) -> Option<NaiveDateTime> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let parsed = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M"))
        .ok()
        .filter(plausible_date);
    if parsed.is_none() {
        errors.add(field, "Enter a date and time like 2026-03-31 14:30.");
    }
    parsed
}

/// The form that creates a work order, from the board, a site or a lift.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NewWorkOrderForm {
    pub site_id: String,
    pub elevator_id: String,
    pub work_type: String,
    pub priority: String,
    pub title: String,
    pub description: String,
    pub fault_code: String,
    pub reported_symptoms: String,
    pub affected_floors: String,
    pub entrapment: String,
    pub reported_by_name: String,
    pub reported_by_phone: String,
    pub reported_by_email: String,
    pub assigned_contractor_id: String,
    /// Why a contractor whose licence or insurance expired is assigned anyway.
    pub expiry_reason: String,
    pub scheduled_start: String,
    pub scheduled_end: String,
    pub due_date: String,
    /// "1": save as a draft rather than submit.
    pub draft: String,
    /// For callbacks: the work order being called back.
    pub parent_work_order_id: String,
    pub callback_reported_trouble: String,
    pub callback_reported_at: String,
    /// Used only to re-show the lift picker's search text.
    pub elevator_search: String,
    /// The edit form only: the version of the work order its author saw.
    pub version: String,
}

fn uuid(errors: &mut FieldErrors, field: &str, value: &str, message: &str) -> Option<Uuid> {
    match value.trim() {
        "" => None,
        raw => Uuid::parse_str(raw)
            .map_err(|_| errors.add(field, message))
            .ok(),
    }
}

fn flag(value: &str) -> bool {
    matches!(value, "1" | "on" | "true" | "yes")
}

/// A time as the `datetime-local` inputs show it, in `zone`.
pub fn local_input(at: &Option<chrono::DateTime<chrono::Utc>>, zone: &chrono_tz::Tz) -> String {
    at.map(|t| t.with_timezone(zone).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

impl NewWorkOrderForm {
    /// The edit form of `order`, its times in `zone`. A due time that follows from the
    /// priority is left empty, so that a change of priority moves it.
    pub fn of(order: &WorkOrder, zone: &chrono_tz::Tz) -> NewWorkOrderForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        NewWorkOrderForm {
            site_id: order.site_id.to_string(),
            elevator_id: order.elevator_id.map(|e| e.to_string()).unwrap_or_default(),
            work_type: order.work_type.as_str().into(),
            priority: order.priority.as_str().into(),
            title: order.title.clone(),
            description: text(&order.description),
            fault_code: text(&order.fault_code),
            reported_symptoms: text(&order.reported_symptoms),
            affected_floors: text(&order.affected_floors),
            entrapment: if order.entrapment {
                "1".into()
            } else {
                String::new()
            },
            reported_by_name: text(&order.reported_by_name),
            reported_by_phone: text(&order.reported_by_phone),
            reported_by_email: text(&order.reported_by_email),
            scheduled_start: local_input(&order.scheduled_start, zone),
            scheduled_end: local_input(&order.scheduled_end, zone),
            due_date: if order.due_date_manual {
                local_input(&order.due_date, zone)
            } else {
                String::new()
            },
            callback_reported_trouble: text(&order.callback_reported_trouble),
            version: order.version.to_string(),
            ..Default::default()
        }
    }

    pub fn validate(&self) -> Result<NewWorkOrder, FieldErrors> {
        let mut e = FieldErrors::default();
        let site_id = uuid(&mut e, "site_id", &self.site_id, "Choose a site.");
        let elevator_id = uuid(
            &mut e,
            "elevator_id",
            &self.elevator_id,
            "Choose a lift from the list.",
        );
        if site_id.is_none() && elevator_id.is_none() && !e.has("site_id") && !e.has("elevator_id")
        {
            e.add(
                "elevator_id",
                "Choose the lift (or at least the site) this work is for.",
            );
        }
        let work_type = WorkOrderType::parse(&self.work_type);
        if work_type.is_none() {
            e.add("work_type", "Choose a type of work.");
        }
        let entrapment = flag(&self.entrapment);
        // Someone trapped is an emergency whatever was chosen (see `operations::create`).
        let priority = match Priority::parse(&self.priority) {
            None if entrapment => Some(Priority::Emergency),
            parsed => parsed,
        };
        if priority.is_none() {
            e.add("priority", "Choose a priority.");
        }
        check_line(&mut e, "title", &self.title, 255, true);
        check_text(&mut e, "description", &self.description, 10_000, false);
        check_line(&mut e, "fault_code", &self.fault_code, 50, false);
        check_text(
            &mut e,
            "reported_symptoms",
            &self.reported_symptoms,
            5000,
            false,
        );
        check_line(&mut e, "affected_floors", &self.affected_floors, 100, false);
        check_line(
            &mut e,
            "reported_by_name",
            &self.reported_by_name,
            255,
            false,
        );
        check_line(
            &mut e,
            "reported_by_phone",
            &self.reported_by_phone,
            50,
            false,
        );
        if !self.reported_by_email.trim().is_empty() {
            check_email(&mut e, "reported_by_email", &self.reported_by_email);
        }
        let assigned_contractor_id = uuid(
            &mut e,
            "assigned_contractor_id",
            &self.assigned_contractor_id,
            "Choose a contractor from the list.",
        );
        let parent_work_order_id = uuid(
            &mut e,
            "parent_work_order_id",
            &self.parent_work_order_id,
            "Unknown work order.",
        );
        check_text(
            &mut e,
            "callback_reported_trouble",
            &self.callback_reported_trouble,
            5000,
            false,
        );
        if work_type == Some(WorkOrderType::Callback)
            && self.callback_reported_trouble.trim().is_empty()
        {
            e.add(
                "callback_reported_trouble",
                "Describe the trouble reported for this callback.",
            );
        }
        let scheduled_start = local_time(&mut e, "scheduled_start", &self.scheduled_start);
        let scheduled_end = local_time(&mut e, "scheduled_end", &self.scheduled_end);
        let due_date = local_time(&mut e, "due_date", &self.due_date);
        let callback_reported_at =
            local_time(&mut e, "callback_reported_at", &self.callback_reported_at);
        let (Some(work_type), Some(priority), true) = (work_type, priority, e.is_empty()) else {
            return Err(e);
        };
        Ok(NewWorkOrder {
            site_id,
            elevator_id,
            work_type,
            priority,
            title: self.title.trim().to_string(),
            description: blank(&self.description),
            fault_code: blank(&self.fault_code),
            reported_symptoms: blank(&self.reported_symptoms),
            affected_floors: blank(&self.affected_floors),
            entrapment,
            reported_by_name: blank(&self.reported_by_name),
            reported_by_phone: blank(&self.reported_by_phone),
            reported_by_email: blank(&self.reported_by_email.to_lowercase()),
            assigned_contractor_id,
            expiry_reason: blank(&self.expiry_reason),
            scheduled_start,
            scheduled_end,
            due_date,
            draft: flag(&self.draft),
            parent_work_order_id,
            callback_reported_trouble: blank(&self.callback_reported_trouble),
            callback_reported_at,
            lift_status: None,
        })
    }
}

/// A status change, with what the target state needs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    pub to: String,
    pub version: String,
    pub reason: String,
    /// To schedule: who, when nobody is assigned yet.
    pub assigned_contractor_id: String,
    pub expiry_reason: String,
    /// To schedule: when, at the site.
    pub scheduled_start: String,
    pub scheduled_end: String,
    pub resolution_notes: String,
    pub resolution_type: String,
    pub root_cause: String,
    pub callback_corrective_action: String,
    pub inspection_result: String,
    /// For breakdowns: set the lift's status in the same step.
    pub lift_status: String,
    /// "board" when sent from a board card: the answer is the moved card.
    pub from: String,
    /// On completion: who on site accepted the work, and their drawn signature (a PNG data URL).
    pub accepted_by_name: String,
    pub signature: String,
}

impl MoveForm {
    /// The sign-off sent with a completion.
    pub fn signoff(&self) -> crate::work_orders::operations::field::Signoff {
        crate::work_orders::operations::field::Signoff {
            accepted_by_name: self.accepted_by_name.clone(),
            signature: Some(self.signature.clone()).filter(|s| !s.trim().is_empty()),
        }
    }
}

impl MoveForm {
    pub fn validate(&self) -> Result<Move, FieldErrors> {
        let mut e = FieldErrors::default();
        let to = WorkOrderStatus::parse(&self.to);
        if to.is_none() {
            e.add("to", "Choose a status.");
        }
        check_text(&mut e, "reason", &self.reason, 2000, false);
        check_text(
            &mut e,
            "resolution_notes",
            &self.resolution_notes,
            10_000,
            false,
        );
        check_text(&mut e, "root_cause", &self.root_cause, 2000, false);
        check_text(
            &mut e,
            "callback_corrective_action",
            &self.callback_corrective_action,
            5000,
            false,
        );
        let assignee = uuid(
            &mut e,
            "assigned_contractor_id",
            &self.assigned_contractor_id,
            "Choose a contractor from the list.",
        );
        let scheduled_start = local_time(&mut e, "scheduled_start", &self.scheduled_start);
        let scheduled_end = local_time(&mut e, "scheduled_end", &self.scheduled_end);
        let lift_status = match self.lift_status.trim() {
            "" => None,
            raw => {
                let parsed = ElevatorStatus::parse(raw);
                if parsed.is_none() {
                    e.add("lift_status", "Choose a lift status from the list.");
                }
                parsed
            }
        };
        let (Some(to), true) = (to, e.is_empty()) else {
            return Err(e);
        };
        Ok(Move {
            to,
            reason: blank(&self.reason),
            assignee,
            expiry_reason: blank(&self.expiry_reason),
            scheduled_start,
            scheduled_end,
            resolution_notes: blank(&self.resolution_notes),
            resolution_type: blank(&self.resolution_type),
            root_cause: blank(&self.root_cause),
            callback_corrective_action: blank(&self.callback_corrective_action),
            inspection_result: InspectionResult::parse(self.inspection_result.trim()),
            lift_status,
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    pub contractor_id: String,
    pub expiry_reason: String,
    pub version: String,
}

impl AssignForm {
    /// The contractor chosen (or nobody), and why if their papers have expired.
    pub fn assignee(&self) -> Result<Assignee, FieldErrors> {
        let mut e = FieldErrors::default();
        let contractor = uuid(
            &mut e,
            "contractor_id",
            &self.contractor_id,
            "Choose a contractor from the list.",
        );
        check_line(&mut e, "expiry_reason", &self.expiry_reason, 500, false);
        if e.is_empty() {
            Ok(Assignee {
                contractor_id: contractor,
                expiry_reason: blank(&self.expiry_reason),
            })
        } else {
            Err(e)
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TaskForm {
    pub title: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TaskActionForm {
    /// complete, skip, reopen, up, down
    pub action: String,
    pub notes: String,
    /// The meter reading a task asks for.
    pub reading: String,
    pub version: String,
}

impl TaskActionForm {
    pub fn action(&self) -> Option<TaskAction> {
        TaskAction::parse(&self.action, blank(&self.notes), blank(&self.reading))
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PartForm {
    pub part_number: String,
    pub part_name: String,
    pub manufacturer: String,
    pub quantity: String,
    pub unit_cost: String,
    pub source: String,
    pub version: String,
}

/// Where a part typed on the parts card came from. Parts from stock are taken through the
/// stock panel instead (`/o/{slug}/inventory/work-orders/{id}`), which issues them from a
/// location; their lines carry the source `inventory`.
pub const PART_SOURCES: &[(&str, &str)] = &[
    ("purchased", "Purchased"),
    ("customer_supplied", "Supplied by the customer"),
];

impl PartForm {
    pub fn validate(&self) -> Result<PartLine, FieldErrors> {
        let mut e = FieldErrors::default();
        check_line(&mut e, "part_name", &self.part_name, 255, true);
        check_line(&mut e, "part_number", &self.part_number, 100, false);
        check_line(&mut e, "manufacturer", &self.manufacturer, 100, false);
        let quantity = whole(&mut e, "quantity", &self.quantity, 1..=100_000);
        if self.quantity.trim().is_empty() {
            e.add("quantity", "Enter how many were used.");
        }
        let unit_cost = decimal(&mut e, "unit_cost", &self.unit_cost, 0, 9_999_999, 2);
        if self.unit_cost.trim().is_empty() {
            e.add("unit_cost", "Enter the unit cost (0 if none).");
        }
        if !PART_SOURCES.iter().any(|(k, _)| *k == self.source) {
            e.add("source", "Choose where the part came from.");
        }
        let (Some(quantity), Some(unit_cost), true) = (quantity, unit_cost, e.is_empty()) else {
            return Err(e);
        };
        Ok(PartLine {
            part_number: blank(&self.part_number),
            part_name: self.part_name.trim().to_string(),
            manufacturer: blank(&self.manufacturer),
            quantity,
            unit_cost,
            source: self.source.clone(),
            stock: None,
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LaborForm {
    pub contractor_id: String,
    pub start_time: String,
    pub end_time: String,
    pub labor_type: String,
    pub description: String,
    pub version: String,
}

impl LaborForm {
    /// The entry as typed; the operation reads its times in the site's zone and checks them.
    pub fn validate(&self) -> Result<NewLabor, FieldErrors> {
        let mut e = FieldErrors::default();
        let contractor_id = uuid(
            &mut e,
            "contractor_id",
            &self.contractor_id,
            "Choose who did the work.",
        );
        if self.contractor_id.trim().is_empty() {
            e.add("contractor_id", "Choose who did the work.");
        }
        let start = local_time(&mut e, "start_time", &self.start_time);
        let end = local_time(&mut e, "end_time", &self.end_time);
        if self.start_time.trim().is_empty() {
            e.add("start_time", "Enter when the work started.");
        }
        if self.end_time.trim().is_empty() {
            e.add("end_time", "Enter when the work ended.");
        }
        check_text(&mut e, "description", &self.description, 2000, false);
        let (Some(contractor_id), Some(start), Some(end), true) =
            (contractor_id, start, end, e.is_empty())
        else {
            return Err(e);
        };
        Ok(NewLabor {
            contractor_id,
            start,
            end,
            labor_type: self.labor_type.clone(),
            description: blank(&self.description),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    pub body: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FollowupForm {
    pub requires_followup: String,
    pub followup_notes: String,
    pub version: String,
}

impl FollowupForm {
    pub fn validate(&self) -> Result<Followup, FieldErrors> {
        let mut e = FieldErrors::default();
        if !check_text(&mut e, "followup_notes", &self.followup_notes, 5000, false) {
            return Err(e);
        }
        Ok(Followup {
            needed: matches!(self.requires_followup.as_str(), "1" | "on" | "true"),
            notes: blank(&self.followup_notes),
        })
    }
}

/// The board's and list's filters, as they appear in the URL.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct WorkOrderQuery {
    pub q: String,
    pub site: String,
    pub priority: String,
    pub work_type: String,
    pub assignee: String,
    pub overdue: String,
    /// List view only.
    pub status: String,
    pub sort: String,
    pub dir: String,
    #[serde(skip_serializing)]
    pub page: Option<i64>,
}

impl WorkOrderQuery {
    pub fn site_id(&self) -> Option<Uuid> {
        Uuid::parse_str(self.site.trim()).ok()
    }

    pub fn assignee_id(&self) -> Option<Uuid> {
        Uuid::parse_str(self.assignee.trim()).ok()
    }

    pub fn query_string(&self) -> String {
        let encoded = serde_urlencoded::to_string(self).unwrap_or_default();
        encoded
            .split('&')
            .filter(|p| !p.ends_with('='))
            .collect::<Vec<_>>()
            .join("&")
    }
}

impl Sortable for WorkOrderQuery {
    const DEFAULT_SORT: &'static str = "reported";

    fn sort_param(&self) -> &str {
        &self.sort
    }

    fn descending(&self) -> bool {
        // Newest first unless asked otherwise.
        self.dir != "asc"
    }
}
