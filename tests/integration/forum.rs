//! Forum: categories and visibility, threads and replies, accepted answers, votes under
//! concurrency, moderation, anonymous posting, search and subscriptions.

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

#[actix_web::test]
async fn index_lists_the_default_categories_with_counts_and_latest_activity() {
    let app = TestApp::new().await;
    let page = app.get("/forum").await;
    assert_eq!(page.status, StatusCode::OK);
    for name in [
        "General discussion",
        "KONE",
        "Otis",
        "Schindler",
        "TK Elevator",
        "Mitsubishi",
        "Hydraulic lifts",
        "Doors",
        "Safety",
        "New South Wales",
        "Careers and training",
    ] {
        assert!(page.body.contains(name), "{name}");
    }
    let tech = person(&app, "tech").await;
    let thread = new_thread(
        &tech,
        "doors",
        "Landing door lock keeps tripping",
        "Any ideas?",
    )
    .await;
    let other = person(&app, "other").await;
    assert_eq!(
        reply(&other, thread, "Check the lock contacts.")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = app.get("/forum").await;
    assert!(page.body.contains("Landing door lock keeps tripping"));
    assert_eq!(
        app.count("SELECT 1 FROM forum_categories WHERE slug = 'doors' AND thread_count = 1 AND post_count = 2"),
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM forum_threads WHERE id = '{thread}' AND reply_count = 1"
        )),
        1
    );
    // Anonymous visitors read but are sent to sign in to post.
    let page = app.get("/forum/c/doors/new").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(location(&page).starts_with("/signin"));
    let visitor = Browser::new(&app);
    let page = visitor
        .post(
            "/forum/c/doors/threads",
            &[("title", "Anonymous visitor post"), ("body", "x")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(location(&page).starts_with("/signin"));
    assert_eq!(app.count("SELECT 1 FROM forum_threads"), 1);
}

#[actix_web::test]
async fn script_and_html_are_neutralised_everywhere_text_appears() {
    let app = TestApp::new().await;
    let watcher = person(&app, "watcher").await;
    assert_eq!(
        watcher
            .post("/forum/c/general/watch", &[("watch", "on")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let author = person(&app, "author").await;
    let title = "<script>alert(1)</script> pulley <img src=x onerror=alert(2)>";
    let body = "pulley <script>alert(3)</script> <img src=x onerror=alert(4)> [click](javascript:alert(5)) <a href=\"javascript:alert(6)\">x</a>";
    let thread = new_thread(&author, "general", title, body).await;
    assert_eq!(
        reply(&author, thread, body).await.status,
        StatusCode::SEE_OTHER
    );
    let responder = person(&app, "responder").await;
    assert_eq!(
        reply(&responder, thread, body).await.status,
        StatusCode::SEE_OTHER
    );
    let pages = [
        ("category", watcher.get("/forum/c/general").await),
        ("index", watcher.get("/forum").await),
        ("thread", watcher.get(&format!("/forum/t/{thread}")).await),
        ("search", watcher.get("/forum/search?q=pulley").await),
        (
            "search fragment",
            watcher.get_htmx("/forum/search?q=pulley").await,
        ),
        (
            "similar",
            watcher.get("/forum/similar?title=pulley+alert").await,
        ),
        ("notifications", watcher.get("/notifications").await),
        ("author notifications", author.get("/notifications").await),
    ];
    for (name, page) in &pages {
        assert_eq!(page.status, StatusCode::OK, "{name}");
        assert!(page.body.contains("pulley"), "{name} shows the text");
        assert!(
            !page.body.contains("<script>alert"),
            "{name}: {}",
            page.body
        );
        assert!(!page.body.contains("<img src=x"), "{name}");
        assert!(!page.body.contains("href=\"javascript:"), "{name}");
        assert!(
            !page.body.to_lowercase().contains("onerror=alert(2)>"),
            "{name}"
        );
    }
    assert!(pages[0]
        .1
        .body
        .contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(
        pages[3].1.body.contains("<mark>pulley</mark>"),
        "{}",
        pages[3].1.body
    );
    assert!(pages[6]
        .1
        .body
        .contains("New thread in General discussion: &#60;script&#62;"));
    assert!(pages[7].1.body.contains("New reply: &#60;script&#62;"));
}

#[actix_web::test]
async fn organization_categories_do_not_exist_for_outsiders() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("bravo", "Bravo Buildings");
    let admin = admin(&app).await;
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
    let insider = member(&app, "acme", Role::Technician).await;
    let thread = new_thread(
        &insider,
        "acme-team",
        "Zebrafix procedure for Harbour Tower",
        "zebrafix steps",
    )
    .await;
    let outsider = member(&app, "bravo", Role::Owner).await;
    let visitor = Browser::new(&app);
    for browser in [&outsider, &visitor] {
        assert_eq!(
            browser.get("/forum/c/acme-team").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            browser.get(&format!("/forum/t/{thread}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(!browser.get("/forum").await.body.contains("Acme team room"));
        let search = browser.get("/forum/search?q=zebrafix").await;
        assert!(!search.body.contains("Zebrafix"), "{}", search.body);
        assert!(!browser
            .get("/forum/similar?title=zebrafix")
            .await
            .body
            .contains("Zebrafix"));
    }
    let opening = opening_post(&app, thread);
    assert_eq!(
        reply(&outsider, thread, "sneaky").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        outsider
            .post(&format!("/forum/posts/{opening}/vote"), &[("vote", "up")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        outsider
            .post(
                &format!("/forum/posts/{opening}/flag"),
                &[("reason", "spam")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        outsider
            .post(
                "/forum/c/acme-team/threads",
                &[("title", "Outsider thread here"), ("body", "x")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.count("SELECT 1 FROM forum_posts"), 1);
    assert_eq!(app.count("SELECT 1 FROM forum_votes"), 0);
    assert_eq!(app.count("SELECT 1 FROM forum_flags"), 0);
    // Members see it all.
    let colleague = member(&app, "acme", Role::ReadOnly).await;
    assert_eq!(
        colleague.get("/forum/c/acme-team").await.status,
        StatusCode::OK
    );
    assert!(colleague
        .get("/forum/search?q=zebrafix")
        .await
        .body
        .contains("Zebrafix"));
    assert!(colleague
        .get("/forum")
        .await
        .body
        .contains("Acme team room"));
}

#[actix_web::test]
async fn locked_threads_refuse_replies() {
    let app = TestApp::new().await;
    let admin = admin(&app).await;
    let tech = person(&app, "tech").await;
    let thread = new_thread(
        &tech,
        "safety",
        "Governor rope replacement interval",
        "How often?",
    )
    .await;
    let page = admin
        .post(
            &format!("/forum/t/{thread}/moderate"),
            &[("action", "lock")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = reply(&tech, thread, "One more thing").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM forum_posts WHERE thread_id = '{thread}'"
        )),
        1
    );
    assert!(tech
        .get(&format!("/forum/t/{thread}"))
        .await
        .body
        .contains("This thread is locked"));
    // Only moderators lock.
    assert_eq!(
        tech.post(
            &format!("/forum/t/{thread}/moderate"),
            &[("action", "unlock")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    admin
        .post(
            &format!("/forum/t/{thread}/moderate"),
            &[("action", "unlock")],
        )
        .await;
    assert_eq!(
        reply(&tech, thread, "One more thing").await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn queued_posts_stay_invisible_until_a_moderator_approves() {
    let app = TestApp::new().await;
    set(
        &app,
        "UPDATE forum_categories SET requires_moderation = true WHERE slug = 'careers'",
    );
    let moderator = person(&app, "moderator").await;
    let admin = admin(&app).await;
    let category_id = harness::text(
        &mut app.conn(),
        "SELECT id::text AS value FROM forum_categories WHERE slug = 'careers'",
    );
    let moderator_email = harness::text(
        &mut app.conn(),
        "SELECT email AS value FROM accounts WHERE email LIKE 'moderator-%'",
    );
    let page = admin
        .post(
            &format!("/forum/categories/{category_id}/moderators"),
            &[("email", &moderator_email)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let author = person(&app, "author").await;
    let reader = person(&app, "reader").await;
    let thread = new_thread(
        &author,
        "careers",
        "Apprenticeship quokkaword question",
        "quokkaword",
    )
    .await;
    // The author sees it waiting; others do not see it at all.
    assert!(author
        .get(&format!("/forum/t/{thread}"))
        .await
        .body
        .contains("Awaiting approval"));
    assert_eq!(
        reader.get(&format!("/forum/t/{thread}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!reader
        .get("/forum/c/careers")
        .await
        .body
        .contains("quokkaword"));
    assert!(!reader
        .get("/forum/search?q=quokkaword")
        .await
        .body
        .contains("quokkaword question"));
    assert_eq!(
        app.count("SELECT 1 FROM forum_categories WHERE slug = 'careers' AND thread_count = 0"),
        1
    );
    assert_eq!(
        reader.get("/forum/moderation").await.status,
        StatusCode::NOT_FOUND
    );
    let queue = moderator.get("/forum/moderation").await;
    assert!(queue.body.contains("quokkaword question"), "{}", queue.body);
    let opening = opening_post(&app, thread);
    assert_eq!(
        reader
            .post(
                &format!("/forum/posts/{opening}/review"),
                &[("action", "approve")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = moderator
        .post(
            &format!("/forum/posts/{opening}/review"),
            &[("action", "approve")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reader.get(&format!("/forum/t/{thread}")).await.status,
        StatusCode::OK
    );
    assert!(reader
        .get("/forum/c/careers")
        .await
        .body
        .contains("quokkaword question"));
    // A reply waits too.
    let page = reply(&reader, thread, "Secret marmotword reply").await;
    let post = post_of(&page);
    assert!(!author
        .get(&format!("/forum/t/{thread}"))
        .await
        .body
        .contains("marmotword"));
    assert!(reader
        .get(&format!("/forum/t/{thread}"))
        .await
        .body
        .contains("marmotword"));
    moderator
        .post(
            &format!("/forum/posts/{post}/review"),
            &[("action", "approve")],
        )
        .await;
    assert!(author
        .get(&format!("/forum/t/{thread}"))
        .await
        .body
        .contains("marmotword"));
    assert_eq!(app.count("SELECT 1 FROM forum_categories WHERE slug = 'careers' AND thread_count = 1 AND post_count = 2"), 1);
}

#[actix_web::test]
async fn twenty_concurrent_votes_count_twenty_and_one_account_counts_once() {
    let app = TestApp::with_pool_size(12).await;
    let author = person(&app, "author").await;
    let thread = new_thread(&author, "kone", "KONE 0071 after a power cut", "Seen this?").await;
    let post = opening_post(&app, thread);
    let mut voters = Vec::new();
    for i in 0..20 {
        let voter = person(&app, &format!("voter{i}")).await;
        voters.push(voter);
    }
    let path = format!("/forum/posts/{post}/vote");
    let pages = join_all(voters.iter().map(|v| v.post_htmx(&path, &[("vote", "up")]))).await;
    for page in &pages {
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    }
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM forum_posts WHERE id = '{post}' AND upvote_count = 20"
        )),
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM forum_threads WHERE id = '{thread}' AND upvote_count = 20"
        )),
        1
    );
    assert_eq!(app.count("SELECT 1 FROM forum_votes"), 20);
    // The same account twice, even at once, is one vote.
    let again = join_all((0..2).map(|_| voters[0].post_htmx(&path, &[("vote", "up")]))).await;
    assert!(again.iter().all(|p| p.status == StatusCode::OK));
    assert!(
        again[0].body.contains("data-votes=\"20\""),
        "{}",
        again[0].body
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM forum_posts WHERE id = '{post}' AND upvote_count = 20"
        )),
        1
    );
    // Withdrawing works inline, and one's own post takes no votes.
    let page = voters[1].post_htmx(&path, &[("vote", "remove")]).await;
    assert!(page.body.contains("data-votes=\"19\""));
    assert!(!page.body.contains("<html"));
    assert_eq!(
        author.post(&path, &[("vote", "up")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("SELECT 1 FROM forum_votes"), 19);
    // Without htmx the vote still works and comes back to the thread.
    let page = voters[1].post(&path, &[("vote", "up")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = app.get("/forum/c/kone?sort=top").await;
    assert!(page.body.contains("KONE 0071 after a power cut"));
}

#[actix_web::test]
async fn search_ranks_title_matches_first_and_answered_threads_at_equal_relevance() {
    let app = TestApp::new().await;
    let a = person(&app, "a").await;
    let b = person(&app, "b").await;
    let mentioned = new_thread(
        &a,
        "general",
        "Noise from the machine room",
        "There is a faint handrail noise on the escalator next door too.",
    )
    .await;
    let titled = new_thread(
        &a,
        "general",
        "Escalator handrail squeal",
        "It squeals at the top landing.",
    )
    .await;
    let page = b.get("/forum/search?q=handrail").await;
    let first = page.body.find(&format!("/forum/t/{titled}")).unwrap();
    let second = page.body.find(&format!("/forum/t/{mentioned}")).unwrap();
    assert!(first < second, "title match first");
    // Equal text: the answered one first.
    let plain = new_thread(&a, "general", "Gearless brake hum", "brake hum on start").await;
    let answered = new_thread(&a, "general", "Gearless brake hum", "brake hum on start").await;
    reply(&b, plain, "Adjust the brake gap.").await;
    let answer = post_of(&reply(&b, answered, "Adjust the brake gap.").await);
    let page = a
        .post(
            &format!("/forum/t/{answered}/accept"),
            &[("post_id", &answer.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = b.get("/forum/search?q=gearless+brake").await;
    let first = page.body.find(&format!("/forum/t/{answered}")).unwrap();
    let second = page.body.find(&format!("/forum/t/{plain}")).unwrap();
    assert!(first < second, "answered first");
    // Filters.
    let page = b.get("/forum/search?q=gearless&answered=no").await;
    assert!(page.body.contains(&format!("/forum/t/{plain}")));
    assert!(!page.body.contains(&format!("/forum/t/{answered}")));
    let coded = thread_of(
        &a.post(
            "/forum/c/otis/threads",
            &[
                ("title", "Door fault on a Gen2"),
                ("body", "Door trouble"),
                ("equipment_manufacturer", "Otis"),
                ("fault_code", "DW-0042"),
            ],
        )
        .await,
    );
    let page = b.get("/forum/search?fault_code=dw-0042").await;
    assert!(page.body.contains(&format!("/forum/t/{coded}")));
    assert!(!page.body.contains(&format!("/forum/t/{plain}")));
    let page = b.get("/forum/search?q=door&manufacturer=otis").await;
    assert!(page.body.contains(&format!("/forum/t/{coded}")));
    let page = b.get("/forum/search?q=door&manufacturer=kone").await;
    assert!(!page.body.contains(&format!("/forum/t/{coded}")));
    // Similar threads while typing.
    let page = b
        .get_htmx("/forum/similar?title=brake+noise&fault_code=")
        .await;
    assert!(page.body.contains("Gearless brake hum"));
    let page = b.get_htmx("/forum/similar?title=&fault_code=DW-0042").await;
    assert!(page.body.contains("Door fault on a Gen2"));
}

#[actix_web::test]
async fn anonymous_authors_are_hidden_from_everyone_but_moderators() {
    let app = TestApp::new().await;
    set(
        &app,
        "UPDATE forum_categories SET allow_anonymous = true WHERE slug = 'safety'",
    );
    let admin = admin(&app).await;
    let whistle = person(&app, "whistleblower").await;
    let reader = person(&app, "reader").await;
    reader
        .post("/forum/c/safety/watch", &[("watch", "on")])
        .await;
    let page = whistle
        .post(
            "/forum/c/safety/threads",
            &[
                ("title", "Site skipping lock-out procedure"),
                ("body", "Seen it twice."),
                ("anonymous", "on"),
            ],
        )
        .await;
    let thread = thread_of(&page);
    let page = whistle
        .post(
            &format!("/forum/t/{thread}/replies"),
            &[("body", "And again today."), ("anonymous", "on")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let name = "whistleblower-";
    for path in [
        format!("/forum/t/{thread}"),
        "/forum/c/safety".into(),
        "/forum/search?q=lock-out".into(),
        "/notifications".into(),
    ] {
        let page = reader.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.body.contains(name),
            "{path} names the author: {}",
            page.body
        );
        assert!(
            page.body.contains("Anonymous") || path.contains("search"),
            "{path}"
        );
    }
    assert!(admin
        .get(&format!("/forum/t/{thread}"))
        .await
        .body
        .contains(name));
    // Not allowed where the category does not allow it.
    let thread = thread_of(
        &whistle
            .post(
                "/forum/c/general/threads",
                &[
                    ("title", "Named post in general"),
                    ("body", "x"),
                    ("anonymous", "on"),
                ],
            )
            .await,
    );
    assert!(reader
        .get(&format!("/forum/t/{thread}"))
        .await
        .body
        .contains(name));
}

#[actix_web::test]
async fn bad_input_is_refused_with_422_and_kept() {
    let app = TestApp::new().await;
    let tech = person(&app, "tech").await;
    let page = tech
        .post(
            "/forum/c/doors/threads",
            &[
                ("title", "short"),
                ("body", "my typed question body"),
                ("fault_code", "E-77"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("my typed question body"));
    assert!(page.body.contains("E-77"));
    assert!(page.body.contains("at least 8 characters"));
    let long = "x".repeat(60);
    let tags = (0..10)
        .map(|i| format!("t{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let page = tech
        .post(
            "/forum/c/doors/threads",
            &[
                ("title", "A proper title here"),
                ("body", ""),
                ("equipment_model", &long.repeat(2)),
                ("tags", &tags),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("A proper title here"));
    assert_eq!(app.count("SELECT 1 FROM forum_threads"), 0);
    let thread = new_thread(&tech, "doors", "Door nudging too early", "Body").await;
    let page = tech
        .post(&format!("/forum/t/{thread}/replies"), &[("body", "  ")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("This field is required"));
    let page = tech
        .post(
            &format!("/forum/t/{thread}/replies"),
            &[("body", "nul\u{0}byte kept text")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let opening = opening_post(&app, thread);
    let page = tech
        .post(
            &format!("/forum/posts/{opening}/edit"),
            &[("title", "Door nudging too early"), ("body", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Door nudging too early"));
    let page = tech
        .post(
            &format!("/forum/posts/{opening}/flag"),
            &[("reason", "nonsense")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let admin = admin(&app).await;
    let page = admin
        .post(
            "/forum/categories",
            &[
                ("name", "Escalators"),
                ("slug", "Bad Slug!"),
                ("icon", "chat"),
                ("colour", "blue"),
                ("scope", "trade"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Escalators"));
    let page = admin
        .post(
            "/forum/categories",
            &[
                ("name", "Dup"),
                ("slug", "doors"),
                ("icon", "chat"),
                ("colour", "blue"),
                ("scope", "trade"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("already uses"));
    let page = admin
        .post(
            "/forum/categories",
            &[
                ("name", "Org room"),
                ("slug", "org-room"),
                ("icon", "chat"),
                ("colour", "blue"),
                ("scope", "organization"),
                ("visibility", "organization"),
                ("organization", "nosuchorg"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("There is no organization"));
    assert!(page.body.contains("nosuchorg"));
    assert_eq!(
        app.count("SELECT 1 FROM forum_categories WHERE slug IN ('org-room', 'escalators')"),
        0
    );
}

#[actix_web::test]
async fn replies_answers_edits_deletion_and_watching() {
    let app = TestApp::new().await;
    let asker = person(&app, "asker").await;
    let helper = person(&app, "helper").await;
    let bystander = person(&app, "bystander").await;
    let thread = new_thread(
        &asker,
        "hydraulic-lifts",
        "Hydraulic lift creeping down overnight",
        "Drops 30 mm overnight.",
    )
    .await;
    let answer = post_of(&reply(&helper, thread, "Check the **lowering valve** seals.").await);
    // The asker watches their thread and hears of the reply.
    assert_eq!(
        app.count("SELECT 1 FROM notifications WHERE kind = 'forum_reply'"),
        1
    );
    assert!(asker
        .get("/notifications")
        .await
        .body
        .contains("New reply: Hydraulic lift creeping down overnight"));
    // Unread marker until read.
    let list = bystander.get("/forum/c/hydraulic-lifts").await;
    assert!(list.body.contains("badge-info\">New</span>"));
    bystander.get(&format!("/forum/t/{thread}")).await;
    assert!(!bystander
        .get("/forum/c/hydraulic-lifts")
        .await
        .body
        .contains("badge-info\">New</span>"));
    // Reply to a specific post.
    let page = bystander
        .post(
            &format!("/forum/t/{thread}/replies"),
            &[("body", "Agreed."), ("reply_to", &answer.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = asker.get(&format!("/forum/t/{thread}")).await;
    assert!(page
        .body
        .contains(&format!("In reply to <a href=\"#post-{answer}\">#2")));
    assert!(page.body.contains("<strong>lowering valve</strong>"));
    // Only the asker or a moderator accepts.
    assert_eq!(
        bystander
            .post(
                &format!("/forum/t/{thread}/accept"),
                &[("post_id", &answer.to_string())]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let page = asker
        .post(
            &format!("/forum/t/{thread}/accept"),
            &[("post_id", &answer.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = bystander.get(&format!("/forum/t/{thread}")).await;
    assert!(page.body.contains("Accepted answer"));
    assert!(bystander
        .get("/forum/c/hydraulic-lifts?answered=yes")
        .await
        .body
        .contains("creeping down"));
    assert!(!bystander
        .get("/forum/c/hydraulic-lifts?answered=no")
        .await
        .body
        .contains("creeping down"));
    assert!(!bystander
        .get("/forum/c/hydraulic-lifts?sort=unanswered")
        .await
        .body
        .contains("creeping down"));
    // Edits: own posts only, with a mark.
    assert_eq!(
        bystander
            .get(&format!("/forum/posts/{answer}/edit"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        bystander
            .post(
                &format!("/forum/posts/{answer}/edit"),
                &[("body", "hijack")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        helper
            .get(&format!("/forum/posts/{answer}/edit"))
            .await
            .status,
        StatusCode::OK
    );
    let page = helper
        .post(
            &format!("/forum/posts/{answer}/edit"),
            &[(
                "body",
                "Check the lowering valve seals and the ram packing.",
            )],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = asker.get(&format!("/forum/t/{thread}")).await;
    assert!(page.body.contains("ram packing"));
    assert!(page.body.contains(">edited</span>"));
    // Soft deletion keeps a placeholder and withdraws the accepted answer.
    assert_eq!(
        bystander
            .post(&format!("/forum/posts/{answer}/delete"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        helper
            .post(&format!("/forum/posts/{answer}/delete"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = asker.get(&format!("/forum/t/{thread}")).await;
    assert!(page.body.contains("[deleted]"));
    assert!(!page.body.contains("ram packing"));
    assert!(page.body.contains("Agreed."));
    assert_eq!(app.count(&format!("SELECT 1 FROM forum_threads WHERE id = '{thread}' AND accepted_post_id IS NULL AND reply_count = 1")), 1);
    // Unwatching stops notifications.
    asker
        .post(&format!("/forum/t/{thread}/watch"), &[("watch", "off")])
        .await;
    let before = app.count("SELECT 1 FROM notifications");
    reply(&helper, thread, "One more idea").await;
    assert_eq!(app.count("SELECT 1 FROM notifications"), before);
    // Nonexistent or malformed ids name nothing.
    assert_eq!(
        asker
            .get(&format!("/forum/t/{}", Uuid::new_v4()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        asker.get("/forum/t/not-an-id").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        asker.get("/forum/c/no-such-category").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn three_flags_hide_a_post_until_reviewed() {
    let app = TestApp::new().await;
    let admin = admin(&app).await;
    let author = person(&app, "author").await;
    let thread = new_thread(
        &author,
        "general",
        "Cheap safety gear from a marketplace",
        "Buy here cheapcheap",
    )
    .await;
    let post = opening_post(&app, thread);
    let flaggers = [
        person(&app, "f1").await,
        person(&app, "f2").await,
        person(&app, "f3").await,
    ];
    let path = format!("/forum/posts/{post}/flag");
    for (i, flagger) in flaggers.iter().enumerate() {
        let page = flagger
            .post(&path, &[("reason", "spam"), ("details", "advert")])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        // The same account again changes nothing.
        flagger.post(&path, &[("reason", "spam")]).await;
        let hidden = i == 2;
        let page = app.get(&format!("/forum/t/{thread}")).await;
        assert_eq!(
            !page.body.contains("cheapcheap"),
            hidden,
            "after {} flags",
            i + 1
        );
    }
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM forum_posts WHERE id = '{post}' AND flag_count = 3 AND is_hidden"
        )),
        1
    );
    let page = author.get(&format!("/forum/t/{thread}")).await;
    assert!(page.body.contains("[hidden while moderators review flags]"));
    let queue = admin.get("/forum/moderation").await;
    assert!(queue.body.contains("Spam or advertising: advert"));
    assert!(admin
        .get(&format!("/forum/t/{thread}"))
        .await
        .body
        .contains("cheapcheap"));
    let page = admin
        .post(
            &format!("/forum/posts/{post}/review"),
            &[("action", "restore")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(app
        .get(&format!("/forum/t/{thread}"))
        .await
        .body
        .contains("cheapcheap"));
    assert!(!admin
        .get("/forum/moderation")
        .await
        .body
        .contains("Cheap safety gear"));
}

#[actix_web::test]
async fn platform_admins_manage_categories_and_moderators_move_threads() {
    let app = TestApp::new().await;
    let tech = person(&app, "tech").await;
    assert_eq!(
        tech.get("/forum/categories/new").await.status,
        StatusCode::NOT_FOUND
    );
    let general = harness::text(
        &mut app.conn(),
        "SELECT id::text AS value FROM forum_categories WHERE slug = 'general'",
    );
    assert_eq!(
        tech.get(&format!("/forum/categories/{general}/edit"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        tech.post(
            &format!("/forum/categories/{general}/edit"),
            &[("name", "Hacked")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let admin = admin(&app).await;
    let page = admin
        .post(
            "/forum/categories",
            &[
                ("name", "Escalators"),
                ("slug", "escalators"),
                ("description", "Steps and handrails"),
                ("icon", "wrench"),
                ("colour", "amber"),
                ("scope", "trade"),
                ("scope_value", "escalators"),
                ("visibility", "signed_in"),
                ("display_order", "35"),
                ("is_active", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        app.get("/forum/c/escalators").await.status,
        StatusCode::NOT_FOUND,
        "signed-in only"
    );
    assert_eq!(tech.get("/forum/c/escalators").await.status, StatusCode::OK);
    // Reordering swaps neighbours.
    let order = |slug: &str| {
        app.count(&format!("SELECT 1 FROM forum_categories a, forum_categories b WHERE a.slug = '{slug}' AND b.slug = 'general' AND a.display_order < b.display_order"))
    };
    assert_eq!(order("manufacturers"), 0);
    let manufacturers = harness::text(
        &mut app.conn(),
        "SELECT id::text AS value FROM forum_categories WHERE slug = 'manufacturers'",
    );
    admin
        .post(
            &format!("/forum/categories/{manufacturers}/reorder"),
            &[("direction", "up")],
        )
        .await;
    assert_eq!(order("manufacturers"), 1);
    // Editing keeps it; the edit page shows the moderators.
    let page = admin
        .get(&format!("/forum/categories/{general}/edit"))
        .await;
    assert!(page.body.contains("General discussion"));
    // Moving a thread moves the counters.
    let thread = new_thread(&tech, "general", "Wrong place for this thread", "oops").await;
    assert_eq!(
        tech.post(
            &format!("/forum/t/{thread}/move"),
            &[("category_id", &general)]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let doors = harness::text(
        &mut app.conn(),
        "SELECT id::text AS value FROM forum_categories WHERE slug = 'doors'",
    );
    let page = admin
        .post(
            &format!("/forum/t/{thread}/move"),
            &[("category_id", &doors)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT 1 FROM forum_categories WHERE (slug = 'doors' AND thread_count = 1) OR (slug = 'general' AND thread_count = 0)"), 2);
    for action in ["pin", "feature"] {
        admin
            .post(
                &format!("/forum/t/{thread}/moderate"),
                &[("action", action)],
            )
            .await;
    }
    let page = app.get("/forum/c/doors").await;
    assert!(page.body.contains("Pinned") && page.body.contains("Featured"));
    admin
        .post(
            &format!("/forum/t/{thread}/moderate"),
            &[("action", "delete")],
        )
        .await;
    assert_eq!(
        app.get(&format!("/forum/t/{thread}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.count("SELECT 1 FROM forum_categories WHERE slug = 'doors' AND thread_count = 0"),
        1
    );
}

#[actix_web::test]
async fn demo_forum_is_seeded_once_with_consistent_counters() {
    let app = TestApp::new().await;
    sitesync::demo::ensure(&mut app.conn()).unwrap();
    let threads = app.count("SELECT 1 FROM forum_threads");
    assert!(threads >= 40, "{threads} threads");
    sitesync::demo::ensure(&mut app.conn()).unwrap();
    assert_eq!(app.count("SELECT 1 FROM forum_threads"), threads);
    assert!(app.count("SELECT 1 FROM forum_threads WHERE accepted_post_id IS NOT NULL") >= 20);
    assert!(app.count("SELECT 1 FROM forum_votes") > 100);
    assert_eq!(
        app.count("SELECT 1 FROM forum_categories c WHERE thread_count <> (SELECT count(*) FROM forum_threads t WHERE t.category_id = c.id AND t.deleted_at IS NULL AND t.is_approved)"),
        0
    );
    assert_eq!(
        app.count("SELECT 1 FROM forum_threads t WHERE reply_count <> (SELECT count(*) FROM forum_posts p WHERE p.thread_id = t.id AND NOT p.is_opening AND p.deleted_at IS NULL)"),
        0
    );
    assert_eq!(
        app.count("SELECT 1 FROM forum_posts p WHERE upvote_count <> (SELECT count(*) FROM forum_votes v WHERE v.post_id = p.id)"),
        0
    );
    let page = app.get("/forum").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("KONE MonoSpace 0071") || page.body.contains("Lift music"));
    assert!(
        !page.body.contains("team room"),
        "organization room hidden from visitors"
    );
    let page = app.get("/forum/search?q=0071").await;
    assert!(
        page.body.contains("KONE MonoSpace <mark>0071</mark>"),
        "{}",
        page.body
    );
    let page = app.get("/forum/c/kone?sort=top").await;
    assert!(page.body.contains("✓ Answered"));
}
