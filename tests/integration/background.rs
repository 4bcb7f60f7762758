//! The background job runner: claims, retries, dead jobs, leases, the admin page, and the
//! schema ledger that bounds how many organizations one connection enters.

use awc::http::StatusCode;
use chrono::Utc;
use sitesync::auth::roles::Role;
use sitesync::background::{self, queries, Kind, NewJob, Ran, Worker};
use sitesync::dashboard::jobs::HealthSnapshot;

use crate::dashboard::drain;
use sitesync::db::{Db, PoolOptions};

use crate::harness::{self, text, Browser, TestApp, PASSWORD};

fn enqueue(app: &TestApp, payload: serde_json::Value, organization: Option<uuid::Uuid>) {
    let queued = background::enqueue(
        &mut app.conn(),
        &NewJob {
            kind: "health_snapshot",
            organization_id: organization,
            payload,
            unique_key: None,
            run_at: Utc::now(),
            max_attempts: 2,
        },
    )
    .expect("enqueue");
    assert!(queued);
}

/// The daily snapshot over 300 organizations on a pool of one connection, bounded at 100
/// schemas a connection: the worker takes a checkout per job, so the backend is replaced
/// right after it entered its 101st organization, and again after the next 101.
#[actix_web::test]
async fn the_snapshot_worker_is_bounded_by_the_schemas_a_connection_may_enter() {
    let app = TestApp::with_pool_size(4).await;
    let started = std::time::Instant::now();
    std::thread::scope(|scope| {
        for part in 0..4 {
            let db = app.db.clone();
            scope.spawn(move || {
                for n in (part..300).step_by(4) {
                    harness::create_org(&db, &format!("org{n:03}"), &format!("Organization {n}"));
                }
            });
        }
    });
    eprintln!("300 organizations in {:?}", started.elapsed());
    let mut config = harness::test_config(&app.url, 1);
    config.pool_schemas_per_connection = 100;
    let db = Db::connect(
        &app.url,
        PoolOptions::from_config(&config, "sitesync test worker"),
    )
    .expect("a pool of one");
    let worker = Worker::new(std::sync::Arc::new(config));
    // Only the snapshot kind, so every job enters the next organization's schema.
    HealthSnapshot
        .schedule(&mut db.get().expect("connection"), Utc::now())
        .expect("schedule");
    let mut backends = Vec::new();
    loop {
        let next = background::run_next(&mut db.get().expect("connection"), &worker).expect("run");
        let Some(ran) = next else { break };
        assert!(matches!(ran, Ran::Done { .. }), "{ran:?}");
        backends.push(text(
            &mut db.get().expect("connection"),
            "SELECT pg_backend_pid()::text AS value",
        ));
    }
    assert_eq!(backends.len(), 300, "one snapshot per organization");
    let changes: Vec<usize> = (1..backends.len())
        .filter(|&i| backends[i] != backends[i - 1])
        .collect();
    assert_eq!(
        changes,
        vec![100, 201],
        "replaced after the 101st schema of each connection"
    );
}

#[actix_web::test]
async fn a_failing_job_is_retried_later_then_dead_and_an_admin_can_retry_it() {
    let app = TestApp::new().await;
    let org = app.create_org("acme", "Acme Lifts");
    // A snapshot without its day cannot run.
    enqueue(&app, serde_json::json!({}), Some(org.id));
    let worker = app.worker();
    let first = background::run_next(&mut app.conn(), &worker).expect("run");
    assert!(
        matches!(&first, Some(Ran::Failed { dead: false, error, .. }) if error.contains("without a valid day")),
        "{first:?}"
    );
    assert_eq!(
        app.count(
            "SELECT 1 FROM background_jobs WHERE state = 'failed' AND attempts = 1 \
             AND run_at > now() + interval '50 seconds' AND last_error LIKE '%without a valid day%'"
        ),
        1,
        "failed, to be tried again a minute later"
    );
    // Not due yet: nothing runs.
    assert_eq!(
        background::run_next(&mut app.conn(), &worker).expect("run"),
        None
    );
    app.execute("UPDATE background_jobs SET run_at = now()");
    let second = background::run_next(&mut app.conn(), &worker).expect("run");
    assert!(
        matches!(second, Some(Ran::Failed { dead: true, .. })),
        "{second:?}"
    );
    assert_eq!(
        app.count("SELECT 1 FROM background_jobs WHERE state = 'dead' AND attempts = 2"),
        1
    );
    app.execute("UPDATE background_jobs SET run_at = now()");
    assert_eq!(
        background::run_next(&mut app.conn(), &worker).expect("run"),
        None,
        "a dead job is not run again by itself"
    );

    // Owners of organizations and other signed-in people do not see the page.
    let manager = app.member("acme", Role::Owner).await;
    assert_eq!(
        manager.get("/admin/jobs").await.status,
        StatusCode::NOT_FOUND
    );
    let id = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM background_jobs",
    );
    manager.get("/account").await;
    let refused = manager.post(&format!("/admin/jobs/{id}/retry"), &[]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT 1 FROM background_jobs WHERE state = 'dead'"),
        1
    );

    app.create_account("root@example.com");
    sitesync::auth::accounts::set_platform_admin(&mut app.conn(), "root@example.com", true)
        .expect("admin");
    let admin = Browser::new(&app);
    admin.sign_in("root@example.com", PASSWORD).await;
    let page = admin.get("/admin/jobs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("#{id} health snapshot")),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("health_snapshot job without a valid day"));
    assert!(page.body.contains("attempt 2 of 2"));
    let only_failed = admin.get("/admin/jobs?state=failed").await;
    assert!(only_failed.body.contains("No job has failed"));

    let retried = admin.post(&format!("/admin/jobs/{id}/retry"), &[]).await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT 1 FROM background_jobs WHERE state = 'queued' AND attempts = 0"),
        1
    );
    let again = admin.post(&format!("/admin/jobs/{id}/retry"), &[]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(admin
        .get("/admin/jobs")
        .await
        .body
        .contains("was not failed or dead any more"));
    let unknown = admin.post("/admin/jobs/not-a-number/retry", &[]).await;
    assert!(unknown.status.is_client_error());
}

#[actix_web::test]
async fn an_unknown_kind_fails_with_its_name() {
    let app = TestApp::new().await;
    background::enqueue(
        &mut app.conn(),
        &NewJob {
            kind: "no_such_kind",
            organization_id: None,
            payload: serde_json::json!({}),
            unique_key: None,
            run_at: Utc::now(),
            max_attempts: 1,
        },
    )
    .expect("enqueue");
    let ran = background::run_next(&mut app.conn(), &app.worker()).expect("run");
    assert!(
        matches!(&ran, Some(Ran::Failed { dead: true, error, .. }) if error.contains("no_such_kind")),
        "{ran:?}"
    );
}

/// A worker whose lease ran out (it hung, or died) loses the job to another worker; its own
/// `done` is then refused, so the job's work counts once.
#[actix_web::test]
async fn a_lapsed_lease_is_taken_over_and_the_first_worker_cannot_finish_it() {
    let app = TestApp::new().await;
    let org = app.create_org("acme", "Acme Lifts");
    enqueue(
        &app,
        serde_json::json!({ "day": Utc::now().date_naive().to_string() }),
        Some(org.id),
    );
    let (first, second) = (app.worker(), app.worker());
    let claimed = queries::claim(&mut app.conn(), first.id(), 600)
        .expect("claim")
        .expect("a job");
    assert!(
        queries::claim(&mut app.conn(), second.id(), 600)
            .expect("claim")
            .is_none(),
        "a running job with a live lease is not claimed again"
    );
    app.execute("UPDATE background_jobs SET locked_at = now() - interval '1 hour'");
    let ran = background::run_next(&mut app.conn(), &second).expect("run");
    assert_eq!(ran, Some(Ran::Done { id: claimed.id }));
    assert!(!queries::mark_done(&mut app.conn(), claimed.id, first.id()).expect("done"));
    assert_eq!(
        app.count("SELECT 1 FROM background_jobs WHERE state = 'done' AND attempts = 2"),
        1
    );
}

/// A clean shutdown gives back what the worker holds, so another runs it at once.
#[actix_web::test]
async fn released_jobs_are_queued_again() {
    let app = TestApp::new().await;
    let org = app.create_org("acme", "Acme Lifts");
    enqueue(
        &app,
        serde_json::json!({ "day": Utc::now().date_naive().to_string() }),
        Some(org.id),
    );
    let worker = app.worker();
    queries::claim(&mut app.conn(), worker.id(), 600)
        .expect("claim")
        .expect("a job");
    assert_eq!(
        queries::release(&mut app.conn(), worker.id()).expect("release"),
        1
    );
    assert_eq!(
        app.count("SELECT 1 FROM background_jobs WHERE state = 'queued' AND attempts = 0"),
        1
    );
    let ran = drain(&app.db, &app.worker(), Utc::now());
    assert_eq!(
        ran.len(),
        5,
        "the released job, today's snapshot, this hour's timer check, maintenance pass and \
         digest check: {ran:?}"
    );
}
