//! The one door into an organization. Every piece of work on an organization's tables —
//! pages, the public report form, sign-up, invitations, background jobs, the command line,
//! the demo, seeding, migrations and the benchmark routes — comes in here.
//!
//! Entering notes the schema on the pooled connection's ledger (see `db::connection`), so a
//! connection that has entered too many organizations is replaced whoever used it, and then
//! points a transaction at the schema and role (see `tenancy`).

use diesel::PgConnection;

use super::handle::OrgHandle;
use super::tenancy::{self, TenancyError};
use crate::db::{PooledConn, SchemaLedger};

pub use super::tenancy::As;

/// Runs `work` in a new transaction inside `org`, as the organization's role.
pub fn enter<T, E, F>(conn: &mut PooledConn, org: &OrgHandle, work: F) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection) -> Result<T, E>,
    E: From<TenancyError> + From<diesel::result::Error>,
{
    enter_acting(conn, org, As::Organization, work)
}

/// [`enter`], choosing as whom: [`As::Platform`] keeps the connection's own role (migrations,
/// bulk loads) and only points the search_path at the schema.
pub fn enter_acting<T, E, F>(
    conn: &mut PooledConn,
    org: &OrgHandle,
    acting: As,
    work: F,
) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection) -> Result<T, E>,
    E: From<TenancyError> + From<diesel::result::Error>,
{
    conn.ledger().note(&org.schema_name);
    tenancy::transaction(conn, &org.schema_name, &org.role_name, acting, work)
}

/// For a caller that already holds a transaction (sign-up creates the organization and then
/// writes in it; a background job is claimed and run in one transaction): points that
/// transaction at `org`. `ledger` is the one of the pooled connection the transaction runs on
/// ([`PooledConn::ledger`], taken before the transaction began).
pub fn enter_in(
    conn: &mut PgConnection,
    ledger: &SchemaLedger,
    org: &OrgHandle,
    acting: As,
) -> Result<(), TenancyError> {
    ledger.note(&org.schema_name);
    tenancy::switch(conn, &org.schema_name, &org.role_name, acting)
}

/// Points the caller's transaction at the platform tables alone (`public`), whatever the
/// connection's defaults: platform migrations.
pub fn platform_tables(conn: &mut PgConnection) -> diesel::QueryResult<()> {
    tenancy::platform_only(conn)
}
