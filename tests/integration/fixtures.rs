//! What many tests need before they start, made through the pages as a manager would:
//! `let site = fixtures::site(&manager, "acme", "Harbour Tower").await;` then
//! `fixtures::lift(&manager, "acme", &site, "Lift 1").await`.

use awc::http::StatusCode;

use crate::harness::{id_from, Browser};

/// A site in Sydney's time zone; its id.
pub async fn site(manager: &Browser<'_>, slug: &str, name: &str) -> String {
    manager.get(&format!("/o/{slug}/sites")).await;
    let page = manager
        .post(
            &format!("/o/{slug}/sites"),
            &[
                ("name", name),
                ("site_type", "commercial"),
                ("country", "Australia"),
                ("timezone", "Australia/Sydney"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_from(page.header("location"))
}

/// A lift at `site`; its id.
pub async fn lift(manager: &Browser<'_>, slug: &str, site: &str, unit_number: &str) -> String {
    let page = manager
        .post(
            &format!("/o/{slug}/elevators"),
            &[("site_id", site), ("unit_number", unit_number)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_from(page.header("location"))
}
