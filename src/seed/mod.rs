//! `sitesync seed`: bulk data for measuring SiteSync at scale.
//!
//! Organizations are made the one real way (`orgs::provision::create`: role, schema and org
//! migrations), several at once on their own connections. Their rows, and the platform-wide
//! forum, marketplace and job rows, are generated inside PostgreSQL with `INSERT … SELECT
//! generate_series(…)` in large batches, so no row crosses the wire one at a time.
//! Running it again adds what is missing (more small organizations, say) and keeps the rest.

mod inventory;
mod maintenance;
mod organizations;
mod platform;
mod work_orders;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::Db;

/// Every seeded account's email ends with this; they all share one password.
pub const EMAIL_DOMAIN: &str = "bench.sitesync.test";
/// The account that owns the large organizations; benchmarks sign in as it.
pub const BENCH_EMAIL: &str = "bench@bench.sitesync.test";
/// Slugs of the large organizations are `bench_large_<n>`, of the small ones `bench_s<n>`.
pub const LARGE_PREFIX: &str = "bench_large_";
pub const SMALL_PREFIX: &str = "bench_s";
/// The forum thread with exactly 50 replies that the benchmark opens.
pub const FIFTY_REPLY_THREAD_TITLE: &str =
    "Door operator keeps reopening on KONE MonoSpace (bench)";

/// How much to generate.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub large_organizations: usize,
    pub large_sites: usize,
    pub large_lifts: usize,
    pub large_work_orders: usize,
    pub small_organizations: usize,
    pub small_sites: usize,
    pub small_lifts: usize,
    pub small_work_orders: usize,
    pub forum_threads: usize,
    pub forum_posts: usize,
    pub listings: usize,
    pub jobs: usize,
    /// Maintenance schedules in each small organization (the generator's benchmark).
    pub maintenance_schedules: usize,
    /// Parts inventory of each large organization: catalogue items, and stock locations (a
    /// tenth of them warehouses, the rest vans) holding them, with the ledger they add up from.
    pub inventory_items: usize,
    pub inventory_locations: usize,
    /// Connections working at once (organization creation and filling).
    pub parallel: usize,
    pub password: String,
}

impl SeedOptions {
    /// A few minutes' worth of data on a laptop: enough for every page to have real lists.
    pub fn quick() -> SeedOptions {
        SeedOptions {
            large_organizations: 1,
            large_sites: 200,
            large_lifts: 1_000,
            large_work_orders: 50_000,
            small_organizations: 20,
            small_sites: 3,
            small_lifts: 8,
            small_work_orders: 40,
            forum_threads: 1_000,
            forum_posts: 10_000,
            listings: 5_000,
            jobs: 1_000,
            maintenance_schedules: 5,
            inventory_items: 2_000,
            inventory_locations: 20,
            parallel: 4,
            password: String::new(),
        }
    }

    /// The sizes the performance targets are stated for (issue 11).
    pub fn full() -> SeedOptions {
        SeedOptions {
            large_organizations: 1,
            large_sites: 2_000,
            large_lifts: 10_000,
            large_work_orders: 1_000_000,
            small_organizations: 1_000,
            small_sites: 3,
            small_lifts: 8,
            small_work_orders: 40,
            forum_threads: 5_000,
            forum_posts: 100_000,
            listings: 50_000,
            jobs: 10_000,
            maintenance_schedules: 50,
            inventory_items: 20_000,
            inventory_locations: 100,
            ..SeedOptions::quick()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("{0}")]
    Other(String),
}

impl From<crate::orgs::TenancyError> for SeedError {
    fn from(e: crate::orgs::TenancyError) -> Self {
        SeedError::Other(e.to_string())
    }
}

impl From<crate::db::Unavailable> for SeedError {
    fn from(e: crate::db::Unavailable) -> Self {
        SeedError::Other(e.to_string())
    }
}

/// Progress lines with the time since the start, so a long run shows where it spends it.
pub struct Progress {
    started: Instant,
}

impl Progress {
    pub fn new() -> Progress {
        Progress {
            started: Instant::now(),
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    pub fn say(&self, what: impl std::fmt::Display) {
        println!("[{:>8.1} s] {what}", self.started.elapsed().as_secs_f64());
    }
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

/// Generates everything `options` asks for that is not there yet.
pub fn run(db: &Db, options: &SeedOptions, progress: &Progress) -> Result<(), SeedError> {
    let password_hash = crate::auth::password::hash(&options.password)
        .map_err(|e| SeedError::Other(e.to_string()))?;
    {
        let mut conn = db.get()?;
        platform::ensure_accounts(&mut conn, &password_hash)?;
    }
    let mut work = Vec::new();
    for n in 1..=options.large_organizations {
        work.push(organizations::Plan::large(n, options));
    }
    for n in 1..=options.small_organizations {
        work.push(organizations::Plan::small(n, options));
    }
    let total = work.len();
    let pending = {
        let mut conn = db.get()?;
        organizations::missing(&mut conn, work)?
    };
    progress.say(format!(
        "{} of {total} organization(s) to create, {} at a time",
        pending.len(),
        options.parallel
    ));
    let created_before = total - pending.len();
    // With only a handful to create, each one's time is worth showing (org creation at scale).
    let few = pending.len() <= 5;
    let queue = Mutex::new(pending.into_iter());
    let done = AtomicUsize::new(0);
    let failure: Mutex<Option<SeedError>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..options.parallel.max(1) {
            scope.spawn(|| loop {
                let next = queue.lock().ok().and_then(|mut q| q.next());
                let Some(plan) = next else { break };
                let outcome = db.get().map_err(SeedError::from).and_then(|mut conn| {
                    without_timeout(&mut conn)?;
                    organizations::create_and_fill(&mut conn, &plan, progress)
                });
                match outcome {
                    Ok(timings) => {
                        if few {
                            progress.say(format!(
                                "created {} in {:.1} ms (provision::create), filled in {:.1} ms",
                                plan.slug,
                                timings.provisioned.as_secs_f64() * 1000.0,
                                timings.filled.as_secs_f64() * 1000.0
                            ));
                        }
                        let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                        if finished.is_multiple_of(50) || plan.is_large() {
                            progress.say(format!(
                                "organizations: {} of {total}",
                                created_before + finished
                            ));
                        }
                    }
                    Err(e) => {
                        if let Ok(mut slot) = failure.lock() {
                            slot.get_or_insert(SeedError::Other(format!("{}: {e}", plan.slug)));
                        }
                        if let Ok(mut q) = queue.lock() {
                            // Stop the other workers: the run is broken anyway.
                            for _ in q.by_ref() {}
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    progress.say(format!("organizations: {total} in place"));
    let mut conn = db.get()?;
    without_timeout(&mut conn)?;
    organizations::ensure_memberships(&mut conn)?;
    maintenance::ensure(&mut conn, options, progress)?;
    inventory::ensure(&mut conn, options, progress)?;
    platform::ensure_forum(&mut conn, options, progress)?;
    platform::ensure_listings(&mut conn, options, progress)?;
    platform::ensure_jobs(&mut conn, options, progress)?;
    progress.say("analyzing platform tables");
    conn.batch_execute(
        "ANALYZE accounts; ANALYZE organizations; ANALYZE memberships; ANALYZE forum_threads; \
         ANALYZE forum_posts; ANALYZE marketplace_listings; ANALYZE job_listings",
    )?;
    progress.say("seed complete");
    Ok(())
}

/// Bulk statements run for minutes; the pool's 30-second limit is for web requests.
fn without_timeout(conn: &mut PgConnection) -> QueryResult<()> {
    conn.batch_execute("SET statement_timeout = 0")
}

/// `count(*)` of a query's single row, for the "is it there yet" checks.
#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut PgConnection, sql: &str) -> QueryResult<i64> {
    diesel::sql_query(sql)
        .get_result::<Count>(conn)
        .map(|c| c.n)
}
