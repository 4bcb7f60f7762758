//! `sitesync org`: organizations from the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use sitesync::config::Config;
use sitesync::db::bootstrap::Database;
use sitesync::db::PoolOptions;
use sitesync::orgs::provision::{self, NewOrganization};
use sitesync::storage::LocalStore;
use sitesync::transfer::{self, Format};

use super::{fail, open, run_migrations};

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Create an organization: its role, schema and tables, in one transaction.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long = "type", default_value = "service_company")]
        organization_type: String,
    },
    /// Schedule an organization's deletion: suspended now, purged after a 30-day grace period
    /// (schema, role, files and platform rows) unless restored.
    Delete {
        #[arg(long)]
        slug: String,
    },
    /// Cancel a scheduled deletion within the grace period.
    Restore {
        #[arg(long)]
        slug: String,
    },
    /// Write one organization to a file: its tables, its people and memberships, its job and
    /// marketplace listings, its notifications and its uploaded files (`--format archive`, for
    /// `org import`), or its data as CSV files in a zip (`--format csv`, to read elsewhere).
    Export {
        #[arg(long)]
        slug: String,
        /// The file to write (replaced if it exists).
        #[arg(long)]
        to: PathBuf,
        #[arg(long, value_enum, default_value_t = ExportFormat::Archive)]
        format: ExportFormat,
    },
    /// Recreate an organization from an export archive, on this or another installation.
    /// People are matched to accounts by email; those without one get an account with no
    /// password, to be set through "forgot password". The archive's schema is SQL run as the
    /// database owner: import only archives from an installation you trust.
    Import {
        #[arg(long)]
        from: PathBuf,
        /// The new organization's slug (default: the exported one).
        #[arg(long)]
        slug: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// A single file `org import` reads back.
    Archive,
    /// A zip of CSV files, one per table, for people.
    Csv,
}

pub fn run(config: Config, command: OrgCommand) -> ExitCode {
    match command {
        OrgCommand::Create {
            slug,
            name,
            organization_type,
        } => create_org(config, &slug, &name, &organization_type),
        OrgCommand::Delete { slug } => super::org_deletion::delete(config, &slug),
        OrgCommand::Restore { slug } => super::org_deletion::restore(config, &slug),
        OrgCommand::Export { slug, to, format } => export(config, &slug, &to, format),
        OrgCommand::Import { from, slug } => import(config, &from, slug.as_deref()),
    }
}

/// Runs `work` on the migrated database and the file store, then closes the database.
fn with_database<T>(
    config: &Config,
    work: impl FnOnce(&Database, &LocalStore) -> Result<T, String>,
) -> Result<T, String> {
    let database = Database::open(config, PoolOptions::from_config(config, "sitesync org"))
        .map_err(|e| e.to_string())?;
    let store = LocalStore::new(&config.data_dir.join("files"));
    let outcome = run_migrations(&database, 1).and_then(|()| work(&database, &store));
    database.close();
    outcome
}

fn export(config: Config, slug: &str, to: &std::path::Path, format: ExportFormat) -> ExitCode {
    let format = match format {
        ExportFormat::Archive => Format::Archive,
        ExportFormat::Csv => Format::Csv,
    };
    let outcome = with_database(&config, |database, store| {
        transfer::export(database, store, slug, to, format).map_err(|e| e.to_string())
    });
    match outcome {
        Ok(summary) => {
            for key in &summary.missing_files {
                eprintln!("warning: file {key} is named by the organization's rows but missing from the file store");
            }
            println!(
                "exported organization {} to {} ({} entries, {} files, {} bytes)",
                summary.organization,
                to.display(),
                summary.entries,
                summary.files,
                summary.bytes
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn import(config: Config, from: &std::path::Path, slug: Option<&str>) -> ExitCode {
    let outcome = with_database(&config, |database, store| {
        transfer::import(database, store, from, slug).map_err(|e| e.to_string())
    });
    match outcome {
        Ok(summary) => {
            println!(
                "imported organization {} into schema {}: {} people matched by email, {} new \
                 accounts (they set a password through \"forgot password\"), {} platform rows, \
                 {} files",
                summary.slug,
                summary.schema_name,
                summary.accounts_matched,
                summary.accounts_created,
                summary.platform_rows,
                summary.files
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn create_org(config: Config, slug: &str, name: &str, organization_type: &str) -> ExitCode {
    let database = match open(&config, "sitesync org") {
        Ok(d) => d,
        Err(code) => return code,
    };
    let outcome = run_migrations(&database, 1).and_then(|()| {
        let mut conn = database.db.get().map_err(|e| e.to_string())?;
        provision::create(
            &mut conn,
            &NewOrganization {
                name,
                slug,
                organization_type,
            },
        )
        .map_err(|e| e.to_string())
    });
    database.close();
    match outcome {
        Ok(org) => {
            println!(
                "created organization {} ({}) in schema {}",
                org.name, org.slug, org.schema_name
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
