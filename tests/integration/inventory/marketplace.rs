//! The marketplace bridge: surplus listed from stock and set aside, its sales issued and its
//! withdrawal released by the seller's background job, and a purchase received into stock.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use super::{fixture, location, on_hand};
use crate::harness::{id_from, TestApp};

#[actix_web::test]
async fn surplus_is_listed_from_stock_sold_from_it_and_received_by_the_buyer() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let item_page = format!("/o/acme/inventory/items/{}", f.item);
    f.manager.get(&item_page).await;
    let page = f
        .manager
        .upload(&format!("{item_page}/photos"), "files", "belt.png", &png())
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(f
        .manager
        .get(&item_page)
        .await
        .body
        .contains("Photo belt.png"));
    let sell = format!("{item_page}/sell");
    let form = f.manager.get(&sell).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("Main warehouse (10 available)"),
        "{}",
        form.body
    );
    for (quantity, price) in [("11", "80"), ("0", "80"), ("2", "0"), ("2", "1e5")] {
        let page = f
            .manager
            .post(
                &sell,
                &[
                    ("location_id", &f.warehouse),
                    ("quantity", quantity),
                    ("unit_price", price),
                    ("condition", "new"),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{quantity} {price}: {}",
            page.body
        );
    }
    assert_eq!(
        app.count("SELECT 1 FROM marketplace_listings"),
        0,
        "nothing listed"
    );
    let page = f
        .manager
        .post(
            &sell,
            &[
                ("location_id", &f.warehouse),
                ("quantity", "4"),
                ("unit_price", "80"),
                ("condition", "new"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let listing = page
        .header("location")
        .unwrap_or_default()
        .trim_end_matches("/edit")
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        app.count(&format!("SELECT 1 FROM marketplace_listings WHERE id = '{listing}' AND inventory_item_id = '{}' AND quantity_available = 4 AND part_number = 'KM-602450'", f.item)),
        1
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.stock_levels WHERE on_hand = 10 AND reserved = 4"),
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM marketplace_listing_images WHERE listing_id = '{listing}'"
        )),
        1,
        "the item's photo goes with the listing"
    );

    app.create_org("south", "South Lifts");
    let buyer = app.member("south", Role::Manager).await;
    buyer.get(&format!("/marketplace/listings/{listing}")).await;
    let page = buyer
        .post(
            &format!("/marketplace/listings/{listing}/buy"),
            &[
                ("organization", "south"),
                ("quantity", "3"),
                ("delivery", "pickup"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let transaction = id_from(page.header("location"));
    app.run_jobs();
    assert_eq!(on_hand(&app, "acme", &f.item, &f.warehouse), 7);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.stock_levels WHERE reserved = 1"),
        1
    );
    assert_eq!(
        app.count(&format!("SELECT 1 FROM org_acme.stock_movements WHERE kind = 'issue' AND marketplace_transaction_id = '{transaction}' AND quantity = -3")),
        1
    );
    // Withdrawing the listing releases what is left of it.
    f.manager
        .get(&format!("/marketplace/listings/{listing}/edit"))
        .await;
    let page = f
        .manager
        .post(&format!("/marketplace/listings/{listing}/withdraw"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    app.run_jobs();
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.stock_levels WHERE on_hand = 7 AND reserved = 0"),
        1
    );
    assert_eq!(app.count("SELECT 1 FROM org_acme.stock_reservations"), 0);

    // The buyer receives the parts once they are delivered.
    app.execute(&format!(
        "UPDATE marketplace_transactions SET status = 'delivered' WHERE id = '{transaction}'"
    ));
    let store = location(&buyer, "south", "South store", "warehouse").await;
    let page = buyer.get("/o/south/inventory").await;
    assert!(
        page.body.contains("Marketplace purchases to receive"),
        "{}",
        page.body
    );
    let receive = format!("/o/south/inventory/marketplace-purchases/{transaction}/receive");
    let page = buyer
        .post(&receive, &[("location_id", store.as_str())])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(app.count("SELECT 1 FROM org_south.inventory_items WHERE part_number = 'KM-602450' AND on_hand = 3 AND average_cost = 80"), 1);
    assert_eq!(
        buyer
            .post(&receive, &[("location_id", store.as_str())])
            .await
            .status,
        StatusCode::NOT_FOUND,
        "received once"
    );
    // The seller cannot receive the buyer's purchase.
    assert_eq!(
        f.manager
            .post(
                &format!("/o/acme/inventory/marketplace-purchases/{transaction}/receive"),
                &[("location_id", f.warehouse.as_str())]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn managers_are_told_when_an_item_falls_to_its_reorder_point() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let adjust = |quantity: &'static str| {
        let (m, item, at) = (&f.manager, f.item.clone(), f.warehouse.clone());
        async move {
            m.post(
                "/o/acme/inventory/adjust",
                &[
                    ("item_id", item.as_str()),
                    ("location_id", at.as_str()),
                    ("quantity", quantity),
                    ("reason", "Used on a call-out"),
                ],
            )
            .await
        }
    };
    assert_eq!(adjust("-6").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT 1 FROM notifications WHERE kind = 'inventory_reorder'"),
        0
    );
    assert_eq!(adjust("-1").await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT 1 FROM notifications WHERE kind = 'inventory_reorder' AND title LIKE 'KM-602450 is down to 3%'"), 1);
    assert_eq!(adjust("-1").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT 1 FROM notifications WHERE kind = 'inventory_reorder'"),
        1,
        "told once, when it crosses"
    );
}

fn png() -> Vec<u8> {
    let image = image::RgbImage::from_pixel(64, 48, image::Rgb([40, 90, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}
