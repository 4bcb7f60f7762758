//! Technicians change only their own work orders; other organizations see nothing.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use super::fixture;
use crate::harness::{text, TestApp};

#[actix_web::test]
async fn technicians_change_only_their_own_and_other_orgs_see_nothing() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let tech = app.member("acme", Role::Technician).await;
    tech.get("/o/acme/work-orders").await;
    let v = f.version(&id);
    let refused = tech
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "scheduled"), ("version", &v)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        tech.post("/o/acme/work-orders", &[("title", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Linked to the contractor and assigned: now they may.
    let tech_account = text(&mut app.conn(), "SELECT a.id::text AS value FROM accounts a JOIN memberships m ON m.account_id = a.id WHERE m.role = 'technician'");
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE org_acme.contractors SET account_id = '{tech_account}'"
        )),
        &mut *app.conn(),
    )
    .expect("link");
    let v = f.version(&id);
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/assign"),
            &[("contractor_id", &f.contractor), ("version", &v)],
        )
        .await;
    let v = f.version(&id);
    let allowed = tech
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "scheduled"), ("version", &v)],
        )
        .await;
    assert_eq!(allowed.status, StatusCode::SEE_OTHER);
    let mine = tech.get("/o/acme/work-orders/mine").await;
    assert!(mine.body.contains("Doors not closing"));

    // Another organization: every id is unknown.
    app.create_org("bravo", "Bravo");
    let outsider = app.member("bravo", Role::Owner).await;
    outsider.get("/o/bravo/work-orders").await;
    let v = f.version(&id);
    // A task, a part and a labour entry on acme's work order, then poked at from bravo.
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/tasks"),
            &[("title", "Check brake"), ("version", &v)],
        )
        .await;
    let v = f.version(&id);
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/parts"),
            &[
                ("part_name", "Pad"),
                ("quantity", "1"),
                ("unit_cost", "5"),
                ("source", "purchased"),
                ("version", &v),
            ],
        )
        .await;
    let v = f.version(&id);
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/labor"),
            &[
                ("contractor_id", &f.contractor),
                ("start_time", "2026-01-01T10:00"),
                ("end_time", "2026-01-01T11:00"),
                ("labor_type", "regular"),
                ("version", &v),
            ],
        )
        .await;
    let v = f.version(&id);
    let task = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.work_order_tasks",
    );
    let part = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.work_order_parts",
    );
    let labor = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.work_order_labor",
    );
    for path in [
        format!("/o/bravo/work-orders/{id}/tasks/{task}"),
        format!("/o/bravo/work-orders/{id}/parts/{part}/remove"),
        format!("/o/bravo/work-orders/{id}/labor/{labor}/remove"),
    ] {
        assert_eq!(
            outsider
                .post(&path, &[("action", "complete"), ("version", &v)])
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(app.count("SELECT 1 FROM org_acme.work_order_parts"), 1);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.work_order_tasks WHERE status = 'pending'"),
        1
    );
    for path in [
        format!("/o/bravo/work-orders/{id}"),
        format!("/o/bravo/contractors/{}", f.contractor),
        format!("/o/bravo/contractors/{}/edit", f.contractor),
    ] {
        assert_eq!(
            outsider.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/o/bravo/work-orders/{id}/move"),
            vec![("to", "cancelled"), ("reason", "x"), ("version", &v)],
        ),
        (
            format!("/o/bravo/work-orders/{id}/parts"),
            vec![
                ("part_name", "x"),
                ("quantity", "1"),
                ("unit_cost", "1"),
                ("source", "purchased"),
                ("version", &v),
            ],
        ),
        (
            format!("/o/bravo/work-orders/{id}/labor"),
            vec![
                ("contractor_id", &f.contractor),
                ("start_time", "2026-01-01T10:00"),
                ("end_time", "2026-01-01T11:00"),
                ("labor_type", "regular"),
                ("version", &v),
            ],
        ),
        (
            format!("/o/bravo/work-orders/{id}/tasks"),
            vec![("title", "x"), ("version", &v)],
        ),
        (
            format!("/o/bravo/work-orders/{id}/comments"),
            vec![("body", "x")],
        ),
        (
            format!("/o/bravo/contractors/{}/deactivate", f.contractor),
            vec![],
        ),
    ];
    for (path, fields) in posts {
        assert_eq!(
            outsider.post(&path, &fields).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // Bravo's own work order cannot use acme's lift or contractor.
    outsider.get("/o/bravo/work-orders/new").await;
    let page = outsider
        .post(
            "/o/bravo/work-orders",
            &[
                ("elevator_id", &f.lift),
                ("work_type", "breakdown"),
                ("priority", "low"),
                ("title", "Stolen lift"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = outsider
        .post(
            "/o/bravo/work-orders",
            &[
                ("site_id", &f.site),
                ("work_type", "breakdown"),
                ("priority", "low"),
                ("title", "Stolen site"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT 1 FROM org_bravo.work_orders"), 0);
    assert_eq!(f.status(&id), "scheduled");
}
