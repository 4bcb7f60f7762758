//! Bringing an organization's schema in from an export (`sitesync org import`): the dumped
//! schema is loaded in the caller's transaction and renamed to the new organization's schema.
//!
//! The dump names its schema everywhere (`CREATE SCHEMA org_acme`, `org_acme.sites`), so it is
//! loaded under the name it was dumped with and renamed afterwards, never rewritten as text.
//! When a schema of that name exists here (the organization is imported beside its original),
//! that schema is renamed out of the way for the length of the transaction and back before it
//! commits: other sessions never see either rename, and no request of the original is blocked,
//! as renaming a schema takes no lock on its tables.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use rand::Rng;

use super::naming::quote_ident;
use super::provision::{self, CreateError};
use super::queries::Organization;
use crate::db::TextRow;

/// The session settings a plain-format dump changes for the rest of the session; they are put
/// back once it is loaded, so the connection is as it was.
const DUMP_SETTINGS: &[&str] = &[
    "search_path",
    "statement_timeout",
    "lock_timeout",
    "idle_in_transaction_session_timeout",
    "client_min_messages",
    "row_security",
    "check_function_bodies",
];

#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("the archive's schema name “{0}” is not one of an organization")]
    SchemaName(String),
    #[error("loading the organization's tables failed: {0}")]
    Load(diesel::result::Error),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("{0}")]
    Grant(#[from] CreateError),
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Loads `dump_sql` (a plain `pg_dump -n dumped_schema`, without psql meta-commands) in the
/// caller's transaction, as the schema of `org`, and gives `org`'s role its rights on it.
pub fn restore_schema_in(
    conn: &mut PgConnection,
    dump_sql: &str,
    dumped_schema: &str,
    org: &Organization,
) -> Result<(), RestoreError> {
    let dumped =
        quote_ident(dumped_schema).ok_or_else(|| RestoreError::SchemaName(dumped_schema.into()))?;
    let target = quote_ident(&org.schema_name)
        .ok_or_else(|| RestoreError::SchemaName(org.schema_name.clone()))?;
    let renamed = dumped_schema != org.schema_name;
    let occupied = renamed && schema_exists(conn, dumped_schema)?;
    let aside = format!(
        "\"org_transfer_aside_{:08x}\"",
        rand::thread_rng().gen::<u32>()
    );
    if occupied {
        diesel::sql_query(format!("ALTER SCHEMA {dumped} RENAME TO {aside}")).execute(conn)?;
    }
    let saved = session_settings(conn)?;
    conn.batch_execute(dump_sql).map_err(RestoreError::Load)?;
    for (name, value) in &saved {
        diesel::sql_query("SELECT set_config($1, $2, false)")
            .bind::<Text, _>(name)
            .bind::<Text, _>(value)
            .execute(conn)?;
    }
    if renamed {
        diesel::sql_query(format!("ALTER SCHEMA {dumped} RENAME TO {target}")).execute(conn)?;
    }
    if occupied {
        diesel::sql_query(format!("ALTER SCHEMA {aside} RENAME TO {dumped}")).execute(conn)?;
    }
    provision::grant_schema(conn, org)?;
    Ok(())
}

pub fn schema_exists(conn: &mut PgConnection, schema_name: &str) -> QueryResult<bool> {
    let found: Count =
        diesel::sql_query("SELECT count(*) AS n FROM pg_namespace WHERE nspname = $1")
            .bind::<Text, _>(schema_name)
            .get_result(conn)?;
    Ok(found.n > 0)
}

fn session_settings(conn: &mut PgConnection) -> QueryResult<Vec<(String, String)>> {
    DUMP_SETTINGS
        .iter()
        .map(|name| {
            let row: TextRow = diesel::sql_query("SELECT current_setting($1) AS value")
                .bind::<Text, _>(*name)
                .get_result(conn)?;
            Ok(((*name).to_string(), row.value))
        })
        .collect()
}

/// Refreshes the planner's statistics of every table in the schema, after a bulk load.
pub fn analyze(conn: &mut PgConnection, schema_name: &str) -> QueryResult<()> {
    let statements: Vec<TextRow> = diesel::sql_query(
        "SELECT format('ANALYZE %I.%I', schemaname, tablename) AS value \
         FROM pg_tables WHERE schemaname = $1 ORDER BY tablename",
    )
    .bind::<Text, _>(schema_name)
    .load(conn)?;
    for statement in statements {
        diesel::sql_query(statement.value).execute(conn)?;
    }
    Ok(())
}
