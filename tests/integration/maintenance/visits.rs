//! Skipping, moving and restoring a coming visit, and the organization's holidays.

use awc::http::StatusCode;
use chrono::{NaiveDate, Utc};
use scraper::{Html, Selector};

use super::{days_later, fixture, generate, schedule, shift, today, value};
use crate::harness::TestApp;

/// A visit of `schedule` as `status|due_on`, or "none".
fn visit(app: &TestApp, schedule: &str, planned_on: NaiveDate) -> String {
    value(
        app,
        &format!(
            "SELECT coalesce((SELECT status || '|' || due_on FROM org_acme.maintenance_occurrences \
             WHERE schedule_id = '{schedule}' AND planned_on = '{planned_on}'), 'none') AS value"
        ),
    )
}

/// The day a raised work order starts and is due, at the site.
fn work_order_days(app: &TestApp, schedule: &str, planned_on: NaiveDate) -> String {
    value(
        app,
        &format!(
            "SELECT coalesce((SELECT (scheduled_start AT TIME ZONE 'Australia/Sydney')::date || '|' || \
               (due_date AT TIME ZONE 'Australia/Sydney')::date FROM org_acme.work_orders \
             WHERE maintenance_schedule_id = '{schedule}' AND planned_on = '{planned_on}'), 'none') AS value"
        ),
    )
}

/// The "Coming visits" table: (planned, what the due column says).
fn coming(body: &str) -> Vec<(String, String)> {
    let html = Html::parse_document(body);
    let rows = Selector::parse("section[aria-labelledby=coming-heading] tbody tr").unwrap();
    let cells = Selector::parse("td").unwrap();
    let time = Selector::parse("time").unwrap();
    html.select(&rows)
        .map(|row| {
            let tds: Vec<_> = row.select(&cells).collect();
            let planned = tds[0]
                .select(&time)
                .next()
                .and_then(|t| t.value().attr("datetime"))
                .unwrap_or_default()
                .to_string();
            let due = match tds[1].select(&time).next() {
                Some(t) => {
                    let moved = if tds[1].text().any(|s| s.contains("moved")) {
                        " moved"
                    } else {
                        ""
                    };
                    format!("{}{moved}", t.value().attr("datetime").unwrap_or_default())
                }
                None => tds[1].text().collect::<String>().trim().to_string(),
            };
            (planned, due)
        })
        .collect()
}

#[actix_web::test]
async fn a_skipped_visit_is_never_raised_and_a_moved_one_is_raised_on_its_new_day() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let t = today();
    let id = schedule(
        &f.manager,
        "acme",
        &f.lift,
        shift(t, 3),
        &[
            ("name", "Weekly check"),
            ("frequency", "weekly"),
            ("lead_days", "0"),
        ],
    )
    .await;
    let visits: Vec<NaiveDate> = (0..5).map(|k| shift(t, 3 + 7 * k)).collect();
    let path = |planned: NaiveDate| format!("/o/acme/maintenance/{id}/visits/{planned}");

    let page = f
        .manager
        .post(&path(visits[1]), &[("action", "skip")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        page.header("location").unwrap_or_default(),
        format!("/o/acme/maintenance/{id}")
    );
    let moved_to = shift(visits[2], 2).to_string();
    let page = f
        .manager
        .post(
            &path(visits[2]),
            &[
                ("action", "move"),
                ("due_on", &moved_to),
                ("note", "Tenant fit-out"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    // Skipped then restored: back on its date.
    let page = f
        .manager
        .post(&path(visits[4]), &[("action", "skip")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = f
        .manager
        .post(&path(visits[4]), &[("action", "restore")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        visit(&app, &id, visits[1]),
        format!("skipped|{}", visits[1])
    );
    assert_eq!(visit(&app, &id, visits[2]), format!("planned|{moved_to}"));
    assert_eq!(
        visit(&app, &id, visits[4]),
        format!("planned|{}", visits[4])
    );

    // Into the past: refused, nothing changes.
    let yesterday = shift(t, -1).to_string();
    let page = f
        .manager
        .post(
            &path(visits[3]),
            &[("action", "move"), ("due_on", &yesterday)],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("Move the visit to today or a later day."));
    assert_eq!(visit(&app, &id, visits[3]), "none");
    // A day that is no visit of the schedule.
    let page = f
        .manager
        .post(&path(shift(visits[0], 1)), &[("action", "skip")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.maintenance_occurrences WHERE schedule_id = '{id}'"
        )),
        3
    );

    // The schedule's page shows the skip and the move; the next visits keep their dates.
    let page = f.manager.get(&format!("/o/acme/maintenance/{id}")).await;
    let table = coming(&page.body);
    assert_eq!(
        &table[..5],
        &[
            (visits[0].to_string(), visits[0].to_string()),
            (visits[1].to_string(), "Skipped".to_string()),
            (visits[2].to_string(), format!("{moved_to} moved")),
            (visits[3].to_string(), visits[3].to_string()),
            (visits[4].to_string(), visits[4].to_string()),
        ]
    );

    // A month on, the generator raises the first, the moved and the fourth; never the skipped.
    let later = days_later(Utc::now(), 30);
    let pass = generate(&app, "acme", later);
    assert_eq!(pass.raised, 3, "{pass:?}");
    assert_eq!(generate(&app, "acme", later).raised, 0);
    assert_eq!(
        work_order_days(&app, &id, visits[0]),
        format!("{0}|{0}", visits[0])
    );
    assert_eq!(work_order_days(&app, &id, visits[1]), "none");
    assert_eq!(
        work_order_days(&app, &id, visits[2]),
        format!("{moved_to}|{moved_to}")
    );
    assert_eq!(
        work_order_days(&app, &id, visits[3]),
        format!("{0}|{0}", visits[3])
    );
    assert_eq!(
        visit(&app, &id, visits[1]),
        format!("skipped|{}", visits[1])
    );
    assert_eq!(
        value(
            &app,
            &format!("SELECT next_due_on::text AS value FROM org_acme.maintenance_schedules WHERE id = '{id}'")
        ),
        visits[4].to_string(),
        "the cycle counts from the planned dates"
    );
    let far = days_later(Utc::now(), 400);
    generate(&app, "acme", far);
    assert_eq!(
        work_order_days(&app, &id, visits[1]),
        "none",
        "never raised"
    );

    // A visit already raised cannot be skipped or moved.
    let page = f
        .manager
        .post(&path(visits[0]), &[("action", "skip")])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.body.contains("already been raised"), "{}", page.body);
    let later_day = shift(visits[2], 5).to_string();
    let page = f
        .manager
        .post(
            &path(visits[2]),
            &[("action", "move"), ("due_on", &later_day)],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert_eq!(visit(&app, &id, visits[0]), format!("raised|{}", visits[0]));
    assert_eq!(visit(&app, &id, visits[2]), format!("raised|{moved_to}"));
}

#[actix_web::test]
async fn a_visit_planned_on_a_holiday_falls_due_on_the_next_day_that_is_not_one() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let t = today();
    let holiday = shift(t, 10);
    let page = f.manager.get("/o/acme/maintenance/holidays").await;
    assert_eq!(page.status, StatusCode::OK);
    for (day, name) in [
        (holiday, "Show Day"),
        (shift(holiday, 1), "Show Day (second)"),
    ] {
        let page = f
            .manager
            .post(
                "/o/acme/maintenance/holidays",
                &[("day", &day.to_string()), ("name", name)],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(
            page.header("location"),
            Some("/o/acme/maintenance/holidays")
        );
    }
    let page = f
        .manager
        .post(
            "/o/acme/maintenance/holidays",
            &[("day", ""), ("name", "Nameless")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("value=\"Nameless\""), "the form is kept");
    let page = f.manager.get("/o/acme/maintenance/holidays").await;
    assert!(page.body.contains("Show Day (second)"));
    assert!(page.body.contains(&format!("datetime=\"{holiday}\"")));
    assert_eq!(app.count("SELECT 1 FROM org_acme.holidays"), 2);

    let skipping = schedule(
        &f.manager,
        "acme",
        &f.lift,
        holiday,
        &[
            ("name", "Skips holidays"),
            ("frequency", "weekly"),
            ("lead_days", "0"),
        ],
    )
    .await;
    let keeping = schedule(
        &f.manager,
        "acme",
        &f.lift,
        holiday,
        &[
            ("name", "Works holidays"),
            ("frequency", "weekly"),
            ("lead_days", "0"),
            ("skip_holidays", ""),
        ],
    )
    .await;
    // On the holiday itself: the one that works holidays is raised, the other waits two days.
    let on_the_day = days_later(Utc::now(), 10);
    assert_eq!(generate(&app, "acme", on_the_day).raised, 1);
    assert_eq!(
        visit(&app, &skipping, holiday),
        format!("planned|{}", shift(holiday, 2))
    );
    assert_eq!(visit(&app, &keeping, holiday), format!("raised|{holiday}"));
    assert_eq!(
        work_order_days(&app, &keeping, holiday),
        format!("{holiday}|{holiday}")
    );
    let after = days_later(Utc::now(), 12);
    assert_eq!(generate(&app, "acme", after).raised, 1);
    let due = shift(holiday, 2);
    assert_eq!(visit(&app, &skipping, holiday), format!("raised|{due}"));
    assert_eq!(
        work_order_days(&app, &skipping, holiday),
        format!("{due}|{due}")
    );
    // The next week's visit is no holiday and keeps its day.
    let week_on = days_later(Utc::now(), 17);
    generate(&app, "acme", week_on);
    let next = shift(holiday, 7);
    assert_eq!(visit(&app, &skipping, next), format!("raised|{next}"));

    // Removing a holiday.
    let page = f
        .manager
        .post(
            &format!("/o/acme/maintenance/holidays/{holiday}/delete"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(app.count("SELECT 1 FROM org_acme.holidays"), 1);
}

#[actix_web::test]
async fn the_coming_visits_show_the_day_a_holiday_moves_a_visit_to() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let holiday = shift(today(), 10);
    let page = f
        .manager
        .post(
            "/o/acme/maintenance/holidays",
            &[("day", &holiday.to_string()), ("name", "Show Day")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = schedule(
        &f.manager,
        "acme",
        &f.lift,
        holiday,
        &[("frequency", "weekly"), ("lead_days", "0")],
    )
    .await;
    let page = f.manager.get(&format!("/o/acme/maintenance/{id}")).await;
    let table = coming(&page.body);
    // The generator will make it due the day after (see the test above); the page must say so.
    assert_eq!(
        table
            .first()
            .map(|(p, d)| (p.clone(), d.split(' ').next().unwrap_or("").to_string())),
        Some((holiday.to_string(), shift(holiday, 1).to_string())),
        "{table:?}"
    );
}
