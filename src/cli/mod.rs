//! The `sitesync` command: serve the web application (default) and administer organizations.

mod admin;
mod backup;
mod checks;
mod migrate;
mod org;
mod org_deletion;
mod seed;
mod serve;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use sitesync::config::{Config, LogFormat};
use sitesync::db::bootstrap::Database;
use sitesync::db::{PoolOptions, PooledConn};
use tracing_subscriber::EnvFilter;

pub use migrate::run_migrations;

use admin::AdminCommand;
use checks::{AuditCommand, InventoryCommand};
use org::OrgCommand;

#[derive(Parser)]
#[command(
    name = "sitesync",
    version,
    about = "Maintenance platform for lifts and buildings"
)]
struct Cli {
    /// Create the demo organization and data (kept on later starts) and print the demo logins.
    #[arg(long, global = true)]
    demo: bool,
    /// Also serve the benchmark-only routes under /bench (no sign-in; for load tests on
    /// seeded data only, never in production).
    #[arg(long, global = true)]
    bench_routes: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application (the default).
    Serve,
    /// Apply pending migrations to the platform tables and to every organization's schema.
    Migrate {
        /// How many organization schemas to migrate at once.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
        jobs: u16,
        /// Apply nothing: list each schema's pending migrations and exit with 1 if there are
        /// any (0 when all are up to date, 2 when the check itself failed), for deploy scripts.
        #[arg(long, conflicts_with = "jobs")]
        check: bool,
    },
    /// Manage organizations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Check an organization's audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Check an organization's parts inventory.
    Inventory {
        #[command(subcommand)]
        command: InventoryCommand,
    },
    /// Platform administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Back up the database, the file store and the secret key into a new or empty folder.
    Backup {
        #[arg(long, value_name = "DIR")]
        to: std::path::PathBuf,
    },
    /// Restore a backup into a fresh data directory or an empty DATABASE_URL database.
    Restore {
        #[arg(long, value_name = "DIR")]
        from: std::path::PathBuf,
    },
    /// Generate bulk data for benchmarks (organizations, sites, lifts, work orders, forum,
    /// marketplace, jobs). Adds only what is missing, so it can be run again with larger sizes.
    Seed(seed::SeedArgs),
}

pub fn main() -> ExitCode {
    let matches = Cli::command()
        .after_help(sitesync::settings::help())
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => return fail(&e),
    };
    init_logging(config.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::serve(config, cli.demo, cli.bench_routes),
        Command::Migrate { check: true, .. } => migrate::check(config),
        Command::Migrate { jobs, .. } => migrate::migrate(config, usize::from(jobs)),
        Command::Org { command } => org::run(config, command),
        Command::Audit { command } => checks::audit(config, command),
        Command::Inventory { command } => checks::inventory(config, command),
        Command::Seed(args) => seed::seed(config, &args),
        Command::Admin { command } => admin::run(config, command),
        Command::Backup { to } => backup::backup(&config, &to),
        Command::Restore { from } => backup::restore(&config, &from),
    }
}

/// Log lines for people (`text`, coloured on a terminal) or one JSON object per line
/// (`SITESYNC_LOG_FORMAT=json`); `RUST_LOG` filters both, `info` by default.
fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    match format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init(),
    }
}

/// Runs `work` on one connection of a freshly opened database, then closes it.
fn with_connection<T>(
    config: &Config,
    name: &'static str,
    work: impl FnOnce(&mut PooledConn) -> Result<T, String>,
) -> Result<T, String> {
    let database = Database::open(config, PoolOptions::from_config(config, name))
        .map_err(|e| e.to_string())?;
    let outcome = run_migrations(&database, 1).and_then(|()| {
        let mut conn = database.db.get().map_err(|e| e.to_string())?;
        work(&mut conn)
    });
    database.close();
    outcome
}

fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}

fn open(config: &Config, application_name: &'static str) -> Result<Database, ExitCode> {
    Database::open(config, PoolOptions::from_config(config, application_name)).map_err(|e| fail(&e))
}
