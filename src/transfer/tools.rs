//! One organization's schema as SQL, from `pg_dump` of the server's own major version.

use crate::backup::tools::{PgTools, ServerVersion, Tool};
use crate::db::bootstrap::Database;

use super::TransferError;

/// The schema `schema_name` of `database` as plain SQL: no owners and no grants (the importing
/// installation has its own roles), rows as multi-row INSERT statements, so the whole dump runs
/// as ordinary statements inside the importer's transaction. `snapshot` is one exported by the
/// caller's transaction, so both read the same data. `pg_dump` is the server's own major
/// version's (see `backup::tools`).
pub fn dump_schema(
    database: &Database,
    server: ServerVersion,
    schema_name: &str,
    snapshot: &str,
) -> Result<Vec<u8>, TransferError> {
    let tools = PgTools::find(server, database.cluster().map(|c| c.binaries()))
        .map_err(|e| TransferError::PgDump(e.to_string()))?;
    let output = tools
        .connected(Tool::PgDump, &database.url)
        .args([
            "--format=plain",
            "--no-owner",
            "--no-privileges",
            "--rows-per-insert=500",
            "--snapshot",
            snapshot,
            "--schema",
            schema_name,
        ])
        .output()
        .map_err(|e| {
            TransferError::PgDump(format!("{}: {e}", tools.path(Tool::PgDump).display()))
        })?;
    if !output.status.success() {
        return Err(TransferError::PgDump(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ));
    }
    Ok(output.stdout)
}

/// A plain dump without the psql meta-commands recent `pg_dump`s wrap it in (`\restrict KEY`
/// … `\unrestrict KEY`): the dump is run as SQL, not through psql. Only those two lines, with
/// the dump's own key, are taken out; nothing inside the data is touched.
pub fn without_meta_commands(dump: &str) -> String {
    let Some(key) = dump
        .lines()
        .find_map(|line| line.strip_prefix("\\restrict "))
        .map(str::trim)
    else {
        return dump.to_string();
    };
    let opening = format!("\\restrict {key}");
    let closing = format!("\\unrestrict {key}");
    let mut kept = String::with_capacity(dump.len());
    let mut opened = false;
    for line in dump.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if (!opened && bare == opening) || (opened && bare == closing) {
            opened = true;
            continue;
        }
        kept.push_str(line);
    }
    kept
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn strips_only_the_dumps_own_meta_commands() {
        let dump = "\\restrict abc\nSET x = 1;\nINSERT INTO t VALUES ('a\n\\unrestrict zzz\n');\n\\unrestrict abc\n";
        assert_eq!(
            without_meta_commands(dump),
            "SET x = 1;\nINSERT INTO t VALUES ('a\n\\unrestrict zzz\n');\n"
        );
        assert_eq!(without_meta_commands("SELECT 1;\n"), "SELECT 1;\n");
    }
}
