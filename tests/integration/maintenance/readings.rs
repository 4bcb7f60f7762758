//! Meter readings: lower readings only as a counter reset, who may enter them, and schedules
//! counted in trips: their forecast and the visit raised once the meter passes the interval.

use awc::http::StatusCode;
use chrono::Utc;
use sitesync::auth::roles::Role;

use super::{fixture, generate, schedule, shift, today, value};
use crate::fixtures;
use crate::harness::TestApp;

fn readings(app: &TestApp, lift: &str) -> String {
    value(
        app,
        &format!(
            "SELECT coalesce(string_agg(meter || ':' || value || ':' || counter_reset, ',' \
             ORDER BY read_at, created_at), '') AS value \
             FROM org_acme.meter_readings WHERE elevator_id = '{lift}'"
        ),
    )
}

#[actix_web::test]
async fn a_lower_reading_is_refused_unless_it_is_marked_as_a_counter_reset() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let path = format!("/o/acme/elevators/{}/readings", f.lift);
    let page = f.manager.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = f
        .manager
        .post(&path, &[("meter", "trips"), ("value", "1,000")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.header("location"), Some(path.as_str()));
    assert_eq!(readings(&app, &f.lift), "trips:1000:false");

    let page = f
        .manager
        .post(&path, &[("meter", "trips"), ("value", "900")])
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("counter reset"), "{}", page.body);
    assert!(page.body.contains("1,000"), "names the last reading");
    assert!(
        page.body.contains("value=\"900\""),
        "the typed reading is kept"
    );
    assert_eq!(readings(&app, &f.lift), "trips:1000:false");

    // Running hours are another meter: a lower number there is no reset.
    let page = f
        .manager
        .post(&path, &[("meter", "hours"), ("value", "12")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let page = f
        .manager
        .post(
            &path,
            &[("meter", "trips"), ("value", "900"), ("counter_reset", "1")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        value(
            &app,
            &format!(
                "SELECT string_agg(value || ':' || counter_reset, ',' ORDER BY read_at, created_at) \
                 AS value FROM org_acme.meter_readings WHERE elevator_id = '{}' AND meter = 'trips'",
                f.lift
            )
        ),
        "1000:false,900:true"
    );
    let page = f.manager.get(&path).await;
    assert!(page.body.contains("Trip counter reading of 900 saved."));
    assert!(page.body.contains("counter reset"));

    // Bad values are refused with nothing written.
    for bad in ["", "-5", "twelve"] {
        let page = f
            .manager
            .post(&path, &[("meter", "trips"), ("value", bad)])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
    }
    assert_eq!(app.count("SELECT 1 FROM org_acme.meter_readings"), 3);

    // Technicians read the counters on site; read-only members may not enter readings.
    let technician = app.member("acme", Role::Technician).await;
    technician.get(&path).await;
    let page = technician
        .post(&path, &[("meter", "trips"), ("value", "950")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let readonly = app.member("acme", Role::ReadOnly).await;
    let page = readonly.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = readonly
        .post(&path, &[("meter", "trips"), ("value", "990")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT 1 FROM org_acme.meter_readings"), 4);
}

#[actix_web::test]
async fn a_trip_schedule_forecasts_its_visit_and_is_raised_once_the_meter_passes_it() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let lift = fixtures::lift(&f.manager, "acme", &f.site, "Lift 2").await;
    // A thousand trips a day over the last ten days.
    app.execute(&format!(
        "INSERT INTO org_acme.meter_readings (elevator_id, meter, value, read_at, recorded_by_name) \
         VALUES ('{lift}', 'trips', 100000, now() - interval '20 days', 'Test'), \
                ('{lift}', 'trips', 110000, now() - interval '10 days', 'Test')"
    ));
    let id = schedule(
        &f.manager,
        "acme",
        &lift,
        today(),
        &[
            ("name", "Trip service"),
            ("frequency", "trips"),
            ("every", "50000"),
        ],
    )
    .await;
    assert_eq!(
        value(
            &app,
            &format!("SELECT meter_from::text AS value FROM org_acme.maintenance_schedules WHERE id = '{id}'")
        ),
        "110000",
        "the count starts at the last reading"
    );
    let page = f.manager.get(&format!("/o/acme/maintenance/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("nothing will be raised until"),
        "the lift has readings"
    );
    let expected = format!(
        "Next visit forecast for {} at 160,000 (the meter reads 110,000, running about 1,000 trips a day).",
        shift(today(), 50).format("%-d %b %Y")
    );
    assert!(page.body.contains(&expected), "{expected}\n{}", page.body);

    // Fifty days away, more than the lead time: nothing yet.
    assert_eq!(generate(&app, "acme", Utc::now()).raised, 0);
    assert_eq!(super::raised(&app, "acme", &id), 0);

    // The meter passes 160,000: the next pass raises one visit, due today.
    let page = f
        .manager
        .post(
            &format!("/o/acme/elevators/{lift}/readings"),
            &[("meter", "trips"), ("value", "160500")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let pass = generate(&app, "acme", Utc::now());
    assert_eq!(pass.raised, 1, "{pass:?}");
    assert_eq!(generate(&app, "acme", Utc::now()).raised, 0);
    assert_eq!(super::raised(&app, "acme", &id), 1);
    assert_eq!(
        value(
            &app,
            &format!(
                "SELECT concat_ws('|', w.planned_on, o.due_on, o.status, w.type, w.elevator_id) \
                 AS value FROM org_acme.maintenance_occurrences o \
                 JOIN org_acme.work_orders w ON w.id = o.work_order_id WHERE o.schedule_id = '{id}'"
            )
        ),
        format!("{0}|{0}|raised|preventive|{lift}", today())
    );
    // The count starts again from there.
    let from: i64 = value(
        &app,
        &format!("SELECT meter_from::text AS value FROM org_acme.maintenance_schedules WHERE id = '{id}'"),
    )
    .parse()
    .unwrap();
    assert!((160_000..=160_500).contains(&from), "{from}");
    let page = f.manager.get(&format!("/o/acme/maintenance/{id}")).await;
    assert!(
        page.body.contains("Next visit forecast for"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(&sitesync::maintenance::model::thousands(from + 50_000)));
}

#[actix_web::test]
async fn a_reading_dated_in_the_future_is_refused() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let path = format!("/o/acme/elevators/{}/readings", f.lift);
    f.manager.get(&path).await;
    let later = shift(today(), 2).to_string();
    let page = f
        .manager
        .post(
            &path,
            &[("meter", "trips"), ("value", "5000"), ("read_on", &later)],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.body.contains("cannot be from the future"),
        "{}",
        page.body
    );
    assert_eq!(app.count("SELECT 1 FROM org_acme.meter_readings"), 0);
    // A day in the past is read as midday there.
    let earlier = shift(today(), -3);
    let page = f
        .manager
        .post(
            &path,
            &[
                ("meter", "trips"),
                ("value", "5000"),
                ("read_on", &earlier.to_string()),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        value(
            &app,
            "SELECT to_char(read_at AT TIME ZONE 'Australia/Sydney', 'YYYY-MM-DD HH24:MI') AS value \
             FROM org_acme.meter_readings"
        ),
        format!("{earlier} 12:00")
    );
}

#[actix_web::test]
async fn the_forecast_runs_the_meter_at_its_rate_since_the_last_counter_reset() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let lift = &f.lift;
    // Fast before the counter was replaced five days ago; a thousand trips a day since.
    app.execute(&format!(
        "INSERT INTO org_acme.meter_readings \
           (elevator_id, meter, value, read_at, counter_reset, recorded_by_name) \
         VALUES ('{lift}', 'trips', 100000, now() - interval '20 days', false, 'Test'), \
                ('{lift}', 'trips', 110000, now() - interval '10 days', false, 'Test'), \
                ('{lift}', 'trips', 500, now() - interval '5 days', true, 'Test'), \
                ('{lift}', 'trips', 5500, now(), false, 'Test')"
    ));
    let id = schedule(
        &f.manager,
        "acme",
        lift,
        today(),
        &[
            ("name", "Trip service"),
            ("frequency", "trips"),
            ("every", "50000"),
        ],
    )
    .await;
    let due = shift(today(), 50);
    let page = f.manager.get(&format!("/o/acme/maintenance/{id}")).await;
    let sentence = format!(
        "Next visit forecast for {} at 55,500 (the meter reads 5,500, running about 1,000 trips a day).",
        due.format("%-d %b %Y")
    );
    assert!(page.body.contains(&sentence), "{sentence}\n{}", page.body);
    // The forecast page puts the visit in the same month as the schedule's page.
    let page = f.manager.get("/o/acme/maintenance/forecast?months=3").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = scraper::Html::parse_document(&page.body);
    let cells: Vec<String> = html
        .select(
            &scraper::Selector::parse("section[aria-labelledby=per-lift-heading] tbody tr td")
                .unwrap(),
        )
        .map(|c| c.text().collect::<String>().trim().to_string())
        .collect();
    let month = |d: chrono::NaiveDate| {
        use chrono::Datelike;
        d.year() * 12 + d.month() as i32
    };
    let column = (month(due) - month(today())) as usize;
    // A column for every month the next three months touch (four unless today is the 1st).
    let until = today()
        .checked_add_months(chrono::Months::new(3))
        .and_then(|d| d.pred_opt())
        .unwrap();
    let columns = (month(until) - month(today()) + 1) as usize;
    let mut expected = vec!["·".to_string(); columns];
    expected[column] = "1".to_string();
    expected.push("1.5".to_string());
    assert_eq!(cells, expected, "the visit forecast for {due}");
}
