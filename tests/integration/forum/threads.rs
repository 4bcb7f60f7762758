//! Threads and replies: escaping, refused input kept, answers, edits, deletion, watching.

use super::*;

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
