//! Who hears that a work order moved: the member who raised it and the assignee, unless
//! they made the move themselves.

use diesel::prelude::*;
use uuid::Uuid;

use crate::contractors::queries as contractors;
use crate::db::schema_org::work_orders as t;
use crate::db::schema_public::memberships as m;
use crate::notifications::{notify, NewNotification};
use crate::work_orders::hooks::{Follower, StatusChanged};

pub struct StatusNotices;

impl Follower for StatusNotices {
    fn status_changed(&self, conn: &mut PgConnection, change: &StatusChanged) -> QueryResult<()> {
        let order = change.work_order;
        let raised_by: Uuid = t::table.find(order.id).select(t::created_by).first(conn)?;
        let assignee = match order.assigned_contractor_id {
            Some(id) => contractors::find(conn, id)?.account_id,
            None => None,
        };
        let candidates: Vec<Uuid> = [Some(raised_by), assignee]
            .into_iter()
            .flatten()
            .filter(|account| Some(*account) != change.by)
            .collect();
        // Someone who has since left the organization hears nothing more of its work.
        let recipients: Vec<Uuid> = m::table
            .filter(m::organization_id.eq(change.org.id))
            .filter(m::account_id.eq_any(&candidates))
            .select(m::account_id)
            .distinct()
            .load(conn)?;
        let title = format!(
            "{} is now {}: {}",
            order.work_order_number,
            change.to.label().to_lowercase(),
            order.title
        );
        let link = format!("/o/{}/work-orders/{}", change.org.slug, order.id);
        notify(
            conn,
            &recipients,
            &NewNotification {
                kind: "work_order_status",
                title: &title,
                body: change.resolution.unwrap_or(""),
                link: &link,
                organization_id: Some(change.org.id),
            },
        )?;
        Ok(())
    }
}
