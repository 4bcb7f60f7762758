//! Parts inventory: the catalogue, locations, the ledger and its verification, work orders
//! taking parts from stock, transfers and counts, reorders and purchase orders, valuation, the
//! marketplace bridge, bad input, and isolation between organizations.

use awc::http::StatusCode;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use sitesync::auth::roles::Role;

use crate::harness::{id_from, text, Browser, TestApp};

mod catalogue;
mod marketplace;
mod purchases;
mod stock;
mod verify;
mod work_orders;

pub struct Fixture<'a> {
    pub manager: Browser<'a>,
    pub warehouse: String,
    pub van: String,
    pub item: String,
}

/// Organization `slug` with a manager, a warehouse, a van and one item (KM-602450, a door belt
/// at 42.50), 10 of which are in the warehouse.
pub async fn fixture<'a>(app: &'a TestApp, slug: &str) -> Fixture<'a> {
    app.create_org(slug, "Acme Lifts");
    let manager = app.member(slug, Role::Manager).await;
    let warehouse = location(&manager, slug, "Main warehouse", "warehouse").await;
    let van = location(&manager, slug, "Van 1", "van").await;
    let item = item(&manager, slug, "KM-602450", "Door operator belt", "42.50").await;
    receive(&manager, slug, &item, &warehouse, "10", "42.50").await;
    Fixture {
        manager,
        warehouse,
        van,
        item,
    }
}

/// A new catalogue item; its id.
pub async fn item(manager: &Browser<'_>, slug: &str, part: &str, name: &str, cost: &str) -> String {
    let form = manager.get(&format!("/o/{slug}/inventory/items/new")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let page = manager
        .post(
            &format!("/o/{slug}/inventory/items"),
            &[
                ("part_number", part),
                ("name", name),
                ("manufacturer", "Kone"),
                ("category", "Doors"),
                ("unit_cost", cost),
                ("reorder_point", "3"),
                ("reorder_quantity", "10"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_from(page.header("location"))
}

/// A new stock location of `kind` (warehouse, van, site, consignment); its id.
pub async fn location(manager: &Browser<'_>, slug: &str, name: &str, kind: &str) -> String {
    let form = manager
        .get(&format!("/o/{slug}/inventory/locations/new"))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let page = manager
        .post(
            &format!("/o/{slug}/inventory/locations"),
            &[("name", name), ("location_type", kind)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_from(page.header("location"))
}

/// Receives `quantity` of `item` at `location` for `cost` each.
pub async fn receive(
    manager: &Browser<'_>,
    slug: &str,
    item: &str,
    location: &str,
    quantity: &str,
    cost: &str,
) {
    let page = manager
        .post(
            &format!("/o/{slug}/inventory/receive"),
            &[
                ("item_id", item),
                ("location_id", location),
                ("quantity", quantity),
                ("unit_cost", cost),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

/// On hand of `item` at `location` in organization `slug`, read from the database.
pub fn on_hand(app: &TestApp, slug: &str, item: &str, location: &str) -> i32 {
    org_number(
        app,
        slug,
        &format!(
            "SELECT coalesce((SELECT on_hand FROM stock_levels \
             WHERE item_id = '{item}' AND location_id = '{location}'), 0)"
        ),
    ) as i32
}

/// A number read by `sql` (one row, one column) in organization `slug`'s schema.
pub fn org_number(app: &TestApp, slug: &str, sql: &str) -> i64 {
    let mut conn = app.conn();
    let schema = sitesync::orgs::queries::find_by_slug(&mut conn, slug)
        .expect("org")
        .expect("org exists")
        .schema_name;
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        conn.batch_execute(&format!("SET LOCAL search_path = {schema}, public"))?;
        Ok(text(conn, &format!("SELECT ({sql})::text AS value")))
    })
    .expect("query in the organization")
    .parse()
    .expect("a number")
}
