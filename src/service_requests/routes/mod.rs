//! Fault-report pages: the public report form behind a site's or lift's QR code and the
//! private status page ([`report`]), the managers' triage queue ([`triage`]), the printable QR
//! codes ([`qr`]), tenants ([`tenants`]) and their portal ([`portal`]).
//!
//! Each handler reads the request, calls one operation (`service_requests::operations`) or
//! query, and renders the answer.

use diesel::PgConnection;
use uuid::Uuid;

use crate::orgs::{self, queries as registry, Actor, OrgHandle};
use crate::web::request_meta::RequestMeta;
use crate::web::AppError;
use crate::AppState;

pub mod portal;
pub mod qr;
pub mod report;
pub mod tenants;
pub mod triage;

/// The organization behind a public link, and who acts there: the report form itself, with
/// no account, for the request's sender.
struct PublicOrg {
    handle: OrgHandle,
    actor: Actor,
}

/// Runs `work` inside the organization named by a public link; unknown, malformed or
/// suspended organizations are not found.
async fn in_public_org<T, F>(
    state: &AppState,
    slug: String,
    meta: RequestMeta,
    work: F,
) -> Result<T, AppError>
where
    F: FnOnce(&mut PgConnection, &PublicOrg) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    if crate::orgs::naming::Slug::parse(&slug).is_err() {
        return Err(AppError::NotFound);
    }
    state
        .db
        .run_pooled(move |conn| {
            let org = registry::find_by_slug(conn, &slug)?
                .filter(|org| org.suspended_at.is_none())
                .ok_or(AppError::NotFound)?;
            let public = PublicOrg {
                handle: org.handle(),
                actor: Actor::new(
                    Uuid::nil(),
                    "public report form",
                    "Public report form",
                    meta,
                ),
            };
            orgs::enter(conn, &public.handle, |conn| work(conn, &public))
        })
        .await
}
