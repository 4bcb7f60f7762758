//! The catalogue: adding, finding, filtering, exporting and importing items, and what bad
//! input, other roles and other organizations get.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use super::{fixture, item};
use crate::harness::TestApp;

fn item_fields<'a>(part: &'a str, cost: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("part_number", part),
        ("name", "Landing door roller"),
        ("unit_cost", cost),
    ]
}

#[actix_web::test]
async fn items_are_found_by_part_number_ignoring_punctuation_and_by_words() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    item(
        &f.manager,
        "acme",
        "SCH 591 883",
        "Landing door roller",
        "12.00",
    )
    .await;
    // The next page shows the "saved" message naming the part; this one takes it.
    f.manager.get("/o/acme/inventory/locations").await;
    let page = f.manager.get("/o/acme/inventory?q=km602450").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("KM-602450"), "{}", page.body);
    assert!(!page.body.contains("SCH 591 883"));
    let page = f.manager.get("/o/acme/inventory?q=roller").await;
    assert!(page.body.contains("SCH 591 883"));
    assert!(!page.body.contains("KM-602450"));
    // A near miss of the part number still finds it.
    let page = f.manager.get("/o/acme/inventory?q=KM602451").await;
    assert!(page.body.contains("KM-602450"), "{}", page.body);
    // The stock value: 10 × 42.50 at the warehouse.
    let page = f.manager.get("/o/acme/inventory").await;
    assert!(page.body.contains("$425.00"), "{}", page.body);
    // Below reorder point: the roller has none (reorder point 3), the belt has 10.
    let page = f.manager.get("/o/acme/inventory?low=1").await;
    assert!(page.body.contains("SCH 591 883"));
    assert!(!page.body.contains("KM-602450"));
    // In stock at the warehouse: only the belt.
    let page = f
        .manager
        .get(&format!("/o/acme/inventory?location={}", f.warehouse))
        .await;
    assert!(page.body.contains("KM-602450"));
    assert!(!page.body.contains("SCH 591 883"));
    let csv = f.manager.get("/o/acme/inventory/export.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("part_number,name,"), "{}", csv.body);
    assert!(
        csv.body.contains("KM-602450,Door operator belt,Kone"),
        "{}",
        csv.body
    );
}

#[actix_web::test]
async fn bad_items_are_refused_with_the_form_kept() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let long = "X".repeat(500);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (item_fields("KM 602.450", "1"), "already in the catalogue"),
        (item_fields(&long, "1"), "at most 100 characters"),
        (
            item_fields("RL-1", "1000000000000000"),
            "Enter a number from 0 to 9999999",
        ),
        (item_fields("RL-1", "-3"), "Enter a number from 0"),
        (item_fields("---", "1"), "at least one letter or digit"),
        (
            vec![
                ("part_number", "RL-1"),
                ("name", "Roller"),
                ("reorder_point", "1.5"),
            ],
            "whole number",
        ),
    ];
    for (fields, message) in cases {
        let page = f.manager.post("/o/acme/inventory/items", &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(page.body.contains(message), "{message}: {}", page.body);
        assert!(page.body.contains("Landing door roller") || page.body.contains("Roller"));
    }
    assert_eq!(app.count("SELECT 1 FROM org_acme.inventory_items"), 1);
}

#[actix_web::test]
async fn only_managers_change_the_catalogue_and_other_organizations_see_nothing() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let technician = app.member("acme", Role::Technician).await;
    // The technician holds the van: it is "my van" on their inventory page.
    app.execute(&format!(
        "UPDATE org_acme.stock_locations SET account_id = (SELECT id FROM accounts \
         WHERE email LIKE 'technician-%' ORDER BY created_at DESC LIMIT 1) WHERE id = '{}'",
        f.van
    ));
    let page = technician.get("/o/acme/inventory").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!(
            "href=\"/o/acme/inventory/locations/{}\">My van",
            f.van
        )),
        "{}",
        page.body
    );
    assert!(!f
        .manager
        .get("/o/acme/inventory")
        .await
        .body
        .contains(">My van"));
    let page = technician
        .get(&format!("/o/acme/inventory/items/{}", f.item))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Door operator belt"));
    let page = technician
        .post("/o/acme/inventory/items", &item_fields("RL-1", "1"))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    app.create_org("rival", "Rival Lifts");
    let rival = app.member("rival", Role::Owner).await;
    let page = rival
        .get(&format!("/o/rival/inventory/items/{}", f.item))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = rival
        .get(&format!("/o/rival/inventory/locations/{}", f.warehouse))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = rival
        .post(
            &format!("/o/rival/inventory/items/{}", f.item),
            &item_fields("KM-602450", "1"),
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(
        rival
            .get(&format!("/o/acme/inventory/items/{}", f.item))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// Uploads `file` as an item import; the preview page's path and body.
async fn preview(manager: &crate::harness::Browser<'_>, file: &str) -> (String, String) {
    let page = manager
        .upload(
            "/o/acme/imports/items",
            "file",
            "items.csv",
            file.as_bytes(),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let path = page.header("location").unwrap_or_default().to_string();
    let body = manager.get(&path).await.body;
    (path, body)
}

#[actix_web::test]
async fn a_csv_import_is_previewed_then_applied_all_or_nothing() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let bad =
        "part_number,name,unit_cost\nRL-1,Roller,12\nkm602450,Belt again,4\nRL 1,Roller twice,3\n";
    let (path, body) = preview(&f.manager, bad).await;
    assert!(body.contains("appears earlier in the file"), "{body}");
    let confirm = f.manager.post(&format!("{path}/confirm"), &[]).await;
    assert_eq!(confirm.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT 1 FROM org_acme.inventory_items"), 1);
    let good = "part_number,name,unit_cost,compatible_models\nRL-1,Roller,12,\"MonoSpace 500, MiniSpace\"\nkm602450,Door operator belt (v2),44\n";
    let (path, body) = preview(&f.manager, good).await;
    assert_eq!(body.matches("badge-ok\">New<").count(), 1, "{body}");
    let confirm = f.manager.post(&format!("{path}/confirm"), &[]).await;
    assert_eq!(confirm.status, StatusCode::SEE_OTHER, "{}", confirm.body);
    assert_eq!(app.count("SELECT 1 FROM org_acme.inventory_items"), 2);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.inventory_items WHERE name = 'Door operator belt (v2)' AND on_hand = 10"),
        1,
        "an update keeps the stock"
    );
    let page = f.manager.get("/o/acme/inventory?model=MiniSpace").await;
    assert!(page.body.contains("RL-1"), "{}", page.body);
    // Technicians cannot import.
    let technician = app.member("acme", Role::Technician).await;
    assert_eq!(
        technician.get("/o/acme/imports/items").await.status,
        StatusCode::FORBIDDEN
    );
}
