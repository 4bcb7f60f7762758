//! Parts, labour and what they cost.

use awc::http::StatusCode;

use super::fixture;
use crate::harness::{text, TestApp};

#[actix_web::test]
async fn costs_add_up_in_cents() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let path = format!("/o/acme/work-orders/{id}");
    for (qty, cost) in [("3", "0.10"), ("1", "0.20")] {
        let v = f.version(&id);
        let page = f
            .manager
            .post(
                &format!("{path}/parts"),
                &[
                    ("part_name", "Roller"),
                    ("quantity", qty),
                    ("unit_cost", cost),
                    ("source", "purchased"),
                    ("version", &v),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    assert_eq!(
        text(
            &mut app.conn(),
            &format!(
                "SELECT parts_cost::text AS value FROM org_acme.work_orders WHERE id = '{id}'"
            )
        ),
        "0.50"
    );
    // 23:30 to 01:15 the next day, emergency at 95.00 × 1.75: 105 min → 290.94.
    let v = f.version(&id);
    let page = f
        .manager
        .post(
            &format!("{path}/labor"),
            &[
                ("contractor_id", &f.contractor),
                ("start_time", "2026-03-01T23:30"),
                ("end_time", "2026-03-02T01:15"),
                ("labor_type", "emergency"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let v = f.version(&id);
    f.manager
        .post(
            &format!("{path}/labor"),
            &[
                ("contractor_id", &f.contractor),
                ("start_time", "2026-03-02T09:00"),
                ("end_time", "2026-03-02T09:01"),
                ("labor_type", "regular"),
                ("version", &v),
            ],
        )
        .await;
    let totals = text(&mut app.conn(), &format!("SELECT labor_cost::text || ' ' || total_cost::text AS value FROM org_acme.work_orders WHERE id = '{id}'"));
    // 290.94 + 1.58 (95 / 60 = 1.5833 → 1.58)
    assert_eq!(totals, "292.52 293.02");
    assert_eq!(app.count(&format!("SELECT 1 FROM org_acme.work_order_labor WHERE work_order_id = '{id}' AND duration_minutes = 105")), 1);
    let v = f.version(&id);
    let bad = f
        .manager
        .post(
            &format!("{path}/labor"),
            &[
                ("contractor_id", &f.contractor),
                ("start_time", "2026-03-02T10:00"),
                ("end_time", "2026-03-02T09:00"),
                ("labor_type", "regular"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("after the start") && bad.body.contains("2026-03-02T10:00"));
    let bad = f
        .manager
        .post(
            &format!("{path}/parts"),
            &[
                ("part_name", "Roller"),
                ("quantity", "-2"),
                ("unit_cost", "0.001"),
                ("source", "purchased"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.work_order_parts WHERE work_order_id = '{id}'"
        )),
        2
    );
}
