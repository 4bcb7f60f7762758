//! `sitesync migrate`: the platform tables, then every organization's schema.

use std::process::ExitCode;

use sitesync::config::Config;
use sitesync::db::bootstrap::Database;
use sitesync::orgs::migrate;

use super::{fail, open};

pub fn migrate(config: Config, jobs: usize) -> ExitCode {
    let database = match open(
        &Config {
            pool_size: jobs as u32 + 1,
            ..config
        },
        "sitesync migrate",
    ) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let outcome = run_migrations(&database, jobs);
    database.close();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// Migrates public, then every org schema; names each schema that failed.
pub fn run_migrations(database: &Database, jobs: usize) -> Result<(), String> {
    let mut conn = database.db.get().map_err(|e| e.to_string())?;
    migrate::platform(&mut conn).map_err(|e| format!("platform migrations: {e}"))?;
    drop(conn);
    let report = migrate::all(&database.db, jobs).map_err(|e| e.to_string())?;
    println!("migrated {} organization schema(s)", report.migrated.len());
    for (schema, error) in &report.failed {
        eprintln!("schema {schema} failed: {error}");
    }
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} schema(s) failed to migrate",
            report.failed.len()
        ))
    }
}
