//! The primitives behind the door: the statements that point a transaction at a schema and a
//! role. Private to `orgs`; everything else goes through [`super::door`].
//!
//! Both settings are transaction-local (`set_config(..., true)`), so when the transaction ends
//! the connection is back to its defaults and the next request on it starts clean. This also
//! holds behind PgBouncer in transaction mode.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::naming;

#[derive(Debug, thiserror::Error)]
pub enum TenancyError {
    #[error("no such organization")]
    NotFound,
    #[error("the organization is entered inside a transaction only")]
    NoTransaction,
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

/// As whom the transaction runs once inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum As {
    /// The organization's own role: rights on its schema and a few public tables only.
    Organization,
    /// The connection's own role, for migrations, provisioning and bulk loads.
    Platform,
}

fn settings(schema_name: &str, role_name: &str, acting: As) -> Result<String, TenancyError> {
    let search_path = naming::search_path(schema_name).ok_or(TenancyError::NotFound)?;
    Ok(match acting {
        As::Organization => {
            naming::quote_ident(role_name).ok_or(TenancyError::NotFound)?;
            format!(
                "SELECT set_config('search_path', '{search_path}', true), \
                 set_config('role', '{role_name}', true)"
            )
        }
        As::Platform => format!("SELECT set_config('search_path', '{search_path}', true)"),
    })
}

/// Points the caller's open transaction at the schema (and, acting as the organization, its
/// role). The names are our own identifiers, checked by [`naming::quote_ident`] before they
/// are written into the statement.
pub(super) fn switch(
    conn: &mut PgConnection,
    schema_name: &str,
    role_name: &str,
    acting: As,
) -> Result<(), TenancyError> {
    let in_transaction = AnsiTransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .map_err(TenancyError::Database)?
        .is_some();
    if !in_transaction {
        return Err(TenancyError::NoTransaction);
    }
    conn.batch_execute(&settings(schema_name, role_name, acting)?)?;
    Ok(())
}

/// Runs `work` in a new transaction pointed at the schema. `BEGIN` and the settings travel as
/// one simple-query batch: one round trip instead of two.
pub(super) fn transaction<T, E, F>(
    conn: &mut PgConnection,
    schema_name: &str,
    role_name: &str,
    acting: As,
    work: F,
) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection) -> Result<T, E>,
    E: From<TenancyError> + From<diesel::result::Error>,
{
    let begin = format!("BEGIN; {}", settings(schema_name, role_name, acting)?);
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

/// Points the caller's open transaction at the platform tables alone.
pub(super) fn platform_only(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT set_config('search_path', $1, true)")
        .bind::<Text, _>("public")
        .execute(conn)
        .map(|_| ())
}
