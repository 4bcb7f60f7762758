//! `sitesync migrate`: the platform tables, then every organization's schema; `--check`
//! only lists what is pending.

use std::process::ExitCode;

use diesel::{Connection, PgConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};
use sitesync::config::Config;
use sitesync::db::bootstrap::Database;
use sitesync::db::{migrations, PoolOptions, PooledConn};
use sitesync::orgs::{self, migrate, queries, As, OrgHandle, TenancyError};

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

/// Why a schema could not be checked, or (as [`CheckError::Found`]) what it found: carrying
/// the answer as the transaction's error rolls back whatever Diesel set up to find it.
#[derive(Debug, thiserror::Error)]
enum CheckError {
    #[error("{0}")]
    Database(#[from] diesel::result::Error),
    #[error("{0}")]
    Tenancy(#[from] TenancyError),
    #[error("{0}")]
    Migrations(String),
    #[error("pending migrations found")]
    Found(Vec<String>),
}

/// The names of `source`'s migrations that the schema the transaction points at lacks.
/// Diesel creates its bookkeeping table when it is missing, hence the rolled-back transaction.
fn pending_names(conn: &mut PgConnection, source: EmbeddedMigrations) -> CheckError {
    match conn.pending_migrations(source) {
        Ok(pending) => CheckError::Found(pending.iter().map(|m| m.name().to_string()).collect()),
        Err(e) => CheckError::Migrations(e.to_string()),
    }
}

fn found(outcome: Result<(), CheckError>) -> Result<Vec<String>, CheckError> {
    match outcome {
        Err(CheckError::Found(names)) => Ok(names),
        Err(e) => Err(e),
        Ok(()) => Ok(Vec::new()),
    }
}

fn pending_platform(conn: &mut PooledConn) -> Result<Vec<String>, CheckError> {
    found(conn.transaction(|conn| {
        orgs::platform_tables(conn)?;
        Err(pending_names(conn, migrations::PUBLIC))
    }))
}

fn pending_organization(conn: &mut PooledConn, org: &OrgHandle) -> Result<Vec<String>, CheckError> {
    found(orgs::enter_acting(conn, org, As::Platform, |conn| {
        Err(pending_names(conn, migrations::ORG))
    }))
}

/// One line of the report: `public: 2 pending (a, b)` or `org_acme: up to date`.
fn report(schema: &str, pending: &[String]) {
    if pending.is_empty() {
        println!("{schema}: up to date");
    } else {
        println!(
            "{schema}: {} pending ({})",
            pending.len(),
            pending.join(", ")
        );
    }
}

/// `sitesync migrate --check`: lists what `migrate` would apply, schema by schema, applying
/// nothing. Exits 1 when anything is pending, 0 when nothing is, 2 when the database or a
/// schema could not be checked (so a deploy script never mistakes an outage for pending work).
pub fn check(config: Config) -> ExitCode {
    let options = PoolOptions::from_config(&config, "sitesync migrate --check");
    let database = match Database::open(&config, options) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = check_all(&database);
    database.close();
    match outcome {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Reports every schema; returns how many have pending migrations.
fn check_all(database: &Database) -> Result<usize, String> {
    let mut conn = database.db.get().map_err(|e| e.to_string())?;
    let platform = pending_platform(&mut conn).map_err(|e| format!("public: {e}"))?;
    report("public", &platform);
    let orgs = match queries::all_handles(&mut conn) {
        Ok(orgs) => orgs,
        // The registry itself may be among the pending platform migrations.
        Err(_) if !platform.is_empty() => {
            println!("organization schemas: checked once the platform tables are migrated");
            return Ok(1);
        }
        Err(e) => return Err(format!("listing the organizations: {e}")),
    };
    let mut behind = usize::from(!platform.is_empty());
    let mut failed = Vec::new();
    for org in &orgs {
        match pending_organization(&mut conn, org) {
            Ok(pending) => {
                report(&org.schema_name, &pending);
                behind += usize::from(!pending.is_empty());
            }
            Err(e) => failed.push(format!("{}: {e}", org.schema_name)),
        }
    }
    if failed.is_empty() {
        Ok(behind)
    } else {
        Err(format!("could not check {}", failed.join("; ")))
    }
}
