//! The JSON API: keys made on the settings page, each resource through real HTTP, the rules
//! the pages keep (versions, idempotent creates, isolation), bad input as problem details, and
//! every response checked against the OpenAPI document.

use awc::http::StatusCode;
use serde_json::Value;

use crate::harness::{Browser, Page, TestApp};

mod keys;
mod lines_and_stock;
mod openapi;
mod resources;
mod work_orders;

/// Makes a key on the settings page with `scopes`; the full key, read from the page that
/// shows it once.
pub async fn make_key(admin: &Browser<'_>, slug: &str, scopes: &[&str], limit: &str) -> String {
    admin.get(&format!("/o/{slug}/settings/api-keys")).await;
    let mut fields = vec![
        ("name", "Building management"),
        ("rate_limit_per_hour", limit),
    ];
    fields.extend(scopes.iter().map(|s| ("scopes", *s)));
    let page = admin
        .post(&format!("/o/{slug}/settings/api-keys"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    key_in(&page.body).expect("the new key is shown")
}

pub fn key_in(body: &str) -> Option<String> {
    let start = body.find("value=\"ss_live_")? + "value=\"".len();
    Some(body[start..start + 48].to_string())
}

pub const ALL_SCOPES: &[&str] = &[
    "sites:read",
    "elevators:read",
    "elevators:write",
    "work_orders:read",
    "work_orders:write",
    "fault_reports:read",
    "fault_reports:write",
    "contractors:read",
    "schedules:read",
    "inventory:read",
    "inventory:write",
];

/// An API call and what came back, its body read as JSON (Null when it is not).
pub struct Answer {
    pub status: StatusCode,
    pub page: Page,
    pub json: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.page.header(name)
    }

    /// The field named in the first of a problem's `errors`.
    pub fn refused_field(&self) -> Option<&str> {
        self.json["errors"][0]["field"].as_str()
    }
}

/// Calls the API as `key` (if any) with `headers` and a JSON `body`, and checks the answer
/// against the OpenAPI document (as every test's calls are).
pub async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    key: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Answer {
    let url = app.server.url(path);
    let mut req = match method {
        "GET" => app.client.get(url),
        "POST" => app.client.post(url),
        "PATCH" => app.client.patch(url),
        other => panic!("method {other}"),
    };
    if let Some(key) = key {
        req = req.insert_header(("Authorization", format!("Bearer {key}")));
    }
    for (name, value) in headers {
        req = req.insert_header((*name, *value));
    }
    let mut res = match body {
        Some(body) => req
            .insert_header(("Content-Type", "application/json"))
            .send_body(body.to_string())
            .await
            .expect("request"),
        None => req.send().await.expect("request"),
    };
    let bytes = res.body().limit(16 * 1024 * 1024).await.expect("body");
    let page = Page {
        status: res.status(),
        headers: res.headers().clone(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let json = serde_json::from_str(&page.body).unwrap_or(Value::Null);
    if path.starts_with("/api/v1/") && !path.ends_with("openapi.json") {
        openapi::conforms(method, path, page.status, &page, &json);
    }
    Answer {
        status: page.status,
        page,
        json,
    }
}

pub async fn get(app: &TestApp, path: &str, key: &str) -> Answer {
    call(app, "GET", path, Some(key), &[], None).await
}

pub async fn post(app: &TestApp, path: &str, key: &str, body: &str) -> Answer {
    call(app, "POST", path, Some(key), &[], Some(body)).await
}
