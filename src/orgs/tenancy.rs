//! The one way into an organization's tables: a transaction pointed at its schema and role.
//!
//! Both settings are transaction-local (`set_config(..., true)`), so when the transaction ends
//! the connection is back to its defaults and the next request on it starts clean. This also
//! holds behind PgBouncer in transaction mode.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
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
/// Must be called inside a transaction; [`transaction`] starts one and does both at once.
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

/// Runs `work` in a transaction pointed at `schema_name` and assuming `role_name`.
///
/// Every organization request starts this way, so `BEGIN` and both settings travel as one
/// simple-query batch: one round trip instead of two. The names are our own identifiers
/// (checked by [`naming::quote_ident`]), so writing them into the batch is safe.
pub fn transaction<T, E, F>(
    conn: &mut PgConnection,
    schema_name: &str,
    role_name: &str,
    work: F,
) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection) -> Result<T, E>,
    E: From<TenancyError> + From<diesel::result::Error>,
{
    let search_path = naming::search_path(schema_name).ok_or(TenancyError::NotFound)?;
    naming::quote_ident(role_name).ok_or(TenancyError::NotFound)?;
    let begin = format!(
        "BEGIN; SELECT set_config('search_path', '{search_path}', true), \
         set_config('role', '{role_name}', true)"
    );
    if let Err(e) = AnsiTransactionManager::begin_transaction_sql(conn, &begin) {
        // BEGIN may have run before the settings failed: leave no open transaction behind.
        let _ = conn.batch_execute("ROLLBACK");
        return Err(e.into());
    }
    match work(conn) {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => match AnsiTransactionManager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(e),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

/// Runs `work` in a transaction inside the organization with this slug.
/// An unknown slug is `NotFound`; the slug is only ever a bind value.
pub fn in_org<T, E, F>(conn: &mut PgConnection, slug: &str, work: F) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection, &Organization) -> Result<T, E>,
    E: From<TenancyError> + From<diesel::result::Error>,
{
    let org = queries::find_by_slug(conn, slug)?.ok_or(TenancyError::NotFound)?;
    transaction(conn, &org.schema_name, &org.role_name, |conn| {
        work(conn, &org)
    })
}
