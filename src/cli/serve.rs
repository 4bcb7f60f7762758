//! `sitesync serve`: the web application, its background worker and housekeeping.

use std::net::SocketAddr;
use std::process::ExitCode;

use actix_web::{web, HttpServer};
use sitesync::background::{self, Worker};
use sitesync::config::Config;
use sitesync::metrics::Exporter;
use sitesync::{app, demo, AppState};

use super::{fail, open, run_migrations};

/// How long a stopping server waits for the background job under way; a job still running
/// then is given back, and its own work rolls back when it finds the job no longer its own.
const JOB_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

pub fn serve(config: Config, with_demo: bool, bench_routes: bool) -> ExitCode {
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
    let exporter = state
        .config
        .metrics_bind
        .map(|address| Exporter::install(database.db.clone()).map(|e| (address, web::Data::new(e))))
        .transpose();
    let exporter = match exporter {
        Ok(exporter) => exporter,
        Err(e) => {
            database.close();
            return fail(&e);
        }
    };
    let state = web::Data::new(state);
    let state_for_housekeeping = state.clone();
    let served = actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || app(state.clone()))
            .bind(&bind)
            .map_err(|e| format!("could not serve on {bind} (SITESYNC_BIND): {e}"))?
            // In-flight requests get this long to finish after SIGTERM.
            .shutdown_timeout(30)
            .run();
        let metrics = exporter
            .map(|(address, exporter)| serve_metrics(exporter, address))
            .transpose()?;
        println!("SiteSync is running at http://{bind}/");
        if with_demo {
            println!("Demo organization: http://{bind}/o/{}", demo::DEMO_SLUG);
            println!("Demo sign-ins (email / password):");
            for login in &logins {
                println!("  {:<24} {} / {}", login.what, login.email, login.password);
            }
        }
        let worker = Worker::new(state_for_housekeeping.config.clone());
        let db = state_for_housekeeping.db.clone();
        let jobs = actix_web::rt::spawn(background::worker(db.clone(), worker.clone()));
        actix_web::rt::spawn(background::runner::stop_on_signal(worker.clone()));
        actix_web::rt::spawn(housekeeping(state_for_housekeeping));
        println!("Press Ctrl-C to stop.");
        let served = server.await.map_err(|e| e.to_string());
        if let Some(metrics) = metrics {
            metrics.stop(true).await;
        }
        // The server stopped for a reason other than a signal, or the signal came first:
        // either way the worker finishes its job and gives back what it holds before the
        // database goes away.
        worker.stop();
        if actix_web::rt::time::timeout(JOB_GRACE, jobs).await.is_err() {
            tracing::warn!("the background job under way did not finish in time");
            background::runner::release(&db, &worker).await;
        }
        served
    });
    database.close();
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// Serves `/metrics` on its own address, beside the public server, and refreshes the gauges
/// that take a query. The public server's signal handling stops both.
fn serve_metrics(
    exporter: web::Data<Exporter>,
    address: SocketAddr,
) -> Result<actix_web::dev::ServerHandle, String> {
    let for_server = exporter.clone();
    let server = HttpServer::new(move || sitesync::metrics::app(for_server.clone()))
        .workers(1)
        .disable_signals()
        .shutdown_timeout(1)
        .bind(address)
        .map_err(|e| format!("could not serve metrics on {address} (SITESYNC_METRICS_BIND): {e}"))?
        .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    actix_web::rt::spawn(async move { exporter.refresh_forever().await });
    println!("Metrics are served at http://{address}/metrics");
    Ok(handle)
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
