//! Tenancy, migrations, organization creation, static files and security headers.

use std::process::Command;

use awc::http::StatusCode;
use diesel::prelude::*;
use sitesync::orgs::provision::{self, CreateError, NewOrganization};
use sitesync::orgs::TenancyError;

use sitesync::auth::roles::Role;

use crate::harness::{self, text, TestApp};

fn add_site(app: &TestApp, slug: &str, name: &str) {
    let mut conn = app.conn();
    harness::in_org(&mut conn, slug, |conn, _| {
        diesel::sql_query("INSERT INTO sites (name, code) VALUES ($1, $1)")
            .bind::<diesel::sql_types::Text, _>(name)
            .execute(conn)
            .map_err(TenancyError::from)
    })
    .expect("insert site");
}

#[actix_web::test]
async fn org_home_shows_only_its_own_sites() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("bravo", "Bravo Buildings");
    add_site(&app, "acme", "Harbour Tower");

    let acme = app
        .member("acme", Role::ReadOnly)
        .await
        .get("/o/acme")
        .await;
    assert_eq!(acme.status, StatusCode::OK);
    assert!(acme.body.contains("Acme Lifts"));
    assert!(acme.body.contains("<dd>1</dd>"), "{}", acme.body);

    let bravo = app
        .member("bravo", Role::ReadOnly)
        .await
        .get("/o/bravo")
        .await;
    assert_eq!(bravo.status, StatusCode::OK);
    assert!(bravo.body.contains("Bravo Buildings"));
    assert!(bravo.body.contains("<dd>0</dd>"));
    assert!(!bravo.body.contains("Harbour Tower"));
}

#[actix_web::test]
async fn a_pooled_connection_carries_nothing_into_the_next_request() {
    let app = TestApp::with_pool_size(1).await;
    app.create_org("acme", "Acme Lifts");
    let default_path = text(
        &mut app.conn(),
        "SELECT current_setting('search_path') AS value",
    );
    let default_role = text(&mut app.conn(), "SELECT current_user::text AS value");

    let member = app.member("acme", Role::ReadOnly).await;
    assert_eq!(member.get("/o/acme").await.status, StatusCode::OK);

    // The pool has one connection: this is the one that served the request.
    let mut conn = app.conn();
    assert_eq!(
        text(&mut conn, "SELECT current_setting('search_path') AS value"),
        default_path
    );
    assert_eq!(
        text(&mut conn, "SELECT current_user::text AS value"),
        default_role
    );
    assert_eq!(
        text(&mut conn, "SELECT current_setting('role') AS value"),
        "none"
    );
}

/// A connection that has entered more organization schemas than allowed is replaced when it
/// goes back to the pool, so PostgreSQL's per-schema caches cannot grow without bound.
#[actix_web::test]
async fn a_connection_is_replaced_after_entering_too_many_organizations() {
    let app = TestApp::with_config(1, |c| c.pool_schemas_per_connection = 2).await;
    let backend = || text(&mut app.conn(), "SELECT pg_backend_pid()::text AS value");
    for slug in ["acme", "bravo", "coral"] {
        app.create_org(slug, slug);
    }
    let member = app.member("acme", Role::Manager).await;
    let account = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM accounts ORDER BY created_at DESC LIMIT 1",
    );
    for slug in ["bravo", "coral"] {
        app.add_member(slug, account.parse().expect("uuid"), Role::Manager);
    }

    assert_eq!(member.get("/o/acme").await.status, StatusCode::OK);
    let first = backend();
    assert_eq!(member.get("/o/bravo").await.status, StatusCode::OK);
    assert_eq!(member.get("/o/acme").await.status, StatusCode::OK);
    assert_eq!(backend(), first, "two schemas: the same connection");
    assert_eq!(member.get("/o/coral").await.status, StatusCode::OK);
    let second = backend();
    assert_ne!(second, first, "a third schema: replaced");
    assert_eq!(member.get("/o/coral").await.status, StatusCode::OK);
    assert_eq!(
        backend(),
        second,
        "the new connection starts counting afresh"
    );
}

/// `BEGIN` and the settings travel in one batch; when the settings fail (a role that no longer
/// exists), no transaction is left open on the pooled connection.
#[actix_web::test]
async fn a_failed_switch_leaves_the_connection_clean() {
    let app = TestApp::with_pool_size(1).await;
    let org = app.create_org("acme", "Acme Lifts");
    let mut conn = app.conn();
    let wrong = sitesync::orgs::OrgHandle {
        role_name: "org_no_such_role".into(),
        ..org.handle()
    };
    let outcome = sitesync::orgs::enter(&mut conn, &wrong, |_| Ok::<_, TenancyError>(()));
    assert!(outcome.is_err(), "an unknown role must fail the switch");
    // Left inside the aborted transaction, every query would fail until a ROLLBACK.
    assert_eq!(text(&mut conn, "SELECT 'usable' AS value"), "usable");
    let switched = sitesync::orgs::enter(&mut conn, &org.handle(), |conn| {
        Ok::<_, TenancyError>(text(conn, "SELECT current_user::text AS value"))
    });
    assert_eq!(switched.expect("the real role works"), org.role_name);
}

#[actix_web::test]
async fn another_orgs_schema_is_refused_by_the_database() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("bravo", "Bravo Buildings");
    add_site(&app, "acme", "Harbour Tower");
    let mut conn = app.conn();
    let outcome = harness::in_org(&mut conn, "bravo", |conn, _| {
        diesel::sql_query("SELECT id FROM org_acme.sites")
            .execute(conn)
            .map_err(TenancyError::from)
    });
    let error = outcome
        .expect_err("reading another org's schema must fail")
        .to_string();
    assert!(error.contains("permission denied"), "{error}");
}

#[actix_web::test]
async fn hostile_slugs_are_not_found() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let schemas_before = app.count("SELECT nspname FROM pg_namespace");
    let member = app.member("acme", Role::Owner).await;
    let long = format!("/o/{}", "a".repeat(500));
    for path in [
        "/o/ACME",
        "/o/acme;drop",
        "/o/..%2f",
        "/o/pg_catalog",
        "/o/public",
        "/o/information_schema",
        "/o/acme%27--",
        "/o/nosuchorg",
        long.as_str(),
    ] {
        let page = member.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("Page not found"), "{path}");
    }
    assert_eq!(
        app.count("SELECT nspname FROM pg_namespace"),
        schemas_before
    );
}

#[actix_web::test]
async fn migrations_are_idempotent_and_recorded_per_schema() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let mut conn = app.conn();
    sitesync::orgs::migrate::platform(&mut conn).expect("public again");
    let report = sitesync::orgs::migrate::all(&app.db, 2).expect("orgs");
    assert_eq!(report.migrated, vec!["org_acme".to_string()]);
    assert!(report.failed.is_empty());

    let org_versions = app.count("SELECT version FROM org_acme.__diesel_schema_migrations");
    assert!(org_versions >= 1);
    // None of the org versions were recorded in public's table.
    assert_eq!(
        app.count(
            "SELECT version FROM public.__diesel_schema_migrations \
             WHERE version IN (SELECT version FROM org_acme.__diesel_schema_migrations)"
        ),
        0
    );

    // An organization created later gets exactly the same tables.
    app.create_org("bravo", "Bravo Buildings");
    let tables = |schema: &str| {
        app.count(&format!(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = '{schema}'"
        ))
    };
    assert_eq!(tables("org_acme"), tables("org_bravo"));
    assert_eq!(
        app.count(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'org_acme' \
             EXCEPT SELECT table_name FROM information_schema.tables WHERE table_schema = 'org_bravo'"
        ),
        0
    );

    // Types and extensions exist once, in public.
    assert_eq!(
        app.count(
            "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE t.typtype = 'e' AND n.nspname LIKE 'org\\_%'"
        ),
        0
    );
    assert_eq!(
        app.count(
            "SELECT e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace \
             WHERE e.extname IN ('pg_trgm', 'citext') AND n.nspname = 'public'"
        ),
        2
    );
}

#[actix_web::test]
async fn migrate_reports_a_broken_schema_and_carries_on() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("bravo", "Bravo Buildings");
    app.create_org("charlie", "Charlie Estates");
    // Losing its record of applied versions makes bravo's migrations collide with its tables.
    diesel::sql_query("DROP TABLE org_bravo.__diesel_schema_migrations")
        .execute(&mut *app.conn())
        .expect("break bravo");

    let report = sitesync::orgs::migrate::all(&app.db, 2).expect("run");
    let mut migrated = report.migrated.clone();
    migrated.sort();
    assert_eq!(
        migrated,
        vec!["org_acme".to_string(), "org_charlie".to_string()]
    );
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, "org_bravo");

    let output = Command::new(env!("CARGO_BIN_EXE_sitesync"))
        .args(["migrate", "--jobs", "2"])
        .env("DATABASE_URL", &app.url)
        .env("SITESYNC_DATA_DIR", harness::temp_dir("cli"))
        .output()
        .expect("run migrate");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "migrate must fail: {stderr}");
    assert!(stderr.contains("org_bravo"), "{stderr}");
    assert!(!stderr.contains("org_acme"), "{stderr}");
}

#[actix_web::test]
async fn org_creation_refuses_reserved_and_duplicate_slugs_leaving_nothing() {
    let app = TestApp::new().await;
    let mut conn = app.conn();
    for reserved in [
        "public",
        "pg_catalog",
        "admin",
        "information_schema",
        "static",
    ] {
        let outcome = provision::create(
            &mut conn,
            &NewOrganization {
                name: "X",
                slug: reserved,
                organization_type: "service_company",
            },
        );
        assert!(matches!(outcome, Err(CreateError::Slug(_))), "{reserved}");
    }
    app.create_org("acme", "Acme Lifts");
    let duplicate = provision::create(
        &mut conn,
        &NewOrganization {
            name: "Another Acme",
            slug: "acme",
            organization_type: "service_company",
        },
    );
    assert!(matches!(duplicate, Err(CreateError::Taken(_))));
    assert_eq!(app.count("SELECT 1 FROM organizations"), 1);
    assert_eq!(
        app.count("SELECT 1 FROM pg_namespace WHERE nspname = 'org_acme'"),
        1
    );
    assert_eq!(
        app.count("SELECT 1 FROM pg_roles r JOIN organizations o ON o.role_name = r.rolname"),
        1
    );

    // A failure after the role and schema were made rolls them back too.
    let before_roles = app.count("SELECT 1 FROM pg_roles WHERE rolname LIKE 'org\\_bad\\_%'");
    let broken = provision::create(
        &mut conn,
        &NewOrganization {
            name: "Bad Type",
            slug: "bad",
            organization_type: "spaceship",
        },
    );
    assert!(broken.is_err());
    assert_eq!(
        app.count("SELECT 1 FROM pg_namespace WHERE nspname = 'org_bad'"),
        0
    );
    assert_eq!(
        app.count("SELECT 1 FROM pg_roles WHERE rolname LIKE 'org\\_bad\\_%'"),
        before_roles
    );

    let output = Command::new(env!("CARGO_BIN_EXE_sitesync"))
        .args(["org", "create", "--slug", "pg_x", "--name", "Sneaky"])
        .env("DATABASE_URL", &app.url)
        .env("SITESYNC_DATA_DIR", harness::temp_dir("cli"))
        .output()
        .expect("run org create");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("reserved"));

    let output = Command::new(env!("CARGO_BIN_EXE_sitesync"))
        .args(["org", "create", "--slug", "delta", "--name", "Delta Lifts"])
        .env("DATABASE_URL", &app.url)
        .env("SITESYNC_DATA_DIR", harness::temp_dir("cli"))
        .output()
        .expect("run org create");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(app.count("SELECT 1 FROM org_delta.sites"), 0);
}

fn assert_security_headers(page: &crate::harness::Page, what: &str) {
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}");
    assert!(
        csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"),
        "{what}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{what}");
    assert_eq!(
        page.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(page.header("x-frame-options"), Some("DENY"), "{what}");
    assert!(page.header("referrer-policy").is_some(), "{what}");
}

#[actix_web::test]
async fn static_files_and_security_headers() {
    let app = TestApp::new().await;
    let htmx = app.get("/static/vendor/htmx/htmx-2.0.11.min.js").await;
    assert_eq!(htmx.status, StatusCode::OK);
    assert!(htmx
        .header("content-type")
        .unwrap_or_default()
        .contains("javascript"));
    assert!(htmx.body.contains("htmx"));
    let etag = htmx.header("etag").expect("etag").to_string();
    assert_security_headers(&htmx, "static");

    let revalidated = app
        .request(
            app.get_request("/static/vendor/htmx/htmx-2.0.11.min.js")
                .insert_header(("If-None-Match", etag.as_str())),
        )
        .await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);

    let css = app.get("/static/css/app.css").await;
    assert!(css
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/css"));

    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("htmx-config"));
    assert!(home.body.contains("\"includeIndicatorStyles\":false"));
    assert!(!home.body.contains("<script>"), "no inline script");
    assert_security_headers(&home, "page");

    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("<html"));
    assert_security_headers(&missing, "404");

    let missing_static = app.get("/static/nope.js").await;
    assert_eq!(missing_static.status, StatusCode::NOT_FOUND);
    assert_security_headers(&missing_static, "static 404");
}

#[actix_web::test]
async fn htmx_requests_get_error_fragments() {
    let app = TestApp::new().await;
    let page = app.get_htmx("/o/no-such-org").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains("<html"));
    assert!(page.body.contains("role=\"alert\""));
    assert_eq!(page.header("hx-retarget"), Some("#alerts"));
}

#[actix_web::test]
async fn healthz_and_an_exhausted_pool() {
    let app = TestApp::with_pool_size(1).await;
    app.create_org("acme", "Acme Lifts");
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    let member = app.member("acme", Role::ReadOnly).await;

    let held = app.conn();
    let started = std::time::Instant::now();
    let page = member.get("/o/acme").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.body.contains("Temporarily unavailable"));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(
        app.get("/healthz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    drop(held);
    assert_eq!(member.get("/o/acme").await.status, StatusCode::OK);
}

/// An internal error shows the person a reference to quote, the same id as the response's
/// `X-Request-Id` (and the log line's), and nothing of its cause; the page frame still knows
/// who is signed in.
#[actix_web::test]
async fn an_internal_error_page_shows_the_request_id_and_no_cause() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let member = app.member("acme", Role::Manager).await;
    app.execute("DROP TABLE org_acme.elevators CASCADE");
    let page = member.get("/o/acme/elevators").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    let id = page.header("x-request-id").expect("request id").to_string();
    assert!(
        page.body
            .contains(&format!("<strong class=\"request-id\">{id}</strong>")),
        "{}",
        page.body
    );
    assert!(!page.body.contains("elevators"), "no cause shown");
    assert!(page.body.contains("Sign out"), "the signed-in frame");
    let fragment = member.get_htmx("/o/acme/elevators").await;
    assert_eq!(fragment.header("hx-retarget"), Some("#alerts"));
    assert!(fragment.body.contains("request-id"));
    assert!(!fragment.body.contains("<html"));
}
