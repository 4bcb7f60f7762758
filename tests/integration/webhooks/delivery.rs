//! Deliveries: what subscribers receive, signed; retries until dead; redelivery, test events
//! and a rotated secret; every emitting operation; a rollback emits nothing.

use std::sync::atomic::Ordering;

use awc::http::StatusCode;
use chrono::Utc;
use sitesync::auth::roles::Role;
use sitesync::background::Ran;
use sitesync::webhooks::{self, signature, Event};

use super::listener::Listener;
use super::{delivery_row, loopback_app, secret_on_page, skip_the_wait, subscribe};
use crate::dashboard::drain;
use crate::harness::{in_org, text, Browser};
use crate::work_orders::fixture;

#[actix_web::test]
async fn a_new_work_order_reaches_the_subscriber_signed_with_the_secret_on_the_page() {
    let app = loopback_app().await;
    let f = fixture(&app, "acme").await;
    let owner = app.member("acme", Role::Owner).await;
    let listener = Listener::start(204);
    let id = subscribe(&owner, "acme", &listener.url, &["work_order.created"]).await;
    // Subscribed to another event only: hears nothing of this one.
    let other = Listener::start(200);
    subscribe(&owner, "acme", &other.url, &["fault_report.created"]).await;
    let secret = secret_on_page(&owner, "acme", &id).await;

    let order = f.create("acme", &[]).await;
    let ran = drain(&app.db, &app.worker(), Utc::now());
    assert!(ran.iter().all(|r| matches!(r, Ran::Done { .. })), "{ran:?}");

    let received = listener.received();
    assert_eq!(received.len(), 1, "one delivery");
    assert!(other.received().is_empty());
    let request = &received[0];
    assert_eq!(request.header("SiteSync-Event"), Some("work_order.created"));
    assert_eq!(request.header("Content-Type"), Some("application/json"));
    let header = request.header("SiteSync-Signature").expect("signed");
    let now = Utc::now().timestamp();
    assert_eq!(
        signature::verify(
            &secret,
            header,
            &request.body,
            now,
            signature::TOLERANCE_SECS
        ),
        Ok(())
    );
    assert!(signature::verify("whsec_wrong", header, &request.body, now, 300).is_err());
    let payload: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(payload["type"], "work_order.created");
    assert_eq!(payload["organization"], "acme");
    assert_eq!(payload["id"].as_str(), request.header("SiteSync-Delivery"));
    assert_eq!(payload["data"]["id"].as_str(), Some(order.as_str()));
    assert_eq!(payload["data"]["title"], "Doors not closing");
    assert_eq!(payload["data"]["status"], "pending");
    assert_eq!(
        payload["data"]["elevator_id"].as_str(),
        Some(f.lift.as_str())
    );
    assert!(payload["created_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));

    assert_eq!(
        delivery_row(&app, "acme", "status, attempts, last_status_code"),
        "delivered|1|204"
    );
    let page = owner.get(&format!("/o/acme/settings/webhooks/{id}")).await;
    assert!(page.body.contains("delivered") && page.body.contains("204"));
    assert!(page.body.contains("Redeliver"));
}

#[actix_web::test]
async fn a_failing_endpoint_is_retried_until_dead_and_can_be_redelivered() {
    let app = loopback_app().await;
    let f = fixture(&app, "acme").await;
    let owner = app.member("acme", Role::Owner).await;
    let listener = Listener::start(500);
    let id = subscribe(
        &owner,
        "acme",
        &listener.url,
        &["work_order.created", "work_order.status_changed"],
    )
    .await;
    f.create("acme", &[]).await;
    let ran = drain(&app.db, &app.worker(), Utc::now());
    assert!(
        ran.iter()
            .any(|r| matches!(r, Ran::Failed { dead: false, .. })),
        "{ran:?}"
    );
    assert_eq!(
        delivery_row(
            &app,
            "acme",
            "status, attempts, last_status_code, next_attempt_at IS NOT NULL"
        ),
        "failed|1|500|t"
    );
    assert!(delivery_row(&app, "acme", "last_error").starts_with("HTTP 500: answered 500"));
    let page = owner.get(&format!("/o/acme/settings/webhooks/{id}")).await;
    assert!(page.body.contains("failed") && page.body.contains("500"));

    for _ in 2..=8 {
        skip_the_wait(&app);
        drain(&app.db, &app.worker(), Utc::now());
    }
    assert_eq!(
        delivery_row(
            &app,
            "acme",
            "status, attempts, last_status_code, next_attempt_at IS NULL"
        ),
        "dead|8|500|t"
    );
    assert_eq!(listener.received().len(), 8, "eight attempts, no more");
    let page = owner.get(&format!("/o/acme/settings/webhooks/{id}")).await;
    assert!(page.body.contains("dead"));

    // The endpoint is fixed: "Redeliver" sends the same body again, with a fresh signature.
    listener.status.store(200, Ordering::SeqCst);
    let delivery = delivery_row(&app, "acme", "id");
    let page = owner
        .post(
            &format!("/o/acme/settings/webhooks/{id}/deliveries/{delivery}/redeliver"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(delivery_row(&app, "acme", "status, attempts"), "pending|0");
    drain(&app.db, &app.worker(), Utc::now());
    assert_eq!(
        delivery_row(&app, "acme", "status, attempts, last_status_code"),
        "delivered|1|200"
    );
    let received = listener.received();
    assert_eq!(received.len(), 9);
    assert_eq!(received[8].body, received[0].body, "the same payload");

    // A test event, and a rotated secret that signs it.
    let old_secret = secret_on_page(&owner, "acme", &id).await;
    let page = owner
        .post(&format!("/o/acme/settings/webhooks/{id}/rotate"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let secret = secret_on_page(&owner, "acme", &id).await;
    assert_ne!(secret, old_secret);
    let page = owner
        .post(&format!("/o/acme/settings/webhooks/{id}/ping"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    drain(&app.db, &app.worker(), Utc::now());
    let ping = listener.received().pop().unwrap();
    assert_eq!(ping.header("SiteSync-Event"), Some("ping"));
    let header = ping.header("SiteSync-Signature").unwrap();
    let now = Utc::now().timestamp();
    assert_eq!(
        signature::verify(&secret, header, &ping.body, now, 300),
        Ok(())
    );
    assert!(signature::verify(&old_secret, header, &ping.body, now, 300).is_err());
}

#[actix_web::test]
async fn status_moves_and_completion_are_emitted_and_a_rollback_emits_nothing() {
    let app = loopback_app().await;
    let f = fixture(&app, "acme").await;
    let owner = app.member("acme", Role::Owner).await;
    let listener = Listener::start(200);
    subscribe(
        &owner,
        "acme",
        &listener.url,
        &[
            "work_order.status_changed",
            "work_order.completed",
            "elevator.status_changed",
        ],
    )
    .await;
    let order = f
        .create(
            "acme",
            &[
                ("assigned_contractor_id", &f.contractor),
                ("work_type", "preventive"),
            ],
        )
        .await;
    for to in ["scheduled", "in_progress", "completed"] {
        let version = f.version(&order);
        let page = f
            .manager
            .post(
                &format!("/o/acme/work-orders/{order}/move"),
                &[
                    ("to", to),
                    ("version", &version),
                    ("resolution_notes", "Adjusted doors"),
                    ("resolution_type", "adjusted"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    drain(&app.db, &app.worker(), Utc::now());
    let events: Vec<String> = listener
        .received()
        .iter()
        .map(|r| r.header("SiteSync-Event").unwrap_or_default().to_string())
        .collect();
    let count = |name: &str| events.iter().filter(|e| *e == name).count();
    assert_eq!(count("work_order.status_changed"), 3, "{events:?}");
    assert_eq!(count("work_order.completed"), 1, "{events:?}");
    // Starting preventive work took the lift into maintenance, completing it gave it back.
    assert_eq!(count("elevator.status_changed"), 2, "{events:?}");

    let before = app.count("SELECT 1 FROM org_acme.webhook_deliveries");
    let jobs = app.count("SELECT 1 FROM background_jobs WHERE kind = 'deliver_webhook'");
    let rolled_back: Result<(), sitesync::orgs::TenancyError> =
        in_org(&mut app.conn(), "acme", |conn, org| {
            let queued = webhooks::emit(
                conn,
                org,
                Event::WorkOrderCompleted,
                serde_json::json!({ "id": "x" }),
            )?;
            assert_eq!(queued, 1);
            Err(diesel::result::Error::RollbackTransaction.into())
        });
    assert!(rolled_back.is_err());
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.webhook_deliveries"),
        before
    );
    assert_eq!(
        app.count("SELECT 1 FROM background_jobs WHERE kind = 'deliver_webhook'"),
        jobs
    );
}

#[actix_web::test]
async fn a_fault_report_from_the_public_form_is_sent_without_the_reporters_details() {
    let app = loopback_app().await;
    let f = fixture(&app, "acme").await;
    let owner = app.member("acme", Role::Owner).await;
    let listener = Listener::start(200);
    subscribe(&owner, "acme", &listener.url, &["fault_report.created"]).await;
    let token = text(
        &mut app.conn(),
        "SELECT report_token AS value FROM org_acme.elevators",
    );
    let visitor = Browser::new(&app);
    visitor.get(&format!("/report/acme/{token}")).await;
    let sent = visitor
        .post(
            &format!("/report/acme/{token}"),
            &[
                ("elevator_id", &f.lift),
                ("request_type", "issue_report"),
                ("subject", "Doors bang"),
                ("contact_name", "Dana Reporter"),
                ("trapped", "0"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    drain(&app.db, &app.worker(), Utc::now());
    let received = listener.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].header("SiteSync-Event"),
        Some("fault_report.created")
    );
    let payload: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(payload["data"]["subject"], "Doors bang");
    assert_eq!(
        payload["data"]["elevator_id"].as_str(),
        Some(f.lift.as_str())
    );
    assert!(payload["data"]["reference"]
        .as_str()
        .is_some_and(|r| r.starts_with("SR-")));
    assert!(!String::from_utf8_lossy(&received[0].body).contains("Dana"));
}

#[actix_web::test]
async fn a_worker_in_production_mode_refuses_a_private_address_without_connecting() {
    let app = loopback_app().await;
    let f = fixture(&app, "acme").await;
    let owner = app.member("acme", Role::Owner).await;
    let listener = Listener::start(200);
    subscribe(&owner, "acme", &listener.url, &["work_order.created"]).await;
    f.create("acme", &[]).await;
    // The subscription was saved where private addresses are allowed; this worker's server
    // does not allow them, and checks again before connecting.
    let strict = sitesync::background::Worker::new(std::sync::Arc::new(
        crate::harness::test_config(&app.url, 2),
    ));
    let ran = drain(&app.db, &strict, Utc::now());
    assert!(
        ran.iter()
            .any(|r| matches!(r, Ran::Failed { dead: false, .. })),
        "{ran:?}"
    );
    assert_eq!(
        delivery_row(
            &app,
            "acme",
            "status, attempts, last_status_code IS NULL, last_error"
        ),
        "failed|1|t|refused: Use an https:// address: webhooks carry your organization's data."
    );
    // A host name is judged by the addresses the connection would use (as after a DNS
    // rebinding): localhost resolves to loopback, and is refused before any connection.
    let port = listener
        .url
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    app.execute(&format!(
        "UPDATE org_acme.webhook_subscriptions SET url = 'https://localhost:{port}/hooks'"
    ));
    skip_the_wait(&app);
    drain(&app.db, &strict, Utc::now());
    assert_eq!(delivery_row(&app, "acme", "status, attempts"), "failed|2");
    let error = delivery_row(&app, "acme", "last_error");
    assert!(
        error.starts_with("refused: This address points into a private network ("),
        "{error}"
    );
    assert!(listener.received().is_empty(), "no connection was made");
}
