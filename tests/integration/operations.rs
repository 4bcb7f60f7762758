//! Running it: metrics on their own address, structured logs, and `migrate --check`.

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use actix_web::web;
use awc::http::StatusCode;
use diesel::prelude::*;
use sitesync::auth::roles::Role;
use sitesync::metrics::Exporter;

use crate::harness::{self, Browser, TestApp};

/// The metrics server's answer, as `sitesync serve` serves it beside the app.
async fn scrape(exporter: Exporter) -> String {
    let exporter = web::Data::new(exporter);
    let server = actix_test::start(move || sitesync::metrics::app(exporter.clone()));
    let mut res = awc::Client::new()
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("scrape");
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let body = res.body().limit(4 * 1024 * 1024).await.expect("body");
    String::from_utf8(body.to_vec()).expect("utf-8")
}

/// The sample lines of `series` that carry every one of `labels` (`route="/healthz"`).
fn samples<'a>(exposition: &'a str, series: &str, labels: &[&str]) -> Vec<&'a str> {
    exposition
        .lines()
        .filter(|line| {
            line.strip_prefix(series)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .filter(|line| labels.iter().all(|label| line.contains(label)))
        .collect()
}

/// The value of the one sample of `series` with `labels`.
fn value(exposition: &str, series: &str, labels: &[&str]) -> f64 {
    let found = samples(exposition, series, labels);
    assert_eq!(found.len(), 1, "{series} {labels:?} in:\n{exposition}");
    found[0]
        .rsplit(' ')
        .next()
        .and_then(|v| v.parse().ok())
        .expect("a number")
}

/// The pool gauges are process-wide: tests that read them take turns.
static POOL_GAUGES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[actix_web::test]
async fn metrics_count_requests_by_route_pattern_and_show_pool_queue_and_outbox() {
    let _turn = POOL_GAUGES.lock().await;
    let app = TestApp::new().await;
    let exporter = Exporter::install(app.db.clone()).expect("recorder");
    app.create_org("acme", "Acme Lifts");
    let member = app.member("acme", Role::Manager).await;
    assert_eq!(member.get("/o/acme/sites").await.status, StatusCode::OK);
    assert_eq!(member.get("/o/acme/sites").await.status, StatusCode::OK);
    let stranger = Browser::new(&app);
    let refused = stranger.get("/o/acme/sites").await.status;
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    let missing = app.get("/no/such/page-4711").await.status;
    assert_eq!(missing, StatusCode::NOT_FOUND);
    // Mail waiting in the outbox, and its delivery job in the queue.
    app.execute(
        "INSERT INTO outbox_messages (kind, to_address, subject, body_text, body_html) \
         VALUES ('test', 'ops@example.com', 'Hello', 'Hello', '<p>Hello</p>')",
    );
    app.execute(
        "INSERT INTO background_jobs (kind, payload, run_at) \
         VALUES ('deliver_webhook', '{}', now() + interval '1 hour')",
    );
    sitesync::metrics::refresh(&app.db).await.expect("refresh");

    let text = scrape(exporter).await;
    let sites = ["route=\"/o/{slug}/sites\"", "method=\"GET\""];
    let ok = value(
        &text,
        "sitesync_http_requests_total",
        &[sites[0], sites[1], "status=\"200\""],
    );
    assert!(ok >= 2.0, "{ok}");
    let refused_label = format!("status=\"{}\"", refused.as_u16());
    assert!(!samples(
        &text,
        "sitesync_http_requests_total",
        &[sites[0], &refused_label]
    )
    .is_empty());
    assert!(!samples(
        &text,
        "sitesync_http_requests_total",
        &["route=\"unmatched\"", "status=\"404\""]
    )
    .is_empty());
    assert!(!samples(
        &text,
        "sitesync_http_request_duration_seconds_bucket",
        &[sites[0], "status=\"200\"", "le=\"0.5\""]
    )
    .is_empty());
    // Never a raw path: no slug, no made-up page.
    assert!(!text.contains("/o/acme"), "{text}");
    assert!(!text.contains("page-4711"), "{text}");

    assert_eq!(value(&text, "sitesync_db_pool_max_connections", &[]), 4.0);
    for gauge in [
        "sitesync_db_pool_open_connections",
        "sitesync_db_pool_idle_connections",
        "sitesync_db_pool_in_use_connections",
        "sitesync_db_pool_waiting",
    ] {
        assert_eq!(samples(&text, gauge, &[]).len(), 1, "{gauge}");
    }
    // The organization's pages entered its schema: checkouts that had entered one.
    assert!(
        value(&text, "sitesync_db_connection_organizations_count", &[]) >= 1.0,
        "{text}"
    );
    assert!(!samples(
        &text,
        "sitesync_db_connection_organizations_bucket",
        &["le=\"1\""]
    )
    .is_empty());
    assert!(
        value(
            &text,
            "sitesync_background_jobs",
            &["kind=\"deliver_webhook\"", "state=\"queued\""]
        ) >= 1.0
    );
    assert_eq!(
        samples(
            &text,
            "sitesync_background_jobs",
            &["kind=\"deliver_mail\"", "state=\"dead\""]
        )
        .len(),
        1,
        "every state of every kind is shown"
    );
    assert!(value(&text, "sitesync_outbox_backlog", &["outbox=\"mail\""]) >= 1.0);
    assert!(value(&text, "sitesync_outbox_backlog", &["outbox=\"webhook\""]) >= 1.0);
    assert!(
        text.contains("# HELP sitesync_http_requests_total"),
        "{text}"
    );
}

#[actix_web::test]
async fn callers_waiting_for_a_connection_are_counted() {
    let _turn = POOL_GAUGES.lock().await;
    let app = TestApp::with_pool_size(1).await;
    let exporter = Exporter::install(app.db.clone()).expect("recorder");
    let held = app.conn();
    let db = app.db.clone();
    let waiter = std::thread::spawn(move || db.get().map(drop).is_ok());
    let deadline = Instant::now() + Duration::from_secs(2);
    while app.db.stats().waiting == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = exporter.render();
    assert_eq!(value(&text, "sitesync_db_pool_waiting", &[]), 1.0, "{text}");
    assert_eq!(
        value(&text, "sitesync_db_pool_in_use_connections", &[]),
        1.0
    );
    drop(held);
    assert!(
        waiter.join().expect("waiter"),
        "the waiter got the connection"
    );
    assert_eq!(app.db.stats().waiting, 0);
}

#[actix_web::test]
async fn metrics_are_never_on_the_public_port() {
    let app = TestApp::new().await;
    let _exporter = Exporter::install(app.db.clone()).expect("recorder");
    let page = app.get("/metrics").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains("sitesync_http_requests_total"));
}

/// Two different free ports (both held until both are known).
fn free_ports() -> (u16, u16) {
    let bind = || std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
    let (a, b) = (bind(), bind());
    let port = |l: &std::net::TcpListener| l.local_addr().expect("address").port();
    (port(&a), port(&b))
}

/// The status line and body of `GET path` on a local port, if anything answers.
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.get(9..12)?.parse().ok()?;
    Some((status, response))
}

#[test]
fn serve_puts_metrics_on_their_own_address_and_logs_json() {
    let (public, private) = free_ports();
    let data_dir = harness::temp_dir("ops-serve");
    let mut server = Command::new(env!("CARGO_BIN_EXE_sitesync"))
        .arg("serve")
        .env("DATABASE_URL", harness::fresh_database())
        .env("SITESYNC_DATA_DIR", &data_dir)
        .env("SITESYNC_BIND", format!("127.0.0.1:{public}"))
        .env("SITESYNC_METRICS_BIND", format!("127.0.0.1:{private}"))
        .env("SITESYNC_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start server");
    crate::cluster::wait_until_up(&mut server, public);
    let on_public = http_get(public, "/metrics").map(|(status, _)| status);
    let (status, scraped) = http_get(private, "/metrics").expect("metrics answer");
    let other = http_get(private, "/healthz").map(|(status, _)| status);
    // SIGTERM, as systemd stops it.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    let output = wait_with_deadline(server, Duration::from_secs(30));
    let _ = std::fs::remove_dir_all(&data_dir);

    assert_eq!(on_public, Some(404), "never on the public port");
    assert_eq!(status, 200, "{scraped}");
    assert!(scraped.contains("route=\"/healthz\""), "{scraped}");
    assert_eq!(other, Some(404), "the metrics address serves metrics only");
    assert!(
        output.status.success(),
        "stopped cleanly: {:?}",
        output.status
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let logged: Vec<serde_json::Value> = stdout
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(
        logged
            .iter()
            .any(|l| l["message"] == "request" && l["path"] == "/healthz" && l["status"] == 200),
        "{stdout}"
    );
    assert!(logged
        .iter()
        .all(|l| l["level"].is_string() && l["timestamp"].is_string()));
}

/// Waits for the process, killing it if it does not stop in time.
fn wait_with_deadline(mut child: Child, within: Duration) -> Output {
    let deadline = Instant::now() + within;
    while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    child.wait_with_output().expect("output")
}

#[test]
fn an_unknown_log_format_stops_start_up_with_a_clear_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_sitesync"))
        .args(["migrate", "--check"])
        .env("SITESYNC_DATA_DIR", harness::temp_dir("ops-log"))
        .env("SITESYNC_LOG_FORMAT", "yaml")
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("SITESYNC_LOG_FORMAT") && stderr.contains("text or json"),
        "{stderr}"
    );
}

/// A database with nothing in it, beside the tests' fresh ones.
fn empty_database() -> String {
    let url = harness::fresh_database();
    let mut conn = PgConnection::establish(&url).expect("connect");
    let current = harness::text(&mut conn, "SELECT current_database()::text AS value");
    let empty = format!("{current}_empty");
    diesel::sql_query(format!("CREATE DATABASE {empty} TEMPLATE template0"))
        .execute(&mut conn)
        .expect("create empty database");
    url.replace(&format!("/{current}"), &format!("/{empty}"))
}

fn sitesync(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sitesync"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("SITESYNC_DATA_DIR", harness::temp_dir("ops-migrate"))
        .stdin(Stdio::null())
        .output()
        .expect("run sitesync")
}

#[test]
fn migrate_check_lists_what_is_pending_and_applies_nothing() {
    let url = empty_database();
    let mut public_names: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/public"))
            .expect("migrations")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
    public_names.sort();

    let checked = sitesync(&url, &["migrate", "--check"]);
    let stdout = String::from_utf8_lossy(&checked.stdout).into_owned();
    assert_eq!(checked.status.code(), Some(1), "{stdout}");
    let public = stdout
        .lines()
        .find(|l| l.starts_with("public: "))
        .unwrap_or_else(|| panic!("{stdout}"));
    let expected = format!(
        "public: {} pending ({})",
        public_names.len(),
        public_names.join(", ")
    );
    assert_eq!(public, expected);
    let mut conn = PgConnection::establish(&url).expect("connect");
    let tables = harness::count(
        &mut conn,
        "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public'",
    );
    assert_eq!(
        tables, 0,
        "a check applies nothing, not even Diesel's own table"
    );

    let migrated = sitesync(&url, &["migrate"]);
    assert!(migrated.status.success(), "{migrated:?}");
    let created = sitesync(&url, &["org", "create", "--slug", "acme", "--name", "Acme"]);
    assert!(created.status.success(), "{created:?}");

    let checked = sitesync(&url, &["migrate", "--check"]);
    let stdout = String::from_utf8_lossy(&checked.stdout);
    assert_eq!(checked.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines, ["public: up to date", "org_acme: up to date"]);
    // What the check read stays where each schema keeps it.
    assert!(
        harness::count(
            &mut conn,
            "SELECT 1 FROM org_acme.__diesel_schema_migrations"
        ) > 0
    );
}
