//! Sites, lifts, fault reports and contractors through the API: paging that holds under
//! inserts, cursors that cannot be forged, lift status changes with versions, and a monitoring
//! unit's entrapment report raising the emergency.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use super::{call, get, make_key, post, ALL_SCOPES};
use crate::fixtures;
use crate::harness::TestApp;

#[actix_web::test]
async fn site_pages_walk_every_site_once_even_as_sites_are_added() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("rival", "Rival Lifts");
    let admin = app.member("acme", Role::Admin).await;
    let manager = app.member("acme", Role::Manager).await;
    for n in 0..5 {
        fixtures::site(&manager, "acme", &format!("Tower {n}")).await;
    }
    let key = make_key(&admin, "acme", ALL_SCOPES, "1000").await;
    let first = get(&app, "/api/v1/sites?limit=2", &key).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.json["data"].as_array().map(Vec::len), Some(2));
    let mut seen: Vec<String> = first.json["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["name"].as_str().unwrap_or_default().to_string())
        .collect();
    // A site added while the client walks the list comes at the end, not in the middle.
    fixtures::site(&manager, "acme", "Tower 5").await;
    let mut cursor = first.json["next_cursor"].as_str().map(str::to_string);
    while let Some(next) = cursor {
        let page = get(&app, &format!("/api/v1/sites?limit=2&cursor={next}"), &key).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.page.body);
        seen.extend(
            page.json["data"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| s["name"].as_str().unwrap_or_default().to_string()),
        );
        cursor = page.json["next_cursor"].as_str().map(str::to_string);
    }
    let expected: Vec<String> = (0..6).map(|n| format!("Tower {n}")).collect();
    assert_eq!(seen, expected);

    // The pages' filters apply.
    let filtered = get(&app, "/api/v1/sites?q=Tower%203", &key).await;
    assert_eq!(filtered.json["data"].as_array().map(Vec::len), Some(1));

    // A cursor altered, made up, or from another organization is refused; so is a huge limit.
    let cursor = first.json["next_cursor"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut altered = cursor.clone();
    altered.insert(3, 'A');
    for bad in [altered.as_str(), "bm90IGEgY3Vyc29y.AAAA"] {
        let refused = get(&app, &format!("/api/v1/sites?cursor={bad}"), &key).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.refused_field(), Some("cursor"));
    }
    let rival_admin = app.member("rival", Role::Admin).await;
    let rival_key = make_key(&rival_admin, "rival", &["sites:read"], "1000").await;
    let stolen = get(&app, &format!("/api/v1/sites?cursor={cursor}"), &rival_key).await;
    assert_eq!(stolen.status, StatusCode::UNPROCESSABLE_ENTITY);
    let huge = get(&app, "/api/v1/sites?limit=1000000000", &key).await;
    assert_eq!(huge.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(huge.refused_field(), Some("limit"));
    let words = get(&app, "/api/v1/sites?limit=lots", &key).await;
    assert_eq!(words.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        get(&app, "/api/v1/sites/not-a-uuid", &key).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/api/v1/nothing-here", &key).await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn a_lift_status_change_needs_the_current_etag_and_follows_the_pages_rules() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let admin = app.member("acme", Role::Admin).await;
    let manager = app.member("acme", Role::Manager).await;
    let site = fixtures::site(&manager, "acme", "Harbour Tower").await;
    let lift = fixtures::lift(&manager, "acme", &site, "L1").await;
    let key = make_key(&admin, "acme", ALL_SCOPES, "1000").await;
    let path = format!("/api/v1/elevators/{lift}");
    let read = get(&app, &path, &key).await;
    assert_eq!(read.json["status"], "operational");
    let etag = read.header("etag").unwrap_or_default().to_string();
    let status_path = format!("{path}/status");

    let body = r#"{"status": "out_of_service", "reason": "Controller fault E23"}"#;
    let without = call(&app, "POST", &status_path, Some(&key), &[], Some(body)).await;
    assert_eq!(without.status, StatusCode::PRECONDITION_REQUIRED);
    let no_reason = call(
        &app,
        "POST",
        &status_path,
        Some(&key),
        &[("If-Match", &etag)],
        Some(r#"{"status": "out_of_service"}"#),
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_reason.refused_field(), Some("reason"));
    let unknown = call(
        &app,
        "POST",
        &status_path,
        Some(&key),
        &[("If-Match", &etag)],
        Some(r#"{"status": "broken"}"#),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.refused_field(), Some("status"));

    let changed = call(
        &app,
        "POST",
        &status_path,
        Some(&key),
        &[("If-Match", &etag)],
        Some(body),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.page.body);
    assert_eq!(changed.json["status"], "out_of_service");
    // The same version again is stale: the change is refused and nothing overwritten.
    let stale = call(
        &app,
        "POST",
        &status_path,
        Some(&key),
        &[("If-Match", &etag)],
        Some(r#"{"status": "operational"}"#),
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        get(&app, &path, &key).await.json["status"],
        "out_of_service"
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'elevator_status_changed' AND actor_type = 'api'"),
        1
    );
}

#[actix_web::test]
async fn a_monitoring_unit_reporting_an_entrapment_raises_the_emergency_once_per_idempotency_key() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("rival", "Rival Lifts");
    let admin = app.member("acme", Role::Admin).await;
    let manager = app.member("acme", Role::Manager).await;
    let site = fixtures::site(&manager, "acme", "Harbour Tower").await;
    let lift = fixtures::lift(&manager, "acme", &site, "L1").await;
    let key = make_key(&admin, "acme", ALL_SCOPES, "1000").await;
    let body = format!(
        r#"{{"elevator_id": "{lift}", "trapped": true, "description": "Car stopped between 4 and 5, alarm pressed"}}"#
    );
    let headers = [("Idempotency-Key", "unit-7731-event-1")];
    let first = call(
        &app,
        "POST",
        "/api/v1/fault-reports",
        Some(&key),
        &headers,
        Some(&body),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.page.body);
    assert_eq!(first.json["entrapment"], true);
    assert!(
        first.json["work_order_id"].is_string(),
        "the emergency is raised at once"
    );
    let again = call(
        &app,
        "POST",
        "/api/v1/fault-reports",
        Some(&key),
        &headers,
        Some(&body),
    )
    .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json["id"], first.json["id"]);
    assert_eq!(app.count("SELECT 1 FROM org_acme.service_requests"), 1);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.work_orders WHERE priority = 'emergency' AND entrapment"),
        1
    );
    let lift_page = get(&app, &format!("/api/v1/elevators/{lift}"), &key).await;
    assert_eq!(lift_page.json["status"], "out_of_service");
    let shown = get(&app, first.json["self"].as_str().unwrap_or_default(), &key).await;
    assert_eq!(shown.status, StatusCode::OK);

    // The same key with another body is refused; another organization's lift is not found.
    let other = call(
        &app,
        "POST",
        "/api/v1/fault-reports",
        Some(&key),
        &headers,
        Some(&body.replace("alarm", "bell")),
    )
    .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rival_manager = app.member("rival", Role::Manager).await;
    let rival_site = fixtures::site(&rival_manager, "rival", "Rival Tower").await;
    let rival_lift = fixtures::lift(&rival_manager, "rival", &rival_site, "R1").await;
    let theirs = post(
        &app,
        "/api/v1/fault-reports",
        &key,
        &format!(r#"{{"elevator_id": "{rival_lift}", "subject": "Noisy"}}"#),
    )
    .await;
    assert_eq!(theirs.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(theirs.refused_field(), Some("elevator_id"));
    let row = crate::harness::text(&mut app.conn(), "SELECT coalesce(string_agg(subject || '/' || coalesce(elevator_id::text,'-') || '/' || coalesce(submitted_ip,''), ';'), 'none') AS value FROM org_rival.service_requests");
    assert_eq!(row, "none", "lift {rival_lift} status {}", theirs.page.body);
}

#[actix_web::test]
async fn contractors_are_listed_and_read() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let admin = app.member("acme", Role::Admin).await;
    let key = make_key(&admin, "acme", &["contractors:read"], "1000").await;
    app.execute(
        "INSERT INTO org_acme.contractors (contractor_type, contact_name, specializations) \
         VALUES ('company', 'Vertical Co', '{traction}')",
    );
    let list = get(&app, "/api/v1/contractors", &key).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json["data"][0]["contact_name"], "Vertical Co");
    let id = list.json["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let one = get(&app, &format!("/api/v1/contractors/{id}"), &key).await;
    assert_eq!(one.json["specializations"][0], "traction");
    assert!(one.header("etag").is_some());
}
