//! SIGTERM: requests in flight finish, new connections are refused, the background worker
//! finishes its job and takes no other, and the private cluster stops after all of them.

use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use diesel::prelude::*;
use sitesync::db::cluster::Cluster;

use super::{send, server_sessions, status_of, wait_for, Server};
use crate::harness;

/// Enqueues today's (or another day's) health snapshot of `acme`; true when it was new.
fn enqueue_snapshot(conn: &mut PgConnection, day: &str) -> bool {
    diesel::sql_query(
        "INSERT INTO background_jobs (kind, organization_id, payload, unique_key) \
         SELECT 'health_snapshot', id, jsonb_build_object('day', $1::text), $1 \
         FROM organizations WHERE slug = 'acme' ON CONFLICT DO NOTHING",
    )
    .bind::<diesel::sql_types::Text, _>(day)
    .execute(conn)
    .expect("enqueue")
        == 1
}

#[derive(QueryableByName, Debug, PartialEq)]
struct JobState {
    #[diesel(sql_type = diesel::sql_types::Text)]
    state: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    locked: bool,
}

fn job_state(conn: &mut PgConnection, day: &str) -> JobState {
    diesel::sql_query(
        "SELECT state, attempts, locked_by IS NOT NULL OR locked_at IS NOT NULL AS locked \
         FROM background_jobs WHERE kind = 'health_snapshot' AND unique_key = $1",
    )
    .bind::<diesel::sql_types::Text, _>(day)
    .get_result(conn)
    .expect("job")
}

/// Whether process `pid` runs (a zombie waiting for its parent to read its exit does not).
fn running(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let state = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .next()?
                .to_string();
            Some(state != "Z" && state != "X")
        })
        .unwrap_or(false)
}

#[test]
fn sigterm_drains_requests_and_the_running_job_then_stops_the_cluster() {
    let data_dir = harness::temp_dir("faults-term");
    let mut server = Server::start(None, &data_dir, &["--bench-routes"]);
    let created = std::process::Command::new(env!("CARGO_BIN_EXE_sitesync"))
        .args(["org", "create", "--slug", "acme", "--name", "Acme Lifts"])
        .env_remove("DATABASE_URL")
        .env("SITESYNC_DATA_DIR", &data_dir)
        .output()
        .expect("org create");
    assert!(created.status.success(), "{created:?}");
    let cluster = Cluster::start(&data_dir.join("pg")).expect("the server's cluster");
    let postmaster = cluster.postmaster_pid().expect("postmaster running");
    let url = cluster.url(sitesync::db::bootstrap::EMBEDDED_DATABASE);
    let mut conn = PgConnection::establish(&url).expect("connect");
    let mut blocker = PgConnection::establish(&url).expect("connect");

    // The job under way when the signal comes: held inside the database by our lock.
    diesel::sql_query("BEGIN")
        .execute(&mut blocker)
        .expect("begin");
    diesel::sql_query("LOCK TABLE org_acme.health_score_history IN ACCESS EXCLUSIVE MODE")
        .execute(&mut blocker)
        .expect("lock");
    let today = Utc::now().date_naive().to_string();
    assert!(enqueue_snapshot(&mut conn, &today));
    wait_for(
        "the job to wait on the lock",
        Duration::from_secs(30),
        || server_sessions(&mut conn, "wait_event_type = 'Lock'") == 1,
    );
    // Due as well, but the worker is busy: it must not take this one once told to stop.
    let yesterday = (Utc::now().date_naive() - Days::new(1)).to_string();
    assert!(enqueue_snapshot(&mut conn, &yesterday));

    let port = server.port;
    let slow = std::thread::spawn(move || {
        let started = Instant::now();
        let status = status_of(send(port, "GET", "/bench/slow/3000", "", ""));
        (status, started.elapsed())
    });
    wait_for(
        "the slow request to reach the database",
        Duration::from_secs(10),
        || server_sessions(&mut conn, "state = 'active' AND query LIKE '%pg_sleep%'") == 1,
    );

    let signalled = Instant::now();
    server.signal(libc::SIGTERM);
    std::thread::sleep(Duration::from_millis(300));
    let refused = std::net::TcpStream::connect(("127.0.0.1", port)).is_err();
    // The job may finish now: it runs to its end rather than being cut off.
    std::thread::sleep(Duration::from_millis(1200));
    diesel::sql_query("ROLLBACK")
        .execute(&mut blocker)
        .expect("unlock");
    let (slow_status, slow_took) = slow.join().expect("slow request");
    let status = server.wait(Duration::from_secs(45));
    let stopped_after = signalled.elapsed();
    drop((conn, blocker));

    assert!(refused, "a new connection after SIGTERM is refused");
    assert_eq!(slow_status, 200, "the request in flight finished");
    assert!(slow_took >= Duration::from_millis(2900), "{slow_took:?}");
    assert!(status.success(), "clean exit: {status}");
    assert!(
        stopped_after < Duration::from_secs(30),
        "stopped {stopped_after:?} after SIGTERM, within the drain's 30 s"
    );
    assert!(
        !data_dir.join("pg/postmaster.pid").exists(),
        "cluster stopped"
    );
    assert!(!running(postmaster), "the postmaster {postmaster} is gone");
    println!(
        "SIGTERM: slow request {slow_took:?}, exit {stopped_after:?} after the signal, \
         cluster stopped"
    );

    // What the worker left behind, read from the cluster started again.
    let cluster = Cluster::start(&data_dir.join("pg")).expect("restart cluster");
    let mut conn = PgConnection::establish(&url).expect("connect");
    let finished = job_state(&mut conn, &today);
    let untouched = job_state(&mut conn, &yesterday);
    drop(conn);
    cluster.stop().expect("stop cluster");
    let _ = std::fs::remove_dir_all(&data_dir);
    assert_eq!(
        finished,
        JobState {
            state: "done".into(),
            attempts: 1,
            locked: false
        },
        "the job under way finished"
    );
    assert_eq!(
        untouched,
        JobState {
            state: "queued".into(),
            attempts: 0,
            locked: false
        },
        "no job was taken after the signal"
    );
}

/// The worker loop, told to stop while it holds a claimed job it has not finished (a job
/// interrupted by the shutdown), gives the job back: queued again, unlocked, the attempt not
/// counted.
#[actix_web::test]
async fn a_stopped_worker_gives_back_what_it_claimed() {
    let app = crate::harness::TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let worker = app.worker();
    let today = Utc::now().date_naive().to_string();
    assert!(enqueue_snapshot(&mut app.conn(), &today));
    sitesync::background::queries::claim(&mut app.conn(), worker.id(), 900)
        .expect("claim")
        .expect("a job");
    worker.stop();
    let ran = tokio::time::timeout(
        Duration::from_secs(10),
        sitesync::background::worker(app.db.clone(), worker.clone()),
    )
    .await;
    assert!(ran.is_ok(), "the stopped worker returns");
    assert_eq!(
        job_state(&mut app.conn(), &today),
        JobState {
            state: "queued".into(),
            attempts: 0,
            locked: false
        }
    );
}
