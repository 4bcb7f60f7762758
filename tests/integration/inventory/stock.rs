//! Receipts, adjustments, transfers and counts: every change a ledger line, the figures kept
//! from it, and bad input refused with nothing half done.

use awc::http::StatusCode;
use sitesync::inventory::queries::ledger;

use super::{fixture, item, location, on_hand, receive};
use crate::harness::{in_org, TestApp};

fn differences(app: &TestApp, slug: &str) -> Vec<ledger::Difference> {
    in_org(
        &mut app.conn(),
        slug,
        |conn, _| -> Result<_, sitesync::web::AppError> { Ok(ledger::differences(conn)?) },
    )
    .expect("differences")
}

#[actix_web::test]
async fn receipts_move_the_average_cost_and_every_change_is_a_ledger_line() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    receive(&f.manager, "acme", &f.item, &f.warehouse, "10", "50.00").await;
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 20);
    assert_eq!(
        app.text_of(&format!("SELECT average_cost::numeric(10,2)::text AS value FROM org_acme.inventory_items WHERE id = '{}'", f.item)),
        "46.25"
    );
    let page = f
        .manager
        .post(
            "/o/acme/inventory/adjust",
            &[
                ("item_id", &f.item),
                ("location_id", &f.warehouse),
                ("quantity", "-3"),
                ("reason", "Damaged in the rain"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 17);
    assert_eq!(app.count("SELECT 1 FROM org_acme.stock_movements"), 3);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'stock_adjusted'"),
        1
    );
    let page = f
        .manager
        .get(&format!("/o/acme/inventory/items/{}", f.item))
        .await;
    assert!(page.body.contains("Damaged in the rain"), "{}", page.body);
    assert!(differences(&app, "acme").is_empty());
}

#[actix_web::test]
async fn bad_quantities_and_other_organizations_ids_are_refused_with_nothing_written() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    app.create_org("rival", "Rival Lifts");
    let rival = app
        .member("rival", sitesync::auth::roles::Role::Owner)
        .await;
    let rival_store = location(&rival, "rival", "Rival store", "warehouse").await;
    for (quantity, cost, location) in [
        ("-1", "1", f.warehouse.as_str()),
        ("1.5", "1", f.warehouse.as_str()),
        ("1000000000000", "1", f.warehouse.as_str()),
        ("2", "1000000000000000", f.warehouse.as_str()),
        ("2", "1", rival_store.as_str()),
        ("2", "1", "not-an-id"),
    ] {
        let page = f
            .manager
            .post(
                "/o/acme/inventory/receive",
                &[
                    ("item_id", &f.item),
                    ("location_id", location),
                    ("quantity", quantity),
                    ("unit_cost", cost),
                    ("reason", "typed by hand"),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{quantity} {cost} {location}"
        );
        assert!(page.body.contains("typed by hand"), "the form is kept");
    }
    // Taking away more than is there is a refusal of the rules, with what is left.
    let page = f
        .manager
        .post(
            "/o/acme/inventory/adjust",
            &[
                ("item_id", &f.item),
                ("location_id", &f.warehouse),
                ("quantity", "-11"),
                ("reason", "Lost"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(
        page.body
            .contains("Only 10 of KM-602450 are available at Main warehouse"),
        "{}",
        page.body
    );
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 10);
    assert_eq!(app.count("SELECT 1 FROM org_acme.stock_movements"), 1);
    assert_eq!(app.count("SELECT 1 FROM org_rival.stock_movements"), 0);
}

/// Moves the belt and `roller` from the warehouse to the van in one form (with a blank line).
async fn transfer(
    f: &super::Fixture<'_>,
    roller: &str,
    quantities: [&str; 2],
) -> crate::harness::Page {
    f.manager
        .post(
            "/o/acme/inventory/transfer",
            &[
                ("from", f.warehouse.as_str()),
                ("to", f.van.as_str()),
                ("reason", "Van restock"),
                ("item_id", f.item.as_str()),
                ("quantity", quantities[0]),
                ("item_id", roller),
                ("quantity", quantities[1]),
                ("item_id", ""),
                ("quantity", ""),
            ],
        )
        .await
}

#[actix_web::test]
async fn a_transfer_moves_several_items_or_none() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let roller = item(&f.manager, "acme", "RL-1", "Roller", "12").await;
    receive(&f.manager, "acme", &roller, &f.warehouse, "4", "12").await;
    let page = transfer(&f, &roller, ["3", "5"]).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.body.contains("Only 4 of RL-1"), "{}", page.body);
    assert_eq!(
        on_hand(&app, "acme", &f.item, &f.van),
        0,
        "nothing half done"
    );
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 10);
    let page = transfer(&f, &roller, ["3", "4"]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(on_hand(&app, "acme", &f.item, &f.van), 3);
    assert_eq!(on_hand(&app, "acme", &roller, &f.van), 4);
    assert_eq!(on_hand(&app, "acme", &roller, &f.warehouse), 0);
    assert_eq!(
        app.count(
            "SELECT 1 FROM org_acme.stock_movements WHERE kind IN ('transfer_out', 'transfer_in')"
        ),
        4
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'stock_transferred'"),
        2
    );
    let page = f
        .manager
        .post(
            "/o/acme/inventory/transfer",
            &[
                ("from", f.van.as_str()),
                ("to", f.van.as_str()),
                ("item_id", f.item.as_str()),
                ("quantity", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("Choose a different location"),
        "{}",
        page.body
    );
    assert!(differences(&app, "acme").is_empty());
}

#[actix_web::test]
async fn a_count_posts_the_differences_and_archived_locations_are_refused() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let page = f
        .manager
        .post(
            &format!("/o/acme/inventory/locations/{}/count", f.warehouse),
            &[("item_id", f.item.as_str()), ("counted", "8")],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a difference needs a reason"
    );
    let page = f
        .manager
        .post(
            &format!("/o/acme/inventory/locations/{}/count", f.warehouse),
            &[
                ("item_id", f.item.as_str()),
                ("counted", "8"),
                ("reason", "Yearly stocktake"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 8);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.stock_movements WHERE kind = 'count' AND quantity = -2"),
        1
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.stock_levels WHERE last_counted_at IS NOT NULL"),
        1
    );
    // A location with stock cannot be archived; an empty one can, and then takes no count.
    let page = f
        .manager
        .post(
            &format!("/o/acme/inventory/locations/{}/archive", f.warehouse),
            &[("archive", "1")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    let page = f
        .manager
        .post(
            &format!("/o/acme/inventory/locations/{}/archive", f.van),
            &[("archive", "1")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = f
        .manager
        .post(
            &format!("/o/acme/inventory/locations/{}/count", f.van),
            &[
                ("item_id", f.item.as_str()),
                ("counted", "1"),
                ("reason", "Found one"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("archived"), "{}", page.body);
    receive_refused_at_archived(&f, &app).await;
    assert!(differences(&app, "acme").is_empty());
}

async fn receive_refused_at_archived(f: &super::Fixture<'_>, app: &TestApp) {
    let page = f
        .manager
        .post(
            "/o/acme/inventory/receive",
            &[
                ("item_id", f.item.as_str()),
                ("location_id", f.van.as_str()),
                ("quantity", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("is archived"), "{}", page.body);
    assert_eq!(on_hand(app, "acme", &f.item, &f.van), 0);
}

#[actix_web::test]
async fn verify_names_a_figure_that_disagrees_with_the_ledger() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    app.execute(&format!(
        "UPDATE org_acme.stock_levels SET on_hand = on_hand + 2 WHERE item_id = '{}'",
        f.item
    ));
    let found = differences(&app, "acme");
    assert!(
        found.iter().any(|d| d.part_number == "KM-602450"
            && d.place == "Main warehouse"
            && d.stored == 12
            && d.ledger == 10),
        "{found:?}"
    );
}
