//! The `sitesync` command: serve the web application (default) and administer organizations.

use std::process::ExitCode;

use actix_web::{web, HttpServer};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use sitesync::config::Config;
use sitesync::db::bootstrap::Database;
use sitesync::db::{PoolOptions, PooledConn};
use sitesync::orgs::migrate;
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
    /// Generate bulk data for benchmarks (organizations, sites, lifts, work orders, forum,
    /// marketplace, jobs). Adds only what is missing, so it can be run again with larger sizes.
    Seed(SeedArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SeedSize {
    /// A minute or two of generation: one large organization of 200 sites, 20 small ones.
    Quick,
    /// The sizes of the performance targets: 2,000 sites, 10,000 lifts and 1,000,000 work
    /// orders in one organization, 1,000 small organizations, 100,000 forum posts.
    Full,
}

#[derive(clap::Args)]
struct SeedArgs {
    #[arg(long, value_enum, default_value = "quick")]
    size: SeedSize,
    /// Large organizations (overrides the size).
    #[arg(long)]
    large_orgs: Option<usize>,
    #[arg(long)]
    large_sites: Option<usize>,
    #[arg(long)]
    large_lifts: Option<usize>,
    #[arg(long)]
    large_work_orders: Option<usize>,
    /// Small organizations (overrides the size).
    #[arg(long)]
    small_orgs: Option<usize>,
    #[arg(long)]
    small_sites: Option<usize>,
    #[arg(long)]
    small_lifts: Option<usize>,
    #[arg(long)]
    small_work_orders: Option<usize>,
    #[arg(long)]
    forum_threads: Option<usize>,
    #[arg(long)]
    forum_posts: Option<usize>,
    #[arg(long)]
    listings: Option<usize>,
    #[arg(long)]
    jobs: Option<usize>,
    /// Maintenance schedules in each small organization.
    #[arg(long)]
    maintenance_schedules: Option<usize>,
    /// Parts inventory items in each large organization.
    #[arg(long)]
    inventory_items: Option<usize>,
    /// Stock locations (warehouses and vans) in each large organization.
    #[arg(long)]
    inventory_locations: Option<usize>,
    /// Organizations created and filled at once, each on its own connection.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    parallel: u16,
    /// The password of every seeded account (bench@bench.sitesync.test and the rest).
    #[arg(
        long,
        env = "SITESYNC_SEED_PASSWORD",
        default_value = "bench-harbour-lifts-2026"
    )]
    password: String,
}

impl SeedArgs {
    fn options(&self) -> sitesync::seed::SeedOptions {
        let base = match self.size {
            SeedSize::Quick => sitesync::seed::SeedOptions::quick(),
            SeedSize::Full => sitesync::seed::SeedOptions::full(),
        };
        sitesync::seed::SeedOptions {
            large_organizations: self.large_orgs.unwrap_or(base.large_organizations),
            large_sites: self.large_sites.unwrap_or(base.large_sites),
            large_lifts: self.large_lifts.unwrap_or(base.large_lifts),
            large_work_orders: self.large_work_orders.unwrap_or(base.large_work_orders),
            small_organizations: self.small_orgs.unwrap_or(base.small_organizations),
            small_sites: self.small_sites.unwrap_or(base.small_sites),
            small_lifts: self.small_lifts.unwrap_or(base.small_lifts),
            small_work_orders: self.small_work_orders.unwrap_or(base.small_work_orders),
            forum_threads: self.forum_threads.unwrap_or(base.forum_threads),
            forum_posts: self.forum_posts.unwrap_or(base.forum_posts),
            listings: self.listings.unwrap_or(base.listings),
            jobs: self.jobs.unwrap_or(base.jobs),
            maintenance_schedules: self
                .maintenance_schedules
                .unwrap_or(base.maintenance_schedules),
            inventory_items: self.inventory_items.unwrap_or(base.inventory_items),
            inventory_locations: self.inventory_locations.unwrap_or(base.inventory_locations),
            parallel: usize::from(self.parallel),
            password: self.password.clone(),
        }
    }
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every hash of the organization's audit chain; names the first broken event.
    Verify {
        #[arg(long)]
        org: String,
    },
}

#[derive(Subcommand)]
enum InventoryCommand {
    /// Recompute every stock level and item total from the ledger; names each one that
    /// differs.
    Verify {
        #[arg(long)]
        org: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Make an existing account a platform administrator.
    Grant { email: String },
    /// Take platform administration away from an account.
    Revoke { email: String },
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
        Command::Serve => serve(config, cli.demo, cli.bench_routes),
        Command::Migrate { jobs } => migrate(config, usize::from(jobs)),
        Command::Org {
            command:
                OrgCommand::Create {
                    slug,
                    name,
                    organization_type,
                },
        } => create_org(config, &slug, &name, &organization_type),
        Command::Audit {
            command: AuditCommand::Verify { org },
        } => verify_audit(config, &org),
        Command::Inventory {
            command: InventoryCommand::Verify { org },
        } => verify_inventory(config, &org),
        Command::Seed(args) => seed(config, &args),
        Command::Admin { command } => match command {
            AdminCommand::Grant { email } => set_admin(config, &email, true),
            AdminCommand::Revoke { email } => set_admin(config, &email, false),
        },
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

fn verify_audit(config: Config, slug: &str) -> ExitCode {
    use sitesync::audit::chain::{self, ChainStatus};
    let outcome = with_connection(&config, "sitesync audit", |conn| {
        let org = sitesync::orgs::queries::find_by_slug(conn, slug)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no organization with the slug {slug:?}"))?;
        sitesync::orgs::enter(
            conn,
            &org.handle(),
            |conn| -> Result<ChainStatus, sitesync::web::AppError> { Ok(chain::verify(conn)?) },
        )
        .map_err(|e| e.to_string())
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
    let outcome = with_connection(&config, "sitesync inventory", |conn| {
        let org = sitesync::orgs::queries::find_by_slug(conn, slug)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no organization with the slug {slug:?}"))?;
        sitesync::orgs::enter(
            conn,
            &org.handle(),
            |conn| -> Result<Report, sitesync::web::AppError> { Ok(verify::verify(conn)?) },
        )
        .map_err(|e| e.to_string())
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

fn set_admin(config: Config, email: &str, admin: bool) -> ExitCode {
    let outcome = with_connection(&config, "sitesync admin", |conn| {
        sitesync::auth::accounts::set_platform_admin(conn, email, admin).map_err(|e| e.to_string())
    });
    match outcome {
        Ok(0) => fail(&format!("no account with the email {email}")),
        Ok(_) => {
            println!(
                "{email} is {}a platform administrator",
                if admin { "now " } else { "no longer " }
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
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

fn seed(config: Config, args: &SeedArgs) -> ExitCode {
    let options = args.options();
    let database = match open(
        &Config {
            pool_size: options.parallel as u32 + 1,
            ..config
        },
        "sitesync seed",
    ) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let progress = sitesync::seed::Progress::new();
    let outcome = run_migrations(&database, options.parallel).and_then(|()| {
        sitesync::seed::run(&database.db, &options, &progress).map_err(|e| e.to_string())
    });
    database.close();
    match outcome {
        Ok(()) => {
            println!(
                "seeded in {:.1} s; sign in as {} with the seed password",
                progress.elapsed().as_secs_f64(),
                sitesync::seed::BENCH_EMAIL
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn serve(config: Config, with_demo: bool, bench_routes: bool) -> ExitCode {
    let database = match open(&config, "sitesync serve") {
        Ok(d) => d,
        Err(code) => return code,
    };
    if let Err(e) = run_migrations(&database, 4) {
        // The platform keeps serving the organizations that did migrate.
        tracing::error!(error = %e, "migrations on start-up");
    }
    let mut logins = Vec::new();
    if with_demo {
        let seeded = database
            .db
            .get()
            .map_err(|e| e.to_string())
            .and_then(|mut conn| demo::ensure(&mut conn).map_err(|e| e.to_string()));
        match seeded {
            Ok(seeded) => logins = seeded,
            Err(e) => {
                database.close();
                return fail(&format!("demo data: {e}"));
            }
        }
    }
    let bind = config.bind.clone();
    if config.public_url.is_none() {
        tracing::warn!(
            base = %config.link_base(),
            "SITESYNC_PUBLIC_URL is not set: links handed out (invitations, QR codes) use the bind address"
        );
    }
    let mut state = AppState::new(database.db.clone(), config);
    if bench_routes {
        tracing::warn!("serving the benchmark routes under /bench: not for production");
        state = state.with_bench_routes();
    }
    let state = web::Data::new(state);
    let state_for_housekeeping = state.clone();
    let served = actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || app(state.clone()))
            .bind(&bind)?
            .shutdown_timeout(10)
            .run();
        println!("SiteSync is running at http://{bind}/");
        if with_demo {
            println!("Demo organization: http://{bind}/o/{}", demo::DEMO_SLUG);
            println!("Demo sign-ins (email / password):");
            for login in &logins {
                println!("  {:<24} {} / {}", login.what, login.email, login.password);
            }
        }
        actix_web::rt::spawn(sitesync::background::worker(
            state_for_housekeeping.db.clone(),
            state_for_housekeeping.config.clone(),
        ));
        actix_web::rt::spawn(housekeeping(state_for_housekeeping));
        println!("Press Ctrl-C to stop.");
        server.await
    });
    database.close();
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("could not serve on {}: {e}", "SITESYNC_BIND")),
    }
}

/// Every ten minutes: forget expired sessions and old sign-in attempts.
async fn housekeeping(state: web::Data<AppState>) {
    let mut tick = actix_web::rt::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let purged: Result<(usize, usize), sitesync::web::AppError> = state
            .db
            .run(|conn| {
                Ok((
                    sitesync::auth::session_store::purge_expired(conn)?,
                    sitesync::auth::throttle::purge_old(conn)?,
                ))
            })
            .await;
        match purged {
            Ok((sessions, attempts)) => tracing::debug!(sessions, attempts, "housekeeping"),
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
    }
}
