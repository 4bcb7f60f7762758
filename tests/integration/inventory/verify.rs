//! `sitesync inventory verify`: every figure recomputed from the ledger, through the
//! organization's door and from the command line; the demo's stock passes it.

use std::process::Command;

use diesel::prelude::*;
use sitesync::inventory::verify::{verify, Report};
use sitesync::orgs::TenancyError;

use super::{fixture, receive};
use crate::harness::{self, TestApp};

fn report(app: &TestApp, slug: &str) -> Report {
    harness::in_org(
        &mut app.conn(),
        slug,
        |conn, _| -> Result<_, TenancyError> { Ok(verify(conn)?) },
    )
    .expect("verify")
}

fn cli(app: &TestApp, slug: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sitesync"))
        .args(["inventory", "verify", "--org", slug])
        .env("DATABASE_URL", &app.url)
        .env("SITESYNC_DATA_DIR", harness::temp_dir("cli"))
        .output()
        .expect("run inventory verify")
}

#[actix_web::test]
async fn verify_passes_a_consistent_stock_and_names_a_level_that_was_tampered_with() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    receive(&f.manager, "acme", &f.item, &f.van, "5", "42.50").await;

    let clean = report(&app, "acme");
    assert_eq!(clean.differences, vec![]);
    assert_eq!(
        clean.lines("acme"),
        vec![
            "Stock of acme: 1 item, 2 locations, 2 ledger lines — every figure matches the ledger."
        ]
    );
    let output = cli(&app, "acme");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(
            "Stock of acme: 1 item, 2 locations, 2 ledger lines — every figure matches the ledger."
        ),
        "{stdout}"
    );

    // Written behind the ledger's back, as the owner: the level no longer adds up.
    diesel::sql_query(format!(
        "UPDATE org_acme.stock_levels SET on_hand = on_hand + 2 WHERE location_id = '{}'",
        f.van
    ))
    .execute(&mut *app.conn())
    .expect("tamper");
    let broken = report(&app, "acme");
    assert!(!broken.is_consistent());
    assert_eq!(
        broken.lines("acme"),
        vec!["KM-602450 at Van 1: on hand is 7, the ledger says 5"]
    );
    let output = cli(&app, "acme");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "verify must fail: {stderr}");
    assert!(
        stderr.contains("KM-602450 at Van 1: on hand is 7, the ledger says 5"),
        "{stderr}"
    );

    // An item's total is checked too.
    diesel::sql_query("UPDATE org_acme.inventory_items SET on_hand = on_hand + 2")
        .execute(&mut *app.conn())
        .expect("tamper with the total");
    let mut lines = report(&app, "acme").lines("acme");
    lines.sort();
    assert_eq!(
        lines,
        vec![
            "KM-602450 at Van 1: on hand is 7, the ledger says 5",
            "KM-602450 over all locations: total on hand is 17, the ledger says 15",
        ]
    );

    let output = cli(&app, "nobody");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no organization"));
}

#[actix_web::test]
async fn the_demo_stock_has_a_year_of_ledger_that_verify_accepts() {
    let app = TestApp::new().await;
    let started = std::time::Instant::now();
    sitesync::demo::ensure(&mut app.conn()).expect("demo");
    let took = started.elapsed();
    let stock = report(&app, "demo");
    assert!(stock.is_consistent(), "{:?}", stock.lines("demo"));
    assert!((140..=160).contains(&stock.items), "{stock:?}");
    assert_eq!(stock.locations, 3);
    assert!((300..=500).contains(&stock.ledger_lines), "{stock:?}");
    let count = |sql: &str| app.count(sql);
    // The vans are the demo's technicians'; the history spreads over the year.
    assert_eq!(
        count("SELECT 1 FROM org_demo.stock_locations WHERE contractor_id IS NOT NULL"),
        2
    );
    assert!(
        count(
            "SELECT 1 FROM org_demo.stock_movements WHERE created_at < now() - interval '300 days'"
        ) > 100
    );
    for kind in [
        "receive",
        "transfer_out",
        "transfer_in",
        "issue",
        "count",
        "adjust",
    ] {
        assert!(
            count(&format!(
                "SELECT 1 FROM org_demo.stock_movements WHERE kind = '{kind}'"
            )) > 0,
            "{kind}"
        );
    }
    assert!(
        count("SELECT 1 FROM org_demo.stock_movements WHERE work_order_id IS NOT NULL") >= 3,
        "parts issued to work orders"
    );
    assert!(
        count("SELECT 1 FROM org_demo.work_order_parts WHERE inventory_item_id IS NOT NULL") >= 3
    );
    let low = count(
        "SELECT 1 FROM org_demo.inventory_items WHERE on_hand <= reorder_point \
         AND archived_at IS NULL",
    );
    assert!((3..=10).contains(&low), "{low} items to reorder");
    assert_eq!(
        count("SELECT 1 FROM org_demo.purchase_orders WHERE status = 'ordered'"),
        1
    );
    assert_eq!(
        count("SELECT 1 FROM org_demo.purchase_orders WHERE status = 'received'"),
        1
    );
    // Every line's running figure follows from the lines before it at its place.
    assert_eq!(
        count(
            "SELECT 1 FROM (SELECT on_hand_after, sum(quantity) OVER (PARTITION BY item_id, \
             location_id ORDER BY created_at, id) AS running FROM org_demo.stock_movements) m \
             WHERE on_hand_after <> running"
        ),
        0
    );
    eprintln!("demo with stock in {took:?}");

    // A second start adds nothing.
    sitesync::demo::ensure(&mut app.conn()).expect("demo again");
    assert_eq!(report(&app, "demo"), stock);
}
