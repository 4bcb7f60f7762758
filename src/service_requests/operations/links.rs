//! The public report links behind the printed QR codes.

use diesel::prelude::*;

use super::require;
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::db::schema_org::{elevators, sites};
use crate::service_requests::queries::{self as sr, ReportLink};
use crate::web::AppError;
use crate::work_orders::operations::Acting;

/// Gives the site or lift a new report link: the old link, and every printed code of it, stop
/// working at once.
pub fn regenerate_report_link(
    conn: &mut PgConnection,
    acting: &Acting,
    link: ReportLink,
) -> Result<(), AppError> {
    require(acting, Permission::ManageSites)?;
    let token = sr::new_token();
    let (updated, entity, id) = match link {
        ReportLink::Lift(lift) => (
            diesel::update(elevators::table.find(lift))
                .set(elevators::report_token.eq(&token))
                .execute(conn)?,
            "elevator",
            lift,
        ),
        ReportLink::Site(site) => (
            diesel::update(sites::table.find(site))
                .set(sites::report_token.eq(&token))
                .execute(conn)?,
            "site",
            site,
        ),
    };
    if updated == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("report_link_regenerated", entity, id),
    )?;
    Ok(())
}
