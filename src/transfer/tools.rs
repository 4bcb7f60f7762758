//! Finding and running `pg_dump` of a version that can dump the server at hand.
//!
//! `pg_dump` refuses a server of a newer major version than its own, and one much newer than
//! the server writes SQL the server may not read; so the tool of the server's own major version
//! is preferred (Debian keeps each under `/usr/lib/postgresql/<major>/bin`), then any newer one.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::TransferError;

/// A `pg_dump` and the major version it reports.
#[derive(Debug, Clone)]
pub struct PgDump {
    pub path: PathBuf,
    pub major: u32,
}

/// The `pg_dump` to use for a server of major version `server_major`.
pub fn find_pg_dump(server_major: u32) -> Result<PgDump, TransferError> {
    find_in(
        server_major,
        std::env::var_os("PATH"),
        Path::new("/usr/lib/postgresql"),
    )
}

pub fn find_in(
    server_major: u32,
    path: Option<OsString>,
    versions_root: &Path,
) -> Result<PgDump, TransferError> {
    let mut candidates = vec![versions_root
        .join(server_major.to_string())
        .join("bin/pg_dump")];
    if let Some(path) = &path {
        candidates.extend(std::env::split_paths(path).map(|dir| dir.join("pg_dump")));
    }
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir(versions_root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin/pg_dump")))
        })
        .filter(|(version, _)| *version > server_major)
        .collect();
    versioned.sort_by_key(|(version, _)| *version);
    candidates.extend(versioned.into_iter().map(|(_, tool)| tool));
    let usable: Vec<PgDump> = candidates
        .into_iter()
        .filter(|tool| tool.is_file())
        .filter_map(|tool| {
            let major = major_of(&tool)?;
            (major >= server_major).then_some(PgDump { path: tool, major })
        })
        .collect();
    usable
        .iter()
        .find(|tool| tool.major == server_major)
        .or_else(|| usable.iter().min_by_key(|tool| tool.major))
        .cloned()
        .ok_or(TransferError::PgDumpNotFound(server_major))
}

/// The major version `pg_dump --version` reports ("pg_dump (PostgreSQL) 15.18 (Debian …)").
fn major_of(tool: &Path) -> Option<u32> {
    let output = Command::new(tool).arg("--version").output().ok()?;
    parse_major(&String::from_utf8_lossy(&output.stdout))
}

pub fn parse_major(version_line: &str) -> Option<u32> {
    let version = version_line
        .split_whitespace()
        .find(|word| word.starts_with(|c: char| c.is_ascii_digit()))?;
    version.split('.').next()?.parse().ok()
}

impl PgDump {
    /// The schema `schema_name` of the database at `url` as plain SQL: no owners and no grants
    /// (the importing installation has its own roles), rows as multi-row INSERT statements, so
    /// the whole dump runs as ordinary statements inside the importer's transaction.
    /// `snapshot` is one exported by the caller's transaction, so both read the same data.
    pub fn dump_schema(
        &self,
        url: &str,
        schema_name: &str,
        snapshot: &str,
    ) -> Result<Vec<u8>, TransferError> {
        let output = Command::new(&self.path)
            .args([
                "--format=plain",
                "--no-owner",
                "--no-privileges",
                "--rows-per-insert=500",
                "--snapshot",
                snapshot,
                "--schema",
                schema_name,
                "--dbname",
                url,
            ])
            .output()
            .map_err(|e| TransferError::PgDump(format!("{}: {e}", self.path.display())))?;
        if !output.status.success() {
            return Err(TransferError::PgDump(
                String::from_utf8_lossy(&output.stderr).trim().to_string(),
            ));
        }
        Ok(output.stdout)
    }
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
    fn reads_the_major_version() {
        assert_eq!(
            parse_major("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"),
            Some(15)
        );
        assert_eq!(parse_major("pg_dump (PostgreSQL) 17.2"), Some(17));
        assert_eq!(parse_major("nothing"), None);
    }

    #[test]
    fn strips_only_the_dumps_own_meta_commands() {
        let dump = "\\restrict abc\nSET x = 1;\nINSERT INTO t VALUES ('a\n\\unrestrict zzz\n');\n\\unrestrict abc\n";
        assert_eq!(
            without_meta_commands(dump),
            "SET x = 1;\nINSERT INTO t VALUES ('a\n\\unrestrict zzz\n');\n"
        );
        assert_eq!(without_meta_commands("SELECT 1;\n"), "SELECT 1;\n");
    }

    #[test]
    fn no_tool_names_the_version_needed() {
        let error = find_in(99, Some("".into()), Path::new("/nonexistent")).expect_err("none");
        assert!(error.to_string().contains("99"), "{error}");
    }
}
