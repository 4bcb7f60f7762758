//! SIGKILL in the middle of a CSV import, a stock count (one ledger line per item, all in one
//! transaction) and a background job: after a restart nothing is half-applied, the batch can
//! be sent again and goes in whole, and the killed job is taken over once its lease has run
//! out and runs once.

use std::fmt::Write;
use std::time::{Duration, Instant};

use awc::http::StatusCode;
use diesel::prelude::*;
use sitesync::auth::roles::Role;

use super::{
    app_sharing_sessions, post_form, server_session, server_sessions, status_of, wait_for, Server,
};
use crate::fixtures;
use crate::harness::{self, TestApp};

/// Kills the server once a session of it runs a statement matching `statement` (a LIKE
/// pattern), `into` later, with that session's transaction still open; then waits until the
/// database has rolled the killed session back. Returns how long after the batch started it
/// was killed.
fn kill_during(app: &TestApp, server: &mut Server, statement: &str, into: Duration) -> Duration {
    let started = Instant::now();
    let mut conn = app.conn();
    let running = format!("state <> 'idle' AND query LIKE '{statement}'");
    let mut batch = None;
    wait_for("the batch to be under way", Duration::from_secs(60), || {
        batch = server_session(&mut conn, &running);
        batch.is_some()
    });
    std::thread::sleep(into);
    let open = format!("pid = {} AND state <> 'idle'", batch.unwrap_or_default());
    assert!(
        server_session(&mut conn, &open).is_some(),
        "the batch was still running when killed"
    );
    let killed_at = started.elapsed();
    server.kill();
    wait_for(
        "the killed sessions to end",
        Duration::from_secs(30),
        || server_sessions(&mut conn, "true") == 0,
    );
    killed_at
}

/// Starts the server again on the same database; how long until it answered.
fn restart(app: &TestApp, server: &Server) -> (Server, Duration) {
    let started = Instant::now();
    let again = Server::start(Some(&app.url), &server.data_dir, &[]);
    (again, started.elapsed())
}

const SITES: usize = 1_000;

#[actix_web::test]
async fn a_killed_import_adds_nothing_and_goes_in_whole_when_confirmed_again() {
    let app = app_sharing_sessions().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    manager.get("/o/acme/imports/sites").await;
    let mut csv = String::from("name,code,city\n");
    for n in 0..SITES {
        writeln!(csv, "Tower {n},T{n:05},Sydney").expect("write");
    }
    let page = manager
        .upload("/o/acme/imports/sites", "file", "sites.csv", csv.as_bytes())
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let confirm = format!("{}/confirm", page.header("location").expect("preview"));
    let sites = "SELECT 1 FROM org_acme.sites";
    let audited = "SELECT 1 FROM org_acme.audit_events WHERE event_type = 'site_created'";
    let before = (app.count(sites), app.count(audited));

    let data_dir = harness::temp_dir("faults-import");
    let mut server = Server::start(Some(&app.url), &data_dir, &[]);
    let request = post_form(server.port, &manager, &confirm, &[]);
    let killed_at = kill_during(
        &app,
        &mut server,
        "INSERT INTO \"sites\"%",
        Duration::from_millis(500),
    );
    assert_eq!(status_of(request), 0, "the request got no answer");
    assert_eq!(
        (app.count(sites), app.count(audited)),
        before,
        "nothing half-applied"
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.csv_imports WHERE applied_at IS NULL"),
        1,
        "the import is still waiting to be confirmed"
    );

    let (mut server, took) = restart(&app, &server);
    let applied = Instant::now();
    let status = status_of(post_form(server.port, &manager, &confirm, &[]));
    let applying = applied.elapsed();
    server.signal(libc::SIGTERM);
    server.wait(Duration::from_secs(45));
    let _ = std::fs::remove_dir_all(&data_dir);
    assert_eq!(status, 303, "confirmed after the restart");
    assert_eq!(app.count(sites), before.0 + SITES as i64);
    assert_eq!(app.count(audited), before.1 + SITES as i64);
    println!(
        "import of {SITES} sites: killed {killed_at:?} in, restart {took:?}, whole import \
         {applying:?}"
    );
}

const ITEMS: usize = 1_500;

#[actix_web::test]
async fn a_killed_stock_count_posts_no_line_and_posts_all_when_sent_again() {
    let app = app_sharing_sessions().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    manager.get("/o/acme/inventory/locations").await;
    let location = harness::text(
        &mut app.conn(),
        "INSERT INTO org_acme.stock_locations (name, location_type) \
         VALUES ('Main store', 'warehouse') RETURNING id::text AS value",
    );
    app.execute(&format!(
        "INSERT INTO org_acme.inventory_items (part_number, name) \
         SELECT 'KM-' || n, 'Door roller ' || n FROM generate_series(1, {ITEMS}) n"
    ));
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let items: Vec<Id> = diesel::sql_query("SELECT id::text AS id FROM org_acme.inventory_items")
        .load(&mut *app.conn())
        .expect("items");
    let mut fields = vec![("reason", "Yearly stocktake")];
    for item in &items {
        fields.push(("item_id", item.id.as_str()));
        fields.push(("counted", "5"));
    }
    let path = format!("/o/acme/inventory/locations/{location}/count");
    let lines = "SELECT 1 FROM org_acme.stock_movements";
    let on_hand = "SELECT 1 FROM org_acme.inventory_items WHERE on_hand > 0";

    let data_dir = harness::temp_dir("faults-count");
    let mut server = Server::start(Some(&app.url), &data_dir, &[]);
    let request = post_form(server.port, &manager, &path, &fields);
    let killed_at = kill_during(
        &app,
        &mut server,
        "WITH level AS%",
        Duration::from_millis(100),
    );
    assert_eq!(status_of(request), 0, "the request got no answer");
    assert_eq!(app.count(lines), 0, "no ledger line of the count");
    assert_eq!(app.count(on_hand), 0, "no level moved");

    let (mut server, took) = restart(&app, &server);
    let posted = Instant::now();
    let status = status_of(post_form(server.port, &manager, &path, &fields));
    let posting = posted.elapsed();
    server.signal(libc::SIGTERM);
    server.wait(Duration::from_secs(45));
    let _ = std::fs::remove_dir_all(&data_dir);
    assert_eq!(status, 303, "the count posted after the restart");
    assert_eq!(app.count(lines), ITEMS as i64);
    assert_eq!(app.count(on_hand), ITEMS as i64);
    println!(
        "stock count of {ITEMS} items: killed {killed_at:?} in, restart {took:?}, whole count \
         {posting:?}"
    );
}

#[derive(QueryableByName, Debug)]
struct Snapshot {
    #[diesel(sql_type = diesel::sql_types::Text)]
    state: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    attempts: i32,
}

fn snapshot_job(app: &TestApp) -> Snapshot {
    diesel::sql_query(
        "SELECT state, attempts FROM background_jobs WHERE kind = 'health_snapshot' \
         AND organization_id = (SELECT id FROM organizations WHERE slug = 'acme')",
    )
    .get_result(&mut *app.conn())
    .expect("the snapshot job")
}

/// The lease is fifteen minutes and not a setting, so the test ages the killed job's lock
/// instead of waiting for it.
#[actix_web::test]
async fn a_job_killed_midway_is_taken_over_after_its_lease_and_runs_once() {
    let app = app_sharing_sessions().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let site = fixtures::site(&manager, "acme", "Harbour Tower").await;
    fixtures::lift(&manager, "acme", &site, "Lift 1").await;
    let history = "SELECT 1 FROM org_acme.health_score_history";
    // Today's snapshot, which the server schedules on start, waits on our lock halfway: after
    // rescoring the lifts, before writing the history.
    let mut blocker = app.conn();
    diesel::sql_query("BEGIN")
        .execute(&mut *blocker)
        .expect("begin");
    diesel::sql_query("LOCK TABLE org_acme.health_score_history IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *blocker)
        .expect("lock");

    let data_dir = harness::temp_dir("faults-job");
    let mut server = Server::start(Some(&app.url), &data_dir, &[]);
    let mut conn = app.conn();
    wait_for(
        "the snapshot to wait on the lock",
        Duration::from_secs(30),
        || server_sessions(&mut conn, "wait_event_type = 'Lock'") == 1,
    );
    server.kill();
    diesel::sql_query("ROLLBACK")
        .execute(&mut *blocker)
        .expect("unlock");
    wait_for(
        "the killed sessions to end",
        Duration::from_secs(30),
        || server_sessions(&mut conn, "true") == 0,
    );
    let killed = snapshot_job(&app);
    assert_eq!((killed.state.as_str(), killed.attempts), ("running", 1));
    assert_eq!(app.count(history), 0, "its work rolled back");

    let (mut server, _) = restart(&app, &server);
    // A poll of the worker (every 2 s) and more: the lease is still on.
    std::thread::sleep(Duration::from_secs(3));
    let held = snapshot_job(&app);
    assert_eq!((held.state.as_str(), held.attempts), ("running", 1));
    app.execute(
        "UPDATE background_jobs SET locked_at = now() - interval '16 minutes' \
         WHERE kind = 'health_snapshot'",
    );
    let lapsed = Instant::now();
    wait_for("the job to be taken over", Duration::from_secs(20), || {
        snapshot_job(&app).state == "done"
    });
    let recovered = lapsed.elapsed();
    server.signal(libc::SIGTERM);
    server.wait(Duration::from_secs(45));
    let _ = std::fs::remove_dir_all(&data_dir);
    let done = snapshot_job(&app);
    assert_eq!(done.attempts, 2, "the killed attempt and the one that ran");
    assert_eq!(
        app.count(history),
        1,
        "one history row: the job's work counted once"
    );
    println!("killed job: done {recovered:?} after its lease ran out");
}
