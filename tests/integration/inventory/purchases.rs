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

const WHOLE: &str = "Enter a whole number from 1 to 1000000.";
const MONEY: &str = "Enter a number from 0 to 9999999 (at most 2 decimals).";
/// A line id no order has: what a stale receive form sends.
const NO_LINE: &str = "00000000-0000-0000-0000-000000000000";

/// Asserts the status of `page` and that it shows every one of `texts`.
#[track_caller]
fn expect(page: &Page, status: StatusCode, texts: &[&str]) {
    assert_eq!(page.status, status, "{}", page.body);
    for text in texts {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
}

fn path(slug: &str, id: &str, action: &str) -> String {
    format!("/o/{slug}/inventory/purchase-orders/{id}{action}")
}

/// The number of the `n`th order of this year.
fn number(n: u32) -> String {
    format!("PO-{}-{n:06}", chrono::Utc::now().year())
}

/// Posts a new purchase order from Lift Parts Direct received at `location`, with `lines` in
/// the form's rows from the first.
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

/// A new draft order in acme; its id.
async fn order(manager: &Browser<'_>, location: &str, lines: &[Line<'_>]) -> String {
    let page = draft(manager, "acme", location, lines).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_from(page.header("location"))
}

async fn set_status(browser: &Browser<'_>, slug: &str, id: &str, status: &str) -> Page {
    browser
        .post(&path(slug, id, "/status"), &[("status", status)])
        .await
}

/// Receives `quantities` in acme, one per line of the order page's receive form (blank: none).
async fn receive(browser: &Browser<'_>, id: &str, quantities: &[&str]) -> Page {
    let lines = line_ids(&browser.get(&path("acme", id, "")).await);
    let fields: Vec<(&str, &str)> = lines
        .iter()
        .zip(quantities)
        .flat_map(|(line, quantity)| [("line_id", line.as_str()), ("quantity", *quantity)])
        .collect();
    browser.post(&path("acme", id, "/receive"), &fields).await
}

/// The ids of the receive form's lines, in order.
fn line_ids(page: &Page) -> Vec<String> {
    page.body
        .split("name=\"line_id\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

fn acme(app: &TestApp, sql: &str) -> i64 {
    org_number(app, "acme", sql)
}

fn status_of(app: &TestApp, id: &str) -> String {
    [
        "draft",
        "ordered",
        "partly_received",
        "received",
        "cancelled",
    ]
    .into_iter()
    .find(|s| {
        acme(
            app,
            &format!("SELECT count(*) FROM purchase_orders WHERE id = '{id}' AND status = '{s}'"),
        ) == 1
    })
    .unwrap_or_default()
    .to_string()
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
    let list = "/o/acme/inventory/purchase-orders";
    expect(
        &manager.get(list).await,
        StatusCode::OK,
        &["No open purchase orders"],
    );
    let page = manager.get(&format!("{list}/new")).await;
    expect(
        &page,
        StatusCode::OK,
        &["KM-602450 — Door operator belt", "Save as draft"],
    );

    // A blank first row, a line at the list cost and one at a typed cost.
    let lines = [
        ("", "", ""),
        (belt.as_str(), "5", ""),
        (rope.as_str(), "4", "17.25"),
    ];
    let first = order(&manager, &warehouse, &lines).await;
    // A refused order in between takes no number.
    let page = draft(&manager, "acme", &warehouse, &[]).await;
    expect(
        &page,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["Add at least one line."],
    );
    let second = order(&manager, &warehouse, &[(&belt, "1", "40")]).await;

    let page = manager.get(&path("acme", &first, "")).await;
    let shown = [
        &number(1),
        "badge badge-grey\">Draft",
        "Lift Parts Direct",
        "<time datetime=\"2026-12-24\">24 Dec 2026</time>",
        "Deliver to the loading dock.",
        "212.50", // the belt at its list cost
        "69.00",  // the rope at the typed cost
        "281.50", // the order's total
        "Mark as ordered",
    ];
    expect(&page, StatusCode::OK, &shown);
    assert!(line_ids(&page).is_empty(), "a draft receives nothing");
    expect(
        &manager.get(&path("acme", &second, "")).await,
        StatusCode::OK,
        &[&number(2)],
    );
    assert_eq!(
        acme(&app, "SELECT last_number FROM purchase_order_counters"),
        2
    );
    let page = manager.get(list).await;
    expect(&page, StatusCode::OK, &[&number(1), &number(2)]);
    assert!(
        page.body.find(&number(2)) < page.body.find(&number(1)),
        "newest first"
    );

    // Goods are received against ordered orders only.
    let page = manager
        .post(
            &path("acme", &first, "/receive"),
            &[("line_id", NO_LINE), ("quantity", "1")],
        )
        .await;
    expect(&page, StatusCode::CONFLICT, &["this one is draft"]);
    expect(
        &set_status(&manager, "acme", &first, "ordered").await,
        StatusCode::SEE_OTHER,
        &[],
    );
    assert_eq!(status_of(&app, &first), "ordered");

    // Lines come by part number: the belt (KM-602450) before the rope (KM-713).
    expect(
        &receive(&manager, &first, &["2", ""]).await,
        StatusCode::SEE_OTHER,
        &[],
    );
    assert_eq!(status_of(&app, &first), "partly_received");
    assert_eq!(on_hand(&app, "acme", &belt, &warehouse), 12);
    assert_eq!(on_hand(&app, "acme", &rope, &warehouse), 0);
    let page = manager.get(&path("acme", &first, "")).await;
    expect(
        &page,
        StatusCode::OK,
        &["Partly received", "2 units received into stock"],
    );

    // More than is still to come: refused, nothing received, what was typed kept.
    let page = receive(&manager, &first, &["4", "4"]).await;
    let refused = ["Only 3 of KM-602450 are still to come.", "value=\"4\""];
    expect(&page, StatusCode::UNPROCESSABLE_ENTITY, &refused);
    assert_eq!(on_hand(&app, "acme", &belt, &warehouse), 12);
    assert_eq!(on_hand(&app, "acme", &rope, &warehouse), 0);
    for bad in ["-1", "1.5", "1000000000000"] {
        let page = receive(&manager, &first, &[bad, ""]).await;
        expect(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            &["id=\"f-quantity-0-error\""],
        );
    }
    let page = receive(&manager, &first, &["", ""]).await;
    expect(
        &page,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["Enter how many arrived"],
    );

    expect(
        &receive(&manager, &first, &["3", "4"]).await,
        StatusCode::SEE_OTHER,
        &[],
    );
    assert_eq!(status_of(&app, &first), "received");
    assert_eq!(on_hand(&app, "acme", &belt, &warehouse), 15);
    assert_eq!(on_hand(&app, "acme", &rope, &warehouse), 4);
    let receipts = format!(
        "SELECT count(*) FROM stock_movements WHERE purchase_order_id = '{first}' AND kind = 'receive'"
    );
    assert_eq!(acme(&app, &receipts), 3);
    let page = manager.get(&path("acme", &first, "")).await;
    assert!(line_ids(&page).is_empty(), "nothing left to receive");
    assert!(!page.body.contains("Cancel this purchase order"));

    let page = set_status(&manager, "acme", &first, "cancelled").await;
    let refused = "A purchase order that is received cannot be cancelled.";
    expect(&page, StatusCode::CONFLICT, &[refused]);
    let page = set_status(&manager, "acme", &first, "received").await;
    expect(&page, StatusCode::BAD_REQUEST, &[]);

    let page = manager.get(&format!("{list}?status=received")).await;
    expect(&page, StatusCode::OK, &[&number(1)]);
    assert!(!page.body.contains(&number(2)));
    let page = manager.get(list).await;
    assert!(
        !page.body.contains(&number(1)),
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
    let one = |quantity, cost| vec![(item, quantity, cost)];
    let cases: Vec<(&str, Vec<Line>, &str, &str)> = vec![
        (warehouse, vec![], "item_id-0", "Add at least one line."),
        (warehouse, one("0", ""), "quantity-0", WHOLE),
        (warehouse, one("-1", ""), "quantity-0", WHOLE),
        (warehouse, one("1.5", ""), "quantity-0", WHOLE),
        (warehouse, one("1000000000000", ""), "quantity-0", WHOLE),
        (
            warehouse,
            one("2", "1000000000000000"),
            "unit_cost-0",
            MONEY,
        ),
        (warehouse, one("2", "-3"), "unit_cost-0", MONEY),
        (warehouse, one("2", "1.999"), "unit_cost-0", MONEY),
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
            "This item is already on an earlier line.",
        ),
        (
            &rival_store,
            one("2", ""),
            "location_id",
            "Choose one of your locations.",
        ),
        (
            "",
            one("2", ""),
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
        let kept = [
            "value=\"Lift Parts Direct\"",
            "Deliver to the loading dock.",
        ];
        let error = format!("id=\"f-{field}-error\">{message}</p>");
        expect(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            &[&error, kept[0], kept[1]],
        );
    }
    assert_eq!(acme(&app, "SELECT count(*) FROM purchase_orders"), 0);
    assert_eq!(
        acme(&app, "SELECT count(*) FROM purchase_order_counters"),
        0
    );
    let id = order(&f.manager, warehouse, &one("1", "")).await;
    let page = f.manager.get(&path("acme", &id, "")).await;
    expect(&page, StatusCode::OK, &[&number(1)]);
}

#[actix_web::test]
async fn drafts_and_ordered_orders_can_be_cancelled_but_not_once_goods_arrived() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let line = [(f.item.as_str(), "5", "")];
    let drafted = order(&f.manager, &f.warehouse, &line).await;
    let page = f.manager.get(&path("acme", &drafted, "")).await;
    expect(
        &page,
        StatusCode::OK,
        &["<summary>Cancel this purchase order…</summary>"],
    );
    let page = set_status(&f.manager, "acme", &drafted, "cancelled").await;
    expect(&page, StatusCode::SEE_OTHER, &[]);
    assert_eq!(status_of(&app, &drafted), "cancelled");
    let page = set_status(&f.manager, "acme", &drafted, "ordered").await;
    let refused = "A purchase order that is cancelled cannot be ordered.";
    expect(&page, StatusCode::CONFLICT, &[refused]);
    let page = f
        .manager
        .post(
            &path("acme", &drafted, "/receive"),
            &[("line_id", NO_LINE), ("quantity", "1")],
        )
        .await;
    expect(&page, StatusCode::CONFLICT, &["this one is cancelled"]);

    let ordered = order(&f.manager, &f.warehouse, &line).await;
    set_status(&f.manager, "acme", &ordered, "ordered").await;
    let page = set_status(&f.manager, "acme", &ordered, "ordered").await;
    expect(
        &page,
        StatusCode::CONFLICT,
        &["that is ordered cannot be ordered"],
    );
    let page = set_status(&f.manager, "acme", &ordered, "cancelled").await;
    expect(&page, StatusCode::SEE_OTHER, &[]);
    assert_eq!(status_of(&app, &ordered), "cancelled");

    let arriving = order(&f.manager, &f.warehouse, &line).await;
    set_status(&f.manager, "acme", &arriving, "ordered").await;
    expect(
        &receive(&f.manager, &arriving, &["1"]).await,
        StatusCode::SEE_OTHER,
        &[],
    );
    let page = set_status(&f.manager, "acme", &arriving, "cancelled").await;
    expect(
        &page,
        StatusCode::CONFLICT,
        &["partly received cannot be cancelled"],
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
    let id = order(&f.manager, &f.warehouse, &[(&f.item, "5", "")]).await;
    set_status(&f.manager, "acme", &id, "ordered").await;
    let line = line_ids(&f.manager.get(&path("acme", &id, "")).await);
    assert_eq!(line.len(), 1);
    for role in [Role::Technician, Role::ReadOnly] {
        let member = app.member("acme", role).await;
        let page = member.get("/o/acme/inventory/purchase-orders").await;
        expect(&page, StatusCode::OK, &[&number(1)]);
        assert!(!page.body.contains("New purchase order"));
        let page = member.get(&path("acme", &id, "")).await;
        expect(&page, StatusCode::OK, &["KM-602450", "Ordered"]);
        assert!(!page.body.contains("Receive goods"));
        assert!(!page.body.contains("Cancel this purchase order"));
        expect(
            &member.get("/o/acme/inventory/reorder").await,
            StatusCode::OK,
            &[],
        );
        let page = member.get("/o/acme/inventory/purchase-orders/new").await;
        expect(&page, StatusCode::FORBIDDEN, &[]);
        let page = draft(&member, "acme", &f.warehouse, &[(&f.item, "1", "")]).await;
        expect(&page, StatusCode::FORBIDDEN, &[]);
        let page = set_status(&member, "acme", &id, "cancelled").await;
        expect(&page, StatusCode::FORBIDDEN, &[]);
        let page = member
            .post(
                &path("acme", &id, "/receive"),
                &[("line_id", &line[0]), ("quantity", "1")],
            )
            .await;
        expect(&page, StatusCode::FORBIDDEN, &[]);
    }
    assert_eq!(acme(&app, "SELECT count(*) FROM purchase_orders"), 1);
    assert_eq!(status_of(&app, &id), "ordered");
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 10);
}

#[actix_web::test]
async fn another_organizations_orders_are_not_found() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = order(&f.manager, &f.warehouse, &[(&f.item, "5", "")]).await;
    set_status(&f.manager, "acme", &id, "ordered").await;
    let line = line_ids(&f.manager.get(&path("acme", &id, "")).await);
    app.create_org("rival", "Rival Lifts");
    let rival = app.member("rival", Role::Owner).await;
    let page = rival.get(&path("rival", &id, "")).await;
    expect(&page, StatusCode::NOT_FOUND, &[]);
    assert!(!page.body.contains("Lift Parts Direct"));
    let page = set_status(&rival, "rival", &id, "cancelled").await;
    expect(&page, StatusCode::NOT_FOUND, &[]);
    let page = rival
        .post(
            &path("rival", &id, "/receive"),
            &[("line_id", &line[0]), ("quantity", "1")],
        )
        .await;
    expect(&page, StatusCode::NOT_FOUND, &[]);
    expect(
        &rival.get(&path("acme", &id, "")).await,
        StatusCode::NOT_FOUND,
        &[],
    );
    assert_eq!(status_of(&app, &id), "ordered");
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 10);
}

#[actix_web::test]
async fn the_reorder_list_shows_what_fell_to_its_reorder_point_and_orders_it() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let reorder = "/o/acme/inventory/reorder";
    expect(
        &f.manager.get(reorder).await,
        StatusCode::OK,
        &["Nothing to reorder"],
    );

    // The belt's reorder point is 3 and its reorder quantity 10.
    let adjust = [
        ("item_id", f.item.as_str()),
        ("location_id", &f.warehouse),
        ("quantity", "-7"),
        ("reason", "Water damage"),
    ];
    let page = f.manager.post("/o/acme/inventory/adjust", &adjust).await;
    expect(&page, StatusCode::SEE_OTHER, &[]);
    let order_href = format!(
        "/o/acme/inventory/purchase-orders/new?item={}&#38;quantity=10",
        f.item
    );
    let market = "href=\"/marketplace?q=KM-602450\"";
    let page = f.manager.get(reorder).await;
    expect(
        &page,
        StatusCode::OK,
        &["KM-602450", "All locations", &order_href, market],
    );

    // The van keeps its own reorder point of 12 and has none: 13 brings it above, more than
    // the item's reorder quantity.
    app.execute(&format!(
        "INSERT INTO org_acme.stock_levels (item_id, location_id, on_hand, reorder_point) \
         VALUES ('{}', '{}', 0, 12)",
        f.item, f.van
    ));
    let page = f.manager.get(reorder).await;
    let van_href = format!("item={}&#38;quantity=13&#38;location={}", f.item, f.van);
    expect(&page, StatusCode::OK, &["Van 1", &van_href]);
    let (total, van) = (page.body.find("All locations"), page.body.find("Van 1"));
    assert!(total < van, "the item's total before its locations");

    let page = f.manager.get(&order_href.replace("&#38;", "&")).await;
    let selected = format!("<option value=\"{}\" selected>", f.item);
    let quantity = "id=\"f-quantity-0\" name=\"quantity\" type=\"number\" inputmode=\"numeric\" \
                    min=\"1\" step=\"1\" value=\"10\"";
    expect(&page, StatusCode::OK, &[&selected, quantity]);

    let tens = |page: &Page| page.body.matches("<td class=\"num\">10</td>").count();
    assert_eq!(tens(&f.manager.get(reorder).await), 1, "suggested only");
    let id = order(&f.manager, &f.warehouse, &[(&f.item, "10", "")]).await;
    assert_eq!(
        tens(&f.manager.get(reorder).await),
        2,
        "suggested and on order"
    );
    set_status(&f.manager, "acme", &id, "ordered").await;
    expect(
        &receive(&f.manager, &id, &["10"]).await,
        StatusCode::SEE_OTHER,
        &[],
    );
    let page = f.manager.get(reorder).await;
    assert!(
        !page.body.contains("All locations"),
        "above its reorder point: {}",
        page.body
    );
    assert!(page.body.contains("Van 1"), "the van is still empty");
}
