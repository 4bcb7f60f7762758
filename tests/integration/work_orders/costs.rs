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

#[actix_web::test]
async fn the_callout_fee_is_charged_once_when_the_assigned_contractor_logs_labour() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    app.execute(&format!(
        "UPDATE org_acme.contractors SET callout_fee = 80.00 WHERE id = '{}'",
        f.contractor
    ));
    let id = f
        .create("acme", &[("assigned_contractor_id", &f.contractor)])
        .await;
    let path = format!("/o/acme/work-orders/{id}");
    for (start, end) in [
        ("2026-03-02T09:00", "2026-03-02T10:00"),
        ("2026-03-03T09:00", "2026-03-03T10:00"),
    ] {
        let v = f.version(&id);
        let page = f
            .manager
            .post(
                &format!("{path}/labor"),
                &[
                    ("contractor_id", &f.contractor),
                    ("start_time", start),
                    ("end_time", end),
                    ("labor_type", "regular"),
                    ("version", &v),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    // Two hours at 95.00 and one call-out of 80.00.
    let costs = |app: &TestApp| {
        text(&mut app.conn(), &format!("SELECT labor_cost::text || ' ' || callout_cost::text || ' ' || total_cost::text AS value FROM org_acme.work_orders WHERE id = '{id}'"))
    };
    assert_eq!(costs(&app), "190.00 80.00 270.00");
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'callout_charged'"),
        1
    );
    let detail = f.manager.get(&path).await;
    assert!(detail.body.contains("Call-out fee") && detail.body.contains("$80.00"));
    // Taking all their labour off takes the call-out with it.
    for labor in text(
        &mut app.conn(),
        "SELECT string_agg(id::text, ',') AS value FROM org_acme.work_order_labor",
    )
    .split(',')
    {
        let v = f.version(&id);
        f.manager
            .post(&format!("{path}/labor/{labor}/remove"), &[("version", &v)])
            .await;
    }
    assert_eq!(costs(&app), "0.00 0.00 0.00");

    // Labour of someone not assigned charges no call-out.
    let other = f.create("acme", &[("title", "Unassigned job")]).await;
    let v = f.version(&other);
    f.manager
        .post(
            &format!("/o/acme/work-orders/{other}/labor"),
            &[
                ("contractor_id", &f.contractor),
                ("start_time", "2026-03-02T09:00"),
                ("end_time", "2026-03-02T10:00"),
                ("labor_type", "regular"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(
        app.count(&format!("SELECT 1 FROM org_acme.work_orders WHERE id = '{other}' AND callout_cost = 0 AND total_cost = 95")),
        1
    );
}

#[actix_web::test]
async fn an_expired_licence_needs_a_managers_reason_to_assign() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    app.execute(&format!(
        "UPDATE org_acme.contractors SET license_expiry = '2025-01-31' WHERE id = '{}'",
        f.contractor
    ));
    let id = f.create("acme", &[]).await;
    let v = f.version(&id);
    let refused = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/assign"),
            &[("contractor_id", &f.contractor), ("version", &v)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("licence expired on 31 Jan 2025")
            && refused.body.contains("name=\"expiry_reason\""),
        "the form asks for the reason"
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.work_orders WHERE assigned_contractor_id IS NOT NULL"),
        0
    );
    // Raising a work order with them is refused the same way.
    let raised = f
        .manager
        .post(
            "/o/acme/work-orders",
            &[
                ("elevator_id", &f.lift),
                ("work_type", "breakdown"),
                ("priority", "medium"),
                ("title", "Another job"),
                ("assigned_contractor_id", &f.contractor),
            ],
        )
        .await;
    assert_eq!(raised.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(raised.body.contains("licence expired"));
    let confirmed = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/assign"),
            &[
                ("contractor_id", &f.contractor),
                ("expiry_reason", "Renewal lodged, only one on call"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    assert_eq!(
        app.count(&format!("SELECT 1 FROM org_acme.work_orders WHERE id = '{id}' AND assigned_contractor_id = '{}'", f.contractor)),
        1
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'assigned_despite_expiry' AND event_data->>'reason' = 'Renewal lodged, only one on call'"),
        1
    );
}
