//! Work orders take parts from stock (issued with the part line), reserve them until the work
//! starts, and return them when the line is removed; the last units go to exactly one taker.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use super::{fixture, on_hand};
use crate::harness::{id_from, text, TestApp};

/// A work order on a new lift of `slug`; its id.
async fn work_order(
    manager: &crate::harness::Browser<'_>,
    slug: &str,
    lift: &str,
    title: &str,
) -> String {
    let page = manager
        .post(
            &format!("/o/{slug}/work-orders"),
            &[
                ("elevator_id", lift),
                ("work_type", "breakdown"),
                ("priority", "high"),
                ("title", title),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_from(page.header("location"))
}

fn version(app: &TestApp, order: &str) -> String {
    text(
        &mut app.conn(),
        &format!("SELECT version::text AS value FROM org_acme.work_orders WHERE id = '{order}'"),
    )
}

async fn lift(manager: &crate::harness::Browser<'_>) -> String {
    let site = crate::fixtures::site(manager, "acme", "Harbour Tower").await;
    crate::fixtures::lift(manager, "acme", &site, "Lift 1").await
}

#[actix_web::test]
async fn a_part_from_stock_is_issued_with_its_line_and_returned_when_removed() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let lift = lift(&f.manager).await;
    let order = work_order(&f.manager, "acme", &lift, "Doors stuck").await;
    let panel = f
        .manager
        .get(&format!("/o/acme/inventory/work-orders/{order}"))
        .await;
    assert_eq!(panel.status, StatusCode::OK);
    assert!(
        panel.body.contains("Main warehouse: 10 available"),
        "{}",
        panel.body
    );
    let pick = format!("{}|{}", f.item, f.warehouse);
    let take = |quantity: &'static str| {
        let (pick, order) = (pick.clone(), order.clone());
        let v = version(&app, &order);
        let m = &f.manager;
        async move {
            m.post(
                &format!("/o/acme/inventory/work-orders/{order}/stock"),
                &[
                    ("stock", pick.as_str()),
                    ("quantity", quantity),
                    ("version", v.as_str()),
                ],
            )
            .await
        }
    };
    let page = take("11").await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(
        page.body.contains("Only 10 of KM-602450 are available"),
        "{}",
        page.body
    );
    for bad in ["0", "-1", "2.5", "1000000000000"] {
        assert_eq!(
            take(bad).await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}"
        );
    }
    let page = take("2").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 8);
    assert_eq!(
        text(&mut app.conn(), &format!("SELECT source || ' ' || quantity || ' ' || unit_cost::text || ' ' || part_name AS value FROM org_acme.work_order_parts WHERE work_order_id = '{order}'")),
        "inventory 2 42.50 Door operator belt"
    );
    assert_eq!(app.count(&format!("SELECT 1 FROM org_acme.stock_movements WHERE kind = 'issue' AND work_order_id = '{order}' AND quantity = -2")), 1);
    let detail = f.manager.get(&format!("/o/acme/work-orders/{order}")).await;
    assert!(detail.body.contains("From stock"), "{}", detail.body);
    let part = text(&mut app.conn(), &format!("SELECT id::text AS value FROM org_acme.work_order_parts WHERE work_order_id = '{order}'"));
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{order}/parts/{part}/remove"),
            &[("version", &version(&app, &order))],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 10);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.stock_movements WHERE kind = 'return'"),
        1
    );
    // Another organization's item or location is not a choice here.
    app.create_org("rival", "Rival Lifts");
    let rival = app.member("rival", Role::Owner).await;
    let rival_store = super::location(&rival, "rival", "Store", "warehouse").await;
    let page = f
        .manager
        .post(
            &format!("/o/acme/inventory/work-orders/{order}/stock"),
            &[
                ("stock", format!("{}|{rival_store}", f.item).as_str()),
                ("quantity", "1"),
                ("version", &version(&app, &order)),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.work_order_parts WHERE work_order_id = '{order}'"
        )),
        0
    );
    assert_eq!(
        rival
            .get(&format!("/o/rival/inventory/work-orders/{order}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn twenty_concurrent_takers_of_ten_units_ten_succeed() {
    let app = TestApp::with_pool_size(12).await;
    let f = fixture(&app, "acme").await;
    let lift = lift(&f.manager).await;
    let mut orders = Vec::new();
    for n in 0..20 {
        orders.push(work_order(&f.manager, "acme", &lift, &format!("Fault {n}")).await);
    }
    let pick = format!("{}|{}", f.item, f.warehouse);
    let pages = futures_util::future::join_all(orders.iter().map(|order| {
        let v = version(&app, order);
        let (m, pick) = (&f.manager, pick.clone());
        async move {
            m.post(
                &format!("/o/acme/inventory/work-orders/{order}/stock"),
                &[
                    ("stock", pick.as_str()),
                    ("quantity", "1"),
                    ("version", v.as_str()),
                ],
            )
            .await
        }
    }))
    .await;
    let taken = pages
        .iter()
        .filter(|p| p.status == StatusCode::SEE_OTHER)
        .count();
    let refused: Vec<_> = pages
        .iter()
        .filter(|p| p.status == StatusCode::CONFLICT)
        .collect();
    assert_eq!((taken, refused.len()), (10, 10));
    for page in refused {
        assert!(
            page.body.contains("no KM-602450 available"),
            "{}",
            page.body
        );
    }
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 0);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.stock_movements WHERE kind = 'issue'"),
        10
    );
    assert_eq!(app.count("SELECT 1 FROM org_acme.work_order_parts"), 10);
}

#[actix_web::test]
async fn reserved_parts_are_issued_when_the_work_starts_and_released_when_cancelled() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let lift = lift(&f.manager).await;
    let order = work_order(&f.manager, "acme", &lift, "Replace the belt").await;
    let reserve = |order: String| {
        let v = version(&app, &order);
        let (m, pick) = (&f.manager, format!("{}|{}", f.item, f.warehouse));
        async move {
            m.post(
                &format!("/o/acme/inventory/work-orders/{order}/stock"),
                &[
                    ("stock", pick.as_str()),
                    ("quantity", "3"),
                    ("mode", "reserve"),
                    ("version", v.as_str()),
                ],
            )
            .await
        }
    };
    let page = reserve(order.clone()).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 10);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.stock_levels WHERE reserved = 3"),
        1
    );
    let item = f
        .manager
        .get(&format!("/o/acme/inventory/items/{}", f.item))
        .await;
    assert!(
        item.body.contains("Available (3 reserved)"),
        "{}",
        item.body
    );
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{order}/move"),
            &[("to", "in_progress"), ("version", &version(&app, &order))],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 7);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.stock_levels WHERE reserved = 0"),
        1
    );
    assert_eq!(app.count("SELECT 1 FROM org_acme.stock_reservations"), 0);
    assert_eq!(app.count(&format!("SELECT 1 FROM org_acme.work_order_parts WHERE work_order_id = '{order}' AND quantity = 3 AND source = 'inventory'")), 1);
    // Once started, parts are taken, not reserved.
    assert_eq!(reserve(order.clone()).await.status, StatusCode::CONFLICT);
    let other = work_order(&f.manager, "acme", &lift, "Check the rollers").await;
    assert_eq!(reserve(other.clone()).await.status, StatusCode::SEE_OTHER);
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{other}/move"),
            &[
                ("to", "cancelled"),
                ("reason", "Duplicate"),
                ("version", &version(&app, &other)),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.stock_levels WHERE reserved = 0 AND on_hand = 7"),
        1
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.stock_movements WHERE kind = 'unreserve'"),
        1
    );
}
