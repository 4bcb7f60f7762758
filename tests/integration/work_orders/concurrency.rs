//! Numbering under concurrency, lost updates and changes at once.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;
use sitesync::orgs::Actor;
use sitesync::web::request_meta::RequestMeta;
use sitesync::web::AppError;
use sitesync::work_orders::operations::{self, Acting, Authority, Followup, WorkOrderError};

use super::fixture;
use crate::harness::{self, TestApp};

#[actix_web::test]
async fn fifty_concurrent_creations_get_fifty_consecutive_numbers() {
    let app = TestApp::with_pool_size(12).await;
    let f = fixture(&app, "acme").await;
    let lift = f.lift.clone();
    let futures = (0..50).map(|i| {
        let lift = lift.clone();
        let m = &f.manager;
        async move {
            m.post(
                "/o/acme/work-orders",
                &[
                    ("elevator_id", lift.as_str()),
                    ("work_type", "breakdown"),
                    ("priority", "low"),
                    ("title", &format!("Fault {i}")),
                ],
            )
            .await
            .status
        }
    });
    let statuses = futures_util::future::join_all(futures).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::SEE_OTHER),
        "{statuses:?}"
    );
    let year = chrono::Datelike::year(&chrono::Utc::now());
    assert_eq!(
        app.count("SELECT DISTINCT work_order_number FROM org_acme.work_orders"),
        50
    );
    for n in 1..=50 {
        assert_eq!(
            app.count(&format!(
                "SELECT 1 FROM org_acme.work_orders WHERE work_order_number = 'WO-{year}-{n:06}'"
            )),
            1,
            "number {n}"
        );
    }
}

#[actix_web::test]
async fn a_stale_change_is_refused_and_nothing_is_overwritten() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let other = app.member("acme", Role::Manager).await;
    let seen = f.version(&id);
    other.get(&format!("/o/acme/work-orders/{id}")).await;
    let first = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[
                ("to", "scheduled"),
                ("assigned_contractor_id", &f.contractor),
                ("version", &seen),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = other
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[
                ("to", "cancelled"),
                ("reason", "No longer needed"),
                ("version", &seen),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.body.contains("Someone else changed this work order"));
    assert!(second.body.contains("Scheduled"), "the fresh page is shown");
    assert_eq!(f.status(&id), "scheduled");

    // The board's answer to a stale move is the card as it is now.
    let board = other
        .post_htmx(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "in_progress"), ("version", &seen), ("from", "board")],
        )
        .await;
    assert_eq!(board.status, StatusCode::CONFLICT);
    assert!(board.body.contains(&format!("card-{id}")) && board.body.contains("hx-swap-oob"));
    assert_eq!(f.status(&id), "scheduled");
    let fresh = f.version(&id);
    let moved = other
        .post_htmx(
            &format!("/o/acme/work-orders/{id}/move"),
            &[
                ("to", "in_progress"),
                ("version", &fresh),
                ("from", "board"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK);
    assert!(
        moved.body.contains("id=\"col-in_progress\"")
            && moved.body.contains("id=\"count-scheduled\""),
        "{}",
        moved.body
    );
    assert_eq!(f.status(&id), "in_progress");
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.work_orders WHERE id = '{id}' AND actual_start IS NOT NULL"
        )),
        1
    );
}

fn waiting_for_locks(app: &TestApp) -> i64 {
    app.count(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )
}

/// Waits until `n` backends wait for a lock.
fn until_waiting(app: &TestApp, n: i64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while waiting_for_locks(app) < n {
        assert!(
            std::time::Instant::now() < deadline,
            "{n} changes never got to wait"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// One change to work order `id`, run the way a page runs it: in its own transaction inside
/// the organization, as a manager.
fn change_in_thread(
    app: &TestApp,
    id: uuid::Uuid,
    change: impl FnOnce(&mut diesel::PgConnection, &Acting) -> Result<(), WorkOrderError>
        + Send
        + 'static,
) -> std::thread::JoinHandle<Result<(), AppError>> {
    let db = app.db.clone();
    std::thread::spawn(move || {
        let mut conn = db.get().expect("connection");
        harness::in_org(&mut conn, "acme", |conn, org| -> Result<(), AppError> {
            let actor = Actor::new(
                uuid::Uuid::new_v4(),
                "manager@example.com",
                "Manager",
                RequestMeta::default(),
            );
            let acting = Acting {
                org,
                actor: &actor,
                authority: Authority::Member(Role::Manager),
            };
            Ok(change(conn, &acting).map_err(|e| {
                assert!(
                    !matches!(e, WorkOrderError::Database(_)),
                    "{id}: a database error: {e}"
                );
                e
            })?)
        })
    })
}

/// Issue 17.9: adding a task while someone else sets the follow-up flag, both against the same
/// version. They used to take the work order's row and the audit trail's head in opposite
/// orders and deadlock (a 500 after a second); now each takes the work order's row first, so
/// the second waits and is told the work order changed.
#[actix_web::test]
async fn two_different_changes_at_once_give_one_saved_and_one_conflict_never_a_deadlock() {
    let app = TestApp::with_pool_size(8).await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let seen: i32 = f.version(&id).parse().expect("version");
    let id = uuid::Uuid::parse_str(&id).expect("id");

    // Hold the audit trail's head so that both changes get as far as they go before it: that
    // is the moment they used to cross.
    let mut holder = app.conn();
    diesel::connection::SimpleConnection::batch_execute(
        &mut *holder,
        "BEGIN; SELECT 1 FROM org_acme.audit_chain_head FOR UPDATE;",
    )
    .expect("hold the audit head");
    let task = change_in_thread(&app, id, move |conn, acting| {
        operations::add_task(conn, acting, id, seen, "Check brake").map(|_| ())
    });
    until_waiting(&app, 1);
    let followup = change_in_thread(&app, id, move |conn, acting| {
        let followup = Followup {
            needed: true,
            notes: Some("Replace the door rollers".into()),
        };
        operations::set_followup(conn, acting, id, seen, &followup)
    });
    until_waiting(&app, 2);
    diesel::connection::SimpleConnection::batch_execute(&mut *holder, "ROLLBACK").expect("release");
    drop(holder);

    let outcomes = [
        task.join().expect("task thread"),
        followup.join().expect("follow-up thread"),
    ];
    let saved = outcomes.iter().filter(|o| o.is_ok()).count();
    let stale = outcomes
        .iter()
        .filter(|o| {
            matches!(o, Err(AppError::Conflict(message)) if message.contains("Someone else changed"))
        })
        .count();
    assert_eq!((saved, stale), (1, 1), "{outcomes:?}");
    assert_eq!(f.version(&id.to_string()), (seen + 1).to_string());
    let task_added = app.count("SELECT 1 FROM org_acme.work_order_tasks") == 1;
    let flagged = app.count("SELECT 1 FROM org_acme.work_orders WHERE requires_followup") == 1;
    assert!(
        task_added != flagged,
        "exactly one of the two changes is saved"
    );

    // Over HTTP the loser is the 409 page, never a 500.
    let v = f.version(&id.to_string());
    let path = format!("/o/acme/work-orders/{id}");
    let (a, b) = futures_util::future::join(
        f.manager.post(
            &format!("{path}/tasks"),
            &[("title", "Oil rails"), ("version", &v)],
        ),
        f.manager.post(
            &format!("{path}/followup"),
            &[("requires_followup", "1"), ("version", &v)],
        ),
    )
    .await;
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
}
