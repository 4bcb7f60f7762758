//! `sitesync audit verify` and `sitesync inventory verify`: recompute what the ledgers promise.

use std::process::ExitCode;

use clap::Subcommand;
use diesel::PgConnection;
use sitesync::config::Config;
use sitesync::web::AppError;

use super::{fail, with_connection};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute every hash of the organization's audit chain; names the first broken event.
    Verify {
        #[arg(long)]
        org: String,
    },
}

#[derive(Subcommand)]
pub enum InventoryCommand {
    /// Recompute every stock level and item total from the ledger; names each one that
    /// differs.
    Verify {
        #[arg(long)]
        org: String,
    },
}

pub fn audit(config: Config, command: AuditCommand) -> ExitCode {
    let AuditCommand::Verify { org } = command;
    verify_audit(config, &org)
}

pub fn inventory(config: Config, command: InventoryCommand) -> ExitCode {
    let InventoryCommand::Verify { org } = command;
    verify_inventory(config, &org)
}

/// Runs `check` inside the organization `slug`, through the one door.
fn inside<T>(
    config: &Config,
    name: &'static str,
    slug: &str,
    check: impl FnOnce(&mut PgConnection) -> Result<T, AppError>,
) -> Result<T, String> {
    with_connection(config, name, |conn| {
        let org = sitesync::orgs::queries::find_by_slug(conn, slug)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no organization with the slug {slug:?}"))?;
        sitesync::orgs::enter(conn, &org.handle(), check).map_err(|e| e.to_string())
    })
}

fn verify_audit(config: Config, slug: &str) -> ExitCode {
    use sitesync::audit::chain::{self, ChainStatus};
    let outcome = inside(&config, "sitesync audit", slug, |conn| {
        Ok::<ChainStatus, AppError>(chain::verify(conn)?)
    });
    match outcome {
        Ok(ChainStatus::Intact { events }) => {
            println!("audit chain of {slug} is intact: {events} events verified");
            ExitCode::SUCCESS
        }
        Ok(ChainStatus::Broken { seq, reason }) => {
            eprintln!("audit chain of {slug} is broken at event #{seq}: {reason}");
            ExitCode::FAILURE
        }
        Err(e) => fail(&e),
    }
}

fn verify_inventory(config: Config, slug: &str) -> ExitCode {
    use sitesync::inventory::verify::{self, Report};
    let outcome = inside(&config, "sitesync inventory", slug, |conn| {
        Ok::<Report, AppError>(verify::verify(conn)?)
    });
    match outcome {
        Ok(report) if report.is_consistent() => {
            for line in report.lines(slug) {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Ok(report) => {
            for line in report.lines(slug) {
                eprintln!("{line}");
            }
            ExitCode::FAILURE
        }
        Err(e) => fail(&e),
    }
}
