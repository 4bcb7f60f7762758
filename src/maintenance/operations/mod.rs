//! The rules of preventive maintenance, for every caller (the pages, background jobs, the
//! demo): plain functions over a connection already inside the organization, in the caller's
//! transaction. Who may call them is the door's business (`Permission::ManageMaintenance` to
//! change, `View` to read).

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::forms::ScheduleValues;
use super::model::Schedule;
use super::queries;
use crate::audit::{self, AuditEvent};
use crate::db::schema_org::maintenance_schedules as schedules;
use crate::orgs::Actor;
use crate::web::forms::FieldErrors;
use crate::web::AppError;

pub mod generate;
pub mod readings;
pub mod visits;

pub use generate::{generate, Generated};
pub use readings::{record_reading, NewReading};

#[derive(Debug, thiserror::Error)]
pub enum MaintenanceError {
    #[error("not found")]
    NotFound,
    #[error("rejected input")]
    Invalid(FieldErrors),
    /// Allowed in general, not now (a visit already raised cannot be moved).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    WorkOrder(#[from] crate::work_orders::operations::WorkOrderError),
    #[error(transparent)]
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for MaintenanceError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => MaintenanceError::NotFound,
            other => MaintenanceError::Database(other),
        }
    }
}

impl From<MaintenanceError> for AppError {
    fn from(e: MaintenanceError) -> Self {
        match e {
            MaintenanceError::NotFound => AppError::NotFound,
            MaintenanceError::Invalid(errors) => AppError::Rejected(errors),
            MaintenanceError::Refused(why) => AppError::Conflict(why),
            MaintenanceError::WorkOrder(e) => e.into(),
            MaintenanceError::Database(e) => AppError::internal(e),
        }
    }
}

pub(crate) fn invalid(field: &str, message: impl Into<String>) -> MaintenanceError {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    MaintenanceError::Invalid(errors)
}

/// What saving a schedule did.
#[derive(Debug)]
pub struct Saved {
    /// The schedule to show: the chosen lift's.
    pub id: Uuid,
    /// How many schedules were written (one per lift for "all lifts of this site").
    pub count: usize,
    /// Something the manager should know (a meter schedule on a lift without readings).
    pub notice: Option<String>,
}

/// Adds a schedule (one per lift of the site when `values.whole_site`), or changes schedule
/// `id` and every schedule kept in step with it. Another organization's lift or contractor is
/// refused like one that does not exist.
pub fn save(
    conn: &mut PgConnection,
    actor: &Actor,
    id: Option<Uuid>,
    values: &ScheduleValues,
) -> Result<Saved, MaintenanceError> {
    let lift = crate::elevators::queries::find(conn, values.elevator_id)
        .map_err(|_| invalid("elevator_id", "Choose one of your lifts."))?;
    if let Some(contractor) = values.assigned_contractor_id {
        let active = crate::contractors::queries::find(conn, contractor)
            .map(|c| c.is_active)
            .unwrap_or(false);
        if !active {
            return Err(invalid(
                "assigned_contractor_id",
                "Choose one of your active contractors.",
            ));
        }
    }
    // The schedule to show afterwards: the chosen lift's.
    let (shown, count) = match id {
        None => {
            let lifts = if values.whole_site {
                queries::lifts_of_site(conn, lift.site_id)?
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect()
            } else {
                vec![lift.id]
            };
            let group = (lifts.len() > 1).then(Uuid::new_v4);
            let mut shown = None;
            for elevator_id in &lifts {
                let id = insert(conn, actor, values, *elevator_id, lift.site_id, group)?;
                if *elevator_id == lift.id {
                    shown = Some(id);
                }
            }
            (shown.ok_or(MaintenanceError::NotFound)?, lifts.len())
        }
        Some(id) => {
            let schedule = queries::find(conn, id)?;
            let group = queries::group_of(conn, &schedule)?;
            for member in &group {
                update(conn, actor, member, values)?;
            }
            (id, group.len())
        }
    };
    let notice = match values.frequency.meter() {
        Some(meter) if queries::last_reading(conn, lift.id, meter)?.is_none() => Some(format!(
            "Lift {} has no {} reading yet: nothing will be raised until one is entered.",
            lift.unit_number,
            meter.label().to_lowercase()
        )),
        _ => None,
    };
    Ok(Saved {
        id: shown,
        count,
        notice,
    })
}

/// The first visit the generator will look at, for a schedule starting afresh.
fn first_visit(values: &ScheduleValues) -> Option<NaiveDate> {
    let weekday = values
        .weekday
        .and_then(|d| super::model::WEEKDAYS.get(d as usize).copied());
    let cycle = values.frequency.cycle(
        u32::try_from(values.every).ok()?,
        weekday,
        values.day_of_month.and_then(|d| u32::try_from(d).ok()),
    )?;
    Some(cycle.first(values.start_date))
}

fn insert(
    conn: &mut PgConnection,
    actor: &Actor,
    values: &ScheduleValues,
    elevator_id: Uuid,
    site_id: Uuid,
    group: Option<Uuid>,
) -> Result<Uuid, MaintenanceError> {
    let meter_from = match values.frequency.meter() {
        Some(meter) => queries::last_reading(conn, elevator_id, meter)?.map(|(v, _)| v),
        None => None,
    };
    let id: Uuid = diesel::insert_into(schedules::table)
        .values((
            schedules::elevator_id.eq(elevator_id),
            schedules::site_id.eq(site_id),
            schedules::site_group_id.eq(group),
            schedules::created_by.eq(actor.account_id),
            schedules::next_due_on.eq(first_visit(values)),
            schedules::meter_from.eq(meter_from),
            fields(values),
        ))
        .returning(schedules::id)
        .get_result(conn)?;
    queries::replace_checklist(conn, id, &values.checklist)?;
    audit::record(
        conn,
        actor,
        AuditEvent::new("maintenance_schedule_created", "maintenance_schedule", id)
            .data(json!({ "name": values.name, "elevator_id": elevator_id }))
            .change(None, serde_json::to_value(values).ok()),
    )?;
    Ok(id)
}

type Fields<'a> = (
    diesel::dsl::Eq<schedules::name, &'a String>,
    diesel::dsl::Eq<schedules::description, &'a Option<String>>,
    diesel::dsl::Eq<schedules::work_type, crate::work_orders::status::WorkOrderType>,
    diesel::dsl::Eq<schedules::priority, crate::work_orders::status::Priority>,
    diesel::dsl::Eq<schedules::frequency, &'static str>,
    diesel::dsl::Eq<schedules::every, i32>,
    diesel::dsl::Eq<schedules::weekday, Option<i16>>,
    diesel::dsl::Eq<schedules::day_of_month, Option<i16>>,
    diesel::dsl::Eq<schedules::anchor, &'a String>,
    diesel::dsl::Eq<schedules::lead_days, i32>,
    diesel::dsl::Eq<schedules::assigned_contractor_id, Option<Uuid>>,
    diesel::dsl::Eq<schedules::estimated_hours, &'a Option<bigdecimal::BigDecimal>>,
    diesel::dsl::Eq<schedules::start_date, NaiveDate>,
    diesel::dsl::Eq<schedules::end_date, Option<NaiveDate>>,
    diesel::dsl::Eq<schedules::skip_holidays, bool>,
);

/// The columns the form sets, shared by adding and changing.
fn fields(values: &ScheduleValues) -> Fields<'_> {
    (
        schedules::name.eq(&values.name),
        schedules::description.eq(&values.description),
        schedules::work_type.eq(values.work_type),
        schedules::priority.eq(values.priority),
        schedules::frequency.eq(values.frequency.as_str()),
        schedules::every.eq(values.every),
        schedules::weekday.eq(values.weekday),
        schedules::day_of_month.eq(values.day_of_month),
        schedules::anchor.eq(&values.anchor),
        schedules::lead_days.eq(values.lead_days),
        schedules::assigned_contractor_id.eq(values.assigned_contractor_id),
        schedules::estimated_hours.eq(&values.estimated_hours),
        schedules::start_date.eq(values.start_date),
        schedules::end_date.eq(values.end_date),
        schedules::skip_holidays.eq(values.skip_holidays),
    )
}

/// Changes one schedule. When its cycle changes, the visits planned ahead of the generator
/// (moved or skipped) no longer fall on it and are dropped, and the next visit is the new
/// cycle's first after the last one raised.
fn update(
    conn: &mut PgConnection,
    actor: &Actor,
    schedule: &Schedule,
    values: &ScheduleValues,
) -> Result<(), MaintenanceError> {
    let cycle_changed = schedule.frequency != values.frequency
        || schedule.every != values.every
        || schedule.weekday != values.weekday
        || schedule.day_of_month != values.day_of_month
        || schedule.start_date != values.start_date
        || schedule.anchor != values.anchor;
    diesel::update(schedules::table.find(schedule.id))
        .set((fields(values), schedules::updated_at.eq(diesel::dsl::now)))
        .execute(conn)?;
    if cycle_changed {
        visits::drop_planned_ahead(conn, schedule.id)?;
        let after = visits::last_raised(conn, schedule.id)?;
        let fresh = first_visit(values);
        let next = match (after, queries::find(conn, schedule.id)?.cycle()) {
            (Some(after), Some(cycle)) => cycle.next_fixed(values.start_date, after),
            _ => fresh,
        };
        queries::set_next_due(conn, schedule.id, next)?;
    }
    queries::replace_checklist(conn, schedule.id, &values.checklist)?;
    audit::record(
        conn,
        actor,
        AuditEvent::new(
            "maintenance_schedule_updated",
            "maintenance_schedule",
            schedule.id,
        )
        .data(json!({ "name": values.name }))
        .change(
            Some(
                json!({ "name": schedule.name, "frequency": schedule.frequency.as_str(),
                "every": schedule.every, "start_date": schedule.start_date }),
            ),
            serde_json::to_value(values).ok(),
        ),
    )?;
    Ok(())
}

/// Pauses or resumes schedule `id` (and those kept in step with it). A paused schedule raises
/// nothing; resumed, it carries on from today rather than raising what fell due meanwhile.
pub fn set_active(
    conn: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    active: bool,
    today: NaiveDate,
) -> Result<Schedule, MaintenanceError> {
    let schedule = queries::find(conn, id)?;
    for member in queries::group_of(conn, &schedule)? {
        diesel::update(schedules::table.find(member.id))
            .set((
                schedules::is_active.eq(active),
                schedules::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        if active {
            let next = match (member.cycle(), member.next_due_on) {
                (Some(cycle), Some(next)) if next < today => {
                    cycle.next_fixed(member.start_date, today.pred_opt().unwrap_or(today))
                }
                _ => member.next_due_on,
            };
            queries::set_next_due(conn, member.id, next)?;
        }
        let event = if active {
            "maintenance_schedule_resumed"
        } else {
            "maintenance_schedule_paused"
        };
        audit::record(
            conn,
            actor,
            AuditEvent::new(event, "maintenance_schedule", member.id)
                .data(json!({ "name": member.name })),
        )?;
    }
    Ok(schedule)
}

/// Removes schedule `id` (and those kept in step with it); the work orders it raised stay.
pub fn delete(
    conn: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<Schedule, MaintenanceError> {
    let schedule = queries::find(conn, id)?;
    for member in queries::group_of(conn, &schedule)? {
        diesel::update(schedules::table.find(member.id))
            .set((
                schedules::deleted_at.eq(diesel::dsl::now),
                schedules::is_active.eq(false),
            ))
            .execute(conn)?;
        visits::drop_planned_ahead(conn, member.id)?;
        audit::record(
            conn,
            actor,
            AuditEvent::new(
                "maintenance_schedule_deleted",
                "maintenance_schedule",
                member.id,
            )
            .data(json!({ "name": member.name })),
        )?;
    }
    Ok(schedule)
}

/// Adds (or renames) a holiday of the organization.
pub fn add_holiday(
    conn: &mut PgConnection,
    actor: &Actor,
    day: NaiveDate,
    name: &str,
) -> Result<(), MaintenanceError> {
    queries::add_holiday(conn, day, name)?;
    audit::record(
        conn,
        actor,
        AuditEvent::new("holiday_added", "holiday", Uuid::nil())
            .data(json!({ "day": day, "name": name })),
    )?;
    Ok(())
}

pub fn remove_holiday(
    conn: &mut PgConnection,
    actor: &Actor,
    day: NaiveDate,
) -> Result<(), MaintenanceError> {
    if queries::remove_holiday(conn, day)? == 0 {
        return Err(MaintenanceError::NotFound);
    }
    audit::record(
        conn,
        actor,
        AuditEvent::new("holiday_removed", "holiday", Uuid::nil()).data(json!({ "day": day })),
    )?;
    Ok(())
}

/// Follows work orders: when a visit of a floating schedule is done (or called off), the next
/// one is planned one cycle from that day at the site.
pub struct FloatingCycles;

impl crate::work_orders::hooks::Follower for FloatingCycles {
    fn status_changed(
        &self,
        conn: &mut PgConnection,
        change: &crate::work_orders::hooks::StatusChanged,
    ) -> QueryResult<()> {
        use crate::work_orders::status::WorkOrderStatus;
        if !matches!(
            change.to,
            WorkOrderStatus::Completed | WorkOrderStatus::Cancelled
        ) {
            return Ok(());
        }
        #[derive(QueryableByName)]
        struct Floating {
            #[diesel(embed)]
            schedule: Schedule,
            #[diesel(sql_type = diesel::sql_types::Date)]
            today: NaiveDate,
        }
        // Only the latest visit moves the cycle on: finishing an older one changes nothing.
        let floating: Option<Floating> = diesel::sql_query(
            "SELECT s.*, (now() AT TIME ZONE si.timezone)::date AS today \
             FROM work_orders w JOIN maintenance_schedules s ON s.id = w.maintenance_schedule_id \
             JOIN sites si ON si.id = s.site_id \
             WHERE w.id = $1 AND s.anchor = 'floating' AND s.deleted_at IS NULL \
               AND s.next_due_on IS NULL \
               AND w.planned_on = (SELECT max(planned_on) FROM maintenance_occurrences o \
                 WHERE o.schedule_id = s.id AND o.status = 'raised')",
        )
        .bind::<diesel::sql_types::Uuid, _>(change.work_order.id)
        .get_result(conn)
        .optional()?;
        if let Some(Floating { schedule, today }) = floating {
            let next = schedule
                .cycle()
                .and_then(|cycle| cycle.next_floating(today))
                .filter(|d| schedule.end_date.is_none_or(|end| *d <= end));
            queries::set_next_due(conn, schedule.id, next)?;
        }
        Ok(())
    }
}
