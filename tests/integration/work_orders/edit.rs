//! Editing a work order: what changes, the due time and the priority, stale edits, lifts of
//! other sites, who may.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use super::{fixture, id_from};
use crate::harness::{text, TestApp};

fn field(app: &TestApp, id: &str, column: &str) -> String {
    text(
        &mut app.conn(),
        &format!("SELECT coalesce({column}::text, '') AS value FROM org_acme.work_orders WHERE id = '{id}'"),
    )
}

/// The edit form's fields as a page would send them, with `changes` on top.
fn edit_fields<'a>(version: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![
        ("version", version),
        ("work_type", "breakdown"),
        ("priority", "medium"),
        ("title", "Doors not closing"),
    ];
    all.retain(|(k, _)| !changes.iter().any(|(f, _)| f == k));
    all.extend_from_slice(changes);
    all
}

#[actix_web::test]
async fn an_edit_saves_the_fields_recomputes_a_derived_due_time_and_is_audited() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let page = f
        .manager
        .get(&format!("/o/acme/work-orders/{id}/edit"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Edit WO-") && page.body.contains("Doors not closing"));
    let due_before = field(&app, &id, "due_date");
    let v = f.version(&id);
    let saved = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/edit"),
            &edit_fields(
                &v,
                &[
                    ("site_id", &f.site),
                    ("elevator_id", &f.lift),
                    ("title", "Doors slam shut"),
                    ("priority", "low"),
                    ("fault_code", "E42"),
                    ("affected_floors", "3-5"),
                    ("reported_by_name", "Front desk"),
                    ("scheduled_start", "2026-12-10T09:00"),
                    ("scheduled_end", "2026-12-10T11:00"),
                ],
            ),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(field(&app, &id, "title"), "Doors slam shut");
    assert_eq!(field(&app, &id, "priority"), "low");
    assert_eq!(field(&app, &id, "fault_code"), "E42");
    // Sydney is UTC+11 in December.
    assert_eq!(
        field(&app, &id, "scheduled_start"),
        "2026-12-09 22:00:00+00"
    );
    // Medium (48 h) became low (7 days) from when it was reported.
    assert_eq!(
        app.count(&format!("SELECT 1 FROM org_acme.work_orders WHERE id = '{id}' AND due_date = reported_at + interval '7 days' AND NOT due_date_manual")),
        1,
        "was {due_before}"
    );
    let audit = text(&mut app.conn(), "SELECT previous_state::text || ' → ' || new_state::text AS value FROM org_acme.audit_events WHERE event_type = 'work_order_edited'");
    assert!(
        audit.contains("\"title\": \"Doors not closing\"")
            && audit.contains("\"title\": \"Doors slam shut\"")
            && audit.contains("\"priority\": \"medium\"")
            && !audit.contains("description"),
        "{audit}"
    );

    // A due time set by hand stays when the priority changes again.
    let v = f.version(&id);
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/edit"),
            &edit_fields(
                &v,
                &[
                    ("site_id", &f.site),
                    ("priority", "low"),
                    ("due_date", "2026-12-24T17:00"),
                ],
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let v = f.version(&id);
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/edit"),
            &edit_fields(
                &v,
                &[
                    ("site_id", &f.site),
                    ("priority", "high"),
                    ("due_date", "2026-12-24T17:00"),
                ],
            ),
        )
        .await;
    assert_eq!(field(&app, &id, "due_date"), "2026-12-24 06:00:00+00");
    assert_eq!(field(&app, &id, "priority"), "high");
    let form = f
        .manager
        .get(&format!("/o/acme/work-orders/{id}/edit"))
        .await;
    assert!(form.body.contains("value=\"2026-12-24T17:00\""));
}

#[actix_web::test]
async fn a_stale_edit_is_a_conflict_and_overwrites_nothing() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let other = app.member("acme", Role::Manager).await;
    other.get(&format!("/o/acme/work-orders/{id}/edit")).await;
    let seen = f.version(&id);
    let first = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/edit"),
            &edit_fields(&seen, &[("site_id", &f.site), ("title", "First title")]),
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = other
        .post(
            &format!("/o/acme/work-orders/{id}/edit"),
            &edit_fields(
                &seen,
                &[
                    ("site_id", &f.site),
                    ("title", "Second title"),
                    ("priority", "emergency"),
                ],
            ),
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.body.contains("Someone else changed this work order"));
    assert!(
        second.body.contains("value=\"First title\""),
        "the fresh form is shown"
    );
    assert_eq!(field(&app, &id, "title"), "First title");
    assert_eq!(field(&app, &id, "priority"), "medium");
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'work_order_edited'"),
        1
    );
}

#[actix_web::test]
async fn a_lift_of_another_site_is_refused_with_the_input_kept() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let page = f
        .manager
        .post(
            "/o/acme/sites",
            &[
                ("name", "Other Tower"),
                ("site_type", "commercial"),
                ("country", "Australia"),
                ("timezone", "Australia/Sydney"),
            ],
        )
        .await;
    let other_site = id_from(page.header("location"));
    let page = f
        .manager
        .post(
            "/o/acme/elevators",
            &[("site_id", &other_site), ("unit_number", "Far lift")],
        )
        .await;
    let far_lift = id_from(page.header("location"));
    let v = f.version(&id);
    let refused = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/edit"),
            &edit_fields(
                &v,
                &[
                    ("site_id", &other_site),
                    ("elevator_id", &far_lift),
                    ("title", "Typed title"),
                ],
            ),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("lifts at this work order"));
    assert!(refused.body.contains("value=\"Typed title\""));
    assert_eq!(field(&app, &id, "elevator_id"), f.lift);
    let bad_time = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/edit"),
            &edit_fields(&v, &[("site_id", &f.site), ("scheduled_start", "tomorrow")]),
        )
        .await;
    assert_eq!(bad_time.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_time.body.contains("value=\"tomorrow\""));
}

#[actix_web::test]
async fn only_managers_edit_and_other_organizations_get_404() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let v = f.version(&id);
    let tech = app.member("acme", Role::Technician).await;
    tech.get("/o/acme/work-orders").await;
    assert_eq!(
        tech.get(&format!("/o/acme/work-orders/{id}/edit"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let refused = tech
        .post(
            &format!("/o/acme/work-orders/{id}/edit"),
            &edit_fields(&v, &[("site_id", &f.site), ("title", "Mine now")]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    app.create_org("bravo", "Bravo");
    let outsider = app.member("bravo", Role::Owner).await;
    outsider.get("/o/bravo/work-orders").await;
    assert_eq!(
        outsider
            .get(&format!("/o/bravo/work-orders/{id}/edit"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let refused = outsider
        .post(
            &format!("/o/bravo/work-orders/{id}/edit"),
            &edit_fields(&v, &[("site_id", &f.site), ("title", "Stolen")]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(field(&app, &id, "title"), "Doors not closing");
}
