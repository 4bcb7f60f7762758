//! Operational metrics in the Prometheus text format.
//!
//! Off unless `SITESYNC_METRICS_BIND` names an address: then `sitesync serve` installs the
//! recorder ([`Exporter::install`]) and serves [`app`] — `/metrics` and nothing else — on that
//! address alone, never on the public one. Without a recorder every measurement below is a
//! no-op, and the request middleware skips even building its labels.
//!
//! The series (all prefixed `sitesync_`):
//!
//! | series | kind | labels |
//! | --- | --- | --- |
//! | `http_requests_total` | counter | `method`, `route` (the route pattern), `status` |
//! | `http_request_duration_seconds` | histogram | `method`, `route`, `status` |
//! | `db_pool_max_connections`, `db_pool_open_connections`, `db_pool_idle_connections`, `db_pool_in_use_connections`, `db_pool_waiting` | gauge | |
//! | `db_connection_organizations` | histogram | |
//! | `background_jobs` | gauge | `kind`, `state` |
//! | `outbox_backlog` | gauge | `outbox` (`mail`, `webhook`) |

mod collect;
mod middleware;

use std::sync::OnceLock;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{web, App, HttpResponse};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::db::Db;

pub use collect::refresh;
pub use middleware::record_requests;

pub const HTTP_REQUESTS: &str = "sitesync_http_requests_total";
pub const HTTP_DURATION: &str = "sitesync_http_request_duration_seconds";
pub const POOL_MAX: &str = "sitesync_db_pool_max_connections";
pub const POOL_OPEN: &str = "sitesync_db_pool_open_connections";
pub const POOL_IDLE: &str = "sitesync_db_pool_idle_connections";
pub const POOL_IN_USE: &str = "sitesync_db_pool_in_use_connections";
pub const POOL_WAITING: &str = "sitesync_db_pool_waiting";
pub const CONNECTION_ORGANIZATIONS: &str = "sitesync_db_connection_organizations";
pub const BACKGROUND_JOBS: &str = "sitesync_background_jobs";
pub const OUTBOX_BACKLOG: &str = "sitesync_outbox_backlog";

/// How often the gauges that need a query (queue depth, outbox backlog) are refreshed.
pub const REFRESH_EVERY: Duration = Duration::from_secs(15);

/// Request latencies, from a fast page to one that hits the statement timeout.
const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Schemas a connection has entered; the pool replaces it past
/// `SITESYNC_POOL_SCHEMAS_PER_CONNECTION` (100 by default).
const ORGANIZATION_BUCKETS: &[f64] = &[0.0, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 1000.0];

/// The process-wide recorder, once installed (a process has one global recorder).
static RECORDER: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();

#[derive(Debug, thiserror::Error)]
#[error("the metrics recorder could not be installed: {0}")]
pub struct InstallError(String);

/// What `/metrics` needs: the recorder's handle and the pool whose gauges it reads.
pub struct Exporter {
    handle: PrometheusHandle,
    db: Db,
}

impl Exporter {
    /// Installs the recorder (once per process; later calls share it) and returns the
    /// exporter of `db`'s pool and everything recorded.
    pub fn install(db: Db) -> Result<Exporter, InstallError> {
        let handle = RECORDER
            .get_or_init(|| {
                let handle = PrometheusBuilder::new()
                    .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), LATENCY_BUCKETS)
                    .and_then(|b| {
                        b.set_buckets_for_metric(
                            Matcher::Full(CONNECTION_ORGANIZATIONS.into()),
                            ORGANIZATION_BUCKETS,
                        )
                    })
                    .and_then(PrometheusBuilder::install_recorder)
                    .map_err(|e| e.to_string())?;
                describe();
                Ok(handle)
            })
            .clone()
            .map_err(InstallError)?;
        Ok(Exporter { handle, db })
    }

    /// The exposition: the pool's gauges as of now, then everything recorded.
    pub fn render(&self) -> String {
        pool_gauges(&self.db);
        self.handle.render()
    }

    /// Refreshes the gauges that need a query every [`REFRESH_EVERY`], for as long as the
    /// server runs, and keeps the histograms' memory bounded between scrapes.
    pub async fn refresh_forever(&self) {
        let mut tick = tokio::time::interval(REFRESH_EVERY);
        loop {
            tick.tick().await;
            if let Err(e) = refresh(&self.db).await {
                tracing::warn!(error = %e, "refreshing the metrics failed");
            }
            self.handle.run_upkeep();
        }
    }
}

/// Whether a recorder is installed, so measuring is worth its labels.
fn enabled() -> bool {
    matches!(RECORDER.get(), Some(Ok(_)))
}

/// The `# HELP` lines.
fn describe() {
    use ::metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests by method, route pattern and status."
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time to the response head, by method, route pattern and status."
    );
    describe_gauge!(POOL_MAX, "Connections the pool may open.");
    describe_gauge!(POOL_OPEN, "Connections open now.");
    describe_gauge!(POOL_IDLE, "Open connections not checked out.");
    describe_gauge!(POOL_IN_USE, "Connections checked out now.");
    describe_gauge!(POOL_WAITING, "Callers waiting for a connection.");
    describe_histogram!(
        CONNECTION_ORGANIZATIONS,
        "Organization schemas a pooled connection had entered, at the end of each checkout."
    );
    describe_gauge!(
        BACKGROUND_JOBS,
        "Background jobs not done, by kind and state (refreshed every 15 s)."
    );
    describe_gauge!(
        OUTBOX_BACKLOG,
        "Email messages and webhook deliveries not delivered yet nor given up (refreshed every 15 s)."
    );
}

fn pool_gauges(db: &Db) {
    let stats = db.stats();
    ::metrics::gauge!(POOL_MAX).set(f64::from(stats.max));
    ::metrics::gauge!(POOL_OPEN).set(f64::from(stats.open));
    ::metrics::gauge!(POOL_IDLE).set(f64::from(stats.idle));
    ::metrics::gauge!(POOL_IN_USE).set(f64::from(stats.open.saturating_sub(stats.idle)));
    ::metrics::gauge!(POOL_WAITING).set(stats.waiting as f64);
}

/// Notes how many organization schemas a connection had entered when a checkout ended.
pub fn connection_organizations(schemas: usize) {
    if enabled() {
        ::metrics::histogram!(CONNECTION_ORGANIZATIONS).record(schemas as f64);
    }
}

async fn scrape(exporter: web::Data<Exporter>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(exporter.render())
}

/// The metrics server's application: `GET /metrics`, every other path a 404.
pub fn app(
    exporter: web::Data<Exporter>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(exporter)
        .route("/metrics", web::get().to(scrape))
}
