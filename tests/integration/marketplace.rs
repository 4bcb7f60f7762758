//! Parts marketplace: buying never oversells, only the right party moves a purchase, search
//! finds part numbers however they are typed, uploads accept photos only, money rounds half-up.

use std::path::PathBuf;
use std::str::FromStr;

use actix_web::web;
use awc::http::StatusCode;
use bigdecimal::BigDecimal;
use sitesync::auth::roles::Role;
use sitesync::db::{Db, PoolOptions};
use sitesync::marketplace::queries::{self, ListingInput};
use sitesync::marketplace::PartCondition;
use sitesync::AppState;
use uuid::Uuid;

use crate::harness::{self, Browser, Page, TestApp};

/// An app whose platform fee is `fee_percent`, and the folder its files are stored in.
async fn app_with_fee(fee_percent: &str, pool_size: u32) -> (TestApp, PathBuf) {
    let url = harness::fresh_database();
    let mut config = harness::test_config(&url, pool_size);
    config.platform_fee_percent = BigDecimal::from_str(fee_percent).unwrap();
    let files = config.data_dir.join("files");
    let db = Db::connect(&url, PoolOptions::from_config(&config, "sitesync test")).unwrap();
    let state = web::Data::new(AppState::new(db.clone(), config));
    let server = actix_test::start(move || sitesync::app(state.clone()));
    let client = awc::Client::builder()
        .disable_redirects()
        .timeout(std::time::Duration::from_secs(60))
        .finish();
    (
        TestApp {
            db,
            url,
            server,
            client,
        },
        files,
    )
}

fn input(part_number: &str, part_name: &str, quantity: i32, price: &str) -> ListingInput {
    ListingInput {
        part_number: part_number.into(),
        part_name: part_name.into(),
        manufacturer: Some("Kone".into()),
        model_compatibility: vec!["MonoSpace".into()],
        description: String::new(),
        condition: PartCondition::UsedTested,
        condition_notes: None,
        quantity_available: quantity,
        unit_price: BigDecimal::from_str(price).unwrap(),
        currency: "AUD".into(),
        location_city: Some("Sydney".into()),
        location_state: Some("NSW".into()),
        location_country: "Australia".into(),
        shipping_available: true,
        shipping_cost: Some(BigDecimal::from_str("12.50").unwrap()),
        local_pickup: true,
    }
}

/// A listing of `slug`'s, sold by a new manager account.
fn add_listing(app: &TestApp, slug: &str, listing: &ListingInput) -> Uuid {
    let mut conn = app.conn();
    let org = sitesync::orgs::queries::find_by_slug(&mut conn, slug)
        .unwrap()
        .unwrap();
    let seller = app.create_account(&format!("seller-{}@example.com", Uuid::new_v4()));
    app.add_member(slug, seller, Role::Manager);
    queries::insert_listing(&mut conn, org.id, seller, listing).unwrap()
}

fn value(app: &TestApp, sql: &str) -> String {
    harness::text(&mut app.conn(), sql)
}

/// Buys through the listing page, as a person would.
async fn buy(
    browser: &Browser<'_>,
    listing: Uuid,
    org: &str,
    quantity: &str,
    delivery: &str,
) -> Page {
    browser
        .get(&format!("/marketplace/listings/{listing}"))
        .await;
    browser
        .post(
            &format!("/marketplace/listings/{listing}/buy"),
            &[
                ("organization", org),
                ("quantity", quantity),
                ("delivery", delivery),
            ],
        )
        .await
}

fn transaction_id(page: &Page) -> Uuid {
    let location = page.header("location").expect("redirect");
    location
        .strip_prefix("/marketplace/transactions/")
        .unwrap()
        .parse()
        .unwrap()
}

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

fn status_of(app: &TestApp, id: Uuid) -> String {
    value(
        app,
        &format!("SELECT status::text AS value FROM marketplace_transactions WHERE id = '{id}'"),
    )
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
    for browser in [&seller, &buyer, &seller_technician] {
        assert_eq!(browser.get(&show).await.status, StatusCode::OK);
    }

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

fn position(body: &str, id: Uuid) -> usize {
    body.find(&format!("/marketplace/listings/{id}\""))
        .unwrap_or_else(|| panic!("{id} not in results"))
}

#[actix_web::test]
async fn search_finds_part_numbers_however_typed_in_the_right_order() {
    let app = TestApp::new().await;
    app.create_org("north", "North Lifts");
    let exact = add_listing(
        &app,
        "north",
        &input("KM602450", "Door operator belt", 1, "80"),
    );
    let near = add_listing(
        &app,
        "north",
        &input("KM602451", "Door operator pulley", 1, "90"),
    );
    let mut described = input("ABC-77", "Landing door roller", 1, "30");
    described.description = "Replaces KM602450 on older landing doors.".into();
    let text = add_listing(&app, "north", &described);
    let other = add_listing(&app, "north", &input("BRK-100", "Brake pad set", 1, "200"));
    let mut gone = input("KM-602-450", "Door operator belt (withdrawn)", 1, "70");
    gone.manufacturer = None;
    let withdrawn = add_listing(&app, "north", &gone);
    queries::withdraw(&mut app.conn(), withdrawn).unwrap();

    let page = app.get("/marketplace?q=KM602450").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(position(&page.body, exact) < position(&page.body, near));
    assert!(position(&page.body, near) < position(&page.body, text));
    assert!(!page.body.contains(&other.to_string()));
    assert!(!page.body.contains(&withdrawn.to_string()));
    for variant in [
        "KM 60 2450",
        "km-602-450",
        "KM620450",
        "KM602540",
        "km602450",
    ] {
        let page = app
            .get(&format!("/marketplace?q={}", variant.replace(' ', "+")))
            .await;
        let first = page.body.find("/marketplace/listings/").expect(variant);
        assert_eq!(
            &page.body[first..first + 59],
            format!("/marketplace/listings/{exact}\"").as_str(),
            "{variant} finds the exact part first"
        );
    }
    // Words find names and descriptions.
    let page = app.get("/marketplace?q=brake+pads").await;
    assert!(page.body.contains(&other.to_string()));
    // Filters and sorting live in the address; htmx gets only the results.
    let page = app
        .get("/marketplace?sort=price_desc&min_price=50&manufacturer=kone&state=nsw&shipping=1")
        .await;
    assert!(position(&page.body, other) < position(&page.body, near));
    assert!(position(&page.body, near) < position(&page.body, exact));
    assert!(!page.body.contains(&text.to_string()));
    let page = app.get_htmx("/marketplace?q=brake").await;
    assert!(!page.body.contains("<html"));
    assert!(page.body.contains(&other.to_string()));
    let page = app.get("/marketplace?min_price=lots").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("is not an amount"));
    // The withdrawn listing is gone for everyone but its seller.
    assert_eq!(
        app.get(&format!("/marketplace/listings/{withdrawn}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

const BOUNDARY: &str = "----sitesync-test-boundary";

fn multipart(files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, content_type, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(browser: &Browser<'_>, listing: Uuid, files: &[(&str, &str, &[u8])]) -> Page {
    browser
        .get(&format!("/marketplace/listings/{listing}/edit"))
        .await;
    let path = format!(
        "/marketplace/listings/{listing}/photos?csrf_token={}",
        browser.csrf()
    );
    let mut res = browser
        .app
        .post_request(&path)
        .insert_header(("Cookie", browser.cookie_header()))
        .insert_header((
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ))
        .send_body(multipart(files))
        .await
        .unwrap();
    let body = res.body().limit(16 * 1024 * 1024).await.unwrap();
    Page {
        status: res.status(),
        headers: res.headers().clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(width, height, image::Rgb([200, 40, 40]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn stored_files(root: &std::path::Path) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| {
                        if e.path().is_dir() {
                            walk(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(root)
}

#[actix_web::test]
async fn uploads_accept_photos_only() {
    let (app, files) = app_with_fee("5", 4).await;
    app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    let listing = add_listing(
        &app,
        "north",
        &input("MCB-3000", "Controller board", 1, "1200"),
    );
    let seller = app.member("north", Role::Manager).await;
    let mut six_megabytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    six_megabytes.resize(6 * 1024 * 1024, 0);
    let refused: [(&str, &str, &[u8], &str); 4] = [
        (
            "shell.jpg",
            "image/jpeg",
            b"<?php system($_GET['c']); ?>",
            "not a JPEG, PNG or WebP",
        ),
        (
            "logo.svg",
            "image/svg+xml",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            "not a JPEG, PNG or WebP",
        ),
        ("huge.jpg", "image/jpeg", &six_megabytes, "larger than 5 MB"),
        ("empty.jpg", "image/jpeg", b"", "is empty"),
    ];
    for (name, content_type, bytes, message) in refused {
        let page = upload(&seller, listing, &[(name, content_type, bytes)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(page.body.contains(message), "{name}: {}", page.body);
        assert!(page.body.contains("Nothing was uploaded"), "{name}");
    }
    // One bad file spoils the batch: nothing of it is kept.
    let good = png(640, 480);
    let page = upload(
        &seller,
        listing,
        &[
            ("a.png", "image/png", &good),
            ("b.jpg", "image/jpeg", b"<?php ?>"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT 1 FROM marketplace_listing_images"), 0);
    assert_eq!(stored_files(&files), 0);

    // A real photo, named misleadingly, is judged by its bytes and served as what it is.
    let page = upload(
        &seller,
        listing,
        &[("photo.gif", "application/octet-stream", &good)],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(stored_files(&files), 2, "photo and thumbnail");
    let image_id = value(
        &app,
        "SELECT id::text AS value FROM marketplace_listing_images",
    );
    let photo = app.get(&format!("/marketplace/photos/{image_id}")).await;
    assert_eq!(photo.status, StatusCode::OK);
    assert_eq!(photo.header("content-type"), Some("image/png"));
    assert_eq!(photo.header("x-content-type-options"), Some("nosniff"));
    let thumbnail = app
        .get(&format!("/marketplace/photos/{image_id}/thumbnail"))
        .await;
    assert_eq!(thumbnail.header("content-type"), Some("image/jpeg"));
    let decoded = image::load_from_memory(
        &app_bytes(&app, &format!("/marketplace/photos/{image_id}/thumbnail")).await,
    )
    .unwrap();
    assert!(decoded.width() <= 320 && decoded.height() <= 320);

    // At most five per listing.
    let four: Vec<(&str, &str, &[u8])> = (0..4)
        .map(|_| ("p.png", "image/png", good.as_slice()))
        .collect();
    assert_eq!(
        upload(&seller, listing, &four).await.status,
        StatusCode::SEE_OTHER
    );
    let page = upload(&seller, listing, &[("p.png", "image/png", &good)]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT 1 FROM marketplace_listing_images"), 5);

    // Another organization cannot add or remove photos.
    let other = app.member("south", Role::Owner).await;
    other.get("/marketplace").await;
    let page = other
        .post(
            &format!("/marketplace/listings/{listing}/photos/{image_id}/delete"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT 1 FROM marketplace_listing_images"), 5);
    let page = seller
        .post(
            &format!("/marketplace/listings/{listing}/photos/{image_id}/delete"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT 1 FROM marketplace_listing_images"), 4);
    assert_eq!(stored_files(&files), 8);
}

async fn app_bytes(app: &TestApp, path: &str) -> Vec<u8> {
    let mut res = app.get_request(path).send().await.unwrap();
    res.body().limit(16 * 1024 * 1024).await.unwrap().to_vec()
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

#[actix_web::test]
async fn managers_sell_edit_renew_and_withdraw_their_organizations_listings() {
    let app = TestApp::new().await;
    app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    let technician = app.member("north", Role::Technician).await;
    assert_eq!(
        technician.get("/marketplace/listings/new").await.status,
        StatusCode::FORBIDDEN
    );
    let seller = app.member("north", Role::Manager).await;
    let page = seller.get("/marketplace/listings/new").await;
    assert_eq!(page.status, StatusCode::OK);
    let fields = [
        ("organization", "north"),
        ("part_number", "ID.NR. 594152"),
        ("part_name", "Door operator controller"),
        ("manufacturer", "Schindler"),
        ("model_compatibility", "3300, 5500"),
        ("description", "Pulled from a **working** lift."),
        ("condition", "used_tested"),
        ("quantity", "2"),
        ("unit_price", "1,450.00"),
        ("currency", "AUD"),
        ("location_city", "Newcastle"),
        ("location_state", "NSW"),
        ("location_country", "Australia"),
        ("shipping_available", "on"),
        ("shipping_cost", "35"),
    ];
    // Another organization's slug is refused as input, nothing stored.
    let mut foreign = fields.to_vec();
    foreign[0] = ("organization", "south");
    let page = seller.post("/marketplace/listings", &foreign).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("ID.NR. 594152"));
    assert_eq!(app.count("SELECT 1 FROM marketplace_listings"), 0);
    let page = seller.post("/marketplace/listings", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let listing: Uuid = value(&app, "SELECT id::text AS value FROM marketplace_listings")
        .parse()
        .unwrap();
    assert_eq!(
        value(&app, "SELECT part_number_normalized || ' ' || unit_price::text AS value FROM marketplace_listings"),
        "IDNR594152 1450.00"
    );
    let page = app.get(&format!("/marketplace/listings/{listing}")).await;
    assert!(page.body.contains("<strong>working</strong>"));

    // Outsiders and lower roles cannot touch it.
    let outsider = app.member("south", Role::Owner).await;
    assert_eq!(
        outsider
            .get(&format!("/marketplace/listings/{listing}/edit"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    outsider.get("/marketplace").await;
    for action in ["withdraw", "renew", "edit"] {
        let page = outsider
            .post(
                &format!("/marketplace/listings/{listing}/{action}"),
                &fields,
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{action}");
    }
    technician.get("/marketplace").await;
    assert_eq!(
        technician
            .post(&format!("/marketplace/listings/{listing}/withdraw"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        value(
            &app,
            "SELECT status::text AS value FROM marketplace_listings"
        ),
        "active"
    );

    // Editing with a bad value keeps the rest.
    let mut edited = fields.to_vec();
    edited[7] = ("quantity", "-3");
    edited[3] = ("manufacturer", "Schindler AG");
    let page = seller
        .post(&format!("/marketplace/listings/{listing}/edit"), &edited)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Schindler AG"));
    edited[7] = ("quantity", "3");
    assert_eq!(
        seller
            .post(&format!("/marketplace/listings/{listing}/edit"), &edited)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        value(
            &app,
            "SELECT manufacturer || quantity_available::text AS value FROM marketplace_listings"
        ),
        "Schindler AG3"
    );

    // Expired listings leave the search, and come back when renewed.
    diesel::sql_query("UPDATE marketplace_listings SET expires_at = now() - interval '1 day'")
        .execute(&mut *app.conn())
        .unwrap();
    assert!(!app
        .get("/marketplace")
        .await
        .body
        .contains(&listing.to_string()));
    let page = seller.get("/marketplace/mine").await;
    assert!(page.body.contains("Expired (1)"), "{}", page.body);
    assert_eq!(
        seller
            .post(&format!("/marketplace/listings/{listing}/renew"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(app
        .get("/marketplace")
        .await
        .body
        .contains(&listing.to_string()));
    assert_eq!(
        seller
            .post(&format!("/marketplace/listings/{listing}/withdraw"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(!app
        .get("/marketplace")
        .await
        .body
        .contains(&listing.to_string()));
    let page = seller.get("/marketplace/mine").await;
    assert!(page.body.contains("Withdrawn (1)"));
    assert_eq!(
        seller
            .get(&format!("/marketplace/listings/{listing}"))
            .await
            .status,
        StatusCode::OK
    );
}

use diesel::RunQueryDsl;

#[actix_web::test]
async fn buyers_ask_and_sellers_answer_with_notifications_both_ways() {
    let app = TestApp::new().await;
    app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    app.create_org("west", "West Lifts");
    let listing = add_listing(&app, "north", &input("ENC-100", "Encoder", 1, "300"));
    let seller = app.member("north", Role::Manager).await;
    let asker = app.member("south", Role::Technician).await;
    let outsider = app.member("west", Role::Owner).await;
    let notices = || app.count("SELECT 1 FROM notifications WHERE kind = 'marketplace_inquiry'");

    asker.get(&format!("/marketplace/listings/{listing}")).await;
    let page = asker
        .post(
            &format!("/marketplace/listings/{listing}/inquiries"),
            &[("message", "  ")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = asker
        .post(
            &format!("/marketplace/listings/{listing}/inquiries"),
            &[("message", "Does it fit a 2009 MonoSpace?")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let thread = page.header("location").unwrap().to_string();
    // The listing's seller and the new manager both hear of it.
    assert_eq!(notices(), 2);
    assert_eq!(
        value(
            &app,
            "SELECT inquiry_count::text AS value FROM marketplace_listings"
        ),
        "1"
    );

    let inbox = seller.get("/marketplace/inquiries").await;
    assert!(inbox.body.contains(&thread));
    assert_eq!(outsider.get(&thread).await.status, StatusCode::NOT_FOUND);
    outsider.get("/marketplace").await;
    assert_eq!(
        outsider
            .post(&thread, &[("message", "me too")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let page = seller.get(&thread).await;
    assert!(page.body.contains("Does it fit a 2009 MonoSpace?"));
    assert_eq!(
        seller
            .post(&thread, &[("message", "Yes, from 2005 on.")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(notices(), 3);
    let page = asker.get(&thread).await;
    assert!(page.body.contains("Yes, from 2005 on."));
    // Asking one's own organization is refused.
    seller
        .get(&format!("/marketplace/listings/{listing}"))
        .await;
    let page = seller
        .post(
            &format!("/marketplace/listings/{listing}/inquiries"),
            &[("message", "hi")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn demo_listings_are_seeded_once() {
    let app = TestApp::new().await;
    sitesync::demo::ensure(&mut app.conn()).unwrap();
    let listings = app.count("SELECT 1 FROM marketplace_listings");
    assert!((50..=70).contains(&listings), "{listings}");
    assert!(app.count("SELECT 1 FROM marketplace_listings WHERE status = 'sold'") >= 3);
    assert_eq!(
        app.count("SELECT DISTINCT seller_org_id FROM marketplace_listings"),
        3
    );
    sitesync::demo::ensure(&mut app.conn()).unwrap();
    assert_eq!(app.count("SELECT 1 FROM marketplace_listings"), listings);
    let page = app.get("/marketplace?q=door+operator").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("/marketplace/listings/"));
}
