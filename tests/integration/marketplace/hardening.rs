//! Hardening (issue 17): tenants and read-only members do not trade for their organization,
//! a suspended organization trades not at all, and every price a listing takes can be paid.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;
use uuid::Uuid;

use super::{add_listing, app_with_fee, buy, input, png, status_of, transaction_id, upload, value};
use crate::harness::{self, Browser, Page, TestApp};

/// A signed-in browser for a building occupant of `slug`: a tenant membership, tied (as a
/// portal invitation ties it) to a tenant record's id.
async fn tenant_of<'a>(app: &'a TestApp, slug: &str) -> Browser<'a> {
    let email = format!("tenant-{}@example.com", Uuid::new_v4());
    let account = app.create_account(&email);
    {
        let mut conn = app.conn();
        let org = sitesync::orgs::queries::find_by_slug(&mut conn, slug)
            .unwrap()
            .unwrap();
        sitesync::members::queries::upsert_with_tenant(
            &mut conn,
            account,
            org.id,
            Role::Tenant,
            Some(Uuid::new_v4()),
        )
        .unwrap();
    }
    let browser = Browser::new(app);
    browser.sign_in(&email, harness::PASSWORD).await;
    browser
}

fn refused(page: &Page) -> bool {
    page.status == StatusCode::NOT_FOUND || page.status == StatusCode::FORBIDDEN
}

/// Asks about the listing as `browser`; returns the thread's address.
async fn ask(browser: &Browser<'_>, listing: Uuid, question: &str) -> String {
    browser
        .get(&format!("/marketplace/listings/{listing}"))
        .await;
    let page = browser
        .post(
            &format!("/marketplace/listings/{listing}/inquiries"),
            &[("message", question)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.header("location").unwrap().to_string()
}

#[actix_web::test]
async fn tenants_and_read_only_members_neither_open_answer_nor_move_their_organizations_trades() {
    let app = TestApp::new().await;
    app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    let listing = add_listing(&app, "north", &input("DRV-7", "Door drive", 3, "120"));
    let buyer = app.member("south", Role::Manager).await;
    let order = transaction_id(&buy(&buyer, listing, "south", "1", "pickup").await);
    let thread = ask(&buyer, listing, "Is the encoder included?").await;
    let show = format!("/marketplace/transactions/{order}");
    let notices = || app.count("SELECT 1 FROM notifications");
    let before = notices();

    let people = [
        ("north tenant", tenant_of(&app, "north").await),
        ("north read-only", app.member("north", Role::ReadOnly).await),
        ("south tenant", tenant_of(&app, "south").await),
        ("south read-only", app.member("south", Role::ReadOnly).await),
    ];
    for (who, browser) in &people {
        browser.get("/marketplace").await;
        assert!(
            refused(&browser.get(&thread).await),
            "{who} opened the inquiry"
        );
        assert!(refused(&browser.get(&show).await), "{who} opened the order");
        let page = browser
            .post(&thread, &[("message", "Yes, it is included.")])
            .await;
        assert!(refused(&page), "{who} answered: {}", page.status);
        for action in ["pay", "cancel", "ship", "deliver"] {
            let page = browser
                .post(
                    &format!("{show}/{action}"),
                    &[("payment_reference", "X1"), ("tracking_number", "T1")],
                )
                .await;
            assert!(refused(&page), "{who} could {action}: {}", page.status);
        }
        for (list, id) in [
            ("/marketplace/inquiries", &thread),
            ("/marketplace/orders", &order.to_string()),
        ] {
            assert!(!browser.get(list).await.body.contains(id.as_str()), "{who}");
        }
    }
    assert_eq!(app.count("SELECT 1 FROM marketplace_inquiry_messages"), 1);
    assert_eq!(status_of(&app, order), "pending");
    assert_eq!(notices(), before);
    // The people who trade for the organizations still do.
    let seller = app.member("north", Role::Manager).await;
    assert_eq!(seller.get(&thread).await.status, StatusCode::OK);
    assert_eq!(
        seller
            .post(&thread, &[("message", "Yes, it is included.")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(buyer.get(&show).await.status, StatusCode::OK);
}

#[actix_web::test]
async fn a_suspended_organization_stops_trading_and_its_listings_hide_until_reinstated() {
    let (app, _) = app_with_fee("5", 4).await;
    app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    let listing = add_listing(
        &app,
        "north",
        &input("GOV-450", "Overspeed governor", 3, "900"),
    );
    let seller = app.member("north", Role::Owner).await;
    let buyer = app.member("south", Role::Manager).await;
    let photo = png(64, 48);
    let page = upload(&seller, listing, &[("g.png", "image/png", &photo)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let image_id = value(
        &app,
        "SELECT id::text AS value FROM marketplace_listing_images",
    );
    let order = transaction_id(&buy(&buyer, listing, "south", "1", "pickup").await);
    let thread = ask(&buyer, listing, "Which lift did it come from?").await;
    let listing_page = format!("/marketplace/listings/{listing}");
    let photo_page = format!("/marketplace/photos/{image_id}");
    let show = format!("/marketplace/transactions/{order}");

    app.execute("UPDATE organizations SET suspended_at = now() WHERE slug = 'north'");
    for path in [
        "/marketplace",
        "/marketplace?q=GOV-450",
        "/marketplace?closed=1",
    ] {
        assert!(
            !app.get(path).await.body.contains(&listing.to_string()),
            "{path}"
        );
    }
    assert_eq!(app.get(&listing_page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&photo_page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(buyer.get(&listing_page).await.status, StatusCode::NOT_FOUND);
    let page = buyer
        .post(
            &format!("{listing_page}/buy"),
            &[
                ("organization", "south"),
                ("quantity", "1"),
                ("delivery", "pickup"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // Its members keep seeing their listing and orders, but change nothing.
    assert_eq!(seller.get(&listing_page).await.status, StatusCode::OK);
    assert_eq!(seller.get(&show).await.status, StatusCode::OK);
    assert!(seller
        .get("/marketplace/mine")
        .await
        .body
        .contains(&listing.to_string()));
    let frozen = |page: &Page, what: &str| {
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{what}: {}", page.body);
        assert!(page.body.contains("suspended"), "{what}: {}", page.body);
    };
    frozen(&seller.get("/marketplace/listings/new").await, "new");
    frozen(
        &seller.get(&format!("{listing_page}/edit")).await,
        "edit page",
    );
    let listing_fields = [
        ("organization", "north"),
        ("part_number", "GOV-451"),
        ("part_name", "Overspeed governor"),
        ("condition", "new"),
        ("quantity", "1"),
        ("unit_price", "800"),
        ("currency", "AUD"),
        ("location_country", "Australia"),
        ("local_pickup", "on"),
    ];
    frozen(
        &seller.post("/marketplace/listings", &listing_fields).await,
        "create",
    );
    frozen(
        &seller
            .post(&format!("{listing_page}/edit"), &listing_fields)
            .await,
        "edit",
    );
    for action in ["renew", "withdraw"] {
        frozen(
            &seller.post(&format!("{listing_page}/{action}"), &[]).await,
            action,
        );
    }
    frozen(
        &seller
            .post(&format!("{listing_page}/photos/{image_id}/delete"), &[])
            .await,
        "delete photo",
    );
    frozen(
        &upload(&seller, listing, &[("h.png", "image/png", &photo)]).await,
        "upload",
    );
    frozen(
        &seller
            .post(&thread, &[("message", "From a 1998 lift.")])
            .await,
        "answer",
    );
    frozen(
        &seller
            .post(&format!("{show}/pay"), &[("payment_reference", "INV-1")])
            .await,
        "pay",
    );
    assert_eq!(
        value(&app, &format!("SELECT status::text || ' ' || quantity_available::text || ' ' || part_number AS value FROM marketplace_listings WHERE id = '{listing}'")),
        "active 2 GOV-450"
    );
    assert_eq!(app.count("SELECT 1 FROM marketplace_listings"), 1);
    assert_eq!(app.count("SELECT 1 FROM marketplace_listing_images"), 1);
    assert_eq!(app.count("SELECT 1 FROM marketplace_inquiry_messages"), 1);
    assert_eq!(status_of(&app, order), "pending");

    // Reinstated, everything is back as it was.
    app.execute("UPDATE organizations SET suspended_at = NULL WHERE slug = 'north'");
    assert!(app
        .get("/marketplace?q=GOV-450")
        .await
        .body
        .contains(&listing.to_string()));
    assert_eq!(app.get(&listing_page).await.status, StatusCode::OK);
    assert_eq!(app.get(&photo_page).await.status, StatusCode::OK);
    seller.get(&show).await;
    assert_eq!(
        seller
            .post(&format!("{show}/pay"), &[("payment_reference", "INV-1")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn the_highest_price_a_listing_takes_can_be_bought() {
    let (app, _) = app_with_fee("5", 4).await;
    app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    let seller = app.member("north", Role::Manager).await;
    seller.get("/marketplace/listings/new").await;
    let mut fields = vec![
        ("organization", "north"),
        ("part_number", "MTR-900"),
        ("part_name", "Traction machine"),
        ("condition", "new"),
        ("quantity", "1"),
        ("unit_price", "99,999,999"),
        ("currency", "AUD"),
        ("location_country", "Australia"),
        ("local_pickup", "on"),
    ];
    // The form's old highest price cannot be paid in one order once the fee is added.
    let page = seller.post("/marketplace/listings", &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("AUD 95,238,095.23"), "{}", page.body);
    assert!(page.body.contains("Traction machine"));
    assert_eq!(app.count("SELECT 1 FROM marketplace_listings"), 0);
    fields[5] = ("unit_price", "95,238,095.23");
    let page = seller.post("/marketplace/listings", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let listing: Uuid = value(&app, "SELECT id::text AS value FROM marketplace_listings")
        .parse()
        .unwrap();
    let buyer = app.member("south", Role::Manager).await;
    let id = transaction_id(&buy(&buyer, listing, "south", "1", "pickup").await);
    assert_eq!(
        value(&app, &format!("SELECT total_amount::text AS value FROM marketplace_transactions WHERE id = '{id}'")),
        "99999999.99"
    );

    // A listing priced before the limits agreed is refused at purchase with a reason, not a
    // 500, and nothing is taken off it.
    let old = add_listing(
        &app,
        "north",
        &input("MTR-901", "Traction machine", 2, "99999999"),
    );
    let page = buy(&buyer, old, "south", "1", "pickup").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("An order can come to at most AUD 99,999,999.99"),
        "{}",
        page.body
    );
    assert_eq!(
        value(&app, &format!("SELECT quantity_available::text AS value FROM marketplace_listings WHERE id = '{old}'")),
        "2"
    );
    assert_eq!(app.count("SELECT 1 FROM marketplace_transactions"), 1);
    // Saving it again asks for a price the columns hold.
    let mut edited = fields.clone();
    edited[4] = ("quantity", "2");
    edited[5] = ("unit_price", "99,999,999");
    let page = seller
        .post(&format!("/marketplace/listings/{old}/edit"), &edited)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("For 2 the price can be at most"),
        "{}",
        page.body
    );
}
