//! The rules of fault reports, for every caller: the public report form, the tenant portal,
//! the triage pages, and later the JSON API and background jobs.
//!
//! Plain functions over a connection already inside the organization (in the caller's
//! transaction), typed inputs, typed results. Who acts and on what authority is the work
//! orders' [`Acting`]: a fault report can become a work order, and one of someone trapped
//! raises its emergency work order on the product's authority whoever sent it.

use crate::auth::roles::Permission;
use crate::web::AppError;
use crate::work_orders::operations::Acting;

pub mod follow;
pub mod links;
pub mod report;
pub mod reporter;
pub mod tenants;
pub mod triage;

pub use follow::{follow_work_order, FaultReports};
pub use links::regenerate_report_link;
pub use report::{
    submit_device_report, submit_portal_request, submit_public_report, Report, ReportError,
};
pub use tenants::{
    invite_tenant, rate, save_tenant, set_tenant_active, PortalInvitation, Rating, TenantValues,
};
pub use triage::{acknowledge, convert, reject, set_priority};

/// Refuses unless `acting` has `permission`.
fn require(acting: &Acting, permission: Permission) -> Result<(), AppError> {
    if acting.may(permission) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Your role does not allow this. Ask an administrator if you need it.".into(),
        ))
    }
}
