//! Accounts, sessions, roles, CSRF, invitations, suspension and the audit trail.

use std::process::Command;

use awc::http::StatusCode;
use diesel::prelude::*;
use sitesync::audit::{self, chain, AuditEvent};
use sitesync::auth::roles::{Permission, Role};
use sitesync::orgs::context::Actor;
use sitesync::orgs::TenancyError;
use sitesync::web::request_meta::RequestMeta;

use crate::harness::{self, Browser, TestApp, PASSWORD};

#[actix_web::test]
async fn org_pages_refuse_anonymous_visitors_and_non_members() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("bravo", "Bravo Buildings");
    for path in ["/o/acme", "/o/acme/members", "/o/acme/audit"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        let location = page.header("location").unwrap_or_default();
        assert!(
            location.starts_with("/signin?next=%2Fo%2Facme"),
            "{location}"
        );
    }
    let outsider = app.member("bravo", Role::Owner).await;
    for path in ["/o/acme", "/o/acme/members", "/o/acme/audit"] {
        assert_eq!(
            outsider.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[actix_web::test]
async fn each_role_gets_exactly_what_the_matrix_says() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    for role in Role::ALL {
        let member = app.member("acme", role).await;
        let checks: [(Permission, &str); 3] = [
            (Permission::View, "/o/acme"),
            (Permission::ViewMembers, "/o/acme/members"),
            (Permission::ViewAudit, "/o/acme/audit"),
        ];
        for (permission, path) in checks {
            let expected = if role.can(permission) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(
                member.get(path).await.status,
                expected,
                "{role:?} GET {path}"
            );
        }
        let invited = format!("invitee-{}@example.com", role.as_str());
        let page = member
            .post(
                "/o/acme/members/invitations",
                &[("email", &invited), ("role", "readonly")],
            )
            .await;
        let expected = if role.can(Permission::ManageMembers) {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(page.status, expected, "{role:?} invites");
        let stored = app.count(&format!(
            "SELECT 1 FROM invitations WHERE email = '{invited}'"
        ));
        assert_eq!(
            stored,
            i64::from(role.can(Permission::ManageMembers)),
            "{role:?}"
        );
    }
}

#[actix_web::test]
async fn session_is_renewed_at_sign_in_and_ended_at_sign_out() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let id = app.create_account("ann@example.com");
    app.add_member("acme", id, Role::Manager);
    let browser = Browser::new(&app);
    browser.get("/signin").await;
    let before = browser
        .session_cookie()
        .expect("anonymous session for the form");
    let page = browser.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.header("location"), Some("/o/acme"));
    let after = browser.session_cookie().expect("signed-in session");
    assert_ne!(before, after, "session key renewed at sign-in");
    assert_eq!(browser.get("/o/acme").await.status, StatusCode::OK);

    // The planted pre-sign-in key is worthless.
    let planted = Browser::new(&app);
    planted.set_session_cookie(&before);
    assert_eq!(planted.get("/o/acme").await.status, StatusCode::SEE_OTHER);

    assert_eq!(
        browser.post("/signout", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let replay = Browser::new(&app);
    replay.set_session_cookie(&after);
    let page = replay.get("/o/acme").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page
        .header("location")
        .unwrap_or_default()
        .starts_with("/signin"));
    assert_eq!(
        app.count(&format!("SELECT 1 FROM sessions WHERE account_id = '{id}'")),
        0
    );
}

/// The account and memberships come with the session row in one query; what a page sees is
/// never older than its request, and none of it is written into the session row.
#[actix_web::test]
async fn each_request_sees_the_current_account_and_stores_none_of_it() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("bravo", "Bravo Buildings");
    let id = app.create_account("ann@example.com");
    app.add_member("acme", id, Role::Manager);
    let browser = Browser::new(&app);
    browser.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(browser.get("/o/acme").await.status, StatusCode::OK);
    assert_eq!(browser.get("/o/bravo").await.status, StatusCode::NOT_FOUND);

    // Joined to bravo and removed from acme between two requests: the next one knows.
    app.add_member("bravo", id, Role::ReadOnly);
    app.execute(&format!(
        "DELETE FROM memberships m USING organizations o \
         WHERE m.organization_id = o.id AND o.slug = 'acme' AND m.account_id = '{id}'"
    ));
    assert_eq!(browser.get("/o/bravo").await.status, StatusCode::OK);
    assert_eq!(browser.get("/o/acme").await.status, StatusCode::NOT_FOUND);

    // The session row holds the session's own keys only, however many requests it served.
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM sessions WHERE account_id = '{id}' \
             AND (state ? '_signed_in' OR state::text ILIKE '%ann@example.com%')"
        )),
        0
    );
    // A request pushes the idle expiry forward (in the same statement that loads the session).
    app.execute(&format!(
        "UPDATE sessions SET expires_at = now() + interval '5 minutes' WHERE account_id = '{id}'"
    ));
    assert_eq!(browser.get("/o/bravo").await.status, StatusCode::OK);
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM sessions WHERE account_id = '{id}' \
             AND expires_at > now() + interval '1 hour'"
        )),
        1
    );
}

#[actix_web::test]
async fn a_password_change_ends_the_other_sessions() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let id = app.create_account("ann@example.com");
    app.add_member("acme", id, Role::Manager);
    let laptop = Browser::new(&app);
    laptop.sign_in("ann@example.com", PASSWORD).await;
    let phone = Browser::new(&app);
    phone.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(phone.get("/o/acme").await.status, StatusCode::OK);

    laptop.get("/account").await;
    let weak = laptop
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "password1234"),
                ("new_password_confirm", "password1234"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("too easy to guess"));

    let page = laptop
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "copper cable winding drum"),
                ("new_password_confirm", "copper cable winding drum"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        laptop.get("/o/acme").await.status,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        phone.get("/o/acme").await.status,
        StatusCode::SEE_OTHER,
        "others end"
    );
    let again = Browser::new(&app);
    assert_eq!(
        again
            .sign_in("ann@example.com", "copper cable winding drum")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn a_suspended_account_is_signed_out_and_a_suspended_org_shows_a_notice() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let id = app.create_account("ann@example.com");
    app.add_member("acme", id, Role::Manager);
    let browser = Browser::new(&app);
    browser.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(browser.get("/o/acme").await.status, StatusCode::OK);
    sitesync::auth::accounts::set_active(&mut app.conn(), id, false).expect("suspend");
    assert_eq!(browser.get("/o/acme").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        Browser::new(&app)
            .sign_in("ann@example.com", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    // A platform admin suspends the organization: members see a notice.
    let member = app.member("acme", Role::Owner).await;
    let admin_id = app.create_account("root@example.com");
    sitesync::auth::accounts::set_platform_admin(&mut app.conn(), "root@example.com", true)
        .expect("admin");
    let admin = Browser::new(&app);
    admin.sign_in("root@example.com", PASSWORD).await;
    let list = admin.get("/admin/organizations").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Acme Lifts"));
    let org_id = harness::text(
        &mut app.conn(),
        "SELECT id::text AS value FROM organizations WHERE slug = 'acme'",
    );
    let page = admin
        .post(&format!("/admin/organizations/{org_id}/suspend"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let notice = member.get("/o/acme").await;
    assert_eq!(notice.status, StatusCode::FORBIDDEN);
    assert!(notice.body.contains("suspended"));
    admin
        .post(&format!("/admin/organizations/{org_id}/unsuspend"), &[])
        .await;
    assert_eq!(member.get("/o/acme").await.status, StatusCode::OK);
    // Not an admin: the admin pages do not exist.
    assert_eq!(
        member.get("/admin/organizations").await.status,
        StatusCode::NOT_FOUND
    );
    let _ = admin_id;
}

#[actix_web::test]
async fn sign_in_is_throttled_and_does_not_reveal_accounts() {
    let app = TestApp::new().await;
    app.create_account("ann@example.com");
    let browser = Browser::new(&app);
    let unknown = browser.sign_in("nobody@example.com", PASSWORD).await;
    let wrong = browser
        .sign_in("ann@example.com", "not the password at all")
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let message = "The email or password is not correct.";
    assert!(unknown.body.contains(message) && wrong.body.contains(message));
    for _ in 0..4 {
        browser
            .sign_in("ann@example.com", "still not the password")
            .await;
    }
    let locked = browser.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        locked.body.contains("try again in 1 minute."),
        "the first pause is short: {}",
        locked.body
    );
    assert!(locked.body.contains("ann@example.com"), "email kept");
    assert!(app.count("SELECT 1 FROM login_attempts WHERE NOT succeeded") >= 5);
    assert!(app.count("SELECT 1 FROM security_events WHERE event_type = 'sign_in_throttled'") >= 1);
}

#[actix_web::test]
async fn unsafe_requests_need_the_csrf_token() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let owner = app.member("acme", Role::Owner).await;
    owner.get("/o/acme/members").await;
    let fields = [("email", "x@example.com"), ("role", "readonly")];
    let missing = owner.post_raw("/o/acme/members/invitations", &fields).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let wrong = owner
        .post_raw(
            "/o/acme/members/invitations",
            &[
                ("email", "x@example.com"),
                ("role", "readonly"),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(
        wrong.header("content-security-policy").is_some(),
        "refusals are normal pages"
    );
    assert_eq!(app.count("SELECT 1 FROM invitations"), 0, "nothing changed");

    let htmx = owner
        .post_htmx("/o/acme/members/invitations", &fields)
        .await;
    assert_eq!(htmx.status, StatusCode::OK);
    assert_eq!(app.count("SELECT 1 FROM invitations"), 1);

    let cross_site = app
        .request(
            app.post_request("/o/acme/members/invitations")
                .insert_header(("Cookie", owner.cookie_header()))
                .insert_header(("X-CSRF-Token", owner.csrf()))
                .insert_header(("Sec-Fetch-Site", "cross-site")),
        )
        .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn bad_sign_up_input_is_refused_with_the_form_kept() {
    let app = TestApp::new().await;
    let browser = Browser::new(&app);
    browser.get("/signup").await;
    let huge = "x".repeat(1024 * 1024);
    let cases: Vec<[(&str, &str); 5]> = vec![
        [
            ("first_name", &huge),
            ("last_name", "Lee"),
            ("email", "ann@example.com"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
        [
            ("first_name", "Ann"),
            ("last_name", "Lee"),
            ("email", "not-an-email"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
        [
            ("first_name", "Ann\0"),
            ("last_name", "Lee"),
            ("email", "ann@example.com"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
        [
            ("first_name", "Ann"),
            ("last_name", "Lee"),
            ("email", "ann@example.com"),
            ("password", PASSWORD),
            ("password_confirm", "something else entirely"),
        ],
        [
            ("first_name", "Ann"),
            ("last_name", "Lee"),
            ("email", "ann@example.com"),
            ("password", "ann@example.com"),
            ("password_confirm", "ann@example.com"),
        ],
    ];
    for fields in cases {
        let page = browser.post("/signup", &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("value=\"Lee\""), "form re-filled");
        assert!(!page.body.contains(PASSWORD), "passwords are never echoed");
    }
    assert_eq!(app.count("SELECT 1 FROM accounts"), 0);
    let ok = browser
        .post(
            "/signup",
            &[
                ("first_name", "Ann"),
                ("last_name", "Lee"),
                ("email", "Ann@Example.com"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("Check your email"));
    assert_eq!(
        app.count("SELECT 1 FROM accounts WHERE email = 'ann@example.com'"),
        1
    );
    let again = Browser::new(&app);
    again.get("/signup").await;
    let duplicate = again
        .post(
            "/signup",
            &[
                ("first_name", "Ann"),
                ("last_name", "Lee"),
                ("email", "ANN@example.com"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    // The same answer as for a new address; the owner is told by email instead.
    assert_eq!(duplicate.status, StatusCode::OK);
    assert!(duplicate.body.contains("Check your email"));
    assert!(!duplicate.body.contains("already exists"));
    assert_eq!(app.mail_to("ann@example.com").len(), 2);
}

#[actix_web::test]
async fn starting_an_organization_signs_up_its_owner_in_one_go() {
    let app = TestApp::new().await;
    let browser = Browser::new(&app);
    browser.get("/signup/organization").await;
    let suggestion = browser
        .get_htmx("/signup/organization/slug?organization_name=Harbour+City+Lifts")
        .await;
    assert!(suggestion.body.contains("value=\"harbour_city_lifts\""));
    assert!(suggestion.body.contains("Available"));
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
    let page = browser
        .post(
            "/signup/organization",
            &fields("harbour", "olivia@example.com"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Check your email"));
    let link = app.mail_to("olivia@example.com")[0].link("/account/confirm/");
    let confirmed = browser.post(&link, &[]).await;
    assert_eq!(confirmed.header("location"), Some("/o/harbour"));
    let home = browser.get("/o/harbour").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Harbour City Lifts"));
    assert_eq!(
        app.count("SELECT 1 FROM memberships WHERE role = 'owner'"),
        1
    );
    assert_eq!(
        app.count(
            "SELECT 1 FROM org_harbour.audit_events WHERE event_type = 'organization_created'"
        ),
        1
    );

    // A taken slug: nothing is created, not even the account.
    let second = Browser::new(&app);
    second.get("/signup/organization").await;
    let taken = second
        .get_htmx("/signup/organization/slug?slug=harbour&slug_edited=1")
        .await;
    assert!(taken.body.contains("Already taken"));
    let page = second
        .post(
            "/signup/organization",
            &fields("harbour", "second@example.com"),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("already taken"));
    assert!(page.body.contains("value=\"second@example.com\""));
    assert_eq!(
        app.count("SELECT 1 FROM accounts WHERE email = 'second@example.com'"),
        0
    );
}

#[actix_web::test]
async fn invitations_bring_people_in_once() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let owner = app.member("acme", Role::Owner).await;
    owner.get("/o/acme/members").await;
    let page = owner
        .post(
            "/o/acme/members/invitations",
            &[("email", "New.Tech@example.com"), ("role", "technician")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let start = page.body.find("/invitations/").expect("link shown");
    let path: String = page.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    assert_eq!(
        app.count("SELECT 1 FROM invitations WHERE token_hash IS NOT NULL"),
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM invitations WHERE encode(token_hash, 'hex') LIKE '%{}%'",
            &path[13..]
        )),
        0,
        "only the token's hash is stored"
    );

    let invitee = Browser::new(&app);
    let landing = invitee.get(&path).await;
    assert!(landing.body.contains("Acme Lifts"));
    let joined = invitee
        .post(
            &path,
            &[
                ("first_name", "New"),
                ("last_name", "Tech"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    assert_eq!(invitee.get("/o/acme").await.status, StatusCode::OK);
    assert_eq!(app.count("SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE a.email = 'new.tech@example.com' AND m.role = 'technician'"), 1);

    let reuse = Browser::new(&app).get(&path).await;
    assert!(reuse.body.contains("already been used"));
}

#[actix_web::test]
async fn the_last_owner_stays() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let owner = app.member("acme", Role::Owner).await;
    owner.get("/o/acme/members").await;
    let membership = harness::text(
        &mut app.conn(),
        "SELECT id::text AS value FROM memberships WHERE role = 'owner'",
    );
    let demote = owner
        .post(
            &format!("/o/acme/members/{membership}/role"),
            &[("role", "manager")],
        )
        .await;
    assert_eq!(demote.status, StatusCode::CONFLICT);
    let remove = owner
        .post(&format!("/o/acme/members/{membership}/remove"), &[])
        .await;
    assert_eq!(remove.status, StatusCode::CONFLICT);
    assert_eq!(
        app.count("SELECT 1 FROM memberships WHERE role = 'owner'"),
        1
    );

    // An admin cannot touch owners; a membership of another organization is not found.
    let admin = app.member("acme", Role::Admin).await;
    admin.get("/o/acme/members").await;
    let page = admin
        .post(&format!("/o/acme/members/{membership}/remove"), &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    app.create_org("bravo", "Bravo");
    let other = app.member("bravo", Role::Manager).await;
    let _ = other;
    let foreign = harness::text(&mut app.conn(), "SELECT m.id::text AS value FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE o.slug = 'bravo'");
    let page = owner
        .post(&format!("/o/acme/members/{foreign}/remove"), &[])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count(&format!("SELECT 1 FROM memberships WHERE id = '{foreign}'")),
        1
    );
}

fn actor(i: usize) -> Actor {
    Actor {
        account_id: uuid::Uuid::new_v4(),
        email: format!("writer{i}@example.com"),
        display_name: format!("Writer {i}"),
        meta: RequestMeta {
            ip: "127.0.0.1".into(),
            user_agent: "test".into(),
            request_id: format!("r{i}"),
        },
        actor_type: "user",
    }
}

#[actix_web::test]
async fn the_audit_chain_never_forks_and_tampering_is_named() {
    let app = TestApp::with_pool_size(12).await;
    app.create_org("acme", "Acme Lifts");
    std::thread::scope(|scope| {
        for i in 0..50 {
            let db = app.db.clone();
            scope.spawn(move || {
                let mut conn = db.get().expect("connection");
                harness::in_org(&mut conn, "acme", |conn, _| -> Result<i64, TenancyError> {
                    Ok(audit::record(
                        conn,
                        &actor(i),
                        AuditEvent::new("site_updated", "site", i)
                            .data(serde_json::json!({ "n": i, "note": "Lift 2 \u{2014} ok" })),
                    )?)
                })
                .expect("audited change");
            });
        }
    });
    let status = harness::in_org(
        &mut app.conn(),
        "acme",
        |conn, _| -> Result<_, TenancyError> { Ok(chain::verify(conn)?) },
    )
    .expect("verify");
    assert_eq!(status, chain::ChainStatus::Intact { events: 50 });

    // The org's own role cannot rewrite history.
    let refused = harness::in_org(
        &mut app.conn(),
        "acme",
        |conn, _| -> Result<usize, TenancyError> {
            Ok(
                diesel::sql_query("UPDATE audit_events SET event_type = 'x' WHERE seq = 1")
                    .execute(conn)?,
            )
        },
    );
    assert!(refused
        .unwrap_err()
        .to_string()
        .contains("permission denied"));

    diesel::sql_query(
        "UPDATE org_acme.audit_events SET event_data = '{\"n\": 999}' WHERE seq = 17",
    )
    .execute(&mut *app.conn())
    .expect("tamper as the owner");
    let output = Command::new(env!("CARGO_BIN_EXE_sitesync"))
        .args(["audit", "verify", "--org", "acme"])
        .env("DATABASE_URL", &app.url)
        .env("SITESYNC_DATA_DIR", harness::temp_dir("cli"))
        .output()
        .expect("run audit verify");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("#17"), "{stderr}");
}

#[actix_web::test]
async fn settings_changes_are_validated_and_audited() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let admin = app.member("acme", Role::Admin).await;
    let page = admin.get("/o/acme/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    let fields = |name: &'static str, tz: &'static str| {
        vec![
            ("name", name),
            ("organization_type", "building_owner"),
            ("contact_email", "office@acme.example"),
            ("country", "Australia"),
            ("timezone", tz),
            ("currency", "AUD"),
            ("date_format", "DD/MM/YYYY"),
        ]
    };
    let bad = admin
        .post("/o/acme/settings", &fields("Acme Towers", "Mars/Olympus"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"Acme Towers\""));
    assert_eq!(
        app.count("SELECT 1 FROM organizations WHERE name = 'Acme Towers'"),
        0
    );
    let ok = admin
        .post(
            "/o/acme/settings",
            &fields("Acme Towers", "Australia/Perth"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(
        app.count("SELECT 1 FROM organizations WHERE name = 'Acme Towers' AND settings->>'timezone' = 'Australia/Perth'"),
        1
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'organization_settings_updated'"),
        1
    );
    let manager = app.member("acme", Role::Manager).await;
    assert_eq!(
        manager.get("/o/acme/settings").await.status,
        StatusCode::FORBIDDEN
    );
    let refused = manager
        .post("/o/acme/settings", &fields("Hijacked", "Australia/Perth"))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT 1 FROM organizations WHERE name = 'Hijacked'"),
        0
    );
}

#[actix_web::test]
async fn notifications_reach_only_their_recipient() {
    use sitesync::notifications::{notify, NewNotification};
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let ann = app.create_account("ann@example.com");
    app.create_account("bob@example.com");
    notify(
        &mut app.conn(),
        &[ann],
        &NewNotification {
            kind: "test",
            title: "<b>Lift 2</b> reported",
            body: "",
            link: "/account",
            organization_id: None,
        },
    )
    .expect("notify");
    let browser = Browser::new(&app);
    browser.sign_in("ann@example.com", PASSWORD).await;
    let bell = browser.get_htmx("/notifications/bell").await;
    assert!(bell.body.contains(">1<"), "{}", bell.body);
    let list = browser.get("/notifications").await;
    assert!(
        list.body.contains("&#60;b&#62;Lift 2&#60;/b&#62; reported")
            || list.body.contains("&lt;b&gt;Lift 2"),
        "escaped: {}",
        list.body
    );
    assert!(!list.body.contains("<b>Lift 2"));
    let id = harness::text(
        &mut app.conn(),
        "SELECT id::text AS value FROM notifications",
    );

    let bob = Browser::new(&app);
    bob.sign_in("bob@example.com", PASSWORD).await;
    bob.get("/notifications").await;
    assert_eq!(
        bob.post(&format!("/notifications/{id}/open"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let opened = browser
        .post(&format!("/notifications/{id}/open"), &[])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    assert_eq!(opened.header("location"), Some("/account"));
    assert_eq!(
        app.count("SELECT 1 FROM notifications WHERE read_at IS NULL"),
        0
    );
}

/// A stranger's wrong guesses pause the email, but the right password from a browser the owner
/// signed in from before passes; each further wrong guess doubles the pause.
#[actix_web::test]
async fn guesses_cannot_lock_the_owner_out_of_a_known_browser() {
    let app = TestApp::new().await;
    app.create_account("ann@example.com");
    let own_laptop = Browser::new(&app);
    let first = own_laptop.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert!(own_laptop.cookie_header().contains("sitesync_device="));
    own_laptop.sign_out().await;

    let stranger = Browser::new(&app);
    for _ in 0..5 {
        stranger
            .sign_in("ann@example.com", "a wrong guess here")
            .await;
    }
    let first_pause = stranger
        .sign_in("ann@example.com", "a wrong guess here")
        .await;
    assert!(first_pause.body.contains("try again in 1 minute."));
    // A minute and a half later the pause is over; one more wrong guess doubles it.
    app.execute("UPDATE login_attempts SET attempted_at = attempted_at - interval '90 seconds'");
    stranger
        .sign_in("ann@example.com", "a wrong guess here")
        .await;
    let paused = stranger.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        paused.body.contains("try again in 2 minutes"),
        "{}",
        paused.body
    );
    let elsewhere = Browser::new(&app)
        .sign_in("ann@example.com", PASSWORD)
        .await;
    assert_eq!(elsewhere.status, StatusCode::TOO_MANY_REQUESTS);

    let back = own_laptop.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(own_laptop.get("/account").await.status, StatusCode::OK);
    // Her success starts the count afresh. Another account's known device does not count for
    // Ann once guesses pause her email again.
    app.create_account("tom@example.com");
    let toms = Browser::new(&app);
    toms.sign_in("tom@example.com", PASSWORD).await;
    toms.sign_out().await;
    for _ in 0..5 {
        stranger
            .sign_in("ann@example.com", "more wrong guesses")
            .await;
    }
    let borrowed = toms.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(borrowed.status, StatusCode::TOO_MANY_REQUESTS);
}

/// Signs in from the office's shared address (a proxy the test server trusts forwards it).
async fn office(browser: &Browser<'_>, email: &str, password: &str) -> harness::Page {
    browser.get("/signin").await;
    browser
        .post_with_header(
            "/signin",
            ("X-Forwarded-For", "203.0.113.7"),
            &[("email", email), ("password", password)],
        )
        .await
}

/// Several people behind one office address mistyping now and then never lock each other out;
/// one address failing for many different emails is paused.
#[actix_web::test]
async fn a_shared_office_address_is_not_punished() {
    let app = TestApp::new().await;
    for n in 0..6 {
        app.create_account(&format!("staff{n}@example.com"));
    }
    let someone = Browser::new(&app);
    for n in 0..5 {
        for _ in 0..3 {
            office(
                &someone,
                &format!("staff{n}@example.com"),
                "mistyped password",
            )
            .await;
        }
    }
    let colleague = Browser::new(&app);
    let page = office(&colleague, "staff5@example.com", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let attacker = Browser::new(&app);
    for n in 0..20 {
        office(&attacker, &format!("victim{n}@example.com"), "guess").await;
    }
    let after = office(&Browser::new(&app), "staff4@example.com", PASSWORD).await;
    assert_eq!(after.status, StatusCode::TOO_MANY_REQUESTS);
}

#[actix_web::test]
async fn sign_up_is_throttled_per_address_and_keeps_the_form() {
    let app = TestApp::new().await;
    let browser = Browser::new(&app);
    browser.get("/signup").await;
    for n in 0..10 {
        let page = browser
            .post(
                "/signup",
                &[
                    ("first_name", "Sign"),
                    ("last_name", "Up"),
                    ("email", &format!("new{n}@example.com")),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        browser.get("/signup").await;
    }
    let page = browser
        .post(
            "/signup",
            &[
                ("first_name", "Eleventh"),
                ("last_name", "Person"),
                ("email", "eleventh@example.com"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page
        .body
        .contains("Too many accounts were created from your network"));
    assert!(
        page.body.contains("eleventh@example.com"),
        "the entry is kept"
    );
    assert_eq!(
        app.count("SELECT 1 FROM accounts WHERE email = 'eleventh@example.com'"),
        0
    );
}
