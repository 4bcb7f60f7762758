//! Deleting data: an organization (scheduled, restorable, then purged with nothing left but a
//! tombstone) and a person's own account (what they wrote for others stays, anonymised).

use std::process::Command;

use actix_web::http::StatusCode;
use chrono::Utc;
use sitesync::admin::audit::PlatformActor;
use sitesync::auth::deletion::DELETED_USER;
use sitesync::auth::roles::Role;
use sitesync::orgs::deletion::{self, DeletionError};

use crate::dashboard::drain;
use crate::harness::{self, Browser, TestApp, PASSWORD};

fn operator() -> PlatformActor {
    PlatformActor::operator()
}

#[actix_web::test]
async fn an_organization_is_suspended_restorable_then_purged_without_a_trace() {
    let app = TestApp::new().await;
    let org = app.create_org("doomed", "Doomed Lifts");
    let keeper = app.create_org("keeper", "Keeper Lifts");
    let owner = app.create_account("owner@doomed.test");
    app.add_member("doomed", owner, Role::Owner);
    app.add_member("keeper", owner, Role::Technician);
    let files = app.config.data_dir.join("files");
    let folder = files.join(format!("attachments/{}", org.id));
    std::fs::create_dir_all(&folder).expect("folder");
    std::fs::write(folder.join("report.pdf"), b"%PDF-1.4").expect("file");
    let key_folder = files.join(format!("attachments/{}", keeper.id));
    std::fs::create_dir_all(&key_folder).expect("folder");
    std::fs::write(key_folder.join("kept.pdf"), b"%PDF-1.4").expect("file");

    // Scheduling suspends at once; a second request names the date; restoring undoes it.
    let purge_after = deletion::schedule(&mut app.conn(), "doomed", &operator()).expect("schedule");
    assert!(purge_after > Utc::now() + chrono::Duration::days(29));
    assert_eq!(
        app.count("SELECT 1 FROM organizations WHERE slug = 'doomed' AND suspended_at IS NOT NULL"),
        1
    );
    assert!(matches!(
        deletion::schedule(&mut app.conn(), "doomed", &operator()),
        Err(DeletionError::AlreadyScheduled { .. })
    ));
    deletion::restore(&mut app.conn(), "doomed", &operator()).expect("restore");
    assert_eq!(
        app.count("SELECT 1 FROM organizations WHERE slug = 'doomed' AND suspended_at IS NULL AND purge_after IS NULL"),
        1
    );
    assert!(matches!(
        deletion::restore(&mut app.conn(), "doomed", &operator()),
        Err(DeletionError::NotScheduled(_))
    ));

    // Within the grace period the worker leaves it alone.
    deletion::schedule(&mut app.conn(), "doomed", &operator()).expect("schedule again");
    let worker = app.worker();
    drain(&app.db, &worker, Utc::now());
    assert_eq!(
        app.count("SELECT 1 FROM pg_namespace WHERE nspname = 'org_doomed'"),
        1
    );

    // After it, the worker purges it.
    app.execute(
        "UPDATE organizations SET purge_after = now() - interval '1 minute' WHERE slug = 'doomed'",
    );
    drain(&app.db, &worker, Utc::now());
    let id = org.id;
    assert_eq!(
        app.count("SELECT 1 FROM pg_namespace WHERE nspname = 'org_doomed'"),
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM pg_roles WHERE rolname = '{}'",
            org.role_name
        )),
        0
    );
    for table in [
        "memberships",
        "invitations",
        "notifications",
        "background_jobs",
        "api_keys",
    ] {
        assert_eq!(
            app.count(&format!(
                "SELECT 1 FROM {table} WHERE organization_id = '{id}'"
            )),
            0,
            "{table} still names the organization"
        );
    }
    assert!(!folder.exists(), "its files are gone");
    assert!(
        key_folder.join("kept.pdf").exists(),
        "another organization's files stay"
    );
    // The tombstone keeps the id and the web address (never handed out again), nothing else.
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM organizations WHERE id = '{id}' AND deleted_at IS NOT NULL \
             AND name = 'Deleted organization' AND contact_email IS NULL"
        )),
        1
    );
    let actions = harness::text(
        &mut app.conn(),
        &format!(
            "SELECT string_agg(action, ',' ORDER BY id) AS value FROM platform_audit \
             WHERE organization_id = '{id}'"
        ),
    );
    assert_eq!(
        actions,
        "organization.deletion_scheduled,organization.deletion_cancelled,\
         organization.deletion_scheduled,organization.purged"
    );
    // The person stays, with their other organization.
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM memberships WHERE account_id = '{owner}'"
        )),
        1
    );
    let former = Browser::new(&app);
    former.sign_in("owner@doomed.test", PASSWORD).await;
    assert_eq!(former.get("/o/doomed").await.status, StatusCode::NOT_FOUND);
    assert!(matches!(
        deletion::schedule(&mut app.conn(), "doomed", &operator()),
        Err(DeletionError::NotFound(_))
    ));
}

#[actix_web::test]
async fn platform_admins_delete_with_the_web_address_typed_and_can_restore() {
    let app = TestApp::new().await;
    let org = app.create_org("acme", "Acme Lifts");
    let admin_id = app.create_account("root@platform.test");
    app.execute(&format!(
        "UPDATE accounts SET is_platform_admin = true WHERE id = '{admin_id}'"
    ));
    let admin = Browser::new(&app);
    admin.sign_in("root@platform.test", PASSWORD).await;
    let page = admin.get("/admin/organizations").await;
    assert!(
        page.body.contains("Type <strong>acme</strong> to confirm"),
        "{}",
        page.body
    );

    let wrong = admin
        .post(
            &format!("/admin/organizations/{}/delete", org.id),
            &[("confirm", "acm")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("nothing was deleted"), "{}", wrong.body);
    assert_eq!(
        app.count("SELECT 1 FROM organizations WHERE purge_after IS NOT NULL"),
        0
    );

    let done = admin
        .post(
            &format!("/admin/organizations/{}/delete", org.id),
            &[("confirm", "acme")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let list = admin.get("/admin/organizations").await;
    assert!(list.body.contains("Deleted on"), "{}", list.body);
    assert!(list.body.contains("Restore Acme Lifts"), "{}", list.body);

    // Another organization's members cannot do it.
    let outsider = app.member("acme", Role::Owner).await;
    let refused = outsider
        .post(&format!("/admin/organizations/{}/restore", org.id), &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let restored = admin
        .post(&format!("/admin/organizations/{}/restore", org.id), &[])
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT 1 FROM organizations WHERE slug = 'acme' AND purge_after IS NULL AND suspended_at IS NULL"),
        1
    );
}

#[test]
fn the_command_line_names_an_unknown_organization() {
    let url = harness::fresh_database();
    let out = Command::new(env!("CARGO_BIN_EXE_sitesync"))
        .args(["org", "delete", "--slug", "no-such-org"])
        .env("DATABASE_URL", &url)
        .env("SITESYNC_DATA_DIR", harness::temp_dir("delete-cli"))
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no organization with the web address \"no-such-org\""),
        "{stderr}"
    );
}

fn forum_category(app: &TestApp) -> String {
    harness::text(
        &mut app.conn(),
        "SELECT slug AS value FROM forum_categories WHERE organization_id IS NULL ORDER BY slug LIMIT 1",
    )
}

#[actix_web::test]
async fn a_person_deletes_their_account_and_their_posts_stay_as_deleted_user() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let boss = app.member("acme", Role::Owner).await;
    drop(boss);
    let id = app.create_account("leaving@example.com");
    app.add_member("acme", id, Role::Technician);
    let person = Browser::new(&app);
    person.sign_in("leaving@example.com", PASSWORD).await;
    let category = forum_category(&app);
    person.get(&format!("/forum/c/{category}")).await;
    let posted = person
        .post(
            &format!("/forum/c/{category}/threads"),
            &[
                ("title", "Door operator keeps reversing"),
                ("body", "Seen on a 2009 controller."),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let thread = posted.header("location").expect("thread").to_string();

    let page = person.get("/account").await;
    assert!(page.body.contains("Delete your account"));
    let wrong = person
        .post("/account/delete", &[("delete_password", "not it")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("your account was not deleted"),
        "{}",
        wrong.body
    );
    assert_eq!(
        app.count(&format!("SELECT 1 FROM accounts WHERE id = '{id}'")),
        1
    );

    let gone = person
        .post("/account/delete", &[("delete_password", PASSWORD)])
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    for (table, column) in [
        ("accounts", "id"),
        ("memberships", "account_id"),
        ("sessions", "account_id"),
        ("forum_posts", "author_id"),
        ("forum_threads", "author_id"),
    ] {
        assert_eq!(
            app.count(&format!("SELECT 1 FROM {table} WHERE {column} = '{id}'")),
            0,
            "{table}.{column} still names the account"
        );
    }
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM forum_posts WHERE author_id = '{DELETED_USER}'"
        )),
        1
    );
    // Signed out, and the post reads as written by "deleted user".
    assert_eq!(person.get("/account").await.status, StatusCode::SEE_OTHER);
    let reader = app.member("acme", Role::ReadOnly).await;
    let shown = reader.get(&thread).await;
    assert!(shown.body.contains("deleted user"), "{}", shown.body);
    assert!(!shown.body.contains("leaving"), "{}", shown.body);
    // The placeholder cannot be signed into.
    let attempt = Browser::new(&app)
        .sign_in("deleted-user@accounts.invalid", "!")
        .await;
    assert_ne!(attempt.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn the_only_owner_cannot_leave_their_organization_ownerless() {
    let app = TestApp::new().await;
    app.create_org("solo", "Solo Lifts");
    let id = app.create_account("solo@example.com");
    app.add_member("solo", id, Role::Owner);
    let person = Browser::new(&app);
    person.sign_in("solo@example.com", PASSWORD).await;
    person.get("/account").await;
    let refused = person
        .post("/account/delete", &[("delete_password", PASSWORD)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("You are the only owner of Solo Lifts"),
        "{}",
        refused.body
    );
    assert_eq!(
        app.count(&format!("SELECT 1 FROM accounts WHERE id = '{id}'")),
        1
    );
}
