//! One organization out, one organization in: `sitesync org export` writes an organization
//! (its schema, the platform rows that belong to it and its files) to one archive, and
//! `sitesync org import` recreates it on another installation, or beside itself under a new
//! slug. `--format csv` writes the same data as CSV files for people, not for import.

pub mod archive;
pub mod csv;
mod export;
mod import;
pub mod rows;
pub mod tools;

use std::path::{Path, PathBuf};

use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, Nullable, Text};

pub use export::{export, ExportSummary};
pub use import::{import, ImportSummary};

use crate::db::migrations::{ORG, PUBLIC};
use crate::db::TextRow;
use crate::orgs::provision::CreateError;
use crate::orgs::restore::RestoreError;
use crate::storage::StorageError;

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The archive `org import` reads.
    Archive,
    /// A zip of CSV files, one per table, for people.
    Csv,
}

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("no organization has the slug “{0}”")]
    NoSuchOrganization(String),
    #[error("an organization with the slug “{0}” already exists here; choose another with --slug")]
    SlugTaken(String),
    #[error("the slug “{slug}” cannot be used: {reason}")]
    Slug { slug: String, reason: String },
    #[error("pg_dump failed: {0}")]
    PgDump(String),
    #[error("the archive is damaged: {0}")]
    Damaged(String),
    #[error("the archive is damaged: the checksum of {0} does not match its manifest")]
    Checksum(String),
    #[error("the archive was made by a newer SiteSync ({what}); upgrade this installation first")]
    Newer { what: String },
    #[error("file system error on {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("archive error: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("archive contents: {0}")]
    Json(#[from] serde_json::Error),
    #[error("file store: {0}")]
    Storage(#[from] StorageError),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("{0}")]
    Unavailable(#[from] crate::db::Unavailable),
    #[error("{0}")]
    Provision(#[from] CreateError),
    #[error("{0}")]
    Restore(#[from] RestoreError),
    #[error("{0}")]
    Migration(#[from] crate::db::migrations::MigrationError),
    #[error("{0}")]
    Csv(#[from] ::csv::Error),
}

impl TransferError {
    fn io(path: &Path, source: std::io::Error) -> TransferError {
        TransferError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Lifts the pool's per-statement and idle-in-transaction limits for the caller's
/// transaction: an export or import of a large organization is one long transaction that
/// also waits on pg_dump and the file store.
fn without_time_limits(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query(
        "SELECT set_config('statement_timeout', '0', true), \
                set_config('idle_in_transaction_session_timeout', '0', true)",
    )
    .execute(conn)
    .map(|_| ())
}

/// A name from the catalog as an SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The columns of `schema.table` a row can be written to (generated ones left out), in order.
fn columns(conn: &mut PgConnection, schema: &str, table: &str) -> QueryResult<Vec<String>> {
    let rows: Vec<TextRow> = diesel::sql_query(
        "SELECT a.attname::text AS value FROM pg_attribute a \
         WHERE a.attrelid = to_regclass(format('%I.%I', $1, $2)) \
           AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' \
         ORDER BY a.attnum",
    )
    .bind::<Text, _>(schema)
    .bind::<Text, _>(table)
    .load(conn)?;
    Ok(rows.into_iter().map(|row| row.value).collect())
}

#[derive(QueryableByName)]
struct TextArray {
    #[diesel(sql_type = Array<Nullable<Text>>)]
    value: Vec<Option<String>>,
}

/// Rows of values in PostgreSQL's text form (`None` for NULL).
pub type TextRows = Vec<Vec<Option<String>>>;

/// The rows `source` (a FROM clause naming its table `t`; `$1` is the organization's id) gives,
/// `columns` in PostgreSQL's text form, ordered by the first column.
fn text_rows(
    conn: &mut PgConnection,
    columns: &[String],
    source: &str,
    org_id: uuid::Uuid,
) -> QueryResult<TextRows> {
    let Some(first) = columns.first() else {
        return Ok(Vec::new());
    };
    let values: Vec<String> = columns
        .iter()
        .map(|c| format!("t.{}::text", ident(c)))
        .collect();
    let rows: Vec<TextArray> = diesel::sql_query(format!(
        "SELECT ARRAY[{}]::text[] AS value FROM {source} ORDER BY t.{}",
        values.join(", "),
        ident(first)
    ))
    .bind::<diesel::sql_types::Uuid, _>(org_id)
    .load(conn)?;
    Ok(rows.into_iter().map(|row| row.value).collect())
}

/// The tables of a schema, by name, without Diesel's migration ledger.
fn tables(conn: &mut PgConnection, schema: &str) -> QueryResult<Vec<String>> {
    let rows: Vec<TextRow> = diesel::sql_query(
        "SELECT tablename::text AS value FROM pg_tables \
         WHERE schemaname = $1 AND tablename <> '__diesel_schema_migrations' ORDER BY tablename",
    )
    .bind::<Text, _>(schema)
    .load(conn)?;
    Ok(rows.into_iter().map(|row| row.value).collect())
}

/// The newest migration applied in `schema`, as Diesel records it ("20261205100100").
fn applied_migration(conn: &mut PgConnection, schema: &str) -> QueryResult<String> {
    let row: TextRow = diesel::sql_query(format!(
        "SELECT coalesce(max(version), '')::text AS value FROM {}.__diesel_schema_migrations",
        ident(schema)
    ))
    .get_result(conn)?;
    Ok(row.value)
}

/// The newest migration of a set this build carries.
fn known_migration(source: &dyn MigrationSource<Pg>) -> String {
    source
        .migrations()
        .unwrap_or_default()
        .iter()
        .map(|migration| migration.name().version().to_string())
        .max()
        .unwrap_or_default()
}

fn known_org_migration() -> String {
    known_migration(&ORG)
}

fn known_public_migration() -> String {
    known_migration(&PUBLIC)
}

/// Whether version `a` ("1.2.3") is newer than `b`, comparing numbers part by part.
fn newer_version(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> {
        v.split(['.', '-', '+'])
            .map_while(|part| part.parse().ok())
            .collect()
    };
    parts(a) > parts(b)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_number() {
        assert!(newer_version("0.10.0", "0.9.3"));
        assert!(newer_version("1.0.0", "0.1.0"));
        assert!(!newer_version("0.1.0", "0.1.0"));
        assert!(!newer_version("0.1.0", "0.2.0"));
    }

    #[test]
    fn this_build_knows_its_migrations() {
        assert_eq!(known_org_migration().len(), 14, "{}", known_org_migration());
        assert!(known_public_migration().as_str() > "2026");
    }
}
