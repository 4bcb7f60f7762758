//! Forum: categories and visibility, threads and replies, accepted answers, votes under
//! concurrency, moderation, anonymous posting, search and subscriptions.

mod access;
mod browsing;
mod moderation;
mod posts;
mod threads;

use awc::http::StatusCode;
use futures_util::future::join_all;
use sitesync::auth::roles::Role;
use uuid::Uuid;

use crate::harness::{self, Browser, Page, TestApp, PASSWORD};

static PEOPLE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A signed-in account that belongs to no organization.
async fn person<'a>(app: &'a TestApp, name: &str) -> Browser<'a> {
    let email = format!(
        "{name}-{}@example.com",
        PEOPLE.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    );
    app.create_account(&email);
    let browser = Browser::new(app);
    let page = browser.sign_in(&email, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    // Signing in renews the CSRF token: read a page to pick up the new one.
    browser.get("/forum").await;
    browser
}

async fn member<'a>(app: &'a TestApp, slug: &str, role: Role) -> Browser<'a> {
    let browser = app.member(slug, role).await;
    browser.get("/forum").await;
    browser
}

async fn admin(app: &TestApp) -> Browser<'_> {
    let email = "forum-admin@example.com";
    app.create_account(email);
    sitesync::auth::accounts::set_platform_admin(&mut app.conn(), email, true).unwrap();
    let browser = Browser::new(app);
    browser.sign_in(email, PASSWORD).await;
    browser.get("/forum").await;
    browser
}

fn location(page: &Page) -> String {
    page.header("location").unwrap_or_default().to_string()
}

/// The id in a `/forum/t/{id}…` redirect.
fn thread_of(page: &Page) -> Uuid {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = location(page);
    let id = location
        .trim_start_matches("/forum/t/")
        .split(['#', '?'])
        .next()
        .unwrap();
    id.parse()
        .unwrap_or_else(|_| panic!("not a thread: {location}"))
}

fn post_of(page: &Page) -> Uuid {
    let location = location(page);
    location
        .rsplit("#post-")
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a post: {location}"))
}

async fn new_thread(browser: &Browser<'_>, category: &str, title: &str, body: &str) -> Uuid {
    thread_of(
        &browser
            .post(
                &format!("/forum/c/{category}/threads"),
                &[("title", title), ("body", body)],
            )
            .await,
    )
}

async fn reply(browser: &Browser<'_>, thread: Uuid, body: &str) -> Page {
    browser
        .post(&format!("/forum/t/{thread}/replies"), &[("body", body)])
        .await
}

fn opening_post(app: &TestApp, thread: Uuid) -> Uuid {
    harness::text(
        &mut app.conn(),
        &format!(
            "SELECT id::text AS value FROM forum_posts WHERE thread_id = '{thread}' AND is_opening"
        ),
    )
    .parse()
    .unwrap()
}

fn set(app: &TestApp, sql: &str) {
    use diesel::RunQueryDsl;
    diesel::sql_query(sql).execute(&mut *app.conn()).unwrap();
}

/// The organization-only category "Acme team room" (`acme-team`) of the organization `acme`,
/// made by a platform admin.
async fn acme_team_room(app: &TestApp) {
    let admin = admin(app).await;
    let page = admin
        .post(
            "/forum/categories",
            &[
                ("name", "Acme team room"),
                ("slug", "acme-team"),
                ("icon", "lock"),
                ("colour", "teal"),
                ("scope", "organization"),
                ("visibility", "organization"),
                ("organization", "acme"),
                ("display_order", "5"),
                ("is_active", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}
