//! Bad schedules are refused with the form kept; another organization's lift, schedule,
//! readings and visits are out of reach; who may change schedules.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use super::{fixture, generate, schedule, shift, today, value};
use crate::fixtures;
use crate::harness::TestApp;

/// A second organization, globex, with its own manager, site, lift and schedule.
struct Globex<'a> {
    manager: crate::harness::Browser<'a>,
    lift: String,
    schedule: String,
}

async fn globex(app: &TestApp) -> Globex<'_> {
    app.create_org("globex", "Globex Elevators");
    let manager = app.member("globex", Role::Manager).await;
    let site = fixtures::site(&manager, "globex", "Globex Plaza").await;
    let lift = fixtures::lift(&manager, "globex", &site, "G1").await;
    let schedule = schedule(
        &manager,
        "globex",
        &lift,
        shift(today(), 2),
        &[("name", "Globex servicing")],
    )
    .await;
    Globex {
        manager,
        lift,
        schedule,
    }
}

#[actix_web::test]
async fn bad_schedules_are_refused_with_the_form_kept_and_nothing_written() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let g = globex(&app).await;
    let start = today();
    let before = shift(start, -1).to_string();
    let long_checklist: String = (0..500).map(|i| format!("Task {i}\n")).collect();
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("frequency", "months"), ("every", "0")],
            "choose 1 or more",
        ),
        (
            vec![("frequency", "custom_days"), ("every", "-3")],
            "choose 1 or more",
        ),
        (
            vec![("frequency", "months"), ("every", "61")],
            "at most 60 months",
        ),
        (
            vec![("end_date", before.as_str())],
            "The end date must not be before the start date.",
        ),
        (
            vec![("checklist", long_checklist.as_str())],
            "at most 100 tasks; this one has 500",
        ),
        (
            vec![("elevator_id", g.lift.as_str())],
            "Choose one of your lifts.",
        ),
    ];
    let start_text = start.to_string();
    for (i, (fields, message)) in cases.iter().enumerate() {
        let name = format!("Refused schedule {i}");
        let mut fields = fields.clone();
        fields.push(("name", &name));
        let page = f
            .manager
            .post(
                "/o/acme/maintenance",
                &super::form(&f.lift, &start_text, &fields),
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "case {i}: {}",
            page.body
        );
        assert!(
            page.body.contains(message),
            "case {i}: {message}: {}",
            page.body
        );
        assert!(
            page.body.contains(&format!("value=\"{name}\"")),
            "case {i}: the typed name is kept"
        );
        assert!(
            page.body.contains("New maintenance schedule"),
            "case {i}: the form again"
        );
    }
    assert_eq!(app.count("SELECT 1 FROM org_acme.maintenance_schedules"), 0);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.maintenance_checklist_items"),
        0
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_globex.maintenance_schedules"),
        1,
        "globex's own schedule only"
    );
    let _ = g.manager;
}

#[actix_web::test]
async fn a_trip_schedule_on_a_lift_without_readings_is_saved_with_a_warning() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let start = today().to_string();
    let page = f
        .manager
        .post(
            "/o/acme/maintenance",
            &super::form(
                &f.lift,
                &start,
                &[
                    ("name", "Trip service"),
                    ("frequency", "trips"),
                    ("every", "50000"),
                ],
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.header("location").unwrap_or_default().to_string();
    let page = f.manager.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = scraper::Html::parse_document(&page.body);
    let warnings: Vec<String> = html
        .select(&scraper::Selector::parse(".alert-warning").unwrap())
        .map(|e| e.text().collect::<String>())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("Lift 1") && w.contains("nothing will be raised until")),
        "{warnings:?}"
    );
    assert!(page.body.contains("Every 50,000 trips"), "{}", page.body);
    assert_eq!(
        value(
            &app,
            "SELECT concat_ws('|', frequency, every, meter_from IS NULL, next_due_on IS NULL) \
             AS value FROM org_acme.maintenance_schedules"
        ),
        "trips|50000|t|t"
    );
}

#[actix_web::test]
async fn another_organizations_schedule_is_not_found_through_our_address() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let g = globex(&app).await;
    let theirs = &g.schedule;
    for path in [
        format!("/o/acme/maintenance/{theirs}"),
        format!("/o/acme/maintenance/{theirs}/edit"),
    ] {
        let page = f.manager.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "GET {path}");
        assert!(!page.body.contains("Globex servicing"), "GET {path}");
    }
    let start = today().to_string();
    let edit = super::form(&f.lift, &start, &[("name", "Hijacked")]);
    let page = f
        .manager
        .post(&format!("/o/acme/maintenance/{theirs}"), &edit)
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "edit: {}", page.body);
    for action in ["pause", "delete"] {
        let page = f
            .manager
            .post(&format!("/o/acme/maintenance/{theirs}/{action}"), &[])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{action}");
    }
    let planned = shift(today(), 2).to_string();
    let page = f
        .manager
        .post(
            &format!("/o/acme/maintenance/{theirs}/visits/{planned}"),
            &[("action", "skip")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "skip");
    assert_eq!(
        value(
            &app,
            &format!(
                "SELECT concat_ws('|', name, is_active, deleted_at IS NULL) AS value \
                 FROM org_globex.maintenance_schedules WHERE id = '{theirs}'"
            )
        ),
        "Globex servicing|t|t"
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_globex.maintenance_occurrences"),
        0
    );
}

#[actix_web::test]
async fn technicians_and_read_only_members_see_schedules_but_cannot_change_them() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = schedule(&f.manager, "acme", &f.lift, shift(today(), 3), &[]).await;
    let start = today().to_string();
    for role in [Role::Technician, Role::ReadOnly] {
        let member = app.member("acme", role).await;
        let page = member.get("/o/acme/maintenance").await;
        assert_eq!(page.status, StatusCode::OK, "{role:?}");
        assert!(page.body.contains("Monthly service"), "{role:?}");
        assert!(
            !page.body.contains("/o/acme/maintenance/new"),
            "{role:?}: no add button"
        );
        assert!(
            !page.body.contains("Generate due visits now"),
            "{role:?}: no generate button"
        );
        let page = member.get(&format!("/o/acme/maintenance/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{role:?}");
        assert!(page.body.contains("Inspect doors"), "{role:?}");
        let page = member
            .post(
                "/o/acme/maintenance",
                &super::form(&f.lift, &start, &[("name", "Not allowed")]),
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?} create");
        let page = member
            .post(
                &format!("/o/acme/maintenance/{id}"),
                &super::form(&f.lift, &start, &[("name", "Not allowed")]),
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?} edit");
        for action in ["pause", "delete"] {
            let page = member
                .post(&format!("/o/acme/maintenance/{id}/{action}"), &[])
                .await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?} {action}");
        }
        let page = member.post("/o/acme/maintenance/generate", &[]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?} generate");
        let page = member
            .post(
                "/o/acme/maintenance/holidays",
                &[("day", "2026-12-25"), ("name", "Christmas Day")],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?} holiday");
        let page = member
            .post(
                &format!("/o/acme/maintenance/{id}/visits/{}", shift(today(), 3)),
                &[("action", "skip")],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?} skip");
    }
    assert_eq!(
        value(
            &app,
            "SELECT string_agg(name || '|' || is_active || '|' || (deleted_at IS NULL), ',') \
             AS value FROM org_acme.maintenance_schedules"
        ),
        "Monthly service|true|true"
    );
    assert_eq!(app.count("SELECT 1 FROM org_acme.holidays"), 0);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.maintenance_occurrences"),
        0
    );
    assert_eq!(app.count("SELECT 1 FROM org_acme.work_orders"), 0);
}

#[actix_web::test]
async fn one_organization_sees_nothing_of_anothers_maintenance() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let ours = schedule(
        &f.manager,
        "acme",
        &f.lift,
        shift(today(), -1),
        &[
            ("name", "Acme servicing"),
            ("frequency", "daily"),
            ("lead_days", "0"),
        ],
    )
    .await;
    let page = f
        .manager
        .post(
            &format!("/o/acme/elevators/{}/readings", f.lift),
            &[("meter", "trips"), ("value", "424242")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let g = globex(&app).await;

    // Globex's pass raises globex's visits only; acme's pass acme's.
    let pass = generate(&app, "globex", chrono::Utc::now());
    assert_eq!(pass.raised, 1, "globex's visit within its lead time");
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.maintenance_occurrences"),
        0
    );
    let pass = generate(&app, "acme", chrono::Utc::now());
    assert_eq!(pass.raised, 2, "yesterday's and today's");
    assert_eq!(app.count("SELECT 1 FROM org_globex.work_orders"), 1);

    for path in [
        "/o/globex/maintenance".to_string(),
        "/o/globex/maintenance?state=all".to_string(),
        "/o/globex/maintenance/forecast?months=24".to_string(),
        "/o/globex/maintenance/export.csv".to_string(),
        "/o/globex/maintenance/holidays".to_string(),
        format!("/o/globex/elevators/{}", g.lift),
        format!("/o/globex/elevators/{}/readings", g.lift),
    ] {
        let page = g.manager.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for acme in ["Acme servicing", "Harbour Tower", "424,242", ours.as_str()] {
            assert!(!page.body.contains(acme), "{path} shows {acme}");
        }
    }
    // Globex's list shows its own figures: one visit, not yet due.
    let page = g.manager.get("/o/globex/maintenance").await;
    assert!(page.body.contains("Globex servicing"));
    assert!(
        page.body.contains("Done on time, last 90 days (0 of 0)"),
        "acme's overdue visit is not globex's"
    );

    // By id, acme's schedule, lift, readings and visits are not there.
    let yesterday = shift(today(), -1).to_string();
    for path in [
        format!("/o/globex/maintenance/{ours}"),
        format!("/o/globex/maintenance/{ours}/edit"),
        format!("/o/globex/elevators/{}/readings", f.lift),
        format!("/o/globex/elevators/{}", f.lift),
    ] {
        let page = g.manager.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    let start = today().to_string();
    for (path, fields) in [
        (
            format!("/o/globex/maintenance/{ours}"),
            super::form(&g.lift, &start, &[("name", "Taken over")]),
        ),
        (format!("/o/globex/maintenance/{ours}/pause"), vec![]),
        (format!("/o/globex/maintenance/{ours}/delete"), vec![]),
        (
            format!("/o/globex/maintenance/{ours}/visits/{}", shift(today(), 1)),
            vec![("action", "skip")],
        ),
        (
            format!("/o/globex/maintenance/{ours}/visits/{yesterday}"),
            vec![("action", "move"), ("due_on", start.as_str())],
        ),
        (
            format!("/o/globex/elevators/{}/readings", f.lift),
            vec![("meter", "trips"), ("value", "999999")],
        ),
    ] {
        let page = g.manager.post(&path, &fields).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    assert_eq!(
        value(
            &app,
            &format!(
                "SELECT concat_ws('|', name, is_active, deleted_at IS NULL) AS value \
                 FROM org_acme.maintenance_schedules WHERE id = '{ours}'"
            )
        ),
        "Acme servicing|t|t"
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.meter_readings"),
        1,
        "only acme's own reading"
    );
    assert_eq!(app.count("SELECT 1 FROM org_globex.meter_readings"), 0);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.maintenance_occurrences WHERE status <> 'raised'"),
        0
    );
    // And acme's manager is no member of globex.
    let page = f.manager.get("/o/globex/maintenance").await;
    assert!(
        page.status == StatusCode::NOT_FOUND || page.status == StatusCode::FORBIDDEN,
        "{}",
        page.status
    );
}
