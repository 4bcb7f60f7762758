//! Who does the work: assigning a work order to a contractor (or to nobody).

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{begin, finish_on_board, invalid, site_zone, Acting, WorkOrderError};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::contractors::queries::{self as contractors, Contractor};
use crate::db::schema_org::work_orders as t;
use crate::notifications::{notify, NewNotification};
use crate::work_orders::queries::WorkOrder;

/// Who is to do a work order, and why a manager assigns them although their licence or
/// insurance has expired.
#[derive(Debug, Clone, Default)]
pub struct Assignee {
    pub contractor_id: Option<Uuid>,
    pub expiry_reason: Option<String>,
}

/// What has expired of `contractor` on `today`.
fn expired(contractor: &Contractor, today: NaiveDate) -> Vec<(&'static str, NaiveDate)> {
    [
        ("licence", contractor.license_expiry),
        ("insurance", contractor.insurance_expiry),
    ]
    .into_iter()
    .filter_map(|(what, date)| date.filter(|d| *d < today).map(|d| (what, d)))
    .collect()
}

/// Assigning `contractor` at the site of `site_id`: refused while their licence or insurance
/// has expired unless a manager gives the reason (audited on `order_id` by the caller via the
/// returned list of what expired).
pub(super) fn check_expiry(
    conn: &mut PgConnection,
    site_id: Uuid,
    contractor: &Contractor,
    reason: Option<&str>,
) -> Result<Vec<(&'static str, NaiveDate)>, WorkOrderError> {
    let today = Utc::now()
        .with_timezone(&site_zone(conn, site_id)?)
        .date_naive();
    let lapsed = expired(contractor, today);
    if lapsed.is_empty() || reason.is_some_and(|r| !r.trim().is_empty()) {
        return Ok(lapsed);
    }
    let what = lapsed
        .iter()
        .map(|(what, date)| format!("{what} expired on {}", date.format("%d %b %Y")))
        .collect::<Vec<_>>()
        .join(" and their ");
    Err(invalid(
        "expiry_reason",
        &format!(
            "{}'s {what}. To assign them anyway, give the reason.",
            contractor.contact_name
        ),
    ))
}

/// Records that `contractor` was assigned to `order_id` despite `lapsed`, and why.
pub(super) fn audit_expiry_override(
    conn: &mut PgConnection,
    acting: &Acting,
    order_id: Uuid,
    contractor: &Contractor,
    lapsed: &[(&'static str, NaiveDate)],
    reason: Option<&str>,
) -> Result<(), WorkOrderError> {
    if lapsed.is_empty() {
        return Ok(());
    }
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("assigned_despite_expiry", "work_order", order_id).data(json!({
            "contractor": contractor.contact_name,
            "expired": lapsed.iter().map(|(what, date)| format!("{what} {date}")).collect::<Vec<_>>(),
            "reason": reason,
        })),
    )?;
    Ok(())
}

/// Assigns work order `id` to `contractor_id`, an active contractor, or to nobody; returns the
/// contractor now assigned.
pub fn assign(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    seen: i32,
    assignee: &Assignee,
) -> Result<Option<Contractor>, WorkOrderError> {
    let order = begin(conn, acting, id, seen, Permission::ManageWorkOrders)?;
    let contractor = set_assignee(conn, acting, &order, assignee, "contractor_id")?;
    finish_on_board(conn, acting, order.id)?;
    Ok(contractor)
}

/// An active contractor of the organization, or the refusal on `field`.
pub(super) fn active_contractor(
    conn: &mut PgConnection,
    id: Uuid,
    field: &str,
) -> Result<Contractor, WorkOrderError> {
    match contractors::find(conn, id) {
        Ok(c) if c.is_active => Ok(c),
        Ok(_) | Err(diesel::result::Error::NotFound) => {
            Err(invalid(field, "Choose an active contractor."))
        }
        Err(e) => Err(e.into()),
    }
}

/// Sets who does `order` (already locked by the caller), audits it; `field` is where a refusal
/// is shown. Only managers assign.
pub(super) fn set_assignee(
    conn: &mut PgConnection,
    acting: &Acting,
    order: &WorkOrder,
    assignee: &Assignee,
    field: &str,
) -> Result<Option<Contractor>, WorkOrderError> {
    if !acting.may(Permission::ManageWorkOrders) {
        return Err(WorkOrderError::Forbidden("Only managers can assign work."));
    }
    let contractor = match assignee.contractor_id {
        None => None,
        Some(id) => Some(active_contractor(conn, id, field)?),
    };
    let reason = assignee.expiry_reason.as_deref();
    if let Some(c) = &contractor {
        let lapsed = check_expiry(conn, order.site_id, c, reason)?;
        audit_expiry_override(conn, acting, order.id, c, &lapsed, reason)?;
    }
    let assigned = contractor.is_some();
    diesel::update(t::table.find(order.id))
        .set((
            t::assigned_contractor_id.eq(contractor.as_ref().map(|c| c.id)),
            t::assigned_at.eq(assigned.then(Utc::now)),
            t::assigned_by.eq(acting.account_id().filter(|_| assigned)),
        ))
        .execute(conn)?;
    if let Some(c) = &contractor {
        if order.assigned_contractor_id != Some(c.id) {
            notify_assignee(conn, acting, order, c)?;
        }
    }
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("work_order_assigned", "work_order", order.id)
            .data(json!({ "contractor": contractor.as_ref().map(|c| c.contact_name.clone()) }))
            .change(
                Some(json!({ "contractor_id": order.assigned_contractor_id })),
                Some(json!({ "contractor_id": contractor.as_ref().map(|c| c.id) })),
            ),
    )?;
    Ok(contractor)
}

/// Tells the account behind `contractor` (if any, and not the one assigning) that `order` is
/// theirs now.
pub(super) fn notify_assignee(
    conn: &mut PgConnection,
    acting: &Acting,
    order: &WorkOrder,
    contractor: &Contractor,
) -> Result<(), WorkOrderError> {
    let Some(account) = contractor
        .account_id
        .filter(|a| Some(*a) != acting.account_id())
    else {
        return Ok(());
    };
    let title = format!(
        "{} assigned to you: {}",
        order.work_order_number, order.title
    );
    let link = format!("/o/{}/work-orders/{}", acting.org.slug, order.id);
    notify(
        conn,
        &[account],
        &NewNotification {
            kind: "work_order_assigned",
            title: &title,
            body: order.description.as_deref().unwrap_or(""),
            link: &link,
            organization_id: Some(acting.org.id),
        },
    )?;
    Ok(())
}
