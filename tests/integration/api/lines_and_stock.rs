//! A work order's lines, maintenance schedules and stock through the API.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use super::{call, get, make_key, post, ALL_SCOPES};
use crate::harness::TestApp;

#[actix_web::test]
async fn parts_and_labour_are_recorded_and_costed_and_read_back_with_the_lines() {
    let app = TestApp::new().await;
    let fx = crate::maintenance::fixture(&app, "acme").await;
    let admin = app.member("acme", Role::Admin).await;
    let key = make_key(&admin, "acme", ALL_SCOPES, "1000").await;
    let lift = &fx.lift;
    let made = post(&app, "/api/v1/work-orders", &key, &format!(r#"{{"elevator_id": "{lift}", "work_type": "breakdown", "priority": "high", "title": "Door belt worn"}}"#)).await;
    assert_eq!(made.status, StatusCode::CREATED);
    let path = made.json["self"].as_str().unwrap_or_default().to_string();
    let etag = made.header("etag").unwrap_or_default().to_string();
    let part = call(&app, "POST", &format!("{path}/parts"), Some(&key), &[("If-Match", &etag)],
        Some(r#"{"part_name": "Door belt", "part_number": "KM-602450", "quantity": 2, "unit_cost": "42.50", "source": "purchased"}"#)).await;
    assert_eq!(part.status, StatusCode::OK, "{}", part.page.body);
    assert_eq!(part.json["parts_cost"], "85.00");
    let bad = call(&app, "POST", &format!("{path}/parts"), Some(&key), &[("If-Match", part.header("etag").unwrap_or_default())],
        Some(r#"{"part_name": "Door belt", "quantity": 2, "unit_cost": "lots", "source": "purchased"}"#)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.refused_field(), Some("unit_cost"));
    let etag = part.header("etag").unwrap_or_default().to_string();
    let labour = call(&app, "POST", &format!("{path}/labor"), Some(&key), &[("If-Match", &etag)],
        Some(&format!(r#"{{"contractor_id": "{}", "start_time": "2026-12-01T09:00", "end_time": "2026-12-01T11:00"}}"#, fx.contractor))).await;
    assert_eq!(labour.status, StatusCode::OK, "{}", labour.page.body);
    assert_eq!(labour.json["labor_cost"], "190.00", "two hours at 95.00");
    let lines = get(&app, &format!("{path}/lines"), &key).await;
    assert_eq!(lines.status, StatusCode::OK);
    assert_eq!(lines.json["parts"][0]["part_number"], "KM-602450");
    assert_eq!(lines.json["labor"][0]["duration_minutes"], 120);
    assert_eq!(lines.json["labor"][0]["contractor_name"], "Tanvir Ahmed");
}

#[actix_web::test]
async fn schedules_are_listed_by_lift_and_read_with_their_visits() {
    let app = TestApp::new().await;
    let fx = crate::maintenance::fixture(&app, "acme").await;
    let schedule = crate::maintenance::schedule(
        &fx.manager,
        "acme",
        &fx.lift,
        crate::maintenance::today(),
        &[],
    )
    .await;
    crate::maintenance::generate(&app, "acme", chrono::Utc::now());
    let admin = app.member("acme", Role::Admin).await;
    let key = make_key(&admin, "acme", &["schedules:read"], "1000").await;
    let list = get(
        &app,
        &format!("/api/v1/schedules?elevator={}", fx.lift),
        &key,
    )
    .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.page.body);
    assert_eq!(list.json["data"][0]["id"], schedule.as_str());
    assert_eq!(list.json["data"][0]["frequency"], "monthly");
    let paused = get(&app, "/api/v1/schedules?state=paused", &key).await;
    assert_eq!(paused.json["data"].as_array().map(Vec::len), Some(0));
    let one = get(&app, &format!("/api/v1/schedules/{schedule}"), &key).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.json["schedule"]["name"], "Monthly service");
    assert!(
        one.json["visits"].as_array().is_some_and(|v| !v.is_empty()),
        "{}",
        one.page.body
    );
}

#[actix_web::test]
async fn stock_is_received_once_per_key_adjusted_with_a_reason_and_never_taken_below_zero() {
    let app = TestApp::new().await;
    let fx = crate::inventory::fixture(&app, "acme").await;
    app.create_org("rival", "Rival Lifts");
    let admin = app.member("acme", Role::Admin).await;
    let key = make_key(
        &admin,
        "acme",
        &["inventory:read", "inventory:write"],
        "1000",
    )
    .await;
    let item = get(&app, &format!("/api/v1/inventory/items/{}", fx.item), &key).await;
    assert_eq!(item.status, StatusCode::OK);
    assert_eq!(item.json["on_hand"], 10);
    assert_eq!(item.json["levels"][0]["location_name"], "Main warehouse");

    let receipt = format!(
        r#"{{"kind": "receipt", "item_id": "{}", "location_id": "{}", "quantity": 5, "unit_cost": "40.00"}}"#,
        fx.item, fx.van
    );
    let headers = [("Idempotency-Key", "delivery-8812")];
    let first = call(
        &app,
        "POST",
        "/api/v1/inventory/movements",
        Some(&key),
        &headers,
        Some(&receipt),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.page.body);
    assert_eq!(first.json["on_hand_total"], 15);
    let again = call(
        &app,
        "POST",
        "/api/v1/inventory/movements",
        Some(&key),
        &headers,
        Some(&receipt),
    )
    .await;
    assert_eq!(again.json["movement_id"], first.json["movement_id"]);
    assert_eq!(
        get(&app, &format!("/api/v1/inventory/items/{}", fx.item), &key)
            .await
            .json["on_hand"],
        15
    );

    let no_reason = post(
        &app,
        "/api/v1/inventory/movements",
        &key,
        &format!(
            r#"{{"kind": "adjustment", "item_id": "{}", "location_id": "{}", "quantity": -1}}"#,
            fx.item, fx.van
        ),
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let too_many = post(&app, "/api/v1/inventory/movements", &key, &format!(r#"{{"kind": "adjustment", "item_id": "{}", "location_id": "{}", "quantity": -50, "reason": "Lost"}}"#, fx.item, fx.van)).await;
    assert!(too_many.status.is_client_error(), "{}", too_many.page.body);
    let lost = post(&app, "/api/v1/inventory/movements", &key, &format!(r#"{{"kind": "adjustment", "item_id": "{}", "location_id": "{}", "quantity": -1, "reason": "Damaged in the van"}}"#, fx.item, fx.van)).await;
    assert_eq!(lost.status, StatusCode::CREATED, "{}", lost.page.body);
    assert_eq!(lost.json["on_hand_at_location"], 4);
    assert_eq!(app.count("SELECT 1 FROM org_acme.stock_movements"), 3);

    let rival_admin = app.member("rival", Role::Admin).await;
    let rival_key = make_key(
        &rival_admin,
        "rival",
        &["inventory:read", "inventory:write"],
        "1000",
    )
    .await;
    assert_eq!(
        get(
            &app,
            &format!("/api/v1/inventory/items/{}", fx.item),
            &rival_key
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let theirs = post(&app, "/api/v1/inventory/movements", &rival_key, &receipt).await;
    assert_eq!(
        theirs.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        theirs.page.body
    );
    assert_eq!(app.count("SELECT 1 FROM org_rival.stock_movements"), 0);
}
