//! The forum index, search and the demo forum.

use super::*;

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
