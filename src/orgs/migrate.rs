//! Where migrations run: the platform tables once, then every organization's schema, each
//! entered through the one door as the platform (the connection's own role).

use std::sync::Mutex;

use diesel::prelude::*;

use super::door::{self, As};
use super::handle::OrgHandle;
use super::queries;
use crate::db::migrations::{self, MigrationError};
use crate::db::{Db, PooledConn, SchemaLedger};

/// Applies pending platform migrations and refreshes the org group's grants.
pub fn platform(conn: &mut PgConnection) -> Result<(), MigrationError> {
    conn.transaction(|conn| {
        door::platform_tables(conn)?;
        migrations::apply_public(conn)
    })
}

/// Applies pending org migrations to `org` inside the caller's transaction (provisioning).
pub fn organization_in(
    conn: &mut PgConnection,
    ledger: &SchemaLedger,
    org: &OrgHandle,
) -> Result<(), MigrationError> {
    door::enter_in(conn, ledger, org, As::Platform)?;
    migrations::apply_org(conn, &org.schema_name)
}

/// Applies pending org migrations to `org` in a transaction of its own.
pub fn organization(conn: &mut PooledConn, org: &OrgHandle) -> Result<(), MigrationError> {
    door::enter_acting(conn, org, As::Platform, |conn| {
        migrations::apply_org(conn, &org.schema_name)
    })
}

impl From<super::TenancyError> for MigrationError {
    fn from(e: super::TenancyError) -> Self {
        match e {
            super::TenancyError::Database(e) => MigrationError::Database(e),
            other => MigrationError::Migration(other.to_string()),
        }
    }
}

/// The outcome of migrating every org schema.
#[derive(Debug, Default)]
pub struct Report {
    pub migrated: Vec<String>,
    pub failed: Vec<(String, String)>,
}

/// Migrates every organization's schema with `jobs` connections at once. A schema that fails
/// is reported and the others carry on. Each schema takes its own checkout, so connections
/// that entered too many schemas are replaced on the way.
pub fn all(db: &Db, jobs: usize) -> Result<Report, MigrationError> {
    let orgs: Vec<OrgHandle> = {
        let mut conn = db
            .get()
            .map_err(|e| MigrationError::Migration(e.to_string()))?;
        queries::all_handles(&mut conn)?
    };
    let queue = Mutex::new(orgs.into_iter());
    let report = Mutex::new(Report::default());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                while let Some(org) = queue.lock().ok().and_then(|mut q| q.next()) {
                    let outcome = db
                        .get()
                        .map_err(|e| MigrationError::Migration(e.to_string()))
                        .and_then(|mut conn| organization(&mut conn, &org));
                    if let Ok(mut report) = report.lock() {
                        match outcome {
                            Ok(()) => report.migrated.push(org.schema_name),
                            Err(e) => report.failed.push((org.schema_name, e.to_string())),
                        }
                    }
                }
            });
        }
    });
    Ok(report.into_inner().unwrap_or_default())
}
