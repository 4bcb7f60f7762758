//! Work orders through the API: raised once per Idempotency-Key, edited and moved only with
//! the version read, assigned, commented, the audit trail naming the key, and bad input
//! answered field by field with nothing written.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use super::{call, get, make_key, post, ALL_SCOPES};
use crate::fixtures;
use crate::harness::TestApp;

#[actix_web::test]
async fn a_work_order_is_raised_once_edited_with_its_etag_and_completed() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let admin = app.member("acme", Role::Admin).await;
    let manager = app.member("acme", Role::Manager).await;
    let site = fixtures::site(&manager, "acme", "Harbour Tower").await;
    let lift = fixtures::lift(&manager, "acme", &site, "L1").await;
    let key = make_key(&admin, "acme", ALL_SCOPES, "1000").await;
    let body = format!(
        r#"{{"elevator_id": "{lift}", "work_type": "breakdown", "priority": "high", "title": "Doors reopen on level 3", "scheduled_start": "2026-12-10T09:00"}}"#
    );
    let headers = [("Idempotency-Key", "bms-4411")];
    let made = call(
        &app,
        "POST",
        "/api/v1/work-orders",
        Some(&key),
        &headers,
        Some(&body),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.page.body);
    assert_eq!(made.json["status"], "pending");
    assert_eq!(made.json["site_id"], site.as_str());
    // 09:00 in Sydney in December is 22:00 UTC the day before.
    assert_eq!(made.json["scheduled_start"], "2026-12-09T22:00:00Z");
    let location = made.header("location").unwrap_or_default().to_string();
    let retried = call(
        &app,
        "POST",
        "/api/v1/work-orders",
        Some(&key),
        &headers,
        Some(&body),
    )
    .await;
    assert_eq!(retried.json["id"], made.json["id"]);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.work_orders"),
        1,
        "never a second work order"
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'work_order_created' AND actor_type = 'api'"),
        1,
        "the audit trail names the key"
    );

    let read = get(&app, &location, &key).await;
    let etag = read.header("etag").unwrap_or_default().to_string();
    assert_eq!(etag, format!("\"v{}\"", read.json["version"]));
    let patch = r#"{"title": "Doors reopen on level 3 and 4", "priority": "emergency"}"#;
    let missing = call(&app, "PATCH", &location, Some(&key), &[], Some(patch)).await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
    let edited = call(
        &app,
        "PATCH",
        &location,
        Some(&key),
        &[("If-Match", &etag)],
        Some(patch),
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.page.body);
    assert_eq!(edited.json["title"], "Doors reopen on level 3 and 4");
    assert_eq!(
        edited.json["work_type"], "breakdown",
        "fields not sent stay"
    );
    let stale = call(
        &app,
        "PATCH",
        &location,
        Some(&key),
        &[("If-Match", &etag)],
        Some(r#"{"title": "Lost update"}"#),
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        get(&app, &location, &key).await.json["title"],
        "Doors reopen on level 3 and 4"
    );

    app.execute("INSERT INTO org_acme.contractors (contractor_type, contact_name) VALUES ('company', 'Vertical Co')");
    let contractor_id = crate::harness::text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.contractors",
    );
    let etag = edited.header("etag").unwrap_or_default().to_string();
    let assigned = call(
        &app,
        "POST",
        &format!("{location}/assign"),
        Some(&key),
        &[("If-Match", &etag)],
        Some(&format!(r#"{{"contractor_id": "{contractor_id}"}}"#)),
    )
    .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.page.body);
    assert_eq!(
        assigned.json["assigned_contractor_id"],
        contractor_id.as_str()
    );

    let commented = post(
        &app,
        &format!("{location}/comments"),
        &key,
        r#"{"body": "Fault E23 cleared by the controller"}"#,
    )
    .await;
    assert_eq!(commented.status, StatusCode::OK);
    let etag = commented.header("etag").unwrap_or_default().to_string();
    let task = call(
        &app,
        "POST",
        &format!("{location}/tasks"),
        Some(&key),
        &[("If-Match", &etag)],
        Some(r#"{"title": "Check door edge"}"#),
    )
    .await;
    assert_eq!(task.status, StatusCode::OK, "{}", task.page.body);
    assert_eq!(app.count("SELECT 1 FROM org_acme.work_order_tasks"), 1);

    // Completing needs what the page needs; a move the lifecycle has no room for is a 409.
    let etag = task.header("etag").unwrap_or_default().to_string();
    let draft = call(
        &app,
        "POST",
        &format!("{location}/move"),
        Some(&key),
        &[("If-Match", &etag)],
        Some(r#"{"to": "draft"}"#),
    )
    .await;
    assert_eq!(draft.status, StatusCode::CONFLICT, "{}", draft.page.body);
    for to in ["in_progress", "completed"] {
        let etag = get(&app, &location, &key)
            .await
            .header("etag")
            .unwrap_or_default()
            .to_string();
        let body = format!(
            r#"{{"to": "{to}", "resolution_notes": "Replaced the door edge", "resolution_type": "repaired", "lift_status": "operational"}}"#
        );
        let moved = call(
            &app,
            "POST",
            &format!("{location}/move"),
            Some(&key),
            &[("If-Match", &etag)],
            Some(&body),
        )
        .await;
        assert_eq!(moved.status, StatusCode::OK, "to {to}: {}", moved.page.body);
        assert_eq!(moved.json["status"], to);
    }
}

#[actix_web::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_written() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("rival", "Rival Lifts");
    let admin = app.member("acme", Role::Admin).await;
    let manager = app.member("acme", Role::Manager).await;
    let site = fixtures::site(&manager, "acme", "Harbour Tower").await;
    let lift = fixtures::lift(&manager, "acme", &site, "L1").await;
    let key = make_key(&admin, "acme", ALL_SCOPES, "1000").await;
    let cases: Vec<(String, StatusCode, Option<&str>)> = vec![
        ("{\"title\": ".into(), StatusCode::BAD_REQUEST, None),
        (
            format!(
                r#"{{"elevator_id": "{lift}", "work_type": "breakdown", "priority": "high", "title": "A", "colour": "red"}}"#
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("colour"),
        ),
        (
            format!(
                r#"{{"elevator_id": "{lift}", "work_type": "breakdown", "priority": 3, "title": "A"}}"#
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("priority"),
        ),
        (
            format!(r#"{{"elevator_id": "{lift}", "work_type": "breakdown", "priority": "high"}}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("title"),
        ),
        (
            format!(
                r#"{{"elevator_id": "{lift}", "work_type": "breakdown", "priority": "high", "title": "{}"}}"#,
                "x".repeat(300)
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("title"),
        ),
        (
            format!(
                r#"{{"elevator_id": "{lift}", "work_type": "breakdown", "priority": "high", "title": "A", "scheduled_start": "yesterday"}}"#
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("scheduled_start"),
        ),
        (
            format!(
                r#"{{"elevator_id": "{lift}", "work_type": "breakdown", "priority": "high", "title": "A", "description": "{}"}}"#,
                "x".repeat(1024 * 1024)
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
        ),
    ];
    for (body, status, field) in cases {
        let answer = post(&app, "/api/v1/work-orders", &key, &body).await;
        assert_eq!(answer.status, status, "{}", &answer.page.body);
        assert_eq!(answer.refused_field(), field, "{}", answer.page.body);
    }
    let not_json = call(
        &app,
        "POST",
        "/api/v1/work-orders",
        Some(&key),
        &[("Content-Type", "text/plain")],
        None,
    )
    .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("SELECT 1 FROM org_acme.work_orders"), 0);

    // Another organization's lift and work order are not found from here.
    let rival_manager = app.member("rival", Role::Manager).await;
    let rival_site = fixtures::site(&rival_manager, "rival", "Rival Tower").await;
    let rival_lift = fixtures::lift(&rival_manager, "rival", &rival_site, "R1").await;
    let theirs = post(&app, "/api/v1/work-orders", &key, &format!(r#"{{"elevator_id": "{rival_lift}", "work_type": "breakdown", "priority": "high", "title": "A"}}"#)).await;
    assert_eq!(theirs.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(theirs.refused_field(), Some("elevator_id"));
    let rival_admin = app.member("rival", Role::Admin).await;
    let rival_key = make_key(&rival_admin, "rival", ALL_SCOPES, "1000").await;
    let rival_order = post(&app, "/api/v1/work-orders", &rival_key, &format!(r#"{{"elevator_id": "{rival_lift}", "work_type": "breakdown", "priority": "high", "title": "Theirs"}}"#)).await;
    assert_eq!(rival_order.status, StatusCode::CREATED);
    let path = rival_order.json["self"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(get(&app, &path, &key).await.status, StatusCode::NOT_FOUND);
    let tamper = call(
        &app,
        "PATCH",
        &path,
        Some(&key),
        &[("If-Match", "\"v1\"")],
        Some(r#"{"title": "Mine now"}"#),
    )
    .await;
    assert_eq!(tamper.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, &path, &rival_key).await.json["title"], "Theirs");
}
