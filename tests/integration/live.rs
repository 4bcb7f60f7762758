//! Live updates: a change made through one app server reaches a page open on another, through
//! PostgreSQL LISTEN/NOTIFY and Server-Sent Events, and only the people it concerns.

use std::time::Duration;

use awc::http::StatusCode;
use futures_util::StreamExt;

use sitesync::auth::roles::Role;

use crate::harness::{text, Browser, TestApp, PASSWORD};
use crate::notifications::{assign_new, technician};
use crate::work_orders::fixture;

/// An open `/events` stream.
pub struct Stream {
    body: futures_util::stream::LocalBoxStream<
        'static,
        Result<actix_web::web::Bytes, awc::error::PayloadError>,
    >,
}

impl Stream {
    pub async fn open(app: &TestApp, browser: &Browser<'_>) -> Stream {
        let response = app
            .client
            .get(app.server.url("/events"))
            .insert_header(("Cookie", browser.cookie_header()))
            .send()
            .await
            .expect("events");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "text/event-stream"
        );
        let mut body = response.boxed_local();
        let first = body.next().await.expect("opening").expect("bytes");
        assert!(String::from_utf8_lossy(&first).contains(": connected"));
        Stream { body }
    }

    /// What arrives within `wait`, stopping early once every one of `awaited` has (with
    /// nothing awaited, all of `wait`).
    pub async fn read_until(&mut self, wait: Duration, awaited: &[&str]) -> String {
        let mut seen = String::new();
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(deadline, self.body.next()).await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if !awaited.is_empty() && awaited.iter().all(|a| seen.contains(a)) {
                break;
            }
        }
        seen
    }
}

#[actix_web::test]
async fn a_change_on_one_server_reaches_the_pages_open_on_another() {
    let first = TestApp::new().await;
    let f = fixture(&first, "acme").await;
    let (_, tech_email) = technician(&first).await;
    first.create_org("beta", "Beta Lifts");
    let outsider = first.member("beta", Role::Manager).await;
    let outsider_email = text(
        &mut first.conn(),
        "SELECT a.email AS value FROM accounts a JOIN memberships m ON m.account_id = a.id \
         JOIN organizations o ON o.id = m.organization_id WHERE o.slug = 'beta'",
    );
    drop(outsider);

    // The technician and the outsider have pages open on the second server.
    let second = first.beside().await;
    let on_second = Browser::new(&second);
    on_second.sign_in(&tech_email, PASSWORD).await;
    let page = on_second.get("/o/acme/work-orders").await;
    assert!(page.body.contains(r#"data-sse-connect="/events""#));
    assert!(page.body.contains(r#"hx-trigger="sse:board""#));
    assert!(page.body.contains(r#"hx-trigger="sse:bell""#));
    let outsider_on_second = Browser::new(&second);
    outsider_on_second.sign_in(&outsider_email, PASSWORD).await;
    let mut tech_stream = Stream::open(&second, &on_second).await;
    let mut outsider_stream = Stream::open(&second, &outsider_on_second).await;

    // The manager assigns a work order through the first server.
    assign_new(&f, "Doors not closing").await;

    let heard = tech_stream
        .read_until(Duration::from_secs(5), &["event: bell", "event: board"])
        .await;
    assert!(heard.contains("event: bell"), "{heard:?}");
    assert!(heard.contains("event: board"), "{heard:?}");
    let bell = on_second.get_htmx("/notifications/bell").await;
    assert!(bell.body.contains("1 unread"), "{}", bell.body);
    let not_heard = outsider_stream
        .read_until(Duration::from_millis(500), &[])
        .await;
    assert!(!not_heard.contains("event:"), "{not_heard:?}");

    // The count is in the page itself too, for a browser without scripts.
    let page = on_second.get("/o/acme").await;
    assert!(page.body.contains("1 unread"));

    // Nobody signed in, no stream.
    let anonymous = second
        .client
        .get(second.server.url("/events"))
        .send()
        .await
        .expect("events");
    assert_ne!(anonymous.status(), StatusCode::OK);
}
