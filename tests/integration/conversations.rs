//! Conversations: direct messages and the threads of work orders, fault reports and job
//! applications — who may read and write in each, unread counts, read receipts, Markdown,
//! files, bad input, and a message reaching a page open on another app server.

use std::time::Duration;

use awc::http::StatusCode;
use uuid::Uuid;

use sitesync::auth::roles::Role;

use crate::harness::{text, Browser, TestApp, PASSWORD};
use crate::jobs::{apply, job_seeker, post_job};
use crate::live::Stream;
use crate::notifications::{assign_new, technician};
use crate::work_orders::fixture;

/// A signed-in account with `role` in `slug`, named "Test {name}"; its browser and id.
async fn person<'a>(app: &'a TestApp, slug: &str, role: Role, name: &str) -> (Browser<'a>, Uuid) {
    let email = format!("{name}@example.com");
    let id = app.create_account(&email);
    app.add_member(slug, id, role);
    let browser = Browser::new(app);
    assert_eq!(
        browser.sign_in(&email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // Signing in renews the CSRF token; a page shows the new one.
    browser.get("/messages").await;
    (browser, id)
}

fn location(page: &crate::harness::Page) -> String {
    page.header("location").unwrap_or_default().to_string()
}

/// The header's count of conversations with unread messages, as the page shows it.
fn unread_in_header(body: &str) -> Option<String> {
    let start = body.find(r#"id="messages-count""#)?;
    let rest = &body[start..];
    let rest = &rest[..rest.find("</a>")?];
    let count = rest.split(r#"aria-hidden="true">"#).nth(1)?;
    Some(count.split('<').next()?.to_string())
}

#[actix_web::test]
async fn direct_messages_arrive_with_unread_counts_markdown_and_read_receipts() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let (ann, ann_id) = person(&app, "acme", Role::Manager, "ann").await;
    let (bob, bob_id) = person(&app, "acme", Role::Technician, "bob").await;

    let empty = bob.get("/messages").await;
    assert!(empty.body.contains("No conversations yet"));
    let compose = ann.get("/messages/new").await;
    assert_eq!(compose.status, StatusCode::OK);
    assert!(compose.body.contains("Test bob (Acme Lifts)"));

    let sent = ann
        .post(
            "/messages",
            &[
                ("to", &bob_id.to_string()),
                (
                    "message",
                    "Can you check **lift 3** today?\n\n<script>alert(1)</script>",
                ),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let thread = location(&sent);
    assert!(thread.starts_with("/messages/"));

    // Bob's header counts it, from the session's preload; his inbox marks it new.
    let inbox = bob.get("/messages").await;
    assert_eq!(unread_in_header(&inbox.body).as_deref(), Some("1"));
    assert!(inbox.body.contains("Test ann"));
    assert!(inbox.body.contains("badge-info\">New"));
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM notifications WHERE account_id = '{bob_id}' AND kind = 'message' \
             AND read_at IS NULL AND link = '{thread}'"
        )),
        1
    );
    // Nothing yet for Ann to see: nobody has read it.
    assert!(ann.get(&thread).await.body.contains("Sent, not seen yet"));

    // Reading it: the Markdown is rendered, the script is not; it is read, and so is its
    // notification.
    let page = bob.get(&thread).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<strong>lift 3</strong>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>alert(1)"));
    assert!(page.body.contains(&format!(
        r#"hx-trigger="sse:conversation-{}""#,
        &thread[10..]
    )));
    assert_eq!(unread_in_header(&bob.get("/messages").await.body), None);
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM notifications WHERE account_id = '{bob_id}' AND read_at IS NULL"
        )),
        0
    );
    assert!(ann.get(&thread).await.body.contains("Seen by Test bob"));

    // Writing back from the new-message page lands in the same conversation.
    let again = bob
        .post(
            "/messages",
            &[("to", &ann_id.to_string()), ("message", "On my way.")],
        )
        .await;
    assert_eq!(location(&again), thread);
    let reply = bob
        .post(&thread, &[("message", "Done: it was the door sill.")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(app.count("SELECT 1 FROM conversations"), 1);
    assert_eq!(app.count("SELECT 1 FROM conversation_messages"), 3);
    let count = ann.get_htmx("/messages/unread").await;
    assert!(count.body.contains("1 unread"), "{}", count.body);
}

#[actix_web::test]
async fn bad_messages_are_refused_keeping_what_was_typed() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("beta", "Beta Lifts");
    let (ann, _) = person(&app, "acme", Role::Manager, "ann").await;
    let (_bob, bob_id) = person(&app, "acme", Role::Technician, "bob").await;
    let (_carol, carol_id) = person(&app, "beta", Role::Manager, "carol").await;
    let bob = bob_id.to_string();

    let page = ann
        .post("/messages", &[("to", &bob), ("message", "  ")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Write a message or attach a file."));

    let page = ann
        .post(
            "/messages",
            &[("to", "nobody"), ("message", "Kept as typed")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Choose who the message is for."));
    assert!(page.body.contains("Kept as typed"));

    let long = "a".repeat(1024 * 1024);
    let page = ann
        .post("/messages", &[("to", &bob), ("message", &long)])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("at most 10000 characters"));
    let page = ann
        .post_multipart("/messages", &[("to", &bob), ("message", &long)], &[])
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);

    // Someone who shares no organization cannot be written to, by guessing their id.
    let page = ann
        .post(
            "/messages",
            &[("to", &carol_id.to_string()), ("message", "Hello")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!ann.get("/messages/new").await.body.contains("Test carol"));

    // A file that is not a photo or a PDF.
    let page = ann
        .post_multipart(
            "/messages",
            &[("to", &bob), ("message", "See attached")],
            &[("files", "notes.html", b"<html>hi</html>")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("See attached"));

    assert_eq!(app.count("SELECT 1 FROM conversation_messages"), 0);
    assert_eq!(app.count("SELECT 1 FROM conversations"), 0);
    for path in [
        "/messages/not-an-id",
        &format!("/messages/{}", Uuid::new_v4()),
    ] {
        assert_eq!(ann.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// Asserts who may read, refresh and write in conversation `thread`.
async fn only_these_take_part(thread: &str, allowed: &[&Browser<'_>], refused: &[&Browser<'_>]) {
    for (n, browser) in allowed.iter().enumerate() {
        let page = browser.get(thread).await;
        assert_eq!(page.status, StatusCode::OK, "allowed #{n}: {}", page.body);
    }
    for (n, browser) in refused.iter().enumerate() {
        assert_eq!(
            browser.get(thread).await.status,
            StatusCode::NOT_FOUND,
            "refused #{n} read"
        );
        assert_eq!(
            browser.get(&format!("{thread}/latest")).await.status,
            StatusCode::NOT_FOUND,
            "refused #{n} refresh"
        );
        assert_eq!(
            browser
                .post(thread, &[("message", "let me in")])
                .await
                .status,
            StatusCode::NOT_FOUND,
            "refused #{n} write"
        );
    }
}

#[actix_web::test]
async fn a_work_order_thread_is_its_staff_and_assignee_only() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let (tech, _) = technician(&app).await;
    tech.get("/messages").await;
    assign_new(&f, "Doors not closing").await;
    let order = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.work_orders WHERE title = 'Doors not closing'",
    );
    let readonly = app.member("acme", Role::ReadOnly).await;
    let tenant = app.tenant_member("acme").await;
    app.create_org("beta", "Beta Lifts");
    let outsider = app.member("beta", Role::Owner).await;
    for b in [&readonly, &tenant, &outsider] {
        b.get("/messages").await;
    }

    // Another organization cannot open it through its own address.
    let tampered = outsider
        .post(&format!("/o/beta/work-orders/{order}/conversation"), &[])
        .await;
    assert_eq!(tampered.status, StatusCode::NOT_FOUND);
    let tenant_try = tenant
        .post(&format!("/o/acme/work-orders/{order}/conversation"), &[])
        .await;
    assert_eq!(tenant_try.status, StatusCode::FORBIDDEN);

    f.manager.get(&format!("/o/acme/work-orders/{order}")).await;
    let opened = f
        .manager
        .post(&format!("/o/acme/work-orders/{order}/conversation"), &[])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let thread = location(&opened);
    // Opening it again finds the same thread.
    let again = f
        .manager
        .post(&format!("/o/acme/work-orders/{order}/conversation"), &[])
        .await;
    assert_eq!(location(&again), thread);

    let posted = f
        .manager
        .post(&thread, &[("message", "Bring the door operator board.")])
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    // The assignee was put on it and hears of it.
    assert_eq!(
        app.count(
            "SELECT 1 FROM notifications n JOIN memberships m ON m.account_id = n.account_id \
             WHERE n.kind = 'message' AND m.role = 'technician'"
        ),
        1
    );
    let page = tech.get(&thread).await;
    assert!(page.body.contains("Bring the door operator board."));
    assert!(page.body.contains(&format!("/o/acme/work-orders/{order}")));

    only_these_take_part(
        &thread,
        &[&f.manager, &tech, &readonly],
        &[&tenant, &outsider],
    )
    .await;
}

#[actix_web::test]
async fn a_fault_report_thread_is_its_tenant_and_the_managers_only() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let (manager, manager_id) = person(&app, "acme", Role::Manager, "mia").await;
    let tenant = app.tenant_member("acme").await;
    let tenant_row = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.tenants ORDER BY created_at DESC LIMIT 1",
    );
    let neighbour = app.tenant_member("acme").await;
    let (technician, _) = person(&app, "acme", Role::Technician, "tom").await;
    for b in [&tenant, &neighbour] {
        b.get("/o/acme/portal").await;
    }
    let request = text(
        &mut app.conn(),
        &format!(
            "INSERT INTO org_acme.service_requests \
               (reference, status_token, site_id, tenant_id, request_type, subject) \
             SELECT 'SR-0001', 'token-1', site_id, id, 'issue_report', 'Lift 2 doors bang' \
             FROM org_acme.tenants WHERE id = '{tenant_row}' RETURNING id::text AS value"
        ),
    );

    // A neighbour cannot open another tenant's report; a technician is not a triager.
    let page = neighbour
        .post(
            &format!("/o/acme/portal/requests/{request}/conversation"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    let portal = tenant.get("/o/acme/portal").await;
    assert!(portal
        .body
        .contains(&format!("/o/acme/portal/requests/{request}/conversation")));
    let opened = tenant
        .post(
            &format!("/o/acme/portal/requests/{request}/conversation"),
            &[],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let thread = location(&opened);
    let posted = tenant
        .post(&thread, &[("message", "It bangs at every floor.")])
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    // The managers were put on it and hear of it.
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM notifications WHERE kind = 'message' AND account_id = '{manager_id}'"
        )),
        1
    );
    let from_triage = manager
        .post(
            &format!("/o/acme/service-requests/{request}/conversation"),
            &[],
        )
        .await;
    assert_eq!(location(&from_triage), thread);

    only_these_take_part(&thread, &[&tenant, &manager], &[&neighbour, &technician]).await;

    // A tenant removed from the organization no longer reads it.
    app.execute("DELETE FROM memberships WHERE role = 'tenant'");
    assert_eq!(tenant.get(&thread).await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_job_application_thread_is_the_applicant_and_the_hiring_members_only() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let (manager, _) = person(&app, "acme", Role::Manager, "hana").await;
    let (readonly, _) = person(&app, "acme", Role::ReadOnly, "rex").await;
    let acme = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM organizations WHERE slug = 'acme'",
    );
    manager.get("/jobs").await;
    let job = post_job(&manager, &acme, "Lift technician", "public", "publish", &[]).await;
    let seeker = job_seeker(&app, "sam@example.com").await;
    let other = job_seeker(&app, "olga@example.com").await;
    let applied = apply(
        &seeker,
        &job,
        &[
            ("cover_letter", "Ten years on traction lifts."),
            ("source", "resume"),
        ],
        Some(("cv.pdf", b"%PDF-1.4 cv")),
    )
    .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let application = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM job_applications",
    );

    for (browser, path) in [
        (&other, format!("/applications/{application}/conversation")),
        (
            &readonly,
            format!("/jobs/{job}/applications/{application}/conversation"),
        ),
    ] {
        browser.get("/messages").await;
        assert_eq!(
            browser.post(&path, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }

    seeker.get(&format!("/applications/{application}")).await;
    let opened = seeker
        .post(&format!("/applications/{application}/conversation"), &[])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let thread = location(&opened);
    seeker
        .post(&thread, &[("message", "When could we meet?")])
        .await;
    let inbox = manager.get("/messages").await;
    assert!(
        inbox.body.contains("Test sam for Lift technician"),
        "{}",
        inbox.body
    );
    let from_employer = manager
        .post(
            &format!("/jobs/{job}/applications/{application}/conversation"),
            &[],
        )
        .await;
    assert_eq!(location(&from_employer), thread);

    only_these_take_part(&thread, &[&seeker, &manager], &[&other, &readonly]).await;
}

/// A PNG of 30 by 20 pixels.
fn png() -> Vec<u8> {
    let image = image::RgbImage::from_pixel(30, 20, image::Rgb([30, 140, 60]));
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

#[actix_web::test]
async fn files_go_with_a_message_and_only_to_its_people() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("beta", "Beta Lifts");
    let (ann, _) = person(&app, "acme", Role::Manager, "ann").await;
    let (bob, bob_id) = person(&app, "acme", Role::Technician, "bob").await;
    let (carol, _) = person(&app, "acme", Role::Technician, "carol").await;

    let sent = ann
        .post_multipart(
            "/messages",
            &[("to", &bob_id.to_string()), ("message", "")],
            &[
                ("files", "pit.png", &png()),
                ("files", "certificate.pdf", b"%PDF-1.4 certificate"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let thread = location(&sent);
    let page = bob.get(&thread).await;
    assert!(page.body.contains("certificate.pdf"));
    let photo = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM conversation_files WHERE file_name = 'pit.png'",
    );
    let file = format!("{thread}/files/{photo}");
    assert!(page.body.contains(&format!("{file}/thumbnail")));
    let served = bob.get(&file).await;
    assert_eq!(served.status, StatusCode::OK);
    // Photos are encoded again (leaving their metadata behind).
    assert_eq!(served.header("content-type"), Some("image/jpeg"));
    assert_eq!(
        bob.get(&format!("{file}/thumbnail")).await.status,
        StatusCode::OK
    );

    // Someone else, or the file under another conversation's address, finds nothing.
    assert_eq!(carol.get(&file).await.status, StatusCode::NOT_FOUND);
    only_these_take_part(&thread, &[&ann, &bob], &[&carol]).await;
    let other = carol
        .post(
            "/messages",
            &[("to", &bob_id.to_string()), ("message", "Hi")],
        )
        .await;
    let elsewhere = format!("{}/files/{photo}", location(&other));
    assert_eq!(bob.get(&elsewhere).await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_message_reaches_the_thread_open_on_another_server() {
    let first = TestApp::new().await;
    first.create_org("acme", "Acme Lifts");
    let (ann, _) = person(&first, "acme", Role::Manager, "ann").await;
    let (_, bob_id) = person(&first, "acme", Role::Technician, "bob").await;
    let sent = ann
        .post(
            "/messages",
            &[("to", &bob_id.to_string()), ("message", "First")],
        )
        .await;
    let thread = location(&sent);
    let id = thread.trim_start_matches("/messages/").to_string();

    let second = first.beside().await;
    let bob = Browser::new(&second);
    bob.sign_in("bob@example.com", PASSWORD).await;
    assert_eq!(bob.get(&thread).await.status, StatusCode::OK);
    let mut stream = Stream::open(&second, &bob).await;

    ann.post(&thread, &[("message", "Second, live")]).await;
    let event = format!("event: conversation-{id}");
    let heard = stream
        .read_until(Duration::from_secs(5), &[&event, "event: inbox"])
        .await;
    assert!(heard.contains(&event), "{heard:?}");
    assert!(heard.contains("event: inbox"), "{heard:?}");
    let fresh = bob.get_htmx(&format!("{thread}/latest")).await;
    assert!(fresh.body.contains("Second, live"));
    assert!(!fresh.body.contains("<html"));
}

#[actix_web::test]
async fn the_demo_has_conversations_to_show_once() {
    let app = TestApp::new().await;
    sitesync::demo::ensure(&mut app.conn()).unwrap();
    let seeded = app.count("SELECT 1 FROM conversation_messages");
    sitesync::demo::ensure(&mut app.conn()).unwrap();
    assert_eq!(app.count("SELECT 1 FROM conversation_messages"), seeded);
    assert_eq!(
        app.count("SELECT 1 FROM conversations WHERE context_type = 'work_order'"),
        2
    );
    assert!(app.count("SELECT 1 FROM conversations WHERE context_type = 'service_request'") >= 1);

    let tenant = Browser::new(&app);
    tenant
        .sign_in("tenant@demo.sitesync.test", "harbour-lift-tenant-2026")
        .await;
    let inbox = tenant.get("/messages").await;
    assert!(inbox.body.contains("Fault report"), "{}", inbox.body);
    assert!(tenant.get("/o/demo/portal").await.body.contains("Messages"));

    let manager = Browser::new(&app);
    manager
        .sign_in("manager@demo.sitesync.test", "harbour-lift-manager-2026")
        .await;
    let inbox = manager.get("/messages").await;
    assert!(unread_in_header(&inbox.body).is_some(), "{}", inbox.body);
    assert!(inbox.body.contains("Tanvir Technician"));
}
