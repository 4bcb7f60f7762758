//! Writing one organization to an archive (or, for people, to CSV files).

use std::collections::BTreeSet;
use std::path::Path;

use diesel::prelude::*;
use diesel::sql_types::{Array, Text};

use super::archive::{ArchiveWriter, ExportedOrganization, Manifest, FORMAT_VERSION, PRIVILEGES};
use super::rows::{self, FILE_KEY_COLUMNS};
use super::tools::dump_schema;
use super::{applied_migration, without_time_limits, Format, TransferError};
use crate::backup::tools::ServerVersion;
use crate::db::bootstrap::Database;
use crate::db::TextRow;
use crate::orgs::queries::{self, Organization};
use crate::orgs::restore;
use crate::storage::FileStore;

/// What an export wrote.
#[derive(Debug)]
pub struct ExportSummary {
    pub organization: String,
    /// Entries in the file: tables, row sets and stored files.
    pub entries: usize,
    pub files: usize,
    /// Stored files the organization's rows name that were not in the file store.
    pub missing_files: Vec<String>,
    pub bytes: u64,
}

/// Writes the organization `slug` of `database` to `to`, with its files from `files`.
pub fn export(
    database: &Database,
    files: &dyn FileStore,
    slug: &str,
    to: &Path,
    format: Format,
) -> Result<ExportSummary, TransferError> {
    let mut conn = database.db.get()?;
    let org = queries::find_by_slug(&mut conn, slug)?
        .ok_or_else(|| TransferError::NoSuchOrganization(slug.to_string()))?;
    let mut writer = ArchiveWriter::create(to)?;
    // One snapshot for everything read, pg_dump's included, so the schema and the platform
    // rows agree even while people keep working.
    let outcome = conn
        .build_transaction()
        .repeatable_read()
        .read_only()
        .run(|conn| {
            without_time_limits(conn)?;
            match format {
                Format::Archive => write_archive(database, conn, &org, &mut writer)?,
                Format::Csv => super::csv::write(conn, &org, &mut writer)?,
            }
            let (stored, missing) = add_files(conn, &org, files, &mut writer)?;
            let manifest = match format {
                Format::Archive => Some(manifest(conn, &org, &writer)?),
                Format::Csv => None,
            };
            Ok((stored, missing, manifest))
        });
    let (stored, missing_files, manifest) = match outcome {
        Ok(outcome) => outcome,
        Err(e) => {
            writer.abandon();
            return Err(e);
        }
    };
    let entries = writer.entries().len();
    writer.finish(manifest.as_ref())?;
    let bytes = std::fs::metadata(to)
        .map_err(|e| TransferError::io(to, e))?
        .len();
    Ok(ExportSummary {
        organization: org.slug,
        entries,
        files: stored,
        missing_files,
        bytes,
    })
}

fn write_archive(
    database: &Database,
    conn: &mut PgConnection,
    org: &Organization,
    writer: &mut ArchiveWriter,
) -> Result<(), TransferError> {
    let server = ServerVersion::of(conn).map_err(|e| TransferError::PgDump(e.to_string()))?;
    let snapshot: TextRow =
        diesel::sql_query("SELECT pg_export_snapshot() AS value").get_result(conn)?;
    let dump = dump_schema(database, server, &org.schema_name, &snapshot.value)?;
    writer.add("schema.sql", &dump)?;
    let privileges = restore::privileges(conn, org)?;
    writer.add(PRIVILEGES, &serde_json::to_vec_pretty(&privileges)?)?;
    for table in rows::all() {
        let json = table.json(conn, org.id)?;
        writer.add(&format!("rows/{}.json", table.name), json.as_bytes())?;
    }
    Ok(())
}

/// Adds the organization's stored files under `files/`; returns how many, and the keys its
/// rows name that the store does not have.
fn add_files(
    conn: &mut PgConnection,
    org: &Organization,
    files: &dyn FileStore,
    writer: &mut ArchiveWriter,
) -> Result<(usize, Vec<String>), TransferError> {
    let mut keys = schema_file_keys(conn, org)?;
    for table in rows::DEPENDENT {
        let rows: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&table.json(conn, org.id)?)?;
        for row in rows {
            for column in FILE_KEY_COLUMNS {
                if let Some(serde_json::Value::String(key)) = row.get(*column) {
                    keys.insert(key.clone());
                }
            }
        }
    }
    let mut missing = Vec::new();
    let mut stored = 0;
    for key in &keys {
        match files.get(key)? {
            Some(bytes) => {
                writer.add(&format!("files/{key}"), &bytes)?;
                stored += 1;
            }
            None => missing.push(key.clone()),
        }
    }
    Ok((stored, missing))
}

/// The file-store keys named by the rows of the organization's schema.
fn schema_file_keys(conn: &mut PgConnection, org: &Organization) -> QueryResult<BTreeSet<String>> {
    let in_schema: Vec<TextRow> = diesel::sql_query(
        "SELECT format('SELECT %I::text AS value FROM %I.%I WHERE %I IS NOT NULL', \
                       a.attname, n.nspname, c.relname, a.attname) AS value \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 \
           AND NOT a.attisdropped AND a.attname = ANY($2)",
    )
    .bind::<Text, _>(&org.schema_name)
    .bind::<Array<Text>, _>(FILE_KEY_COLUMNS)
    .load(conn)?;
    let mut keys = BTreeSet::new();
    for query in in_schema {
        let found: Vec<TextRow> = diesel::sql_query(query.value).load(conn)?;
        keys.extend(found.into_iter().map(|row| row.value));
    }
    Ok(keys)
}

fn manifest(
    conn: &mut PgConnection,
    org: &Organization,
    writer: &ArchiveWriter,
) -> Result<Manifest, TransferError> {
    Ok(Manifest {
        format_version: FORMAT_VERSION,
        sitesync_version: env!("CARGO_PKG_VERSION").to_string(),
        org_migration: applied_migration(conn, &org.schema_name)?,
        public_migration: applied_migration(conn, "public")?,
        exported_at: chrono::Utc::now(),
        organization: ExportedOrganization {
            id: org.id,
            slug: org.slug.clone(),
            name: org.name.clone(),
            schema_name: org.schema_name.clone(),
        },
        entries: writer.entries().clone(),
    })
}
