//! A fault report follows the work order it became: started → being worked on, completed →
//! resolved with what was done, and a requester signed in to the portal is told.

use diesel::prelude::*;
use uuid::Uuid;

use super::reporter;
use crate::db::schema_org::tenants;
use crate::notifications::{notify, NewNotification};
use crate::orgs::OrgHandle;
use crate::service_requests::queries as sr;
use crate::work_orders::hooks::{Follower, StatusChanged};
use crate::work_orders::status::WorkOrderStatus;

/// Fault reports, as a follower of work orders (listed in `work_orders::hooks::FOLLOWERS`).
pub struct FaultReports;

impl Follower for FaultReports {
    fn status_changed(&self, conn: &mut PgConnection, change: &StatusChanged) -> QueryResult<()> {
        follow_work_order(
            conn,
            change.org,
            change.work_order.id,
            change.to,
            change.resolution,
        )
    }
}

/// Moves the requests of work order `work_order_id` along with it, now that it is `to`.
pub fn follow_work_order(
    conn: &mut PgConnection,
    org: &OrgHandle,
    work_order_id: Uuid,
    to: WorkOrderStatus,
    resolution: Option<&str>,
) -> QueryResult<()> {
    let next = match to {
        WorkOrderStatus::InProgress => "in_progress",
        WorkOrderStatus::Completed => "resolved",
        _ => return Ok(()),
    };
    for (id, status) in sr::for_work_order(conn, work_order_id)? {
        if status == next || matches!(status.as_str(), "resolved" | "rejected" | "closed") {
            continue;
        }
        let note = if next == "resolved" {
            resolution.unwrap_or("The problem has been fixed.")
        } else {
            "A technician is working on it."
        };
        sr::set_status(conn, id, next, Some(note))?;
        reporter::tell_reporter(conn, org, id, next, Some(note))?;
        let request = sr::find(conn, id)?;
        let portal_account: Option<Uuid> = match request.tenant_id {
            Some(t) => tenants::table
                .find(t)
                .select(tenants::portal_account_id)
                .first::<Option<Uuid>>(conn)?,
            None => None,
        };
        if let Some(account) = portal_account {
            let title = format!(
                "Your request {} is now {}",
                request.reference,
                request.status_label().to_lowercase()
            );
            let link = format!("/o/{}/portal", org.slug);
            notify(
                conn,
                &[account],
                &NewNotification {
                    kind: "service_request",
                    title: &title,
                    body: note,
                    link: &link,
                    organization_id: Some(org.id),
                },
            )?;
        }
    }
    Ok(())
}
