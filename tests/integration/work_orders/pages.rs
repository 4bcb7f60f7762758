//! The board, entrapments on top, and comments.

use awc::http::StatusCode;

use super::fixture;
use crate::harness::{text, TestApp};

#[actix_web::test]
async fn entrapments_are_emergencies_on_top_and_breakdowns_can_take_the_lift_down() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    f.create("acme", &[("title", "Squeaky door"), ("priority", "high")])
        .await;
    let trapped = f
        .create(
            "acme",
            &[
                ("title", "Person trapped in car"),
                ("priority", "low"),
                ("entrapment", "1"),
            ],
        )
        .await;
    assert_eq!(
        text(
            &mut app.conn(),
            &format!(
                "SELECT priority::text AS value FROM org_acme.work_orders WHERE id = '{trapped}'"
            )
        ),
        "emergency"
    );
    let board = f.manager.get("/o/acme/work-orders").await;
    let top = board.body.find("Person trapped").expect("entrapment shown");
    assert!(
        top < board.body.find("Squeaky door").expect("other shown"),
        "entrapment first"
    );
    assert!(board.body.contains("Entrapment"));

    // An emergency starts without being scheduled first.
    for to in ["in_progress"] {
        let v = f.version(&trapped);
        let page = f
            .manager
            .post(
                &format!("/o/acme/work-orders/{trapped}/move"),
                &[
                    ("to", to),
                    ("version", &v),
                    (
                        "lift_status",
                        if to == "in_progress" {
                            "out_of_service"
                        } else {
                            ""
                        },
                    ),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(
        text(
            &mut app.conn(),
            "SELECT status::text AS value FROM org_acme.elevators"
        ),
        "out_of_service"
    );
    assert_eq!(app.count("SELECT 1 FROM org_acme.elevator_status_history WHERE to_status = 'out_of_service' AND reason LIKE 'WO-%'"), 1);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'work_order_started'"),
        1
    );
}

#[actix_web::test]
async fn the_board_filters_and_flags_overdue_work() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    f.create(
        "acme",
        &[("title", "Overdue job"), ("due_date", "2020-01-01T09:00")],
    )
    .await;
    f.create(
        "acme",
        &[
            ("title", "Future job"),
            ("priority", "low"),
            ("work_type", "preventive"),
        ],
    )
    .await;
    let full = f.manager.get("/o/acme/work-orders").await;
    assert!(
        full.body.contains("<html")
            && full.body.contains("Overdue job")
            && full.body.contains("Future job")
    );
    assert!(full.body.contains("overdue-text"));
    for (query, shown, hidden) in [
        ("overdue=1", "Overdue job", "Future job"),
        ("priority=low", "Future job", "Overdue job"),
        ("work_type=preventive", "Future job", "Overdue job"),
        ("q=overdue", "Overdue job", "Future job"),
        (
            "priority=medium&work_type=breakdown",
            "Overdue job",
            "Future job",
        ),
        ("assignee=none&overdue=1", "Overdue job", "Future job"),
    ] {
        let page = f
            .manager
            .get_htmx(&format!("/o/acme/work-orders?{query}"))
            .await;
        assert!(!page.body.contains("<html"), "fragment for {query}");
        assert!(
            page.body.contains(shown) && !page.body.contains(hidden),
            "{query}"
        );
    }
    let list = f
        .manager
        .get("/o/acme/work-orders/list?sort=due&dir=asc")
        .await;
    assert!(list.body.find("Overdue job") < list.body.find("Future job"));
    let export = f
        .manager
        .get("/o/acme/work-orders/export.csv?overdue=1")
        .await;
    assert!(export.body.contains("Overdue job") && !export.body.contains("Future job"));
}

#[actix_web::test]
async fn comments_are_markdown_without_scripts() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let body = "**Brake** checked\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror=alert(1)>";
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/comments"),
            &[("body", body)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let detail = f.manager.get(&format!("/o/acme/work-orders/{id}")).await;
    assert!(detail.body.contains("<strong>Brake</strong>"));
    assert!(!detail.body.contains("<script>alert(1)"));
    assert!(!detail.body.contains("javascript:alert"));
    assert!(!detail.body.contains("onerror"));
    let empty = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/comments"),
            &[("body", "   ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_web::test]
async fn assignment_notifies_the_assignee_and_an_entrapment_every_manager() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let tech = app
        .member("acme", sitesync::auth::roles::Role::Technician)
        .await;
    let other_manager = app
        .member("acme", sitesync::auth::roles::Role::Manager)
        .await;
    other_manager.get("/o/acme/work-orders").await;
    let tech_account = text(&mut app.conn(), "SELECT a.id::text AS value FROM accounts a JOIN memberships m ON m.account_id = a.id WHERE m.role = 'technician'");
    app.execute(&format!(
        "UPDATE org_acme.contractors SET account_id = '{tech_account}'"
    ));
    let id = f.create("acme", &[]).await;
    let v = f.version(&id);
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/assign"),
            &[("contractor_id", &f.contractor), ("version", &v)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(&format!("SELECT 1 FROM notifications WHERE account_id = '{tech_account}' AND kind = 'work_order_assigned' AND link = '/o/acme/work-orders/{id}' AND title LIKE 'WO-%assigned to you: Doors not closing'")),
        1
    );
    let list = tech.get("/notifications").await;
    assert!(list.body.contains("assigned to you"));

    let trapped = f
        .create(
            "acme",
            &[("title", "Person trapped in car"), ("entrapment", "1")],
        )
        .await;
    let managers = app.count("SELECT 1 FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE o.slug = 'acme' AND m.role IN ('owner', 'admin', 'manager')");
    assert!(managers >= 2);
    assert_eq!(
        app.count(&format!("SELECT 1 FROM notifications WHERE kind = 'entrapment' AND link = '/o/acme/work-orders/{trapped}'")),
        managers,
        "every manager, at once"
    );
    assert_eq!(
        app.count(&format!("SELECT 1 FROM notifications WHERE kind = 'entrapment' AND account_id = '{tech_account}'")),
        0
    );
}
