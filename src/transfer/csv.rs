//! The export for people (`--format csv`): a zip with one CSV file per table of the
//! organization's schema and one per kind of its platform rows, each with a header row and
//! every value in PostgreSQL's own text form, and its files. What a customer leaving the
//! service takes along.

use diesel::prelude::*;

use super::archive::ArchiveWriter;
use super::{columns, ident, rows, tables, text_rows, TextRows, TransferError};
use crate::orgs::queries::Organization;

const README: &str = "This archive holds one organization's data as CSV files (UTF-8, comma \
separated, a header row first; an empty field is an empty value or none).\n\n\
organization/  one file per table of the organization's own data (sites, lifts, work orders…)\n\
platform/      the organization's entries in the shared platform: the organization itself, \
its people and their memberships, job listings and applications, marketplace listings and \
notifications\n\
files/         the files uploaded to the organization (photos, documents, résumés), under the \
names the storage_key, thumbnail_key and resume_file_key columns give\n\n\
Times are in UTC.\n";

/// Writes the CSV files of `org` to `writer`.
pub fn write(
    conn: &mut PgConnection,
    org: &Organization,
    writer: &mut ArchiveWriter,
) -> Result<(), TransferError> {
    writer.add("README.txt", README.as_bytes())?;
    for table in tables(conn, &org.schema_name)? {
        let header = columns(conn, &org.schema_name, &table)?;
        let source = format!("{}.{} t", ident(&org.schema_name), ident(&table));
        let rows = text_rows(conn, &header, &source, org.id)?;
        writer.add(
            &format!("organization/{table}.csv"),
            &to_csv(&header, &rows)?,
        )?;
    }
    for table in rows::all() {
        let (header, rows) = table.text_rows(conn, org.id)?;
        writer.add(
            &format!("platform/{}.csv", table.name),
            &to_csv(&header, &rows)?,
        )?;
    }
    Ok(())
}

fn to_csv(header: &[String], rows: &TextRows) -> Result<Vec<u8>, TransferError> {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(header)?;
    for row in rows {
        out.write_record(row.iter().map(|v| v.as_deref().unwrap_or("")))?;
    }
    out.into_inner()
        .map_err(|e| TransferError::Csv(e.into_error().into()))
}
