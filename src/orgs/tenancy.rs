//! The one way into an organization's tables: a transaction pointed at its schema and role.
//!
//! Both settings are transaction-local (`set_config(..., true)`), so when the transaction ends
//! the connection is back to its defaults and the next request on it starts clean. This also
//! holds behind PgBouncer in transaction mode.

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::naming;
use super::queries::{self, Organization};

#[derive(Debug, thiserror::Error)]
pub enum TenancyError {
    #[error("no such organization")]
    NotFound,
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

/// Points the current transaction at `org`'s schema and assumes its role.
/// Must be called inside a transaction; [`in_org`] does both.
pub fn enter(
    conn: &mut PgConnection,
    schema_name: &str,
    role_name: &str,
) -> Result<(), TenancyError> {
    let search_path = naming::search_path(schema_name).ok_or(TenancyError::NotFound)?;
    diesel::sql_query("SELECT set_config('search_path', $1, true), set_config('role', $2, true)")
        .bind::<Text, _>(search_path)
        .bind::<Text, _>(role_name)
        .execute(conn)?;
    Ok(())
}

/// Runs `work` in a transaction inside the organization with this slug.
/// An unknown slug is `NotFound`; the slug is only ever a bind value.
pub fn in_org<T, E, F>(conn: &mut PgConnection, slug: &str, work: F) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection, &Organization) -> Result<T, E>,
    E: From<TenancyError> + From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        let org = queries::find_by_slug(conn, slug)?.ok_or(TenancyError::NotFound)?;
        enter(conn, &org.schema_name, &org.role_name)?;
        work(conn, &org)
    })
}
