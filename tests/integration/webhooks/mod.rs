//! Webhooks: subscribing through the settings pages, deliveries to a loopback listener signed
//! with the secret the page shows, retries until dead, redelivery and test events, the SSRF
//! guard on the form, permissions and isolation between organizations.

use awc::http::StatusCode;

use crate::harness::{id_from, text, Browser, TestApp};

mod delivery;
mod listener;
mod settings;

/// An app whose webhooks may reach the loopback listener.
pub async fn loopback_app() -> TestApp {
    TestApp::with_config(4, |config| config.webhook_allow_private = true).await
}

/// Subscribes `url` to `events` through the form; the subscription's id.
pub async fn subscribe(owner: &Browser<'_>, slug: &str, url: &str, events: &[&str]) -> String {
    let form = owner.get(&format!("/o/{slug}/settings/webhooks/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    let mut fields = vec![("url", url), ("description", "Our ERP"), ("active", "1")];
    fields.extend(events.iter().map(|e| ("events", *e)));
    let page = owner
        .post(&format!("/o/{slug}/settings/webhooks"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_from(page.header("location"))
}

/// The signing secret the subscription's page shows.
pub async fn secret_on_page(owner: &Browser<'_>, slug: &str, id: &str) -> String {
    let page = owner
        .get(&format!("/o/{slug}/settings/webhooks/{id}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let start = page.body.find("whsec_").expect("the secret is shown");
    page.body[start..start + 6 + 64].to_string()
}

pub fn delivery_row(app: &TestApp, slug: &str, columns: &str) -> String {
    text(
        &mut app.conn(),
        &format!(
            "SELECT concat_ws('|', {columns}) AS value FROM org_{slug}.webhook_deliveries \
             ORDER BY created_at DESC LIMIT 1"
        ),
    )
}

/// Makes failed webhook jobs due now, as if their wait had passed.
pub fn skip_the_wait(app: &TestApp) {
    app.execute(
        "UPDATE background_jobs SET run_at = now() \
         WHERE kind = 'deliver_webhook' AND state = 'failed'",
    );
}
