//! Scheduling: who does a work order and when. The dispatch calendar (its drag and its forms)
//! and every other caller schedule through [`schedule`].
//!
//! A pending work order becomes `scheduled` here, which needs an assignee and a start time.
//! The same person booked twice at once is a clash: refused unless the caller confirms it.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::assignment::Assignee;
use super::{assign, begin, finish_on_board, Acting, WorkOrderError};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::db::schema_org::work_orders as t;
use crate::schedule::queries::{self as calendar, Clash};
use crate::web::forms::FieldErrors;
use crate::work_orders::hooks::{self, StatusChanged};
use crate::work_orders::status::WorkOrderStatus;

/// How long a visit is booked for when nobody says.
pub const DEFAULT_LENGTH_MINUTES: i64 = 60;

/// A visit to book: who, from when, until when (by default as long as the visit already
/// booked, or [`DEFAULT_LENGTH_MINUTES`]).
#[derive(Debug, Clone)]
pub struct Slot {
    pub assignee: Option<Uuid>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// The person doing it knows the assignee is booked elsewhere at the same time.
    pub allow_clash: bool,
}

/// A booking made.
#[derive(Debug, Clone)]
pub struct Scheduled {
    pub work_order_number: String,
    pub status: WorkOrderStatus,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Other visits of the same person at the same time, booked anyway after confirmation.
    pub clashes: Vec<Clash>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// The assignee is booked elsewhere at that time; nothing was saved.
    #[error("{} is already booked then: {}.", .person, .clashes.iter().map(|c| c.work_order_number.as_str()).collect::<Vec<_>>().join(", "))]
    Clash { person: String, clashes: Vec<Clash> },
    #[error(transparent)]
    WorkOrder(#[from] WorkOrderError),
}

impl From<diesel::result::Error> for ScheduleError {
    fn from(e: diesel::result::Error) -> Self {
        ScheduleError::WorkOrder(e.into())
    }
}

/// What a slot needs: an assignee, a start, and an end after the start.
fn check_slot(
    slot: &Slot,
    booked: Option<Duration>,
) -> Result<(Uuid, DateTime<Utc>, DateTime<Utc>), WorkOrderError> {
    let mut errors = FieldErrors::default();
    if slot.assignee.is_none() {
        errors.add("assignee", "Choose who does the work.");
    }
    if slot.start.is_none() {
        errors.add("start", "Choose the day and time the work starts.");
    }
    if let (Some(start), Some(end)) = (slot.start, slot.end) {
        if end <= start {
            errors.add("end", "The end must be after the start.");
        } else if end - start > Duration::days(14) {
            errors.add("end", "Book at most two weeks at once.");
        }
    }
    match (slot.assignee, slot.start) {
        (Some(assignee), Some(start)) if errors.is_empty() => {
            let length = booked
                .filter(|d| *d > Duration::zero())
                .unwrap_or(Duration::minutes(DEFAULT_LENGTH_MINUTES));
            Ok((assignee, start, slot.end.unwrap_or(start + length)))
        }
        _ => Err(WorkOrderError::Invalid(errors)),
    }
}

/// Books work order `id` (at version `seen` when its author looked) for `slot`: assigns the
/// person (through [`assign`], with what assigning does), sets the window, and moves a pending
/// work order to `scheduled`.
pub fn schedule(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    slot: &Slot,
) -> Result<Scheduled, ScheduleError> {
    let order = begin(conn, acting, id, seen, Permission::ManageWorkOrders)?;
    let booked = order
        .scheduled_start
        .zip(order.scheduled_end)
        .map(|(start, end)| end - start);
    let (assignee, start, end) = check_slot(slot, booked)?;
    let from = order.status;
    let to = match from {
        WorkOrderStatus::Pending => WorkOrderStatus::Scheduled,
        WorkOrderStatus::Scheduled | WorkOrderStatus::InProgress | WorkOrderStatus::OnHold => from,
        _ => {
            return Err(WorkOrderError::NotAllowed {
                from,
                to: WorkOrderStatus::Scheduled,
            }
            .into())
        }
    };
    let clashes = calendar::clashes(conn, assignee, order.id, start, end)?;
    if !clashes.is_empty() && !slot.allow_clash {
        let person = crate::contractors::queries::find(conn, assignee)
            .map(|c| c.contact_name)
            .unwrap_or_else(|_| "This person".into());
        return Err(ScheduleError::Clash { person, clashes });
    }
    let mut seen = seen;
    if order.assigned_contractor_id != Some(assignee) {
        // A lapsed licence or insurance is refused here; the work order's own assign form
        // takes a manager's reason.
        let person = Assignee {
            contractor_id: Some(assignee),
            expiry_reason: None,
        };
        assign(conn, acting, order.id, seen, &person)?;
        seen += 1;
    }
    // Assigning took the version on; this change continues from there.
    let order_now = begin(conn, acting, order.id, seen, Permission::ManageWorkOrders)?;
    diesel::update(t::table.find(order.id))
        .set((
            t::scheduled_start.eq(start),
            t::scheduled_end.eq(end),
            t::status.eq(to),
            t::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    if from != to {
        hooks::status_changed(
            conn,
            &StatusChanged {
                org: acting.org,
                by: acting.account_id(),
                work_order: &order_now,
                from,
                to,
                resolution: None,
            },
        )?;
    }
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("work_order_scheduled", "work_order", order.id)
            .data(json!({
                "number": order.work_order_number,
                "clashes": clashes.iter().map(|c| c.work_order_number.clone()).collect::<Vec<_>>(),
            }))
            .change(
                Some(json!({
                    "status": from.as_str(),
                    "contractor_id": order.assigned_contractor_id,
                    "scheduled_start": order.scheduled_start,
                    "scheduled_end": order.scheduled_end,
                })),
                Some(json!({
                    "status": to.as_str(),
                    "contractor_id": assignee,
                    "scheduled_start": start,
                    "scheduled_end": end,
                })),
            ),
    )?;
    finish_on_board(conn, acting, order.id)?;
    Ok(Scheduled {
        work_order_number: order.work_order_number,
        status: to,
        start,
        end,
        clashes,
    })
}
