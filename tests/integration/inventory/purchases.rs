//! Purchase orders: gap-free numbers, bad input refused with the form kept and nothing
//! written, ordering, receiving into stock (never more than ordered), cancelling, who may
//! change them, isolation between organizations, and the reorder list.

use awc::http::StatusCode;
use chrono::Datelike;
use sitesync::auth::roles::Role;

use super::{fixture, item, location, on_hand, org_number, Fixture};
use crate::harness::{id_from, Browser, Page, TestApp};

/// A line of the form: item, quantity, unit cost.
type Line<'a> = (&'a str, &'a str, &'a str);

/// Posts a new purchase order from `supplier` received at `location`, with `lines` of (item,
/// quantity, unit cost) in the form's rows from the first.
async fn draft(manager: &Browser<'_>, slug: &str, location: &str, lines: &[Line<'_>]) -> Page {
    let mut fields = vec![
        ("supplier", "Lift Parts Direct"),
        ("location_id", location),
        ("expected_on", "2026-12-24"),
        ("notes", "Deliver to the loading dock."),
    ];
    for (item, quantity, cost) in lines {
        fields.extend([
            ("item_id", *item),
            ("quantity", *quantity),
            ("unit_cost", *cost),
        ]);
    }
    manager
        .post(&format!("/o/{slug}/inventory/purchase-orders"), &fields)
        .await
}

/// A new draft order; its id.
async fn order(manager: &Browser<'_>, slug: &str, location: &str, lines: &[Line<'_>]) -> String {
    let page = draft(manager, slug, location, lines).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_from(page.header("location"))
}

async fn set_status(browser: &Browser<'_>, slug: &str, id: &str, status: &str) -> Page {
    browser
        .post(
            &format!("/o/{slug}/inventory/purchase-orders/{id}/status"),
            &[("status", status)],
        )
        .await
}

/// Receives `quantities`, one per line of the receive form in its order (blank: none).
async fn receive(browser: &Browser<'_>, slug: &str, id: &str, quantities: &[&str]) -> Page {
    let page = browser
        .get(&format!("/o/{slug}/inventory/purchase-orders/{id}"))
        .await;
    let lines = line_ids(&page.body);
    let mut fields = Vec::new();
    for (line, quantity) in lines.iter().zip(quantities) {
        fields.push(("line_id", line.as_str()));
        fields.push(("quantity", *quantity));
    }
    browser
        .post(
            &format!("/o/{slug}/inventory/purchase-orders/{id}/receive"),
            &fields,
        )
        .await
}

/// The ids of the receive form's lines, in order.
fn line_ids(body: &str) -> Vec<String> {
    body.split("name=\"line_id\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

fn status_of(app: &TestApp, id: &str) -> String {
    let statuses = [
        "draft",
        "ordered",
        "partly_received",
        "received",
        "cancelled",
    ];
    statuses
        .iter()
        .find(|s| {
            org_number(
                app,
                "acme",
                &format!(
                    "SELECT count(*) FROM purchase_orders WHERE id = '{id}' AND status = '{s}'"
                ),
            ) == 1
        })
        .map(|s| s.to_string())
        .unwrap_or_default()
}

fn year() -> i32 {
    chrono::Utc::now().year()
}

#[actix_web::test]
async fn orders_are_numbered_without_gaps_ordered_and_received_into_stock() {
    let app = TestApp::new().await;
    let Fixture {
        manager,
        warehouse,
        item: belt,
        ..
    } = fixture(&app, "acme").await;
    let rope = item(&manager, "acme", "KM-713", "Governor rope", "18.00").await;

    let page = manager.get("/o/acme/inventory/purchase-orders").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("No open purchase orders"),
        "{}",
        page.body
    );
    let page = manager.get("/o/acme/inventory/purchase-orders/new").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("KM-602450 — Door operator belt"));

    // A blank first row, a line at the list cost and one at a typed cost.
    let first = order(
        &manager,
        "acme",
        &warehouse,
        &[("", "", ""), (&belt, "5", ""), (&rope, "4", "17.25")],
    )
    .await;
    // A refused order in between takes no number.
    assert_eq!(
        draft(&manager, "acme", &warehouse, &[]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let second = order(&manager, "acme", &warehouse, &[(&belt, "1", "40")]).await;

    let page = manager
        .get(&format!("/o/acme/inventory/purchase-orders/{first}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let year = year();
    assert!(
        page.body.contains(&format!("PO-{year}-000001")),
        "{}",
        page.body
    );
    assert!(page.body.contains("badge badge-grey\">Draft"));
    assert!(page.body.contains("Lift Parts Direct"));
    assert!(page
        .body
        .contains("<time datetime=\"2026-12-24\">24 Dec 2026</time>"));
    assert!(
        page.body.contains("212.50"),
        "the belt at its list cost: {}",
        page.body
    );
    assert!(page.body.contains("69.00"), "the rope at the typed cost");
    assert!(page.body.contains("281.50"), "the order's total");
    assert!(page.body.contains("Mark as ordered"));
    assert!(line_ids(&page.body).is_empty(), "a draft receives nothing");
    let page = manager
        .get(&format!("/o/acme/inventory/purchase-orders/{second}"))
        .await;
    assert!(page.body.contains(&format!("PO-{year}-000002")));
    assert_eq!(
        org_number(
            &app,
            "acme",
            "SELECT last_number FROM purchase_order_counters"
        ),
        2
    );

    let page = manager.get("/o/acme/inventory/purchase-orders").await;
    assert!(
        page.body.contains(&format!("PO-{year}-000002"))
            && page.body.contains(&format!("PO-{year}-000001"))
    );
    assert!(
        page.body.find("000002") < page.body.find("000001"),
        "newest first"
    );

    // Receiving a draft is refused: it has not been ordered.
    let page = manager
        .post(
            &format!("/o/acme/inventory/purchase-orders/{first}/receive"),
            &[
                ("line_id", "00000000-0000-0000-0000-000000000000"),
                ("quantity", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.body.contains("this one is draft"), "{}", page.body);

    let page = set_status(&manager, "acme", &first, "ordered").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(status_of(&app, &first), "ordered");

    // Lines come by part number: the belt (KM-602450) before the rope (KM-713).
    let page = receive(&manager, "acme", &first, &["2", ""]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(status_of(&app, &first), "partly_received");
    assert_eq!(on_hand(&app, "acme", &belt, &warehouse), 12);
    assert_eq!(on_hand(&app, "acme", &rope, &warehouse), 0);
    let page = manager
        .get(&format!("/o/acme/inventory/purchase-orders/{first}"))
        .await;
    assert!(page.body.contains("Partly received"));
    assert!(
        page.body.contains("2 units received into stock"),
        "{}",
        page.body
    );

    // More than is still to come: refused, nothing received, what was typed kept.
    let page = receive(&manager, "acme", &first, &["4", "4"]).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Only 3 of KM-602450 are still to come."),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"4\""));
    assert_eq!(on_hand(&app, "acme", &belt, &warehouse), 12);
    assert_eq!(on_hand(&app, "acme", &rope, &warehouse), 0);
    for bad in ["-1", "1.5", "1000000000000"] {
        let page = receive(&manager, "acme", &first, &[bad, ""]).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            page.body
        );
        assert!(
            page.body.contains("id=\"f-quantity-0-error\""),
            "{bad}: {}",
            page.body
        );
    }
    let page = receive(&manager, "acme", &first, &["", ""]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Enter how many arrived"));

    let page = receive(&manager, "acme", &first, &["3", "4"]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(status_of(&app, &first), "received");
    assert_eq!(on_hand(&app, "acme", &belt, &warehouse), 15);
    assert_eq!(on_hand(&app, "acme", &rope, &warehouse), 4);
    assert_eq!(
        org_number(&app, "acme", &format!("SELECT count(*) FROM stock_movements WHERE purchase_order_id = '{first}' AND kind = 'receive'")),
        3
    );
    let page = manager
        .get(&format!("/o/acme/inventory/purchase-orders/{first}"))
        .await;
    assert!(line_ids(&page.body).is_empty(), "nothing left to receive");
    assert!(!page.body.contains("Cancel this purchase order"));

    let page = set_status(&manager, "acme", &first, "cancelled").await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(
        page.body
            .contains("A purchase order that is received cannot be cancelled."),
        "{}",
        page.body
    );
    let page = manager
        .post(
            &format!("/o/acme/inventory/purchase-orders/{first}/status"),
            &[("status", "received")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);

    let page = manager
        .get("/o/acme/inventory/purchase-orders?status=received")
        .await;
    assert!(
        page.body.contains(&format!("PO-{year}-000001"))
            && !page.body.contains(&format!("PO-{year}-000002"))
    );
    let page = manager.get("/o/acme/inventory/purchase-orders").await;
    assert!(
        !page.body.contains(&format!("PO-{year}-000001")),
        "a received order is not open"
    );
}

#[actix_web::test]
async fn bad_orders_are_refused_with_the_form_kept_and_nothing_written() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    app.create_org("rival", "Rival Lifts");
    let rival = app.member("rival", Role::Manager).await;
    let rival_store = location(&rival, "rival", "Rival store", "warehouse").await;
    let rival_item = item(&rival, "rival", "RV-1", "Rival belt", "10").await;
    let (item, warehouse) = (f.item.as_str(), f.warehouse.as_str());
    let cases: Vec<(&str, Vec<Line>, &str, &str)> = vec![
        (warehouse, vec![], "item_id-0", "Add at least one line."),
        (
            warehouse,
            vec![(item, "0", "")],
            "quantity-0",
            "Enter a whole number from 1 to 1000000.",
        ),
        (
            warehouse,
            vec![(item, "-1", "")],
            "quantity-0",
            "Enter a whole number from 1 to 1000000.",
        ),
        (
            warehouse,
            vec![(item, "1.5", "")],
            "quantity-0",
            "Enter a whole number from 1 to 1000000.",
        ),
        (
            warehouse,
            vec![(item, "1000000000000", "")],
            "quantity-0",
            "Enter a whole number",
        ),
        (
            warehouse,
            vec![(item, "2", "1000000000000000")],
            "unit_cost-0",
            "Enter a number from 0 to 9999999",
        ),
        (
            warehouse,
            vec![(item, "2", "-3")],
            "unit_cost-0",
            "Enter a number from 0 to 9999999",
        ),
        (
            warehouse,
            vec![(item, "2", ""), ("", "", ""), (&rival_item, "1", "")],
            "item_id-1",
            "Choose an item from your catalogue.",
        ),
        (
            warehouse,
            vec![(item, "2", ""), (item, "1", "")],
            "item_id-1",
            "already on an earlier line",
        ),
        (
            &rival_store,
            vec![(item, "2", "")],
            "location_id",
            "Choose one of your locations.",
        ),
        (
            "",
            vec![(item, "2", "")],
            "location_id",
            "Choose where it will be received.",
        ),
        (
            warehouse,
            vec![("not-an-id", "2", "")],
            "item_id-0",
            "Choose an item.",
        ),
    ];
    for (location, lines, field, message) in &cases {
        let page = draft(&f.manager, "acme", location, lines).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            page.body
        );
        assert!(
            page.body.contains(&format!("id=\"f-{field}-error\">")),
            "{field}: {}",
            page.body
        );
        assert!(
            page.body.contains(message),
            "{field}: {message}: {}",
            page.body
        );
        assert!(
            page.body.contains("value=\"Lift Parts Direct\""),
            "what was typed is kept"
        );
        assert!(page.body.contains("Deliver to the loading dock."));
    }
    assert_eq!(
        org_number(&app, "acme", "SELECT count(*) FROM purchase_orders"),
        0
    );
    assert_eq!(
        org_number(&app, "acme", "SELECT count(*) FROM purchase_order_counters"),
        0
    );
    let id = order(&f.manager, "acme", warehouse, &[(item, "1", "")]).await;
    let page = f
        .manager
        .get(&format!("/o/acme/inventory/purchase-orders/{id}"))
        .await;
    assert!(
        page.body.contains(&format!("PO-{}-000001", year())),
        "refusals took no number"
    );
}

#[actix_web::test]
async fn drafts_and_ordered_orders_can_be_cancelled_but_not_once_goods_arrived() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let line = [(f.item.as_str(), "5", "")];
    let drafted = order(&f.manager, "acme", &f.warehouse, &line).await;
    let page = f
        .manager
        .get(&format!("/o/acme/inventory/purchase-orders/{drafted}"))
        .await;
    assert!(page
        .body
        .contains("<summary>Cancel this purchase order…</summary>"));
    assert_eq!(
        set_status(&f.manager, "acme", &drafted, "cancelled")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&app, &drafted), "cancelled");
    let page = set_status(&f.manager, "acme", &drafted, "ordered").await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(
        page.body
            .contains("A purchase order that is cancelled cannot be ordered."),
        "{}",
        page.body
    );
    let page = f
        .manager
        .post(
            &format!("/o/acme/inventory/purchase-orders/{drafted}/receive"),
            &[
                ("line_id", "00000000-0000-0000-0000-000000000000"),
                ("quantity", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.body.contains("this one is cancelled"), "{}", page.body);

    let ordered = order(&f.manager, "acme", &f.warehouse, &line).await;
    set_status(&f.manager, "acme", &ordered, "ordered").await;
    assert_eq!(
        set_status(&f.manager, "acme", &ordered, "ordered")
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        set_status(&f.manager, "acme", &ordered, "cancelled")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&app, &ordered), "cancelled");

    let arriving = order(&f.manager, "acme", &f.warehouse, &line).await;
    set_status(&f.manager, "acme", &arriving, "ordered").await;
    assert_eq!(
        receive(&f.manager, "acme", &arriving, &["1"]).await.status,
        StatusCode::SEE_OTHER
    );
    let page = set_status(&f.manager, "acme", &arriving, "cancelled").await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(
        page.body.contains("partly received cannot be cancelled"),
        "{}",
        page.body
    );
    assert_eq!(status_of(&app, &arriving), "partly_received");

    let page = f
        .manager
        .get("/o/acme/inventory/purchase-orders?status=cancelled")
        .await;
    assert_eq!(page.body.matches("badge badge-grey\">Cancelled").count(), 2);
    let page = f
        .manager
        .get("/o/acme/inventory/purchase-orders?status=all")
        .await;
    assert_eq!(page.body.matches("\">PO-").count(), 3, "{}", page.body);
}

#[actix_web::test]
async fn technicians_and_read_only_members_see_orders_but_cannot_change_them() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = order(&f.manager, "acme", &f.warehouse, &[(&f.item, "5", "")]).await;
    set_status(&f.manager, "acme", &id, "ordered").await;
    let line = line_ids(
        &f.manager
            .get(&format!("/o/acme/inventory/purchase-orders/{id}"))
            .await
            .body,
    );
    assert_eq!(line.len(), 1);
    for role in [Role::Technician, Role::ReadOnly] {
        let member = app.member("acme", role).await;
        let page = member.get("/o/acme/inventory/purchase-orders").await;
        assert_eq!(page.status, StatusCode::OK, "{role:?}");
        assert!(!page.body.contains("New purchase order"), "{role:?}");
        let page = member
            .get(&format!("/o/acme/inventory/purchase-orders/{id}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{role:?}");
        assert!(page.body.contains("KM-602450"));
        assert!(
            !page.body.contains("Receive goods")
                && !page.body.contains("Cancel this purchase order")
        );
        assert_eq!(
            member.get("/o/acme/inventory/reorder").await.status,
            StatusCode::OK
        );
        assert_eq!(
            member
                .get("/o/acme/inventory/purchase-orders/new")
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let page = draft(&member, "acme", &f.warehouse, &[(&f.item, "1", "")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?}");
        assert_eq!(
            set_status(&member, "acme", &id, "cancelled").await.status,
            StatusCode::FORBIDDEN
        );
        let page = member
            .post(
                &format!("/o/acme/inventory/purchase-orders/{id}/receive"),
                &[("line_id", &line[0]), ("quantity", "1")],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?}");
    }
    assert_eq!(
        org_number(&app, "acme", "SELECT count(*) FROM purchase_orders"),
        1
    );
    assert_eq!(status_of(&app, &id), "ordered");
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 10);
}

#[actix_web::test]
async fn another_organizations_orders_are_not_found() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = order(&f.manager, "acme", &f.warehouse, &[(&f.item, "5", "")]).await;
    set_status(&f.manager, "acme", &id, "ordered").await;
    let line = line_ids(
        &f.manager
            .get(&format!("/o/acme/inventory/purchase-orders/{id}"))
            .await
            .body,
    );
    app.create_org("rival", "Rival Lifts");
    let rival = app.member("rival", Role::Owner).await;
    let page = rival
        .get(&format!("/o/rival/inventory/purchase-orders/{id}"))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains("Lift Parts Direct"));
    assert_eq!(
        set_status(&rival, "rival", &id, "cancelled").await.status,
        StatusCode::NOT_FOUND
    );
    let page = rival
        .post(
            &format!("/o/rival/inventory/purchase-orders/{id}/receive"),
            &[("line_id", &line[0]), ("quantity", "1")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(
        rival
            .get(&format!("/o/acme/inventory/purchase-orders/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(status_of(&app, &id), "ordered");
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 10);
}

#[actix_web::test]
async fn the_reorder_list_shows_what_fell_to_its_reorder_point_and_orders_it() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let page = f.manager.get("/o/acme/inventory/reorder").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Nothing to reorder"), "{}", page.body);

    // The belt's reorder point is 3 and its reorder quantity 10.
    let page = f
        .manager
        .post(
            "/o/acme/inventory/adjust",
            &[
                ("item_id", &f.item),
                ("location_id", &f.warehouse),
                ("quantity", "-7"),
                ("reason", "Water damage"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = f.manager.get("/o/acme/inventory/reorder").await;
    assert!(
        page.body.contains("KM-602450") && page.body.contains("All locations"),
        "{}",
        page.body
    );
    let order_href = format!(
        "/o/acme/inventory/purchase-orders/new?item={}&amp;quantity=10",
        f.item
    );
    assert!(page.body.contains(&order_href), "{}", page.body);
    assert!(page.body.contains("href=\"/marketplace?q=KM-602450\""));

    // The van keeps its own reorder point of 12 and has none: 13 brings it above, more than
    // the item's reorder quantity of 10.
    app.execute(&format!(
        "INSERT INTO org_acme.stock_levels (item_id, location_id, on_hand, reorder_point) \
         VALUES ('{}', '{}', 0, 12)",
        f.item, f.van
    ));
    let page = f.manager.get("/o/acme/inventory/reorder").await;
    assert!(page.body.contains("Van 1"), "{}", page.body);
    assert!(page.body.contains(&format!(
        "item={}&amp;quantity=13&amp;location={}",
        f.item, f.van
    )));
    assert!(
        page.body.find("All locations") < page.body.find("Van 1"),
        "the item's total before its locations"
    );

    let page = f.manager.get(&order_href.replace("&amp;", "&")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("<option value=\"{}\" selected>", f.item)),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"f-quantity-0\" name=\"quantity\" type=\"number\" inputmode=\"numeric\" min=\"1\" step=\"1\" value=\"10\""));
    let tens = |page: &Page| page.body.matches("<td class=\"num\">10</td>").count();
    assert_eq!(
        tens(&f.manager.get("/o/acme/inventory/reorder").await),
        1,
        "suggested only"
    );
    let id = order(&f.manager, "acme", &f.warehouse, &[(&f.item, "10", "")]).await;
    let page = f.manager.get("/o/acme/inventory/reorder").await;
    assert_eq!(tens(&page), 2, "suggested and on order: {}", page.body);
    set_status(&f.manager, "acme", &id, "ordered").await;
    assert_eq!(
        receive(&f.manager, "acme", &id, &["10"]).await.status,
        StatusCode::SEE_OTHER
    );
    let page = f.manager.get("/o/acme/inventory/reorder").await;
    assert!(
        !page.body.contains("All locations"),
        "back above its reorder point: {}",
        page.body
    );
    assert!(page.body.contains("Van 1"), "the van is still empty");
}
