//! The database failing under a running app: every connection terminated, a write caught in
//! flight, a statement past the timeout, and PostgreSQL stopped and started again. Readers
//! see no error where a fresh connection can serve them; a write that could not finish is
//! answered 503 with `Retry-After` and leaves nothing behind; service comes back by itself.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use awc::http::StatusCode;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use futures_util::future::{join, join4};
use sitesync::auth::roles::Role;
use sitesync::db::cluster::Cluster;

use crate::cluster::{free_port, wait_until_up};
use crate::fixtures;
use crate::harness::{self, text, Browser, TestApp};

/// A connection of the test's own, outside the app's pool (which these tests break).
fn own_connection(app: &TestApp) -> PgConnection {
    PgConnection::establish(&app.url).expect("test connection")
}

/// Terminates the app's connections to this test's database; returns how many.
fn terminate_app_connections(conn: &mut PgConnection, only_waiting: bool) -> i64 {
    let filter = if only_waiting {
        "AND wait_event_type = 'Lock'"
    } else {
        ""
    };
    harness::count(
        conn,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() \
               AND application_name = 'sitesync test' {filter}"
        ),
    )
}

/// Four pages at once, each must answer 200.
async fn read_pages(m: &Browser<'_>) {
    let (a, b, c, d) = join4(
        m.get("/o/acme"),
        m.get("/o/acme/sites"),
        m.get("/o/acme/elevators"),
        m.get("/o/acme/work-orders"),
    )
    .await;
    for page in [a, b, c, d] {
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    }
}

#[actix_web::test]
async fn readers_see_no_error_when_every_connection_is_terminated() {
    let app = TestApp::with_pool_size(6).await;
    app.create_org("acme", "Acme Lifts");
    let m = app.member("acme", Role::Manager).await;
    fixtures::site(&m, "acme", "Harbour Tower").await;
    read_pages(&m).await;
    let mut admin = own_connection(&app);
    for _ in 0..3 {
        assert!(terminate_app_connections(&mut admin, false) > 0);
        read_pages(&m).await;
        let page = m.get("/o/acme/sites").await;
        assert!(page.body.contains("Harbour Tower"));
    }
}

/// Holds the site's row locked from the test's own connection until dropped.
fn lock_site(app: &TestApp, site: &str) -> PgConnection {
    let schema = text(
        &mut app.conn(),
        "SELECT schema_name AS value FROM organizations WHERE slug = 'acme'",
    );
    let mut holder = own_connection(app);
    holder
        .batch_execute(&format!(
            "BEGIN; SELECT 1 FROM {schema}.sites WHERE id = '{site}' FOR UPDATE"
        ))
        .expect("lock the site");
    holder
}

fn rename_fields(name: &str) -> Vec<(&str, &str)> {
    vec![
        ("name", name),
        ("site_type", "commercial"),
        ("country", "Australia"),
        ("timezone", "Australia/Sydney"),
    ]
}

fn site_name(app: &TestApp, site: &str) -> String {
    let schema = text(
        &mut app.conn(),
        "SELECT schema_name AS value FROM organizations WHERE slug = 'acme'",
    );
    text(
        &mut app.conn(),
        &format!("SELECT name AS value FROM {schema}.sites WHERE id = '{site}'"),
    )
}

fn assert_try_again(page: &harness::Page) {
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert_eq!(page.header("retry-after"), Some("5"));
    assert!(page.body.contains("Please try again"), "{}", page.body);
}

#[actix_web::test]
async fn a_write_whose_connection_dies_in_flight_gets_503_and_is_rolled_back() {
    let app = TestApp::with_pool_size(4).await;
    app.create_org("acme", "Acme Lifts");
    let m = app.member("acme", Role::Manager).await;
    let site = fixtures::site(&m, "acme", "Harbour Tower").await;
    m.get(&format!("/o/acme/sites/{site}/edit")).await;
    let holder = lock_site(&app, &site);
    let mut admin = own_connection(&app);
    let path = format!("/o/acme/sites/{site}");
    let fields = rename_fields("Renamed Tower");
    let killer = async {
        // The update waits on the row lock; end its connection while it waits.
        for _ in 0..200 {
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
            if terminate_app_connections(&mut admin, true) > 0 {
                return true;
            }
        }
        false
    };
    let (page, killed) = join(m.post(&path, &fields), killer).await;
    drop(holder);
    assert!(killed, "the write was caught waiting");
    assert_try_again(&page);
    assert_eq!(site_name(&app, &site), "Harbour Tower");
    // Trying again works, on a fresh connection.
    let page = m.post(&path, &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(site_name(&app, &site), "Renamed Tower");
}

#[actix_web::test]
async fn a_statement_past_the_timeout_gets_503_and_the_connection_stays_usable() {
    let app = TestApp::with_config(1, |c| c.statement_timeout = Duration::from_secs(1)).await;
    app.create_org("acme", "Acme Lifts");
    let m = app.member("acme", Role::Manager).await;
    let site = fixtures::site(&m, "acme", "Harbour Tower").await;
    m.get(&format!("/o/acme/sites/{site}/edit")).await;
    let holder = lock_site(&app, &site);
    let started = Instant::now();
    let page = m
        .post(&format!("/o/acme/sites/{site}"), &rename_fields("Renamed"))
        .await;
    drop(holder);
    assert_try_again(&page);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(site_name(&app, &site), "Harbour Tower");
    // A pool of one: the next pages run on the very connection the timeout hit.
    let before = app.db.stats().open;
    let page = m.get("/o/acme/sites").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(app.db.stats().open, before, "the connection was kept");
}

/// A `sitesync serve` on `port`; `database_url` None means its own private cluster.
fn serve(data_dir: &std::path::Path, port: u16, database_url: Option<&str>) -> Child {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_sitesync"));
    command
        .arg("serve")
        .env_remove("DATABASE_URL")
        .env("SITESYNC_DATA_DIR", data_dir)
        .env("SITESYNC_BIND", format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    command.spawn().expect("start server")
}

/// Status line, `Retry-After` and body of a GET, with how long it took.
fn fetch(port: u16, path: &str) -> (String, Duration) {
    use std::io::{Read, Write};
    let started = Instant::now();
    let mut response = String::new();
    if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
        let _ = write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        );
        let _ = stream.read_to_string(&mut response);
    }
    (response, started.elapsed())
}

#[test]
fn postgres_stopped_and_started_under_running_servers() {
    let data_dir = harness::temp_dir("db-restart");
    let private_port = free_port();
    let mut private = serve(&data_dir, private_port, None);
    wait_until_up(&mut private, private_port);
    let cluster = Cluster::start(&data_dir.join("pg")).expect("the running cluster");
    let by_url_dir = harness::temp_dir("db-restart-url");
    let url_port = free_port();
    let mut by_url = serve(
        &by_url_dir,
        url_port,
        Some(&cluster.url(sitesync::db::bootstrap::EMBEDDED_DATABASE)),
    );
    wait_until_up(&mut by_url, url_port);
    for port in [private_port, url_port] {
        assert!(fetch(port, "/forum").0.starts_with("HTTP/1.1 200"));
    }

    cluster.stop().expect("stop PostgreSQL");
    for port in [private_port, url_port] {
        for path in ["/forum", "/forum", "/healthz"] {
            let (response, took) = fetch(port, path);
            assert!(response.starts_with("HTTP/1.1 503"), "{path}: {response}");
            assert!(
                response.to_lowercase().contains("retry-after: 5"),
                "{response}"
            );
            assert!(took < Duration::from_secs(3), "{path} took {took:?}");
        }
        let (health, _) = fetch(port, "/healthz");
        assert!(health.contains("database unavailable: "), "{health}");
    }

    let cluster = Cluster::start(&data_dir.join("pg")).expect("start PostgreSQL again");
    let back = Instant::now();
    for port in [private_port, url_port] {
        while !fetch(port, "/healthz").0.starts_with("HTTP/1.1 200") {
            assert!(
                back.elapsed() < Duration::from_secs(5),
                "service resumed within 5 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(fetch(port, "/forum").0.starts_with("HTTP/1.1 200"));
    }
    println!(
        "both servers answered again {:?} after the start",
        back.elapsed()
    );

    for mut server in [by_url, private] {
        let _ = server.kill();
        let _ = server.wait();
    }
    let _ = cluster.stop();
    let _ = std::fs::remove_dir_all(&data_dir);
    let _ = std::fs::remove_dir_all(&by_url_dir);
}
