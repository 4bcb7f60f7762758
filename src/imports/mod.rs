//! CSV files in and out: reading an upload (header names matched loosely, UTF-8 with or without
//! BOM, quoted fields with commas and newlines) and writing exports that spreadsheets cannot
//! mistake for formulas. What the rows mean is up to the feature (sites, lifts).

pub mod routes;

use std::collections::HashMap;

pub const MAX_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_ROWS: usize = 10_000;

/// One data row: its line in the file and its cells by normalised header name.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    cells: HashMap<String, String>,
}

impl Row {
    /// The cell under `column` (normalised name), trimmed; empty when absent.
    pub fn get(&self, column: &str) -> String {
        self.cells
            .get(column)
            .map(|v| unescape(v.trim()))
            .unwrap_or_default()
    }

    pub fn has(&self, column: &str) -> bool {
        self.cells.contains_key(column)
    }

    pub fn columns(&self) -> impl Iterator<Item = &String> {
        self.cells.keys()
    }
}

#[derive(Debug)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// "Site Code", " site_code ", "SITE-CODE" all become `site_code`.
pub fn normalize_header(header: &str) -> String {
    let mut out = String::new();
    for c in header.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Reads an uploaded CSV file, refusing what is too large, not UTF-8 or not CSV.
pub fn parse(bytes: &[u8]) -> Result<Table, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "The file is larger than {} MB.",
            MAX_BYTES / 1024 / 1024
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.".to_string()
    })?;
    if text.trim().is_empty() {
        return Err("The file is empty.".into());
    }
    // PostgreSQL text cannot hold NUL, and no spreadsheet writes it into a CSV file.
    if text.contains('\0') {
        return Err("The file contains a NUL character, so it is not a CSV text file.".into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("The header row could not be read: {e}"))?
        .iter()
        .map(normalize_header)
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err("The first row must name the columns.".into());
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("The file is not valid CSV: {e}"))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(format!(
                "The file has more than {MAX_ROWS} rows; split it into smaller files."
            ));
        }
        // The reader counts lines from the header as 0; people count the header as line 1.
        let line = record.position().map(|p| p.line() + 1).unwrap_or(0);
        let cells = headers
            .iter()
            .zip(record.iter())
            .filter(|(h, _)| !h.is_empty())
            .map(|(h, v)| (h.clone(), v.to_string()))
            .collect();
        rows.push(Row { line, cells });
    }
    if rows.is_empty() {
        return Err("The file has a header row but no data rows.".into());
    }
    Ok(Table { headers, rows })
}

fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
}

/// A cell a spreadsheet could run as a formula gets a leading apostrophe (plain numbers such
/// as a negative latitude are left alone).
pub fn neutralize(cell: &str) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undoes [`neutralize`] when one of our exports is imported again.
fn unescape(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => cell.to_string(),
    }
}

/// Writes rows as CSV text with every cell neutralised.
pub fn write(
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(headers)?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| neutralize(cell)))?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// What importing one row will do.
#[derive(Debug, Clone)]
pub enum Action {
    New,
    Update,
    Error(String),
}

/// One row of an import preview.
#[derive(Debug, Clone)]
pub struct Planned {
    pub line: u64,
    pub label: String,
    pub action: Action,
}

impl Planned {
    pub fn is_error(&self) -> bool {
        matches!(self.action, Action::Error(_))
    }
}

/// A planned row and, when it can be applied, what to write: the existing record to update
/// (or `None` for a new one) and its checked values.
pub struct RowPlan<V> {
    pub planned: Planned,
    pub write: Option<(Option<uuid::Uuid>, V)>,
}

impl<V> RowPlan<V> {
    pub fn refused(planned: Planned) -> RowPlan<V> {
        RowPlan {
            planned,
            write: None,
        }
    }
}

/// Writes every applicable row with `write` (which returns the record's id and a name for the
/// trail) and audits each as `<entity>_created` / `<entity>_updated`. The caller has checked
/// that no row is in error; everything happens in the caller's transaction.
pub fn apply<V: serde::Serialize>(
    conn: &mut diesel::PgConnection,
    actor: &crate::orgs::context::Actor,
    entity: &str,
    plans: Vec<RowPlan<V>>,
    mut write: impl FnMut(
        &mut diesel::PgConnection,
        Option<uuid::Uuid>,
        &V,
    ) -> Result<(uuid::Uuid, String), crate::web::AppError>,
) -> Result<(usize, usize), crate::web::AppError> {
    let (mut created, mut updated) = (0, 0);
    for plan in plans {
        let Some((target, values)) = plan.write else {
            continue;
        };
        let (id, name) = write(conn, target, &values)?;
        let event = if target.is_some() {
            "updated"
        } else {
            "created"
        };
        crate::audit::record(
            conn,
            actor,
            crate::audit::AuditEvent::new(&format!("{entity}_{event}"), entity, id)
                .data(serde_json::json!({ "name": name, "source": "csv import", "line": plan.planned.line }))
                .change(None, serde_json::to_value(&values).ok()),
        )?;
        if target.is_some() {
            updated += 1;
        } else {
            created += 1;
        }
    }
    Ok((created, updated))
}

/// A documented column of an import file.
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    pub meaning: &'static str,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_bom_quotes_and_loose_headers() {
        let file = "\u{FEFF}Site Code, NAME ,City\r\nHT-1,\"Harbour Tower, North\",Sydney\r\nQV,\"Queen\nVictoria\",\"Melbourne\"\r\n,,\r\n";
        let table = parse(file.as_bytes()).unwrap();
        assert_eq!(table.headers, vec!["site_code", "name", "city"]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].get("name"), "Harbour Tower, North");
        assert_eq!(table.rows[1].get("name"), "Queen\nVictoria");
        assert_eq!((table.rows[0].line, table.rows[1].line), (2, 3));
    }

    #[test]
    fn refuses_bad_files() {
        assert!(parse(b"").is_err());
        assert!(parse(b"name\n").is_err());
        assert!(parse(&[0xff, 0xfe, 0x00]).is_err());
        let big = format!("name\n{}", "x\n".repeat(MAX_ROWS + 1));
        assert!(parse(big.as_bytes()).unwrap_err().contains("more than"));
    }

    #[test]
    fn formulas_are_neutralized_and_round_trip() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("+61 2 5550 1234"), "'+61 2 5550 1234");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("\tx"), "'\tx");
        assert_eq!(neutralize("-33.8688"), "-33.8688");
        assert_eq!(neutralize("-2+3"), "'-2+3");
        assert_eq!(unescape("'=1+1"), "=1+1");
        assert_eq!(unescape("'quoted"), "'quoted");
    }
}
