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

use serde::{Deserialize, Serialize};

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

/// What an organization's role may do with one table or sequence of its schema. The dump
/// carries no privileges (its roles do not exist here), so the exporting side lists its
/// role's, and the importing side grants them to the new role: what migrations took away
/// (UPDATE on the audit trail) stays away.
#[derive(Debug, Clone, Serialize, Deserialize, QueryableByName)]
pub struct Privileges {
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub sequence: bool,
    #[diesel(sql_type = diesel::sql_types::Array<Text>)]
    pub privileges: Vec<String>,
}

/// The privileges a grant read from an archive may name.
const GRANTABLE: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "TRUNCATE",
    "REFERENCES",
    "TRIGGER",
    "USAGE",
];

/// The privileges `org`'s role holds on the tables and sequences of its schema.
pub fn privileges(conn: &mut PgConnection, org: &Organization) -> QueryResult<Vec<Privileges>> {
    diesel::sql_query(
        "SELECT c.relname::text AS name, c.relkind = 'S' AS sequence, \
                array_agg(DISTINCT a.privilege_type ORDER BY a.privilege_type) AS privileges \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         CROSS JOIN LATERAL aclexplode(c.relacl) a \
         WHERE n.nspname = $1 AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $2) \
         GROUP BY c.relname, c.relkind ORDER BY c.relname",
    )
    .bind::<Text, _>(&org.schema_name)
    .bind::<Text, _>(&org.role_name)
    .load(conn)
}

#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("the archive's schema name “{0}” is not one of an organization")]
    SchemaName(String),
    #[error("the archive's privileges name “{0}”, which cannot be granted")]
    Privilege(String),
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
/// caller's transaction, as the schema of `org`, and gives `org`'s role the `granted` rights.
pub fn restore_schema_in(
    conn: &mut PgConnection,
    dump_sql: &str,
    dumped_schema: &str,
    org: &Organization,
    granted: &[Privileges],
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
    grant(conn, &target, org, granted)
}

fn grant(
    conn: &mut PgConnection,
    schema: &str,
    org: &Organization,
    granted: &[Privileges],
) -> Result<(), RestoreError> {
    let role = quote_ident(&org.role_name)
        .ok_or_else(|| RestoreError::SchemaName(org.role_name.clone()))?;
    for entry in granted {
        if let Some(bad) = entry
            .privileges
            .iter()
            .find(|p| !GRANTABLE.contains(&p.as_str()))
        {
            return Err(RestoreError::Privilege(bad.clone()));
        }
        if entry.privileges.is_empty() {
            continue;
        }
        let kind = if entry.sequence { "SEQUENCE" } else { "TABLE" };
        let name = format!("\"{}\"", entry.name.replace('"', "\"\""));
        diesel::sql_query(format!(
            "GRANT {} ON {kind} {schema}.{name} TO {role}",
            entry.privileges.join(", ")
        ))
        .execute(conn)?;
    }
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
