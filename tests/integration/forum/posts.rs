//! Votes, anonymous authors and flags.

use super::*;

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
