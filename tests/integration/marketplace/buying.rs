//! Buying and orders: never oversold, only the right party moves an order, money rounds
//! half-up.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;
use uuid::Uuid;

use super::{add_listing, app_with_fee, buy, input, status_of, transaction_id, value};
use crate::harness::{self, Browser, TestApp};

#[actix_web::test]
async fn twenty_buyers_at_once_never_oversell() {
    let (app, _) = app_with_fee("5", 10).await;
    app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    let listing = add_listing(
        &app,
        "north",
        &input("KM602450", "Door operator belt", 10, "80"),
    );
    let mut buyers = Vec::new();
    for _ in 0..20 {
        let buyer = app.member("south", Role::Manager).await;
        buyer.get(&format!("/marketplace/listings/{listing}")).await;
        buyers.push(buyer);
    }
    let path = format!("/marketplace/listings/{listing}/buy");
    let pages = futures_util::future::join_all(buyers.iter().map(|b| {
        b.post(
            &path,
            &[
                ("organization", "south"),
                ("quantity", "1"),
                ("delivery", "pickup"),
            ],
        )
    }))
    .await;
    let bought = pages
        .iter()
        .filter(|p| p.status == StatusCode::SEE_OTHER)
        .count();
    let refused: Vec<_> = pages
        .iter()
        .filter(|p| p.status == StatusCode::CONFLICT)
        .collect();
    assert_eq!(bought, 10);
    assert_eq!(refused.len(), 10);
    for page in refused {
        assert!(page.body.contains("no longer available"), "{}", page.body);
    }
    assert_eq!(
        value(&app, &format!("SELECT quantity_available::text || ' ' || status::text AS value FROM marketplace_listings WHERE id = '{listing}'")),
        "0 sold"
    );
    assert_eq!(app.count("SELECT 1 FROM marketplace_transactions"), 10);
    // Sold listings leave the default search.
    let page = app.get("/marketplace?q=KM602450").await;
    assert!(!page.body.contains(&listing.to_string()));
    let page = app.get("/marketplace?q=KM602450&closed=1").await;
    assert!(page.body.contains(&listing.to_string()));
}

#[actix_web::test]
async fn a_seller_cannot_buy_their_own_listing() {
    let app = TestApp::new().await;
    app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    let listing = add_listing(&app, "north", &input("SEM-3021", "Encoder", 3, "450"));
    let seller = app.member("north", Role::Manager).await;
    let page = buy(&seller, listing, "north", "1", "pickup").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("your own organization"));
    // A person in both organizations may buy for the other one, never for the seller.
    let both = app.member("north", Role::Manager).await;
    let id = app.create_account("both@example.com");
    app.add_member("north", id, Role::Manager);
    app.add_member("south", id, Role::Manager);
    drop(both);
    let both = Browser::new(&app);
    both.sign_in("both@example.com", harness::PASSWORD).await;
    assert_eq!(
        buy(&both, listing, "north", "1", "pickup").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("SELECT 1 FROM marketplace_transactions"), 0);
    assert_eq!(
        buy(&both, listing, "south", "1", "pickup").await.status,
        StatusCode::SEE_OTHER
    );
    // Bad input comes back with what was typed.
    let buyer = app.member("south", Role::Manager).await;
    let page = buy(&buyer, listing, "south", "lots", "pickup").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("value=\"lots\""));
    let page = buy(&buyer, listing, "south", "3", "pickup").await;
    assert_eq!(page.status, StatusCode::CONFLICT, "only 2 left");
    // Technicians do not spend their organization's money.
    let technician = app.member("south", Role::Technician).await;
    let page = buy(&technician, listing, "south", "1", "pickup").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT 1 FROM marketplace_transactions"), 1);
    // Anonymous visitors browse, but are sent to sign in for the rest.
    assert_eq!(
        app.get(&format!("/marketplace/listings/{listing}"))
            .await
            .status,
        StatusCode::OK
    );
    for path in [
        "/marketplace/mine",
        "/marketplace/orders",
        "/marketplace/inquiries",
        "/marketplace/listings/new",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            page.header("location").unwrap().starts_with("/signin"),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn only_the_right_party_moves_a_purchase_and_only_from_the_right_state() {
    let app = TestApp::new().await;
    app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    app.create_org("west", "West Lifts");
    let listing = add_listing(&app, "north", &input("RLR-55", "Door roller", 5, "25"));
    let seller = app.member("north", Role::Manager).await;
    let seller_technician = app.member("north", Role::Technician).await;
    let buyer = app.member("south", Role::Manager).await;
    let outsider = app.member("west", Role::Owner).await;
    let page = buy(&buyer, listing, "south", "1", "shipping").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let id = transaction_id(&page);
    let at = |action: &str| format!("/marketplace/transactions/{id}/{action}");
    let show = format!("/marketplace/transactions/{id}");
    for browser in [&seller, &buyer] {
        assert_eq!(browser.get(&show).await.status, StatusCode::OK);
    }
    // Following the organization's orders takes the right to trade for it (issue 17.1).
    assert_eq!(
        seller_technician.get(&show).await.status,
        StatusCode::FORBIDDEN
    );

    // Someone outside both organizations sees nothing and moves nothing.
    assert_eq!(outsider.get(&show).await.status, StatusCode::NOT_FOUND);
    outsider.get("/marketplace").await;
    for action in ["pay", "cancel", "ship", "review"] {
        let page = outsider
            .post(&at(action), &[("payment_reference", "x"), ("rating", "1")])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{action}");
    }
    assert_eq!(status_of(&app, id), "pending");

    // Wrong party, or wrong state: refused, nothing changes.
    seller_technician.get(&show).await;
    assert_eq!(
        seller_technician
            .post(&at("pay"), &[("payment_reference", "T1")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        buyer
            .post(&at("pay"), &[("payment_reference", "B1")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        seller
            .post(&at("ship"), &[("tracking_number", "TT1")])
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        buyer.post(&at("deliver"), &[]).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        buyer.post(&at("complete"), &[]).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        buyer.post(&at("dispute"), &[("reason", "x")]).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        seller.post(&at("refund"), &[]).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        seller.post(&at("deliver"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        buyer.post(&at("teleport"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        buyer.post(&at("review"), &[("rating", "5")]).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(status_of(&app, id), "pending");

    // Recording payment needs its reference; what was typed stays.
    let page = seller
        .post(
            &at("pay"),
            &[
                ("payment_method", "Bank transfer"),
                ("payment_reference", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Bank transfer"));
    assert_eq!(
        seller
            .post(&at("pay"), &[("payment_reference", "INV-2041")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&app, id), "paid");
    assert_eq!(
        seller
            .post(&at("pay"), &[("payment_reference", "again")])
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        buyer.post(&at("cancel"), &[]).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        seller
            .post(&at("ship"), &[("tracking_number", "")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        seller
            .post(&at("ship"), &[("tracking_number", "AP123456")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        buyer.post(&at("complete"), &[]).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        seller.post(&at("refund"), &[]).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        buyer.post(&at("deliver"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        seller.post(&at("dispute"), &[("reason", "x")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        buyer.post(&at("dispute"), &[("reason", "")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        buyer
            .post(&at("dispute"), &[("reason", "Wrong roller diameter")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        buyer.post(&at("refund"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        seller.post(&at("refund"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&app, id), "refunded");
    for action in ["pay", "ship", "cancel", "refund"] {
        assert_eq!(
            seller
                .post(
                    &at(action),
                    &[("payment_reference", "r"), ("tracking_number", "t")]
                )
                .await
                .status,
            StatusCode::CONFLICT,
            "{action}"
        );
    }
    // The buyer heard about each of the seller's steps.
    assert!(app.count("SELECT 1 FROM notifications WHERE kind = 'marketplace_order'") >= 4);

    // Cancelling an unpaid order, from either side, puts the parts back.
    let page = buy(&buyer, listing, "south", "4", "pickup").await;
    let second = transaction_id(&page);
    assert_eq!(
        value(&app, &format!("SELECT quantity_available::text || ' ' || status::text AS value FROM marketplace_listings WHERE id = '{listing}'")),
        "0 sold"
    );
    buyer
        .get(&format!("/marketplace/transactions/{second}"))
        .await;
    assert_eq!(
        buyer
            .post(&format!("/marketplace/transactions/{second}/cancel"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        value(&app, &format!("SELECT quantity_available::text || ' ' || status::text AS value FROM marketplace_listings WHERE id = '{listing}'")),
        "4 active"
    );
    let page = buy(&buyer, listing, "south", "1", "pickup").await;
    let third = transaction_id(&page);
    assert_eq!(
        seller
            .post(&format!("/marketplace/transactions/{third}/cancel"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // A full run to completion, then one review from each side.
    let page = buy(&buyer, listing, "south", "2", "pickup").await;
    let fourth = transaction_id(&page);
    let step = |action: &str| format!("/marketplace/transactions/{fourth}/{action}");
    assert_eq!(
        seller
            .post(&step("pay"), &[("payment_reference", "INV-9")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        seller
            .post(&step("ship"), &[("tracking_number", "")])
            .await
            .status,
        StatusCode::SEE_OTHER,
        "pickup needs no tracking"
    );
    assert_eq!(
        buyer.post(&step("deliver"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        buyer.post(&step("complete"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let page = buyer
        .post(
            &step("review"),
            &[("rating", "9"), ("review", "Great seller")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Great seller"));
    assert_eq!(
        buyer
            .post(
                &step("review"),
                &[("rating", "5"), ("review", "Fast and well packed")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        buyer.post(&step("review"), &[("rating", "1")]).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        seller
            .post(
                &step("review"),
                &[("rating", "4"), ("review", "Paid promptly")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        value(&app, &format!("SELECT buyer_rating::text || seller_rating::text AS value FROM marketplace_transactions WHERE id = '{fourth}'")),
        "54"
    );
    let page = app.get(&format!("/marketplace/listings/{listing}")).await;
    assert!(
        page.body.contains("5.0 out of 5 from 1 review"),
        "{}",
        page.body
    );
    let page = app.get("/marketplace?q=RLR55").await;
    assert!(page.body.contains("5.0 out of 5 from 1 review"));
    let orders = buyer.get("/marketplace/orders").await;
    assert!(orders.body.contains(&fourth.to_string()));
    assert!(!outsider
        .get("/marketplace/orders")
        .await
        .body
        .contains(&fourth.to_string()));
}

#[actix_web::test]
async fn money_rounds_half_up_to_cents() {
    let (app, _) = app_with_fee("10", 4).await;
    app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    let cent = add_listing(&app, "north", &input("SCR-1", "Door screw", 3, "0.01"));
    let board = add_listing(&app, "north", &input("KCM-831", "Main board", 1, "333.35"));
    let buyer = app.member("south", Role::Manager).await;
    let id = transaction_id(&buy(&buyer, cent, "south", "3", "pickup").await);
    let amounts = |id: Uuid| {
        value(
            &app,
            &format!("SELECT subtotal::text || ' ' || shipping_cost::text || ' ' || platform_fee::text || ' ' || total_amount::text AS value FROM marketplace_transactions WHERE id = '{id}'"),
        )
    };
    // 3 × 0.01 = 0.03; 10 % of that is 0.003, which rounds to nothing.
    assert_eq!(amounts(id), "0.03 0.00 0.00 0.03");
    // 10 % of 333.35 is 33.335: half-up to 33.34 (a float would say 33.33).
    let id = transaction_id(&buy(&buyer, board, "south", "1", "shipping").await);
    assert_eq!(amounts(id), "333.35 12.50 33.34 379.19");
    let page = buyer.get(&format!("/marketplace/transactions/{id}")).await;
    assert!(page.body.contains("379.19"));

    // A price with fractions of a cent is refused, and the form keeps what was typed.
    let seller = app.member("north", Role::Manager).await;
    seller.get("/marketplace/listings/new").await;
    let page = seller
        .post(
            "/marketplace/listings",
            &[
                ("organization", "north"),
                ("part_number", "GAL-9"),
                ("part_name", "Governor rope"),
                ("condition", "new"),
                ("quantity", "2"),
                ("unit_price", "33.335"),
                ("currency", "AUD"),
                ("location_country", "Australia"),
                ("local_pickup", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("value=\"33.335\""));
    assert!(page.body.contains("Governor rope"));
    assert!(page.body.contains("two decimals"));
    assert_eq!(
        app.count("SELECT 1 FROM marketplace_listings WHERE part_number = 'GAL-9'"),
        0
    );
}
