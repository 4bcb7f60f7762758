//! API keys on the settings page: made and shown once, stored hashed, refused input kept,
//! owners and admins only, revoked or expired keys refused, hourly limits, isolation.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use super::{call, get, key_in, make_key};
use crate::harness::{text, TestApp};

#[actix_web::test]
async fn a_key_is_shown_once_stored_hashed_and_acts_as_the_organization_in_the_audit_trail() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let admin = app.member("acme", Role::Admin).await;
    let key = make_key(&admin, "acme", &["sites:read", "work_orders:write"], "1000").await;
    assert!(key.starts_with("ss_live_"));
    // Only the prefix and a hash are kept; the listing never shows the key again.
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM api_keys WHERE key_hash = '{}'",
            sitesync::api::keys::hash(&key)
        )),
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM api_keys WHERE key_prefix = '{}'",
            &key[..16]
        )),
        1
    );
    let listing = admin.get("/o/acme/settings/api-keys").await;
    assert!(listing.body.contains(&key[..16]));
    assert!(!listing.body.contains(&key), "the key is shown only once");
    assert!(key_in(&listing.body).is_none());
    assert!(listing.body.contains("sites:read") && listing.body.contains("Never"));

    let sites = get(&app, "/api/v1/sites", &key).await;
    assert_eq!(sites.status, StatusCode::OK);
    let created = text(
        &mut app.conn(),
        "SELECT actor_type || ' ' || actor_email AS value FROM org_acme.audit_events \
         WHERE event_type = 'api_key.created'",
    );
    assert!(created.starts_with("user "), "{created}");
}

#[actix_web::test]
async fn bad_key_forms_are_refused_with_what_was_typed_and_only_admins_manage_keys() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let admin = app.member("acme", Role::Admin).await;
    admin.get("/o/acme/settings/api-keys").await;
    let page = admin
        .post(
            "/o/acme/settings/api-keys",
            &[
                ("name", "Monitoring box <b>"),
                ("scopes", "root:everything"),
                ("expires_on", "2001-01-01"),
                ("rate_limit_per_hour", "1000000000"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("Monitoring box &#60;b&#62;")
            || page.body.contains("Monitoring box &lt;b&gt;"),
        "what was typed is kept: {}",
        page.body
    );
    assert!(page.body.contains("Choose scopes from the list."));
    assert!(page
        .body
        .contains("Enter a whole number of requests from 1 to 100000."));
    assert_eq!(app.count("SELECT 1 FROM api_keys"), 0);

    let manager = app.member("acme", Role::Manager).await;
    assert_eq!(
        manager.get("/o/acme/settings/api-keys").await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn revoked_expired_and_malformed_keys_are_refused_with_401() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let admin = app.member("acme", Role::Admin).await;
    let key = make_key(&admin, "acme", &["sites:read"], "1000").await;
    assert_eq!(
        get(&app, "/api/v1/sites", &key).await.status,
        StatusCode::OK
    );

    let missing = call(&app, "GET", "/api/v1/sites", None, &[], None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert!(missing.header("www-authenticate").is_some());
    let made_up = format!("{}{}", &key[..16], "x".repeat(32));
    assert_eq!(
        get(&app, "/api/v1/sites", &made_up).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&app, "/api/v1/sites", "ss_live_short").await.status,
        StatusCode::UNAUTHORIZED
    );

    let id = text(&mut app.conn(), "SELECT id::text AS value FROM api_keys");
    admin.get("/o/acme/settings/api-keys").await;
    let revoked = admin
        .post(&format!("/o/acme/settings/api-keys/{id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let refused = get(&app, "/api/v1/sites", &key).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.json["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("revoked"));
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'api_key.revoked'"),
        1
    );

    let expiring = make_key(&admin, "acme", &["sites:read"], "1000").await;
    app.execute(&format!(
        "UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE key_prefix = '{}'",
        &expiring[..16]
    ));
    // A key read in the last few seconds may be remembered; a fresh server reads it anew.
    let other_server = app.beside().await;
    let expired = get(&other_server, "/api/v1/sites", &expiring).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert!(expired.json["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("expired"));
}

#[actix_web::test]
async fn past_the_hourly_limit_requests_get_429_with_retry_after_on_every_server() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let admin = app.member("acme", Role::Admin).await;
    let key = make_key(&admin, "acme", &["sites:read"], "3").await;
    let second = app.beside().await;
    assert_eq!(
        get(&app, "/api/v1/sites", &key).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&second, "/api/v1/sites", &key).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&app, "/api/v1/sites", &key).await.status,
        StatusCode::OK
    );
    let limited = get(&second, "/api/v1/sites", &key).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited
        .header("retry-after")
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    assert!((1..=3600).contains(&wait), "Retry-After {wait}");
}

#[actix_web::test]
async fn a_key_is_limited_to_its_scopes_and_to_its_own_organization() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("rival", "Rival Lifts");
    let admin = app.member("acme", Role::Admin).await;
    let rival_admin = app.member("rival", Role::Admin).await;
    let rival_manager = app.member("rival", Role::Manager).await;
    let rival_site = crate::fixtures::site(&rival_manager, "rival", "Rival Tower").await;
    let key = make_key(&admin, "acme", &["sites:read"], "1000").await;
    let rival_key = make_key(&rival_admin, "rival", &["sites:read"], "1000").await;

    let forbidden = get(&app, "/api/v1/work-orders", &key).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(forbidden.json["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("work_orders:read"));

    assert_eq!(
        get(&app, &format!("/api/v1/sites/{rival_site}"), &key)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, &format!("/api/v1/sites/{rival_site}"), &rival_key)
            .await
            .status,
        StatusCode::OK
    );
    let ours = get(&app, "/api/v1/sites", &key).await;
    assert_eq!(ours.json["data"].as_array().map(Vec::len), Some(0));

    // Another organization's key ids cannot be revoked from here.
    let rival_key_id = text(
        &mut app.conn(),
        &format!(
            "SELECT id::text AS value FROM api_keys WHERE key_prefix = '{}'",
            &rival_key[..16]
        ),
    );
    admin.get("/o/acme/settings/api-keys").await;
    let tampered = admin
        .post(
            &format!("/o/acme/settings/api-keys/{rival_key_id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(tampered.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&app, "/api/v1/sites", &rival_key).await.status,
        StatusCode::OK
    );
}
