//! Email through the outbox: password resets, address confirmation, sign-up that answers the
//! same for every address, real SMTP delivery, failures and `/admin/mail`.

use awc::http::StatusCode;

use sitesync::auth::roles::Role;

use crate::harness::{Browser, TestApp, PASSWORD};
use crate::mailbox::SmtpServer;

const NEW_PASSWORD: &str = "elevator cable counterweight";

fn signup_fields<'a>(email: &'a str, first_name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("first_name", first_name),
        ("last_name", "Lee"),
        ("email", email),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ]
}

/// The page's own content, without the header (which carries the session's CSRF token).
fn main_of(body: &str) -> &str {
    let start = body.find("<main").expect("main");
    let end = body.find("</main>").expect("main end");
    &body[start..end]
}

#[actix_web::test]
async fn a_forgotten_password_is_reset_once_through_the_emailed_link() {
    let app = TestApp::new().await;
    app.create_account("ann@example.com");
    let elsewhere = Browser::new(&app);
    elsewhere.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(elsewhere.get("/account").await.status, StatusCode::OK);

    let browser = Browser::new(&app);
    let signin = browser.get("/signin").await;
    assert!(signin.body.contains("href=\"/password/forgot\""));
    browser.get("/password/forgot").await;
    let known = browser
        .post("/password/forgot", &[("email", "Ann@Example.com")])
        .await;
    let unknown = browser
        .post("/password/forgot", &[("email", "nobody@example.com")])
        .await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(known.body.contains("Check your email"));
    assert_eq!(
        known.body.replace("Ann@Example.com", "@"),
        unknown.body.replace("nobody@example.com", "@"),
        "the same answer whether or not the address has an account"
    );
    assert!(app.mail_to("nobody@example.com").is_empty());
    let mail = app.mail_to("ann@example.com");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].kind, "password_reset");
    let link = mail[0].link("/password/reset/");

    // Delivered by the background worker, to a file by default.
    assert_eq!(app.run_jobs().len(), 1);
    assert_eq!(app.mail_to("ann@example.com")[0].status, "completed");
    let files: Vec<_> = std::fs::read_dir(app.config.data_dir.join("mail"))
        .expect("mail folder")
        .collect();
    assert_eq!(files.len(), 1);

    let form = browser.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Choose a new password"));
    let weak = browser
        .post(
            &link,
            &[("new_password", "short"), ("new_password_confirm", "short")],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = browser
        .post(
            &link,
            &[
                ("new_password", NEW_PASSWORD),
                ("new_password_confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.header("location"), Some("/account"));
    assert_eq!(browser.get("/account").await.status, StatusCode::OK);
    assert_ne!(
        elsewhere.get("/account").await.status,
        StatusCode::OK,
        "the other session ended"
    );

    // Used once: the link is dead, and the new password is the one that works.
    let again = browser.get(&link).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.body.contains("This link no longer works"));
    let replay = browser
        .post(
            &link,
            &[
                ("new_password", "another long passphrase"),
                ("new_password_confirm", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(replay.status, StatusCode::NOT_FOUND);
    let fresh = Browser::new(&app);
    let old = fresh.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = fresh.sign_in("ann@example.com", NEW_PASSWORD).await;
    assert_eq!(new.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn reset_links_expire_belong_to_one_account_and_requests_are_throttled() {
    let app = TestApp::new().await;
    app.create_account("ann@example.com");
    let browser = Browser::new(&app);
    browser.get("/password/forgot").await;
    browser
        .post("/password/forgot", &[("email", "ann@example.com")])
        .await;
    let link = app.mail_to("ann@example.com")[0].link("/password/reset/");
    app.execute("UPDATE account_tokens SET expires_at = now() - interval '1 second'");
    assert_eq!(browser.get(&link).await.status, StatusCode::NOT_FOUND);
    for tampered in [
        "/password/reset/abc",
        "/password/reset/%00",
        &format!("{link}0"),
    ] {
        assert!(browser.get(tampered).await.status.is_client_error());
    }
    // Three emails an hour to one address; the answer stays the same after that.
    for _ in 0..4 {
        let page = browser
            .post("/password/forgot", &[("email", "ann@example.com")])
            .await;
        assert_eq!(page.status, StatusCode::OK);
    }
    assert_eq!(app.mail_to("ann@example.com").len(), 3);
    // Only the latest link works.
    assert_eq!(
        app.count("SELECT 1 FROM account_tokens WHERE used_at IS NULL"),
        1
    );
    let bad = browser
        .post("/password/forgot", &[("email", "not an email")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"not an email\""));
    // Twenty requests an hour from one network.
    for n in 0..15 {
        browser
            .post(
                "/password/forgot",
                &[("email", &format!("x{n}@example.com"))],
            )
            .await;
    }
    let paused = browser
        .post("/password/forgot", &[("email", "late@example.com")])
        .await;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(paused.body.contains("value=\"late@example.com\""));
}

#[actix_web::test]
async fn sign_up_answers_the_same_for_every_address_and_the_link_confirms_it() {
    let app = TestApp::new().await;
    app.create_account("taken@example.com");
    let browser = Browser::new(&app);
    browser.get("/signup").await;
    let new = browser
        .post("/signup", &signup_fields("new@example.com", "Nina"))
        .await;
    let taken = Browser::new(&app);
    taken.get("/signup").await;
    let existing = taken
        .post("/signup", &signup_fields("taken@example.com", "Nina"))
        .await;
    assert_eq!(new.status, StatusCode::OK);
    assert_eq!(existing.status, StatusCode::OK);
    assert_eq!(
        main_of(&new.body).replace("new@example.com", "@"),
        main_of(&existing.body).replace("taken@example.com", "@")
    );
    assert!(!new.body.contains("already exists"));
    // Neither browser is signed in.
    assert_eq!(browser.get("/account").await.status, StatusCode::SEE_OTHER);
    let owner_told = app.mail_to("taken@example.com");
    assert_eq!(owner_told.len(), 1);
    assert_eq!(owner_told[0].kind, "account_exists");
    assert!(owner_told[0].body_text.contains("/password/forgot"));

    let confirm = app.mail_to("new@example.com");
    assert_eq!(confirm.len(), 1);
    assert_eq!(confirm[0].kind, "confirm_email");
    let link = confirm[0].link("/account/confirm/");
    assert_eq!(
        app.count(
            "SELECT 1 FROM accounts WHERE email = 'new@example.com' AND email_verified_at IS NULL"
        ),
        1
    );
    let page = browser.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Confirm and sign in"));
    assert_eq!(
        app.count(
            "SELECT 1 FROM accounts WHERE email = 'new@example.com' AND email_verified_at IS NULL"
        ),
        1,
        "opening the link (as a mail scanner would) confirms nothing"
    );
    let confirmed = browser.post(&link, &[]).await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/account").await.status, StatusCode::OK);
    assert_eq!(
        app.count("SELECT 1 FROM accounts WHERE email = 'new@example.com' AND email_verified_at IS NOT NULL"),
        1
    );
    assert_eq!(
        Browser::new(&app).get(&link).await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn an_organization_sign_up_that_fails_sends_nothing() {
    let app = TestApp::new().await;
    app.create_org("harbour", "Harbour Lifts");
    let browser = Browser::new(&app);
    browser.get("/signup/organization").await;
    let fields = |slug: &'static str, email: &'static str| {
        vec![
            ("organization_name", "Harbour City Lifts"),
            ("slug", slug),
            ("organization_type", "service_company"),
            ("first_name", "Olivia"),
            ("last_name", "Owner"),
            ("email", email),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ]
    };
    let taken = browser
        .post(
            "/signup/organization",
            &fields("harbour", "olivia@example.com"),
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT 1 FROM outbox_messages"), 0);
    assert_eq!(app.count("SELECT 1 FROM background_jobs"), 0);

    let made = browser
        .post(
            "/signup/organization",
            &fields("harbour_city", "olivia@example.com"),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert!(made.body.contains("Check your email"));
    let link = app.mail_to("olivia@example.com")[0].link("/account/confirm/");
    browser.get(&link).await;
    let confirmed = browser.post(&link, &[]).await;
    assert_eq!(confirmed.header("location"), Some("/o/harbour_city"));

    // The same address again, with a free slug: the same answer, no second organization.
    let again = Browser::new(&app);
    again.get("/signup/organization").await;
    let page = again
        .post(
            "/signup/organization",
            &fields("harbour_two", "olivia@example.com"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Check your email"));
    assert_eq!(
        app.count("SELECT 1 FROM organizations WHERE slug = 'harbour_two'"),
        0
    );
    assert_eq!(app.mail_to("olivia@example.com").len(), 2);
}

#[actix_web::test]
async fn mail_goes_out_over_smtp_and_failures_are_retried_from_the_admin_page() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = TestApp::with_config(4, |config| config.smtp_url = Some(url)).await;
    app.create_account("ann@example.com");
    let browser = Browser::new(&app);
    browser.get("/password/forgot").await;
    browser
        .post("/password/forgot", &[("email", "ann@example.com")])
        .await;
    app.run_jobs();
    let received = smtp.messages();
    assert_eq!(received.len(), 1);
    let message = &received[0];
    assert!(message.contains("Subject: Choose a new SiteSync password"));
    assert!(
        message.contains("To: \"Test ann\" <ann@example.com>")
            || message.contains("To: Test ann <ann@example.com>"),
        "{message}"
    );
    assert!(message.contains("From: SiteSync <no-reply@sitesync.test>"));
    assert!(message.contains("multipart/alternative"));
    assert!(message.contains("https://sitesync.test/password/reset/"));
    assert_eq!(app.mail_to("ann@example.com")[0].status, "completed");

    // A server that is down: the message fails, keeps its error, and can be sent again.
    let broken = TestApp::with_config(4, |config| {
        config.smtp_url = Some("smtp://127.0.0.1:9".into())
    })
    .await;
    broken.create_account("bob@example.com");
    broken.create_account("root@example.com");
    sitesync::auth::accounts::set_platform_admin(&mut broken.conn(), "root@example.com", true)
        .expect("admin");
    let visitor = Browser::new(&broken);
    visitor.get("/password/forgot").await;
    visitor
        .post("/password/forgot", &[("email", "bob@example.com")])
        .await;
    let ran = broken.run_jobs();
    assert!(matches!(
        ran[..],
        [sitesync::background::Ran::Failed { dead: false, .. }]
    ));
    let failed = &broken.mail_to("bob@example.com")[0];
    assert_eq!(failed.status, "failed");
    let id = broken.text_of("SELECT id::text AS value FROM outbox_messages");

    let admin = Browser::new(&broken);
    admin.sign_in("root@example.com", PASSWORD).await;
    let list = admin.get("/admin/mail?status=failed").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Choose a new SiteSync password"));
    let detail = admin.get(&format!("/admin/mail/{id}")).await;
    assert!(detail.body.contains("SMTP"), "the last error is shown");
    assert!(detail.body.contains("Send again now"));
    let html = admin.get(&format!("/admin/mail/{id}/html")).await;
    assert!(html
        .header("content-security-policy")
        .is_some_and(|csp| csp.contains("sandbox") && csp.contains("default-src 'none'")));
    assert!(html.body.contains("Choose a new password"));

    let outsider = Browser::new(&broken);
    outsider.sign_in("bob@example.com", PASSWORD).await;
    assert_ne!(outsider.get("/admin/mail").await.status, StatusCode::OK);
    assert_ne!(
        outsider.get(&format!("/admin/mail/{id}/html")).await.status,
        StatusCode::OK
    );

    let retried = admin.post(&format!("/admin/mail/{id}/retry"), &[]).await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER);
    assert_eq!(broken.mail_to("bob@example.com")[0].status, "pending");
    assert_eq!(
        broken.count("SELECT 1 FROM background_jobs WHERE state = 'queued' AND attempts = 0"),
        1
    );
    assert_eq!(
        admin
            .get("/admin/mail/00000000-0000-0000-0000-000000000000")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// Invitations reach the invited address by email, written in the inviting transaction; the
/// page still shows the same link to copy. A refused invitation sends nothing.
#[actix_web::test]
async fn invitations_and_portal_invitations_are_emailed_with_the_link_shown_on_the_page() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let admin = app.member("acme", Role::Admin).await;
    admin.get("/o/acme/members").await;
    let page = admin
        .post(
            "/o/acme/members/invitations",
            &[("email", "Sam@Example.com"), ("role", "technician")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let mail = app.mail_to("sam@example.com");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].kind, "invitation");
    assert!(mail[0].subject.contains("invited you to Acme Lifts"));
    let link = mail[0].link("/invitations/");
    assert!(
        page.body.contains(&link),
        "the copyable link is the emailed one"
    );
    assert!(app
        .text_of("SELECT body_text AS value FROM outbox_messages WHERE kind = 'invitation'")
        .contains("as technician"));
    assert_eq!(app.run_jobs().len(), 1);
    assert_eq!(app.mail_to("sam@example.com")[0].status, "completed");
    let sam = Browser::new(&app);
    let invitation = sam.get(&link).await;
    assert_eq!(invitation.status, StatusCode::OK);
    assert!(invitation.body.contains("Acme Lifts"));

    // Inviting someone who is already a member is refused, and no email is written.
    let tech = app.create_account("tech@example.com");
    app.add_member("acme", tech, Role::Technician);
    let before = app.count("SELECT 1 FROM outbox_messages");
    let refused = admin
        .post(
            "/o/acme/members/invitations",
            &[("email", "tech@example.com"), ("role", "readonly")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT 1 FROM outbox_messages"), before);

    // A tenant's contact is invited to the portal by email too.
    let manager = app.member("acme", Role::Manager).await;
    app.execute("INSERT INTO org_acme.sites (name, code) VALUES ('Harbour Tower', 'HT')");
    let tenant = app.text_of(
        "INSERT INTO org_acme.tenants (site_id, name, primary_contact_email) \
         SELECT id, 'Harbour Legal', 'legal@example.com' FROM org_acme.sites \
         RETURNING id::text AS value",
    );
    manager.get("/o/acme/tenants").await;
    let invite = manager
        .post(&format!("/o/acme/tenants/{tenant}/invite"), &[])
        .await;
    assert_eq!(invite.status, StatusCode::OK, "{}", invite.body);
    let portal = app.mail_to("legal@example.com");
    assert_eq!(portal.len(), 1);
    assert!(invite.body.contains(&portal[0].link("/invitations/")));
    assert!(app
        .text_of(
            "SELECT body_text AS value FROM outbox_messages WHERE to_address = 'legal@example.com'"
        )
        .contains("as tenant"));
}

/// An account whose address is not confirmed may use the app, but may not list parts or join
/// a second organization until it confirms; the account page sends the link again (a few
/// times an hour).
#[actix_web::test]
async fn an_unconfirmed_address_keeps_its_account_out_of_the_marketplace_and_other_organizations() {
    let app = TestApp::new().await;
    app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    let id = app.create_account("pat@example.com");
    app.add_member("north", id, Role::Manager);
    app.execute("UPDATE accounts SET email_verified_at = NULL WHERE email = 'pat@example.com'");
    let pat = Browser::new(&app);
    pat.sign_in("pat@example.com", PASSWORD).await;
    assert_eq!(
        pat.get("/o/north").await.status,
        StatusCode::OK,
        "the app is open"
    );

    let new_listing = pat.get("/marketplace/listings/new").await;
    assert_eq!(new_listing.status, StatusCode::FORBIDDEN);
    assert!(new_listing
        .body
        .contains("Confirm your email address before you list parts"));
    let listing = [
        ("organization", "north"),
        ("part_number", "GOV-451"),
        ("part_name", "Overspeed governor"),
        ("condition", "used_tested"),
        ("quantity", "1"),
        ("unit_price", "900"),
        ("currency", "AUD"),
    ];
    let refused = pat.post("/marketplace/listings", &listing).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT 1 FROM marketplace_listings"), 0);

    let south = app.member("south", Role::Admin).await;
    south.get("/o/south/members").await;
    let invited = south
        .post(
            "/o/south/members/invitations",
            &[("email", "pat@example.com"), ("role", "technician")],
        )
        .await;
    let invitation = app.mail_to("pat@example.com")[0].link("/invitations/");
    assert!(invited.body.contains(&invitation));
    pat.get(&invitation).await;
    let join = pat.post(&format!("{invitation}/accept"), &[]).await;
    assert_eq!(join.status, StatusCode::CONFLICT);
    assert!(join
        .body
        .contains("Confirm your email address before you join"));
    assert_eq!(
        app.count("SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE a.email = 'pat@example.com'"),
        1
    );

    // The account page says so and sends the link again.
    let account = pat.get("/account").await;
    assert!(account.body.contains("not confirmed yet"));
    let sent = pat.post("/account/confirmation", &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);

    for _ in 0..2 {
        pat.post("/account/confirmation", &[]).await;
    }
    let flooded = pat.post("/account/confirmation", &[]).await;
    assert_eq!(flooded.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(flooded.body.contains("already sent 3 links"));
    assert_eq!(
        app.count("SELECT 1 FROM outbox_messages WHERE kind = 'confirm_email'"),
        3
    );

    // Each new link replaces the one before: the last one works.
    let confirm = app
        .mail_to("pat@example.com")
        .into_iter()
        .rfind(|m| m.kind == "confirm_email")
        .expect("a confirmation link")
        .link("/account/confirm/");
    pat.get(&confirm).await;
    assert_eq!(pat.post(&confirm, &[]).await.status, StatusCode::SEE_OTHER);
    let account = pat.get("/account").await;
    assert!(!account.body.contains("not confirmed yet") && account.body.contains("Confirmed"));
    let joined = pat.post(&format!("{invitation}/accept"), &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    assert_eq!(
        pat.get("/marketplace/listings/new").await.status,
        StatusCode::OK
    );
}

/// A new address takes effect only when its link is opened there; a wrong password or an
/// address with CR/LF in it is refused with the typed address kept, and an address another
/// account has gets the same answer but no link.
#[actix_web::test]
async fn an_email_change_takes_effect_from_the_new_address_only() {
    let app = TestApp::new().await;
    app.create_account("old@example.com");
    app.create_account("taken@example.com");
    let me = Browser::new(&app);
    me.sign_in("old@example.com", PASSWORD).await;
    me.get("/account").await;

    let wrong = me
        .post(
            "/account/email",
            &[
                ("new_email", "new@example.com"),
                ("password", "not my password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("This is not your current password"));
    assert!(
        wrong.body.contains("value=\"new@example.com\""),
        "the entry is kept"
    );
    let injected = me
        .post(
            "/account/email",
            &[
                ("new_email", "new@example.com\r\nBcc: x@evil.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(injected.status, StatusCode::UNPROCESSABLE_ENTITY);
    let long = format!("{}@example.com", "a".repeat(290));
    let too_long = me
        .post(
            "/account/email",
            &[("new_email", &long), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT 1 FROM outbox_messages"), 0);

    let taken = me
        .post(
            "/account/email",
            &[("new_email", "taken@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER);
    assert!(app.mail_to("taken@example.com").is_empty(), "nothing sent");

    let asked = me
        .post(
            "/account/email",
            &[("new_email", "New@Example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    assert!(me
        .get("/account")
        .await
        .body
        .contains("Signed in as old@example.com"));
    let link = app.mail_to("new@example.com")[0].link("/account/confirm/");
    me.get(&link).await;
    assert_eq!(me.post(&link, &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT 1 FROM accounts WHERE email = 'new@example.com' AND email_verified_at IS NOT NULL"),
        1
    );
    assert_eq!(
        app.count("SELECT 1 FROM accounts WHERE email = 'old@example.com'"),
        0
    );
    assert_eq!(
        me.get(&link).await.status,
        StatusCode::NOT_FOUND,
        "used once"
    );
    let again = Browser::new(&app);
    again.sign_in("new@example.com", PASSWORD).await;
    assert_eq!(again.get("/account").await.status, StatusCode::OK);
}

/// A delivery mostly waits on the SMTP server, so one job hands over its message and a batch
/// more side by side; each is delivered once, and the rest keep their own jobs.
#[actix_web::test]
async fn a_job_delivers_further_due_messages_side_by_side_each_once() {
    use sitesync::mail::{self, messages::Rendered, Email};
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = TestApp::with_config(4, |config| config.smtp_url = Some(url)).await;
    let batch = 1 + sitesync::mail::deliver::ALONGSIDE;
    let addresses: Vec<String> = (0..batch + 4)
        .map(|n| format!("person{n}@example.com"))
        .collect();
    {
        let mut conn = app.conn();
        for address in &addresses {
            mail::send(
                &mut conn,
                &Email {
                    kind: "notification",
                    to_address: address,
                    to_name: None,
                    content: Rendered {
                        subject: format!("Hello {address}"),
                        text: "Plain".into(),
                        html: "<p>Rich</p>".into(),
                        headers: Default::default(),
                    },
                    account_id: None,
                    organization_id: None,
                    correlation_id: None,
                },
            )
            .expect("queued");
        }
    }
    let worker = app.worker();
    let ran = sitesync::background::run_next(&mut app.conn(), &worker).expect("run");
    assert!(matches!(ran, Some(sitesync::background::Ran::Done { .. })));
    assert_eq!(smtp.messages().len() as i64, batch);
    assert_eq!(
        app.count("SELECT 1 FROM outbox_messages WHERE status = 'completed'"),
        batch
    );
    assert_eq!(
        app.count("SELECT 1 FROM background_jobs WHERE kind = 'deliver_mail' AND state = 'done'"),
        batch
    );
    app.run_jobs();
    let received = smtp.messages();
    assert_eq!(received.len(), addresses.len());
    for address in &addresses {
        let copies = received
            .iter()
            .filter(|m| m.contains(&format!("Subject: Hello {address}")))
            .count();
        assert_eq!(copies, 1, "{address}");
    }
}
