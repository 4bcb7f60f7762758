//! `sitesync seed`: bulk data for the benchmarks.

use std::process::ExitCode;

use sitesync::config::Config;

use super::{fail, open, run_migrations};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SeedSize {
    /// A minute or two of generation: one large organization of 200 sites, 20 small ones.
    Quick,
    /// The sizes of the performance targets: 2,000 sites, 10,000 lifts and 1,000,000 work
    /// orders in one organization, 1,000 small organizations, 100,000 forum posts.
    Full,
}

#[derive(clap::Args)]
pub struct SeedArgs {
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

pub fn seed(config: Config, args: &SeedArgs) -> ExitCode {
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
