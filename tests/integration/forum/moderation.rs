//! Locked threads, the moderation queue, and category administration.

use super::*;

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
