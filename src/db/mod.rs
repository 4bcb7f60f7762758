//! Database access: the connection pool, the private cluster, migrations and generated schemas.
//!
//! Diesel is synchronous, so every query runs on actix's blocking thread pool through
//! [`Db::run`]. A semaphore sized to the pool makes requests wait for a connection
//! asynchronously instead of parking blocking threads on `pool.get()`.

pub mod bootstrap;
pub mod cluster;
pub mod connection;
pub mod liveness;
pub mod migrations;
pub mod references;
pub mod schema_org;
pub mod schema_public;
pub mod sql_types;
pub mod static_sql;

pub use static_sql::static_sql;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use connection::{Conn, Manager};
use diesel::connection::SimpleConnection;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::r2d2::{CustomizeConnection, Pool};
use diesel::PgConnection;
use diesel::{QueryResult, RunQueryDsl};
use liveness::Liveness;
use tokio::sync::Semaphore;

use crate::config::Config;

pub use connection::{PooledConn, SchemaLedger};

pub type PgPool = Pool<Manager>;

/// How [`Unavailable`]'s message starts, wherever it travels as text.
pub const UNAVAILABLE: &str = "the database is unavailable";

/// No free connection came within the pool timeout, or the database did not answer.
#[derive(Debug, thiserror::Error)]
#[error("the database is unavailable: {0}")]
pub struct Unavailable(pub String);

/// Session constants for every new connection. The organization is never set here: it is set
/// per transaction by `orgs::tenancy`, so it cannot outlive the request that chose it.
#[derive(Debug)]
struct SessionSettings {
    application_name: &'static str,
    statement_timeout: Duration,
}

impl CustomizeConnection<Conn, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut Conn) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "SET application_name = '{}'; SET statement_timeout = '{}ms'; \
             SET idle_in_transaction_session_timeout = '60s'",
            self.application_name,
            self.statement_timeout.as_millis()
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

#[derive(Clone)]
pub struct Db {
    pool: PgPool,
    url: Arc<str>,
    permits: Arc<Semaphore>,
    timeout: Duration,
    /// Callers waiting for a connection, for the pool's metrics.
    waiting: Arc<AtomicUsize>,
    liveness: Arc<Liveness>,
}

/// The pool at one moment, as `/metrics` shows it.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub max: u32,
    pub open: u32,
    pub idle: u32,
    pub waiting: usize,
}

/// Counts one caller as waiting for a connection until it has one (or gives up).
struct Waiting(Arc<AtomicUsize>);

impl Waiting {
    fn start(counter: &Arc<AtomicUsize>) -> Waiting {
        counter.fetch_add(1, Ordering::Relaxed);
        Waiting(counter.clone())
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

pub struct PoolOptions {
    pub size: u32,
    pub timeout: Duration,
    pub max_lifetime: Duration,
    pub idle_timeout: Duration,
    /// A connection that has entered more organization schemas than this is replaced.
    pub schemas_per_connection: usize,
    /// Shown in `pg_stat_activity`; the embedded cluster is stopped only when no process
    /// whose name starts with `sitesync` is still connected.
    pub application_name: &'static str,
    /// A statement running longer is cancelled (a request gets a 503 page); work that needs
    /// longer (migrations, seeding, bulk loads) lifts it for its own transaction.
    pub statement_timeout: Duration,
}

impl PoolOptions {
    pub fn from_config(config: &Config, application_name: &'static str) -> PoolOptions {
        PoolOptions {
            size: config.pool_size,
            timeout: config.pool_timeout,
            max_lifetime: config.pool_max_lifetime,
            idle_timeout: config.pool_idle_timeout,
            schemas_per_connection: config.pool_schemas_per_connection,
            application_name,
            statement_timeout: config.statement_timeout,
        }
    }
}

impl Db {
    pub fn connect(url: &str, options: PoolOptions) -> Result<Db, Unavailable> {
        let liveness = Arc::new(Liveness::default());
        let pool = Pool::builder()
            .max_size(options.size)
            .min_idle(Some(0))
            .connection_timeout(options.timeout)
            // No `SELECT 1` before every checkout: that is a round trip per request. A
            // connection the server dropped fails its next query and is then discarded
            // (`is_broken`), and `max_lifetime` / `idle_timeout` retire the rest.
            .test_on_check_out(false)
            .max_lifetime(Some(options.max_lifetime))
            .idle_timeout(Some(options.idle_timeout))
            .connection_customizer(Box::new(SessionSettings {
                application_name: options.application_name,
                statement_timeout: options.statement_timeout,
            }))
            .build(Manager::new(
                url,
                options.schemas_per_connection,
                liveness.clone(),
            ))
            .map_err(|e| Unavailable(e.to_string()))?;
        Ok(Db {
            pool,
            url: url.into(),
            permits: Arc::new(Semaphore::new(options.size as usize)),
            timeout: options.timeout,
            waiting: Arc::default(),
            liveness,
        })
    }

    /// The database's address, for a connection of its own outside the pool.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs blocking database work off the async workers, waiting asynchronously for a slot.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<Unavailable> + Send + 'static,
    {
        self.run_pooled(move |conn| work(conn)).await
    }

    /// [`Db::run`] with the pooled connection itself, for work that enters organizations
    /// (`orgs::enter` notes each schema on the connection's ledger).
    pub async fn run_pooled<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut PooledConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<Unavailable> + Send + 'static,
    {
        match self.attempt(work).await? {
            Attempt::Done(outcome) => outcome,
            Attempt::Lost => Err(Unavailable(LOST.into()).into()),
        }
    }

    /// [`Db::run`] for work that only reads and so may run again: when the connection it was
    /// given turns out dead (all connections terminated, the server restarted), it runs once
    /// more on a fresh one, and the reader sees no error.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: Fn(&mut PgConnection) -> Result<T, E> + Send + Sync + 'static,
        T: Send + 'static,
        E: From<Unavailable> + Send + 'static,
    {
        self.read_pooled(move |conn| work(conn)).await
    }

    /// [`Db::read`] with the pooled connection itself, for reads inside an organization.
    pub async fn read_pooled<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: Fn(&mut PooledConn) -> Result<T, E> + Send + Sync + 'static,
        T: Send + 'static,
        E: From<Unavailable> + Send + 'static,
    {
        let work = Arc::new(work);
        let first = work.clone();
        if let Attempt::Done(outcome) = self.attempt(move |conn| first(conn)).await? {
            return outcome;
        }
        self.run_pooled(move |conn| work(conn)).await
    }

    /// Checks out a live connection and runs `work` on it; `Lost` when the connection died
    /// under the work (the server rolled back whatever it had begun).
    async fn attempt<T, E, F>(&self, work: F) -> Result<Attempt<T, E>, Unavailable>
    where
        F: FnOnce(&mut PooledConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Send + 'static,
    {
        // Waiting spans the permit and the checkout behind it.
        let waiting = Waiting::start(&self.waiting);
        let permit = tokio::time::timeout(self.timeout, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| Unavailable("timed out waiting for a database connection".into()))?
            .map_err(|_| Unavailable("the connection pool is closed".into()))?;
        let pool = self.pool.clone();
        let liveness = self.liveness.clone();
        actix_web::web::block(move || {
            let _permit = permit;
            let checkout = checkout(&pool, &liveness);
            drop(waiting);
            let mut conn = checkout?;
            let outcome = work(&mut conn);
            crate::metrics::connection_organizations(conn.ledger().len());
            // Only a failure can mean the connection died; a ping tells it apart from the
            // work's own errors.
            if outcome.is_err() && !conn.answers() {
                liveness.connection_lost();
                return Ok(Attempt::Lost);
            }
            Ok(Attempt::Done(outcome))
        })
        .await
        .map_err(|e| Unavailable(e.to_string()))?
    }

    /// Why the database cannot be used right now, or `None` when it answers: for `/healthz`.
    pub async fn unavailable_because(&self) -> Option<String> {
        let answered: Result<(), Unavailable> = self
            .read(|conn| {
                conn.batch_execute("SELECT 1")
                    .map_err(|e| Unavailable(e.to_string()))
            })
            .await;
        answered.err().map(|e| e.0)
    }

    /// A connection for blocking code outside a request (CLI commands, tests).
    pub fn get(&self) -> Result<PooledConn, Unavailable> {
        let _waiting = Waiting::start(&self.waiting);
        checkout(&self.pool, &self.liveness)
    }

    pub fn state(&self) -> diesel::r2d2::State {
        self.pool.state()
    }

    /// Size, open and idle connections, and how many callers wait for one.
    pub fn stats(&self) -> PoolStats {
        let state = self.pool.state();
        PoolStats {
            max: self.pool.max_size(),
            open: state.connections,
            idle: state.idle_connections,
            waiting: self.waiting.load(Ordering::Relaxed),
        }
    }
}

/// What a connection that died under its work is reported as.
const LOST: &str = "the connection to the database was lost";

enum Attempt<T, E> {
    Done(Result<T, E>),
    Lost,
}

/// A connection from the pool that has answered since the pool last found one dead; dead ones
/// are dropped on the way (at most the pool's size of them, then a fresh connection).
fn checkout(pool: &PgPool, liveness: &Liveness) -> Result<PooledConn, Unavailable> {
    for _ in 0..=pool.max_size() {
        let none_idle = pool.state().idle_connections == 0;
        if let Some(why) = liveness.refusing().filter(|_| none_idle) {
            return Err(Unavailable(why));
        }
        // Just after connections were found dead or could not be made, the database may be
        // down: a request waits a moment for a connection rather than the whole pool timeout.
        let got = if liveness.troubled_within(TROUBLE_RECENTLY) {
            pool.get_timeout(liveness::RETRY_CONNECT_AFTER)
        } else {
            pool.get()
        };
        let mut conn = got
            .map(PooledConn)
            .map_err(|e| Unavailable(e.to_string()))?;
        if conn.alive_in(liveness) {
            return Ok(conn);
        }
    }
    Err(Unavailable(LOST.into()))
}

/// How long after a dead or failed connection the database counts as possibly down.
const TROUBLE_RECENTLY: Duration = Duration::from_secs(10);

/// A `LIKE`/`ILIKE` pattern matching `text` anywhere, with `%`, `_` and `\` taken literally.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// `(q1) UNION ALL (q2) UNION ALL …` over any number of queries of one shape (Diesel's own
/// `union_all` nests a new type per arm): several ordered, limited reads in one round trip.
pub struct UnionAll<Q>(pub Vec<Q>);

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for UnionAll<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        if self.0.is_empty() {
            // No arms: a query of no rows, so callers need not special-case it.
            out.push_sql("SELECT NULL WHERE false");
            return Ok(());
        }
        for (i, arm) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_sql(" UNION ALL ");
            }
            out.push_sql("(");
            arm.walk_ast(out.reborrow())?;
            out.push_sql(")");
        }
        Ok(())
    }
}

impl<Q: Query> Query for UnionAll<Q> {
    type SqlType = Q::SqlType;
}

impl<Q> QueryId for UnionAll<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, Conn> RunQueryDsl<Conn> for UnionAll<Q> {}

/// One text column of a raw query, named `value`.
#[derive(diesel::QueryableByName)]
pub struct TextRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub value: String,
}

/// Keeps the rows of boxed query `$query` over `$table` that come after `$after`, an optional
/// `(created_at, id)`: the JSON API pages its lists in creation order by these two columns.
#[macro_export]
macro_rules! created_after {
    ($query:expr, $table:ident, $after:expr) => {
        match $after {
            Some((at, id)) => $query.filter(
                $table::created_at
                    .gt(at)
                    .or($table::created_at.eq(at).and($table::id.gt(id))),
            ),
            None => $query,
        }
    };
}
