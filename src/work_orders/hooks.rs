//! What other features do when a work order's status changes. Fault reports follow the work
//! order they became; this is the one place that calls into them.

use diesel::PgConnection;

use super::queries::WorkOrder;
use super::status::WorkOrderStatus;
use crate::orgs::context::OrgCtx;
use crate::web::AppError;

pub fn status_changed(
    _conn: &mut PgConnection,
    _ctx: &OrgCtx,
    _order: &WorkOrder,
    _to: WorkOrderStatus,
    _resolution: Option<&str>,
) -> Result<(), AppError> {
    Ok(())
}
