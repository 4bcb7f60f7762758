//! `--demo`: a demo organization to explore, created once and kept on later starts.

use diesel::PgConnection;

use crate::orgs::provision::{self, CreateError, NewOrganization};
use crate::orgs::queries;

pub const DEMO_SLUG: &str = "demo";

/// Creates the demo organization unless it exists; returns whether it was created.
pub fn ensure(conn: &mut PgConnection) -> Result<bool, CreateError> {
    if queries::find_by_slug(conn, DEMO_SLUG)?.is_some() {
        return Ok(false);
    }
    provision::create(
        conn,
        &NewOrganization {
            name: "Demo Lifts",
            slug: DEMO_SLUG,
            organization_type: "service_company",
        },
    )?;
    Ok(true)
}
