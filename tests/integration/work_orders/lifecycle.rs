//! The lifecycle: which moves are allowed, what they need, callbacks.

use awc::http::StatusCode;
use sitesync::work_orders::status::WorkOrderStatus;

use super::fixture;
use crate::harness::TestApp;

#[actix_web::test]
async fn every_move_of_the_lifecycle_is_allowed_or_refused_as_specified() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    for from in WorkOrderStatus::ALL {
        for to in WorkOrderStatus::ALL {
            diesel::RunQueryDsl::execute(
                diesel::sql_query(format!(
                    "UPDATE org_acme.work_orders SET status = '{}' WHERE id = '{id}'",
                    from.as_str()
                )),
                &mut *app.conn(),
            )
            .expect("set status");
            let version = f.version(&id);
            let page = f
                .manager
                .post(
                    &format!("/o/acme/work-orders/{id}/move"),
                    &[
                        ("to", to.as_str()),
                        ("version", &version),
                        ("reason", "Duplicate"),
                        ("resolution_notes", "Replaced belt"),
                        ("resolution_type", "repaired"),
                    ],
                )
                .await;
            let allowed = from.can_move_to(*to);
            let expected = if allowed {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::CONFLICT
            };
            assert_eq!(page.status, expected, "{from:?} → {to:?}");
            let now = f.status(&id);
            assert_eq!(
                now,
                if allowed { to.as_str() } else { from.as_str() },
                "{from:?} → {to:?}"
            );
        }
    }
    // Completing needs notes and a resolution type; cancelling needs a reason.
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE org_acme.work_orders SET status = 'in_progress' WHERE id = '{id}'"
        )),
        &mut *app.conn(),
    )
    .expect("reset");
    let version = f.version(&id);
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "completed"), ("version", &version)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Describe what was done"));
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "cancelled"), ("version", &version)],
        )
        .await;
    assert!(page.body.contains("Say why"));
    assert_eq!(f.status(&id), "in_progress");
}

#[actix_web::test]
async fn callbacks_link_to_their_parent_and_count_against_first_time_fix() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[("assigned_contractor_id", "")]).await;
    let v = f.version(&id);
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/assign"),
            &[("contractor_id", &f.contractor), ("version", &v)],
        )
        .await;
    for to in ["scheduled", "in_progress", "completed"] {
        let v = f.version(&id);
        let page = f
            .manager
            .post(
                &format!("/o/acme/work-orders/{id}/move"),
                &[
                    ("to", to),
                    ("version", &v),
                    ("resolution_notes", "Adjusted doors"),
                    ("resolution_type", "adjusted"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    let form = f
        .manager
        .get(&format!("/o/acme/work-orders/new?parent={id}"))
        .await;
    assert!(form.body.contains("Callback for WO-"));
    let missing = f
        .manager
        .post(
            "/o/acme/work-orders",
            &[
                ("elevator_id", &f.lift),
                ("work_type", "callback"),
                ("priority", "high"),
                ("title", "Doors again"),
                ("parent_work_order_id", &id),
            ],
        )
        .await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the callback log needs the trouble reported"
    );
    let child = f
        .create(
            "acme",
            &[
                ("work_type", "callback"),
                ("priority", "high"),
                ("title", "Doors again"),
                ("parent_work_order_id", &id),
                ("callback_reported_trouble", "Doors reopen repeatedly"),
            ],
        )
        .await;
    assert_eq!(app.count(&format!("SELECT 1 FROM org_acme.work_orders WHERE id = '{child}' AND parent_work_order_id = '{id}' AND callback_reported_at IS NOT NULL")), 1);
    let contractor = f
        .manager
        .get(&format!("/o/acme/contractors/{}", f.contractor))
        .await;
    assert!(contractor.body.contains("<dd>1</dd>"), "one job completed");
    assert!(
        contractor.body.contains("<dd>0%</dd>"),
        "the callback makes it not a first-time fix"
    );
}
