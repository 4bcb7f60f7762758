//! Selling, searching and asking: managers list, edit, renew and withdraw; search finds part
//! numbers however they are typed; buyers ask and sellers answer.

use awc::http::StatusCode;
use diesel::RunQueryDsl;
use sitesync::auth::roles::Role;
use uuid::Uuid;

use sitesync::marketplace::queries;

use super::{add_listing, input, value};
use crate::harness::TestApp;

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
