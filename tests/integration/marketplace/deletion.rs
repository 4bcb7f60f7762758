//! A purged organization's purchases stay with the other side: the buyer's history still
//! opens, naming the tombstone, while its unsold listings are gone.

use actix_web::http::StatusCode;
use sitesync::admin::audit::PlatformActor;
use sitesync::auth::roles::Role;
use sitesync::orgs::deletion;
use sitesync::storage::LocalStore;

use super::{add_listing, buy, input, transaction_id};
use crate::harness::TestApp;

#[actix_web::test]
async fn purging_a_seller_keeps_the_buyers_purchase_and_drops_its_unsold_listings() {
    let app = TestApp::new().await;
    let north = app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    let sold = add_listing(&app, "north", &input("SEM-3021", "Encoder", 3, "450"));
    let unsold = add_listing(&app, "north", &input("KM-713", "Door roller", 8, "35"));
    let buyer = app.member("south", Role::Manager).await;
    let bought = buy(&buyer, sold, "south", "1", "pickup").await;
    assert_eq!(bought.status, StatusCode::SEE_OTHER, "{}", bought.body);
    let purchase = transaction_id(&bought);

    deletion::schedule(&mut app.conn(), "north", &PlatformActor::operator()).expect("schedule");
    app.execute(
        "UPDATE organizations SET purge_after = now() - interval '1 minute' WHERE slug = 'north'",
    );
    let files = LocalStore::new(&app.config.data_dir.join("files"));
    assert!(deletion::purge(&mut app.conn(), north.id, &files).expect("purge"));

    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM marketplace_transactions WHERE id = '{purchase}'"
        )),
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM marketplace_listings WHERE id = '{sold}' AND status = 'withdrawn'"
        )),
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM marketplace_listings WHERE id = '{unsold}'"
        )),
        0
    );
    let page = buyer
        .get(&format!("/marketplace/transactions/{purchase}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Deleted organization"), "{}", page.body);
    // Nothing is for sale from it any more.
    let search = buyer.get("/marketplace?q=KM-713").await;
    assert!(!search.body.contains("Door roller"), "{}", search.body);
}
