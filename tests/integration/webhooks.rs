//! Webhooks: subscribing through the settings pages, deliveries to a loopback listener signed
//! with the secret the page shows, retries until dead, redelivery and test events, the SSRF
//! guard on the form, permissions and isolation between organizations.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use awc::http::StatusCode;
use chrono::Utc;
use sitesync::auth::roles::Role;
use sitesync::background::Ran;
use sitesync::webhooks::{self, signature, Event};

use crate::dashboard::drain;
use crate::harness::{id_from, in_org, text, Browser, TestApp};
use crate::work_orders::fixture;

/// One request the listener received.
#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A plain HTTP/1.1 server on 127.0.0.1 in a thread of its own, answering every request with
/// the status it is set to and keeping what it received.
struct Listener {
    url: String,
    status: Arc<AtomicU16>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Listener {
    fn start(status: u16) -> Listener {
        let socket = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks/sitesync", socket.local_addr().unwrap());
        let listener = Listener {
            url,
            status: Arc::new(AtomicU16::new(status)),
            received: Arc::default(),
        };
        let (answer, kept) = (listener.status.clone(), listener.received.clone());
        std::thread::spawn(move || {
            for stream in socket.incoming() {
                let Ok(mut stream) = stream else { continue };
                if let Some(request) = read_request(&mut stream) {
                    kept.lock().unwrap().push(request);
                }
                let code = answer.load(Ordering::SeqCst);
                let body = format!("answered {code}");
                let _ = write!(
                    stream,
                    "HTTP/1.1 {code} Answer\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        listener
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut buffer).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..n]);
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buffer).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buffer[..n]);
    }
    Some(Received { headers, body })
}

/// An app whose webhooks may reach the loopback listener.
async fn loopback_app() -> TestApp {
    TestApp::with_config(4, |config| config.webhook_allow_private = true).await
}

/// Subscribes `url` to `events` through the form; the subscription's id.
async fn subscribe(owner: &Browser<'_>, slug: &str, url: &str, events: &[&str]) -> String {
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
async fn secret_on_page(owner: &Browser<'_>, slug: &str, id: &str) -> String {
    let page = owner
        .get(&format!("/o/{slug}/settings/webhooks/{id}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let start = page.body.find("whsec_").expect("the secret is shown");
    page.body[start..start + 6 + 64].to_string()
}

fn delivery_row(app: &TestApp, slug: &str, columns: &str) -> String {
    text(
        &mut app.conn(),
        &format!(
            "SELECT concat_ws('|', {columns}) AS value FROM org_{slug}.webhook_deliveries \
             ORDER BY created_at DESC LIMIT 1"
        ),
    )
}

/// Makes failed webhook jobs due now, as if their wait had passed.
fn skip_the_wait(app: &TestApp) {
    app.execute(
        "UPDATE background_jobs SET run_at = now() \
         WHERE kind = 'deliver_webhook' AND state = 'failed'",
    );
}

#[actix_web::test]
async fn a_new_work_order_reaches_the_subscriber_signed_with_the_secret_on_the_page() {
    let app = loopback_app().await;
    let f = fixture(&app, "acme").await;
    let owner = app.member("acme", Role::Owner).await;
    let listener = Listener::start(204);
    let id = subscribe(&owner, "acme", &listener.url, &["work_order.created"]).await;
    // Subscribed to another event only: hears nothing of this one.
    let other = Listener::start(200);
    subscribe(&owner, "acme", &other.url, &["fault_report.created"]).await;
    let secret = secret_on_page(&owner, "acme", &id).await;

    let order = f.create("acme", &[]).await;
    let ran = drain(&app.db, &app.worker(), Utc::now());
    assert!(ran.iter().all(|r| matches!(r, Ran::Done { .. })), "{ran:?}");

    let received = listener.received();
    assert_eq!(received.len(), 1, "one delivery");
    assert!(other.received().is_empty());
    let request = &received[0];
    assert_eq!(request.header("SiteSync-Event"), Some("work_order.created"));
    assert_eq!(request.header("Content-Type"), Some("application/json"));
    let header = request.header("SiteSync-Signature").expect("signed");
    let now = Utc::now().timestamp();
    assert_eq!(
        signature::verify(
            &secret,
            header,
            &request.body,
            now,
            signature::TOLERANCE_SECS
        ),
        Ok(())
    );
    assert!(signature::verify("whsec_wrong", header, &request.body, now, 300).is_err());
    let payload: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(payload["type"], "work_order.created");
    assert_eq!(payload["organization"], "acme");
    assert_eq!(payload["id"].as_str(), request.header("SiteSync-Delivery"));
    assert_eq!(payload["data"]["id"].as_str(), Some(order.as_str()));
    assert_eq!(payload["data"]["title"], "Doors not closing");
    assert_eq!(payload["data"]["status"], "pending");
    assert_eq!(
        payload["data"]["elevator_id"].as_str(),
        Some(f.lift.as_str())
    );
    assert!(payload["created_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));

    assert_eq!(
        delivery_row(&app, "acme", "status, attempts, last_status_code"),
        "delivered|1|204"
    );
    let page = owner.get(&format!("/o/acme/settings/webhooks/{id}")).await;
    assert!(page.body.contains("delivered") && page.body.contains("204"));
    assert!(page.body.contains("Redeliver"));
}

#[actix_web::test]
async fn a_failing_endpoint_is_retried_until_dead_and_can_be_redelivered() {
    let app = loopback_app().await;
    let f = fixture(&app, "acme").await;
    let owner = app.member("acme", Role::Owner).await;
    let listener = Listener::start(500);
    let id = subscribe(
        &owner,
        "acme",
        &listener.url,
        &["work_order.created", "work_order.status_changed"],
    )
    .await;
    f.create("acme", &[]).await;
    let ran = drain(&app.db, &app.worker(), Utc::now());
    assert!(
        ran.iter()
            .any(|r| matches!(r, Ran::Failed { dead: false, .. })),
        "{ran:?}"
    );
    assert_eq!(
        delivery_row(
            &app,
            "acme",
            "status, attempts, last_status_code, next_attempt_at IS NOT NULL"
        ),
        "failed|1|500|t"
    );
    assert!(delivery_row(&app, "acme", "last_error").starts_with("HTTP 500: answered 500"));
    let page = owner.get(&format!("/o/acme/settings/webhooks/{id}")).await;
    assert!(page.body.contains("failed") && page.body.contains("500"));

    for _ in 2..=8 {
        skip_the_wait(&app);
        drain(&app.db, &app.worker(), Utc::now());
    }
    assert_eq!(
        delivery_row(
            &app,
            "acme",
            "status, attempts, last_status_code, next_attempt_at IS NULL"
        ),
        "dead|8|500|t"
    );
    assert_eq!(listener.received().len(), 8, "eight attempts, no more");
    let page = owner.get(&format!("/o/acme/settings/webhooks/{id}")).await;
    assert!(page.body.contains("dead"));

    // The endpoint is fixed: "Redeliver" sends the same body again, with a fresh signature.
    listener.status.store(200, Ordering::SeqCst);
    let delivery = delivery_row(&app, "acme", "id");
    let page = owner
        .post(
            &format!("/o/acme/settings/webhooks/{id}/deliveries/{delivery}/redeliver"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(delivery_row(&app, "acme", "status, attempts"), "pending|0");
    drain(&app.db, &app.worker(), Utc::now());
    assert_eq!(
        delivery_row(&app, "acme", "status, attempts, last_status_code"),
        "delivered|1|200"
    );
    let received = listener.received();
    assert_eq!(received.len(), 9);
    assert_eq!(received[8].body, received[0].body, "the same payload");

    // A test event, and a rotated secret that signs it.
    let old_secret = secret_on_page(&owner, "acme", &id).await;
    let page = owner
        .post(&format!("/o/acme/settings/webhooks/{id}/rotate"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let secret = secret_on_page(&owner, "acme", &id).await;
    assert_ne!(secret, old_secret);
    let page = owner
        .post(&format!("/o/acme/settings/webhooks/{id}/ping"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    drain(&app.db, &app.worker(), Utc::now());
    let ping = listener.received().pop().unwrap();
    assert_eq!(ping.header("SiteSync-Event"), Some("ping"));
    let header = ping.header("SiteSync-Signature").unwrap();
    let now = Utc::now().timestamp();
    assert_eq!(
        signature::verify(&secret, header, &ping.body, now, 300),
        Ok(())
    );
    assert!(signature::verify(&old_secret, header, &ping.body, now, 300).is_err());
}

#[actix_web::test]
async fn status_moves_and_completion_are_emitted_and_a_rollback_emits_nothing() {
    let app = loopback_app().await;
    let f = fixture(&app, "acme").await;
    let owner = app.member("acme", Role::Owner).await;
    let listener = Listener::start(200);
    subscribe(
        &owner,
        "acme",
        &listener.url,
        &[
            "work_order.status_changed",
            "work_order.completed",
            "elevator.status_changed",
        ],
    )
    .await;
    let order = f
        .create(
            "acme",
            &[
                ("assigned_contractor_id", &f.contractor),
                ("work_type", "preventive"),
            ],
        )
        .await;
    for to in ["scheduled", "in_progress", "completed"] {
        let version = f.version(&order);
        let page = f
            .manager
            .post(
                &format!("/o/acme/work-orders/{order}/move"),
                &[
                    ("to", to),
                    ("version", &version),
                    ("resolution_notes", "Adjusted doors"),
                    ("resolution_type", "adjusted"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    drain(&app.db, &app.worker(), Utc::now());
    let events: Vec<String> = listener
        .received()
        .iter()
        .map(|r| r.header("SiteSync-Event").unwrap_or_default().to_string())
        .collect();
    let count = |name: &str| events.iter().filter(|e| *e == name).count();
    assert_eq!(count("work_order.status_changed"), 3, "{events:?}");
    assert_eq!(count("work_order.completed"), 1, "{events:?}");
    // Starting preventive work took the lift into maintenance, completing it gave it back.
    assert_eq!(count("elevator.status_changed"), 2, "{events:?}");

    let before = app.count("SELECT 1 FROM org_acme.webhook_deliveries");
    let jobs = app.count("SELECT 1 FROM background_jobs WHERE kind = 'deliver_webhook'");
    let rolled_back: Result<(), sitesync::orgs::TenancyError> =
        in_org(&mut app.conn(), "acme", |conn, org| {
            let queued = webhooks::emit(
                conn,
                org,
                Event::WorkOrderCompleted,
                serde_json::json!({ "id": "x" }),
            )?;
            assert_eq!(queued, 1);
            Err(diesel::result::Error::RollbackTransaction.into())
        });
    assert!(rolled_back.is_err());
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.webhook_deliveries"),
        before
    );
    assert_eq!(
        app.count("SELECT 1 FROM background_jobs WHERE kind = 'deliver_webhook'"),
        jobs
    );
}

#[actix_web::test]
async fn private_addresses_and_plain_http_are_refused_with_the_form_kept() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let owner = app.member("acme", Role::Owner).await;
    owner.get("/o/acme/settings/webhooks/new").await;
    for (url, says) in [
        ("https://127.0.0.1/hook", "private network"),
        ("https://10.0.0.1/hook", "private network"),
        (
            "https://169.254.169.254/latest/meta-data",
            "private network",
        ),
        ("https://[::1]/hook", "private network"),
        ("http://example.com/hook", "Use an https:// address"),
    ] {
        let page = owner
            .post(
                "/o/acme/settings/webhooks",
                &[
                    ("url", url),
                    ("description", "Kept as typed"),
                    ("events", "work_order.completed"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(page.body.contains(says), "{url}: {}", page.body);
        assert!(
            page.body.contains(&format!("value=\"{url}\"")),
            "{url} kept"
        );
        assert!(page.body.contains("Kept as typed"));
        assert!(page.body.contains("value=\"work_order.completed\" checked"));
    }
    // No event chosen: refused too, and nothing was saved.
    let page = owner
        .post(
            "/o/acme/settings/webhooks",
            &[("url", "https://93.184.216.34/hook")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Choose at least one event"));
    assert_eq!(app.count("SELECT 1 FROM org_acme.webhook_subscriptions"), 0);
}

#[actix_web::test]
async fn another_organizations_webhooks_are_not_found_and_members_without_settings_are_refused() {
    let app = loopback_app().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("globex", "Globex");
    let acme = app.member("acme", Role::Owner).await;
    let globex = app.member("globex", Role::Admin).await;
    let listener = Listener::start(200);
    let theirs = subscribe(&globex, "globex", &listener.url, &["work_order.created"]).await;
    let page = globex
        .post(&format!("/o/globex/settings/webhooks/{theirs}/ping"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let delivery = delivery_row(&app, "globex", "id");

    acme.get("/o/acme/settings/webhooks").await;
    for path in ["", "/edit", "/delete"] {
        let page = acme
            .get(&format!("/o/acme/settings/webhooks/{theirs}{path}"))
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in [
        "/rotate",
        "/ping",
        "/delete",
        &format!("/deliveries/{delivery}/redeliver"),
    ] {
        let page = acme
            .post(&format!("/o/acme/settings/webhooks/{theirs}{path}"), &[])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    let page = acme
        .post(
            &format!("/o/acme/settings/webhooks/{theirs}"),
            &[("url", &listener.url), ("events", "work_order.created")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT 1 FROM org_globex.webhook_subscriptions"),
        1
    );

    // A manager runs the work but not the organization's settings.
    let manager = app.member("acme", Role::Manager).await;
    for path in ["/o/acme/settings/webhooks", "/o/acme/settings/webhooks/new"] {
        assert_eq!(
            manager.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let page = manager
        .post(
            "/o/acme/settings/webhooks",
            &[("url", &listener.url), ("events", "work_order.created")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT 1 FROM org_acme.webhook_subscriptions"), 0);
}

#[actix_web::test]
async fn a_webhook_is_edited_paused_and_deleted_after_confirming() {
    let app = loopback_app().await;
    let f = fixture(&app, "acme").await;
    let owner = app.member("acme", Role::Owner).await;
    let settings = owner.get("/o/acme/settings").await;
    assert!(
        settings.body.contains("/o/acme/settings/webhooks"),
        "linked from settings"
    );
    let listener = Listener::start(200);
    let id = subscribe(&owner, "acme", &listener.url, &["work_order.created"]).await;
    let page = owner.get("/o/acme/settings/webhooks").await;
    assert!(page.body.contains(&listener.url) && page.body.contains("Active"));
    let edit = owner
        .get(&format!("/o/acme/settings/webhooks/{id}/edit"))
        .await;
    assert!(edit.body.contains("value=\"work_order.created\" checked"));
    // Paused (the box unticked): nothing is emitted to it.
    let page = owner
        .post(
            &format!("/o/acme/settings/webhooks/{id}"),
            &[("url", &listener.url), ("events", "work_order.created")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(owner
        .get("/o/acme/settings/webhooks")
        .await
        .body
        .contains("Paused"));
    f.create("acme", &[]).await;
    assert_eq!(app.count("SELECT 1 FROM org_acme.webhook_deliveries"), 0);

    let confirm = owner
        .get(&format!("/o/acme/settings/webhooks/{id}/delete"))
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Delete webhook"));
    let page = owner
        .post(&format!("/o/acme/settings/webhooks/{id}/delete"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT 1 FROM org_acme.webhook_subscriptions"), 0);
    let page = owner.get(&format!("/o/acme/settings/webhooks/{id}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_fault_report_from_the_public_form_is_sent_without_the_reporters_details() {
    let app = loopback_app().await;
    let f = fixture(&app, "acme").await;
    let owner = app.member("acme", Role::Owner).await;
    let listener = Listener::start(200);
    subscribe(&owner, "acme", &listener.url, &["fault_report.created"]).await;
    let token = text(
        &mut app.conn(),
        "SELECT report_token AS value FROM org_acme.elevators",
    );
    let visitor = Browser::new(&app);
    visitor.get(&format!("/report/acme/{token}")).await;
    let sent = visitor
        .post(
            &format!("/report/acme/{token}"),
            &[
                ("elevator_id", &f.lift),
                ("request_type", "issue_report"),
                ("subject", "Doors bang"),
                ("contact_name", "Dana Reporter"),
                ("trapped", "0"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    drain(&app.db, &app.worker(), Utc::now());
    let received = listener.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].header("SiteSync-Event"),
        Some("fault_report.created")
    );
    let payload: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(payload["data"]["subject"], "Doors bang");
    assert_eq!(
        payload["data"]["elevator_id"].as_str(),
        Some(f.lift.as_str())
    );
    assert!(payload["data"]["reference"]
        .as_str()
        .is_some_and(|r| r.starts_with("SR-")));
    assert!(!String::from_utf8_lossy(&received[0].body).contains("Dana"));
}
