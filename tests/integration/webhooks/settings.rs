//! The settings pages: the SSRF guard on the form, permissions, isolation between
//! organizations, editing, pausing and deleting.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use super::listener::Listener;
use super::{delivery_row, loopback_app, subscribe};
use crate::harness::TestApp;
use crate::work_orders::fixture;

#[actix_web::test]
async fn private_addresses_and_plain_http_are_refused_with_the_form_kept() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let owner = app.member("acme", Role::Owner).await;
    owner.get("/o/acme/settings/webhooks/new").await;
    for (url, says) in [
        ("https://127.0.0.1/hook", "private network"),
        ("https://10.0.0.1/hook", "private network"),
        (
            "https://169.254.169.254/latest/meta-data",
            "private network",
        ),
        ("https://[::1]/hook", "private network"),
        ("http://example.com/hook", "Use an https:// address"),
    ] {
        let page = owner
            .post(
                "/o/acme/settings/webhooks",
                &[
                    ("url", url),
                    ("description", "Kept as typed"),
                    ("events", "work_order.completed"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(page.body.contains(says), "{url}: {}", page.body);
        assert!(
            page.body.contains(&format!("value=\"{url}\"")),
            "{url} kept"
        );
        assert!(page.body.contains("Kept as typed"));
        assert!(page.body.contains("value=\"work_order.completed\" checked"));
    }
    // No event chosen: refused too, and nothing was saved.
    let page = owner
        .post(
            "/o/acme/settings/webhooks",
            &[("url", "https://93.184.216.34/hook")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Choose at least one event"));
    assert_eq!(app.count("SELECT 1 FROM org_acme.webhook_subscriptions"), 0);
}

#[actix_web::test]
async fn another_organizations_webhooks_are_not_found_and_members_without_settings_are_refused() {
    let app = loopback_app().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("globex", "Globex");
    let acme = app.member("acme", Role::Owner).await;
    let globex = app.member("globex", Role::Admin).await;
    let listener = Listener::start(200);
    let theirs = subscribe(&globex, "globex", &listener.url, &["work_order.created"]).await;
    let page = globex
        .post(&format!("/o/globex/settings/webhooks/{theirs}/ping"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let delivery = delivery_row(&app, "globex", "id");

    acme.get("/o/acme/settings/webhooks").await;
    for path in ["", "/edit", "/delete"] {
        let page = acme
            .get(&format!("/o/acme/settings/webhooks/{theirs}{path}"))
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in [
        "/rotate",
        "/ping",
        "/delete",
        &format!("/deliveries/{delivery}/redeliver"),
    ] {
        let page = acme
            .post(&format!("/o/acme/settings/webhooks/{theirs}{path}"), &[])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    let page = acme
        .post(
            &format!("/o/acme/settings/webhooks/{theirs}"),
            &[("url", &listener.url), ("events", "work_order.created")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT 1 FROM org_globex.webhook_subscriptions"),
        1
    );

    // A manager runs the work but not the organization's settings.
    let manager = app.member("acme", Role::Manager).await;
    for path in ["/o/acme/settings/webhooks", "/o/acme/settings/webhooks/new"] {
        assert_eq!(
            manager.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let page = manager
        .post(
            "/o/acme/settings/webhooks",
            &[("url", &listener.url), ("events", "work_order.created")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT 1 FROM org_acme.webhook_subscriptions"), 0);
}

#[actix_web::test]
async fn a_webhook_is_edited_paused_and_deleted_after_confirming() {
    let app = loopback_app().await;
    let f = fixture(&app, "acme").await;
    let owner = app.member("acme", Role::Owner).await;
    let settings = owner.get("/o/acme/settings").await;
    assert!(
        settings.body.contains("/o/acme/settings/webhooks"),
        "linked from settings"
    );
    let listener = Listener::start(200);
    let id = subscribe(&owner, "acme", &listener.url, &["work_order.created"]).await;
    let page = owner.get("/o/acme/settings/webhooks").await;
    assert!(page.body.contains(&listener.url) && page.body.contains("Active"));
    let edit = owner
        .get(&format!("/o/acme/settings/webhooks/{id}/edit"))
        .await;
    assert!(edit.body.contains("value=\"work_order.created\" checked"));
    // Paused (the box unticked): nothing is emitted to it.
    let page = owner
        .post(
            &format!("/o/acme/settings/webhooks/{id}"),
            &[("url", &listener.url), ("events", "work_order.created")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(owner
        .get("/o/acme/settings/webhooks")
        .await
        .body
        .contains("Paused"));
    f.create("acme", &[]).await;
    assert_eq!(app.count("SELECT 1 FROM org_acme.webhook_deliveries"), 0);

    let confirm = owner
        .get(&format!("/o/acme/settings/webhooks/{id}/delete"))
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Delete webhook"));
    let page = owner
        .post(&format!("/o/acme/settings/webhooks/{id}/delete"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT 1 FROM org_acme.webhook_subscriptions"), 0);
    let page = owner.get(&format!("/o/acme/settings/webhooks/{id}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn the_delivery_log_pages_and_reads_in_the_organizations_zone() {
    let app = loopback_app().await;
    app.create_org("acme", "Acme Lifts");
    let owner = app.member("acme", Role::Owner).await;
    let listener = Listener::start(200);
    let id = subscribe(&owner, "acme", &listener.url, &["work_order.created"]).await;
    app.execute(&format!(
        "INSERT INTO org_acme.webhook_deliveries (id, subscription_id, event_type, payload, \
           status, attempts, last_status_code, run_id, created_at) \
         SELECT gen_random_uuid(), '{id}', 'work_order.created', '{{}}', 'delivered', 1, 200, \
           gen_random_uuid(), timestamptz '2026-12-01 00:00:00+00' + n * interval '1 minute' \
         FROM generate_series(1, 30) AS n"
    ));
    let first = owner.get(&format!("/o/acme/settings/webhooks/{id}")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("1–25 of 30"), "{}", first.body);
    assert!(first.body.contains("page=2"));
    // The newest first, at Sydney's time (the organization's zone): 00:30 UTC is 11:30 AEDT.
    assert!(
        first.body.contains("Tue 1 Dec 2026, 11:30 AEDT"),
        "{}",
        first.body
    );
    let second = owner
        .get(&format!("/o/acme/settings/webhooks/{id}?page=2"))
        .await;
    assert!(second.body.contains("26–30 of 30"));
    assert!(second.body.contains("Tue 1 Dec 2026, 11:01 AEDT"));
    assert_eq!(second.body.matches(">Redeliver<").count(), 5);
}
