//! The `sitesync` command: serve the web application (default) and administer organizations.

use std::process::ExitCode;
use std::sync::Arc;

use actix_web::{web, HttpServer};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use sitesync::config::Config;
use sitesync::db::bootstrap::Database;
use sitesync::db::{migrations, PoolOptions};
use sitesync::orgs::provision::{self, NewOrganization};
use sitesync::{app, demo, AppState};

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
    },
    /// Manage organizations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an organization: its role, schema and tables, in one transaction.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long = "type", default_value = "service_company")]
        organization_type: String,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => return fail(&e),
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config, cli.demo),
        Command::Migrate { jobs } => migrate(config, usize::from(jobs)),
        Command::Org {
            command:
                OrgCommand::Create {
                    slug,
                    name,
                    organization_type,
                },
        } => create_org(config, &slug, &name, &organization_type),
    }
}

fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}

fn open(config: &Config, application_name: &'static str) -> Result<Database, ExitCode> {
    Database::open(config, PoolOptions::from_config(config, application_name)).map_err(|e| fail(&e))
}

fn migrate(config: Config, jobs: usize) -> ExitCode {
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
fn run_migrations(database: &Database, jobs: usize) -> Result<(), String> {
    let mut conn = database.db.get().map_err(|e| e.to_string())?;
    migrations::run_public(&mut conn).map_err(|e| format!("platform migrations: {e}"))?;
    drop(conn);
    let report = migrations::run_all_orgs(&database.db, jobs).map_err(|e| e.to_string())?;
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

fn serve(config: Config, with_demo: bool) -> ExitCode {
    let database = match open(&config, "sitesync serve") {
        Ok(d) => d,
        Err(code) => return code,
    };
    if let Err(e) = run_migrations(&database, 4) {
        // The platform keeps serving the organizations that did migrate.
        tracing::error!(error = %e, "migrations on start-up");
    }
    if with_demo {
        let seeded = database
            .db
            .get()
            .map_err(|e| e.to_string())
            .and_then(|mut conn| demo::ensure(&mut conn).map_err(|e| e.to_string()));
        if let Err(e) = seeded {
            database.close();
            return fail(&format!("demo data: {e}"));
        }
    }
    let bind = config.bind.clone();
    let state = web::Data::new(AppState {
        db: database.db.clone(),
        config: Arc::new(config),
    });
    let served = actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || app(state.clone()))
            .bind(&bind)?
            .shutdown_timeout(10)
            .run();
        println!("SiteSync is running at http://{bind}/");
        if with_demo {
            println!("Demo organization: http://{bind}/o/{}", demo::DEMO_SLUG);
        }
        println!("Press Ctrl-C to stop.");
        server.await
    });
    database.close();
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("could not serve on {}: {e}", "SITESYNC_BIND")),
    }
}
