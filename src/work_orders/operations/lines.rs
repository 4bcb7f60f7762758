//! What a work order cost: parts used and labour, each line priced when it is recorded and the
//! work order's totals recomputed from its lines.

use bigdecimal::BigDecimal;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{at_site, begin, finish, invalid, site_zone, Acting, WorkOrderError};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::contractors::queries::{self as contractors, Contractor};
use crate::web::forms::FieldErrors;
use crate::work_orders::queries::{self, LaborLine, PartLine, WorkOrder};
use crate::work_orders::{costs, hooks};

/// Labour as its people enter it: wall-clock times at the site.
#[derive(Debug, Clone)]
pub struct NewLabor {
    pub contractor_id: Uuid,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// One of [`costs::LABOR_TYPES`].
    pub labor_type: String,
    pub description: Option<String>,
}

/// A cost line that can be taken off a work order.
#[derive(Debug, Clone, Copy)]
pub enum CostLine {
    Part(Uuid),
    Labor(Uuid),
}

/// Records a part used on work order `id`.
pub fn add_part(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    part: &PartLine,
) -> Result<(), WorkOrderError> {
    add_part_from(conn, acting, id, seen, |_, _| Ok((part.clone(), None)))
}

/// Records a part on work order `id` that `source` provides once the work order is locked and
/// the change allowed: a feature that supplies parts (stock) takes them in the same
/// transaction, and may add what it did to the audit event.
pub fn add_part_from<F>(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    source: F,
) -> Result<(), WorkOrderError>
where
    F: FnOnce(
        &mut PgConnection,
        &WorkOrder,
    ) -> Result<(PartLine, Option<serde_json::Value>), WorkOrderError>,
{
    let order = begin(conn, acting, id, seen, Permission::WorkOnAssigned)?;
    let (part, more) = source(conn, &order)?;
    queries::add_part(conn, order.id, &part)?;
    queries::recompute_costs(conn, order.id)?;
    let mut data = json!({
        "part_number": part.part_number, "part_name": part.part_name, "quantity": part.quantity,
        "unit_cost": part.unit_cost.to_string(),
    });
    if let (Some(serde_json::Value::Object(more)), Some(data)) = (more, data.as_object_mut()) {
        data.extend(more);
    }
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("part_used", "work_order", order.id).data(data),
    )?;
    finish(conn, order.id)
}

/// Records labour on work order `id` at the contractor's rate (with the multiplier for its
/// kind); returns its cost. Times are read in the site's zone; one entry covers at most a day.
pub fn add_labor(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    labor: &NewLabor,
) -> Result<BigDecimal, WorkOrderError> {
    let order = begin(conn, acting, id, seen, Permission::WorkOnAssigned)?;
    let zone = site_zone(conn, order.site_id)?;
    let mut errors = FieldErrors::default();
    let start = at_site(&mut errors, "start_time", Some(labor.start), &zone);
    let end = at_site(&mut errors, "end_time", Some(labor.end), &zone);
    if let (Some(start), Some(end)) = (start, end) {
        if end <= start {
            errors.add("end_time", "The end must be after the start.");
        } else if end - start > Duration::hours(24) {
            errors.add(
                "end_time",
                "One entry covers at most 24 hours; split longer work.",
            );
        }
    }
    if !costs::LABOR_TYPES
        .iter()
        .any(|(k, _)| *k == labor.labor_type)
    {
        errors.add("labor_type", "Choose the kind of labour.");
    }
    let (Some(start), Some(end), true) = (start, end, errors.is_empty()) else {
        return Err(WorkOrderError::Invalid(errors));
    };
    let contractor = match contractors::find(conn, labor.contractor_id) {
        Ok(contractor) => contractor,
        Err(diesel::result::Error::NotFound) => {
            return Err(invalid("contractor_id", "Choose one of your contractors."))
        }
        Err(e) => return Err(e.into()),
    };
    let line = LaborLine {
        contractor_id: labor.contractor_id,
        start,
        end,
        labor_type: labor.labor_type.clone(),
        description: labor.description.clone(),
    };
    let cost = queries::add_labor(conn, order.id, &line)?;
    charge_callout(conn, acting, &order, &contractor)?;
    queries::recompute_costs(conn, order.id)?;
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("labor_logged", "work_order", order.id).data(json!({
            "contractor_id": line.contractor_id, "minutes": costs::minutes(start, end),
            "type": line.labor_type, "cost": cost.to_string(),
        })),
    )?;
    finish(conn, order.id)?;
    Ok(cost)
}

/// Takes a part or labour line off work order `id` and recomputes its costs.
pub fn remove_line(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    line: CostLine,
) -> Result<(), WorkOrderError> {
    let order = begin(conn, acting, id, seen, Permission::WorkOnAssigned)?;
    let (event, line_id) = match line {
        CostLine::Part(part) => {
            let removed =
                queries::remove_part(conn, order.id, part)?.ok_or(WorkOrderError::NotFound)?;
            hooks::part_removed(
                conn,
                &hooks::PartRemoved {
                    org: acting.org,
                    actor: acting.actor,
                    work_order: &order,
                    part: &removed,
                },
            )?;
            ("part_removed", part)
        }
        CostLine::Labor(labor) => {
            if queries::remove_labor(conn, order.id, labor)? == 0 {
                return Err(WorkOrderError::NotFound);
            }
            ("labor_removed", labor)
        }
    };
    queries::recompute_costs(conn, order.id)?;
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new(event, "work_order", order.id).data(json!({ "line_id": line_id })),
    )?;
    finish(conn, order.id)
}

/// The assigned contractor's call-out fee, charged once per work order when their labour is
/// first logged, and audited.
fn charge_callout(
    conn: &mut PgConnection,
    acting: &Acting,
    order: &WorkOrder,
    contractor: &Contractor,
) -> Result<(), WorkOrderError> {
    let Some(fee) = contractor.callout_fee.as_ref().filter(|f| is_positive(f)) else {
        return Ok(());
    };
    if order.assigned_contractor_id != Some(contractor.id) {
        return Ok(());
    }
    if queries::charge_callout(conn, order.id, contractor.id, fee)? {
        audit::record(
            conn,
            acting.actor,
            AuditEvent::new("callout_charged", "work_order", order.id).data(json!({
                "contractor": contractor.contact_name, "fee": fee.to_string(),
            })),
        )?;
    }
    Ok(())
}

fn is_positive(fee: &BigDecimal) -> bool {
    fee.sign() == bigdecimal::num_bigint::Sign::Plus
}
