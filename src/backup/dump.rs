//! The database half of a backup: `pg_dump` in directory format under one snapshot, and its
//! restore as a single transaction.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Stdio};

use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use super::manifest::{io_at, OrganizationRole};
use super::tools::{PgTools, ServerVersion, Tool};
use super::BackupError;
use crate::db::migrations::{create_group_role_sql, ORG_GROUP_ROLE};
use crate::orgs::naming::quote_ident;
use crate::orgs::provision::default_privileges;

/// What the manifest records about the database, read in the snapshot that was dumped.
#[derive(Debug, Clone)]
pub struct DatabaseFacts {
    pub server: ServerVersion,
    pub platform_migration: Option<String>,
    pub organization_migration: Option<String>,
    pub organizations: Vec<OrganizationRole>,
}

#[derive(QueryableByName)]
struct Value {
    #[diesel(sql_type = Nullable<Text>)]
    value: Option<String>,
}

#[derive(QueryableByName)]
struct OrgRow {
    #[diesel(sql_type = Text)]
    schema_name: String,
    #[diesel(sql_type = Text)]
    role_name: String,
}

fn values(conn: &mut PgConnection, sql: &str) -> QueryResult<Vec<String>> {
    Ok(diesel::sql_query(sql)
        .load::<Value>(conn)?
        .into_iter()
        .filter_map(|v| v.value)
        .collect())
}

/// Dumps the database at `url` into `target` (which must not exist yet). The versions and
/// roles are read in a transaction whose snapshot pg_dump then uses, so a migration or a new
/// organization committed meanwhile is either in both the manifest and the dump, or in
/// neither.
pub fn dump(tools: &PgTools, url: &str, target: &Path) -> Result<DatabaseFacts, BackupError> {
    let mut conn = PgConnection::establish(url).map_err(|e| BackupError::Connect(e.to_string()))?;
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(|conn| {
            let snapshot = values(conn, "SELECT pg_export_snapshot() AS value")?
                .pop()
                .unwrap_or_default();
            let facts = read_facts(conn, tools.server.clone())?;
            let output = tools
                .connected(Tool::PgDump, url)
                .arg("--format=directory")
                .arg(format!("--snapshot={snapshot}"))
                .arg(format!("--file={}", target.display()))
                .stdin(Stdio::null())
                .output()
                .map_err(|e| tool_failed(Tool::PgDump, e.to_string()))?;
            if !output.status.success() {
                return Err(tool_failed(
                    Tool::PgDump,
                    String::from_utf8_lossy(&output.stderr).trim().to_string(),
                ));
            }
            Ok(facts)
        })
}

fn read_facts(
    conn: &mut PgConnection,
    server: ServerVersion,
) -> Result<DatabaseFacts, BackupError> {
    let has_platform = !values(
        conn,
        "SELECT 'yes' AS value FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relname = 'organizations'",
    )?
    .is_empty();
    let platform_migration = if has_platform {
        values(
            conn,
            "SELECT max(version)::text AS value FROM public.__diesel_schema_migrations",
        )?
        .pop()
    } else {
        None
    };
    let mut organization_migration: Option<String> = None;
    let org_schemas = values(
        conn,
        "SELECT n.nspname::text AS value FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relname = '__diesel_schema_migrations' AND n.nspname <> 'public'",
    )?;
    for schema in org_schemas.iter().filter_map(|s| quote_ident(s)) {
        let latest = values(
            conn,
            &format!("SELECT max(version)::text AS value FROM {schema}.__diesel_schema_migrations"),
        )?
        .pop();
        organization_migration = organization_migration.max(latest);
    }
    let organizations = if has_platform {
        diesel::sql_query(
            "SELECT o.schema_name, o.role_name FROM public.organizations o \
             WHERE EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = o.role_name) \
               AND EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = o.schema_name) \
             ORDER BY o.schema_name",
        )
        .load::<OrgRow>(conn)?
        .into_iter()
        .map(|row| OrganizationRole {
            schema: row.schema_name,
            role: row.role_name,
        })
        .collect()
    } else {
        Vec::new()
    };
    Ok(DatabaseFacts {
        server,
        platform_migration,
        organization_migration,
        organizations,
    })
}

fn tool_failed(tool: Tool, detail: String) -> BackupError {
    BackupError::ToolFailed {
        tool: tool.name(),
        detail,
    }
}

/// The statements around the dump's own script, run in its transaction: the roles first
/// (pg_dump does not dump roles, and the dump grants to them), and after the tables the
/// organizations' default privileges, made anew for the restoring user (the dump's name the
/// user that made the backup, who need not exist here).
fn framing(organizations: &[OrganizationRole]) -> Result<(String, String), BackupError> {
    let mut before = vec!["BEGIN".to_string(), create_group_role_sql()];
    let mut after = Vec::new();
    for org in organizations {
        let (Some(schema), Some(role)) = (quote_ident(&org.schema), quote_ident(&org.role)) else {
            return Err(BackupError::Manifest(
                super::manifest::MANIFEST.into(),
                format!(
                    "{:?} / {:?} is not an organization's schema and role",
                    org.schema, org.role
                ),
            ));
        };
        // The same role as provisioning makes (`orgs::provision`); on a server that already
        // has it (a restore beside the original database) it is reused.
        before.push(format!(
            "DO $$ BEGIN CREATE ROLE {role} LOGIN; \
             EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        ));
        before.push(format!("GRANT {ORG_GROUP_ROLE} TO {role}"));
        before.push(format!("GRANT {role} TO CURRENT_USER"));
        after.extend(default_privileges(&schema, &role));
    }
    after.push("COMMIT".to_string());
    let join = |statements: Vec<String>| statements.join(";\n") + ";\n";
    Ok((join(before), join(after)))
}

/// Restores the archive in `archive` into the database at `url` in one transaction, roles
/// included: when anything fails, nothing of it stays. `scratch` is an empty folder for the
/// archive's table of contents and the tools' messages.
pub fn restore(
    tools: &PgTools,
    url: &str,
    archive: &Path,
    organizations: &[OrganizationRole],
    scratch: &Path,
) -> Result<(), BackupError> {
    let list = scratch.join("restore.list");
    write_restore_list(tools, archive, &list)?;
    let (before, after) = framing(organizations)?;
    let psql_log = scratch.join("psql.log");
    let restore_log = scratch.join("pg_restore.log");
    let log_file = |path: &Path| fs::File::create(path).map_err(io_at(path));
    // pg_restore writes the archive as an SQL script (no server connection) that psql runs
    // between our BEGIN and COMMIT; pg_restore cannot wrap its script in statements of ours.
    let mut script = tools
        .offline(Tool::PgRestore)
        .arg("--no-owner")
        .arg("--file=-")
        .arg(format!("--use-list={}", list.display()))
        .arg(archive)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file(&restore_log)?)
        .spawn()
        .map_err(|e| tool_failed(Tool::PgRestore, e.to_string()))?;
    let mut psql = tools
        .connected(Tool::Psql, url)
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(log_file(&psql_log)?)
        .spawn()
        .map_err(|e| tool_failed(Tool::Psql, e.to_string()))?;
    let fed = feed(&mut script, &mut psql, &before, &after);
    let script_status = script
        .wait()
        .map_err(|e| tool_failed(Tool::PgRestore, e.to_string()))?;
    let psql_status = psql
        .wait()
        .map_err(|e| tool_failed(Tool::Psql, e.to_string()))?;
    let log = |path: &Path| {
        fs::read_to_string(path)
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    // psql stopping at an error also stops pg_restore (its pipe closes): name psql's error.
    if !psql_status.success() {
        return Err(tool_failed(Tool::Psql, last_lines(&log(&psql_log))));
    }
    if !script_status.success() {
        return Err(tool_failed(Tool::PgRestore, log(&restore_log)));
    }
    fed.map_err(|e| tool_failed(Tool::Psql, e.to_string()))
}

/// Streams `before`, the script and — only when pg_restore finished well — `after` (which
/// commits) into psql. Closing psql's input without a COMMIT ends the session and so rolls
/// everything back.
fn feed(script: &mut Child, psql: &mut Child, before: &str, after: &str) -> std::io::Result<()> {
    let (Some(mut input), Some(mut output)) = (psql.stdin.take(), script.stdout.take()) else {
        return Err(std::io::Error::other("the tools' pipes were not opened"));
    };
    input.write_all(before.as_bytes())?;
    std::io::copy(&mut output, &mut input)?;
    drop(output);
    if script.wait()?.success() {
        input.write_all(after.as_bytes())?;
    }
    Ok(())
}

/// The archive's table of contents without its default privileges, which name the backed-up
/// installation's database user; [`framing`] makes them for the restoring user instead.
fn write_restore_list(tools: &PgTools, archive: &Path, list: &Path) -> Result<(), BackupError> {
    let output = tools
        .offline(Tool::PgRestore)
        .arg("--list")
        .arg(archive)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| tool_failed(Tool::PgRestore, e.to_string()))?;
    if !output.status.success() {
        return Err(tool_failed(
            Tool::PgRestore,
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ));
    }
    let entries: String = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| !line.contains(" DEFAULT ACL "))
        .map(|line| format!("{line}\n"))
        .collect();
    fs::write(list, entries).map_err(io_at(list))
}

/// The end of a tool's messages: the first error is what matters, and psql stops there.
fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(8)..].join("\n")
}
