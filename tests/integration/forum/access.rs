//! Who reads organization-only categories: their staff, never outsiders or tenants.

use super::*;

#[actix_web::test]
async fn organization_categories_do_not_exist_for_outsiders() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("bravo", "Bravo Buildings");
    acme_team_room(&app).await;
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

/// A building tenant's membership (portal access) opens no staff space: the organization-only
/// category is as absent for them as for a stranger, and a watch they hold tells them nothing.
/// Read-only staff read it and take part.
#[actix_web::test]
async fn tenants_are_not_staff_in_organization_categories() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    acme_team_room(&app).await;
    let insider = member(&app, "acme", Role::Technician).await;
    let thread = new_thread(
        &insider,
        "acme-team",
        "Zebrafix procedure for Harbour Tower",
        "zebrafix steps",
    )
    .await;
    let opening = opening_post(&app, thread);
    let tenant = app.tenant_member("acme").await;
    tenant.get("/forum").await;
    // A watch on the category, as if it had been allowed once.
    set(
        &app,
        "INSERT INTO forum_subscriptions (account_id, category_id) \
         SELECT m.account_id, c.id FROM memberships m, forum_categories c \
         WHERE m.role = 'tenant' AND c.slug = 'acme-team'",
    );
    for path in [
        "/forum/c/acme-team".to_string(),
        "/forum/c/acme-team/new".to_string(),
        format!("/forum/t/{thread}"),
    ] {
        assert_eq!(
            tenant.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert!(!tenant.get("/forum").await.body.contains("Acme team room"));
    assert!(!tenant
        .get("/forum/search?q=zebrafix")
        .await
        .body
        .contains("Zebrafix"));
    assert!(!tenant
        .get("/forum/similar?title=zebrafix")
        .await
        .body
        .contains("Zebrafix"));
    for (path, fields) in [
        (
            format!("/forum/t/{thread}/replies"),
            vec![("body", "tenant reply")],
        ),
        (
            "/forum/c/acme-team/threads".to_string(),
            vec![("title", "Tenant thread here"), ("body", "x")],
        ),
        (
            "/forum/c/acme-team/watch".to_string(),
            vec![("watch", "on")],
        ),
        (format!("/forum/posts/{opening}/vote"), vec![("vote", "up")]),
        (
            format!("/forum/posts/{opening}/flag"),
            vec![("reason", "spam")],
        ),
    ] {
        assert_eq!(
            tenant.post(&path, &fields).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(app.count("SELECT 1 FROM forum_posts"), 1);
    assert_eq!(app.count("SELECT 1 FROM forum_votes"), 0);
    assert_eq!(app.count("SELECT 1 FROM forum_flags"), 0);

    let colleague = member(&app, "acme", Role::ReadOnly).await;
    assert_eq!(
        colleague.get("/forum/c/acme-team").await.status,
        StatusCode::OK
    );
    assert_eq!(
        reply(&colleague, thread, "Noted, thanks.").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.count("SELECT 1 FROM notifications WHERE kind = 'forum_reply'"),
        1,
        "the thread's author is told of the reply"
    );
    assert_eq!(
        app.count(
            "SELECT 1 FROM notifications n JOIN memberships m ON m.account_id = n.account_id \
             WHERE m.role = 'tenant'"
        ),
        0,
        "the tenant's watch tells them nothing"
    );
}
