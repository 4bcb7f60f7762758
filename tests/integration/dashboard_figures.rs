//! The dashboard's kept figures: counted on the first view, shown with when they were counted,
//! counted again by the background worker once they age, and at once after a long while.
//! "Needs attention" is never kept: it is read live.

use awc::http::StatusCode;
use chrono::Utc;
use sitesync::auth::roles::Role;

use crate::dashboard::{drain, site_and_lift};
use crate::fixtures;
use crate::harness::TestApp;

fn refresh_jobs(app: &TestApp) -> i64 {
    app.count("SELECT 1 FROM background_jobs WHERE kind = 'dashboard_figures'")
}

#[actix_web::test]
async fn kept_figures_show_their_time_and_are_counted_again_as_they_age() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("other", "Other Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let (site, _) = site_and_lift(&manager, "acme").await;
    let page = manager.get("/o/acme").await;
    assert!(
        page.body.contains(">Lifts in service (1 of 1)<"),
        "{}",
        page.body
    );
    assert!(page.body.contains("counts and charts as of"));
    assert_eq!(app.count("SELECT 1 FROM org_acme.dashboard_figures"), 1);

    // Fresh figures are shown as kept; what needs attention is read live.
    let second = fixtures::lift(&manager, "acme", &site, "Lift 2").await;
    manager.get(&format!("/o/acme/elevators/{second}")).await;
    let page = manager
        .post(
            &format!("/o/acme/elevators/{second}/status"),
            &[
                ("status", "out_of_service"),
                ("reason", "Door operator failed"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = manager.get("/o/acme").await;
    assert!(page.body.contains(">Lifts in service (1 of 1)<"));
    assert!(
        page.body.contains("Door operator failed"),
        "live attention list"
    );
    assert_eq!(refresh_jobs(&app), 0);

    // Aged figures are still shown, and the worker is asked once to count again.
    app.execute("UPDATE org_acme.dashboard_figures SET counted_at = now() - interval '10 minutes'");
    manager.get("/o/acme").await;
    let page = manager.get("/o/acme").await;
    assert!(page.body.contains(">Lifts in service (1 of 1)<"));
    assert_eq!(refresh_jobs(&app), 1, "one recount however many views");
    drain(&app.db, &app.worker(), Utc::now());
    assert_eq!(
        app.count(
            "SELECT 1 FROM background_jobs WHERE kind = 'dashboard_figures' AND state = 'done'"
        ),
        1
    );
    let page = manager.get("/o/acme").await;
    assert!(
        page.body.contains(">Lifts in service (1 of 2)<"),
        "{}",
        page.body
    );

    // Figures nobody looked at for over an hour are counted before the page is shown.
    fixtures::lift(&manager, "acme", &site, "Lift 3").await;
    app.execute("UPDATE org_acme.dashboard_figures SET counted_at = now() - interval '2 hours'");
    let page = manager.get("/o/acme").await;
    assert!(
        page.body.contains(">Lifts in service (2 of 3)<"),
        "{}",
        page.body
    );

    // Each organization keeps its own.
    assert_eq!(app.count("SELECT 1 FROM org_other.dashboard_figures"), 0);
    assert_eq!(
        manager.get("/o/other").await.status,
        StatusCode::NOT_FOUND,
        "not a member of the other organization"
    );
}
