//! PM compliance against a data set worked out by hand, and the forecast of coming visits.

use awc::http::StatusCode;
use chrono::{NaiveDate, Utc};
use scraper::{Html, Selector};
use sitesync::maintenance::compliance::{figures, Compliance, Of};
use uuid::Uuid;

use super::{fixture, generate, schedule, shift, today, Failed};
use crate::fixtures;
use crate::harness::{self, TestApp};

fn figures_of(app: &TestApp, of: Of) -> Compliance {
    harness::in_org(&mut app.conn(), "acme", |conn, _| {
        figures(conn, of).map_err(Failed::from)
    })
    .unwrap_or_else(|e| panic!("figures of {of:?}: {e}"))
}

fn uuid(id: &str) -> Uuid {
    Uuid::parse_str(id).unwrap()
}

/// Sets the work order of `schedule`'s visit planned on `planned` to `status`, completed at
/// `time` on `day` in Sydney when given.
fn set(
    app: &TestApp,
    schedule: &str,
    planned: NaiveDate,
    status: &str,
    done: Option<(NaiveDate, &str)>,
) {
    let completed = match done {
        Some((day, time)) => format!("(TIMESTAMP '{day} {time}' AT TIME ZONE 'Australia/Sydney')"),
        None => "NULL".to_string(),
    };
    let sql = format!(
        "UPDATE org_acme.work_orders SET status = '{status}', completed_at = {completed} \
         WHERE maintenance_schedule_id = '{schedule}' AND planned_on = '{planned}'"
    );
    let mut pooled = app.conn();
    let conn: &mut diesel::PgConnection = &mut pooled;
    let changed = diesel::RunQueryDsl::execute(diesel::sql_query(&sql), conn)
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    assert_eq!(changed, 1, "{sql}");
}

const fn c(
    on_time_90: i64,
    due_90: i64,
    on_time_365: i64,
    due_365: i64,
    overdue: i64,
) -> Compliance {
    Compliance {
        on_time_90,
        due_90,
        on_time_365,
        due_365,
        overdue,
    }
}

#[actix_web::test]
async fn compliance_figures_match_a_data_set_worked_out_by_hand() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let lift_a = f.lift.clone();
    let lift_b = fixtures::lift(&f.manager, "acme", &f.site, "Lift 2").await;
    let market = fixtures::site(&f.manager, "acme", "Market Street").await;
    let lift_c = fixtures::lift(&f.manager, "acme", &market, "M1").await;
    let t = today();
    let every = |n: &'static str| {
        [
            ("frequency", "custom_days"),
            ("every", n),
            ("lead_days", "0"),
        ]
    };
    let a = schedule(&f.manager, "acme", &lift_a, shift(t, -120), &every("10")).await;
    let b = schedule(&f.manager, "acme", &lift_b, shift(t, -60), &every("30")).await;
    let end_c = shift(t, -15).to_string();
    let mut fields_c = every("30").to_vec();
    fields_c.push(("end_date", &end_c));
    let cc = schedule(&f.manager, "acme", &lift_c, shift(t, -45), &fields_c).await;
    let end_old = shift(t, -380).to_string();
    let mut fields_old = every("10").to_vec();
    fields_old.push(("end_date", &end_old));
    let old = schedule(&f.manager, "acme", &lift_c, shift(t, -400), &fields_old).await;
    // A: every 10 days from 120 days ago to today (13); B: 60 and 30 days ago and today (3);
    // C: 45 and 15 days ago (2); the old one: 400, 390 and 380 days ago (3).
    assert_eq!(generate(&app, "acme", Utc::now()).raised, 21);

    let d = |n: i64| shift(t, n);
    // Lift A, day by day (due = planned, no holidays).
    set(&app, &a, d(-120), "completed", Some((d(-121), "10:00"))); // on time
    set(&app, &a, d(-110), "completed", Some((d(-105), "10:00"))); // late
    set(&app, &a, d(-100), "cancelled", None); // missed
                                               // 00:30 the day after in Sydney is still the due day in UTC: late all the same.
    set(&app, &a, d(-90), "completed", Some((d(-89), "00:30")));
    set(&app, &a, d(-80), "completed", Some((d(-80), "16:00"))); // on time, on the day
    set(&app, &a, d(-70), "completed", Some((d(-69), "00:30"))); // late
    set(&app, &a, d(-60), "invoiced", Some((d(-61), "12:00"))); // on time
    set(&app, &a, d(-50), "in_progress", None); // open, overdue
                                                // 40 days ago: still pending (as raised), overdue.
    set(&app, &a, d(-30), "completed", Some((d(-30), "09:00"))); // on time
    set(&app, &a, d(-20), "cancelled", None); // missed
    set(&app, &a, d(-10), "completed", Some((d(-12), "09:00"))); // on time (early)
                                                                 // Today's: pending, due today, not yet counted.
                                                                 // A skipped visit counts nowhere.
    app.execute(&format!(
        "INSERT INTO org_acme.maintenance_occurrences (schedule_id, planned_on, due_on, status) \
         VALUES ('{a}', '{0}', '{0}', 'skipped')",
        d(-95)
    ));
    // Lift B.
    set(&app, &b, d(-60), "completed", Some((d(-60), "11:00"))); // on time
    set(&app, &b, d(-30), "completed", Some((d(-25), "11:00"))); // late
                                                                 // Lift C: one on time, one still pending and overdue; the old schedule's all on time but
                                                                 // more than a year ago.
    set(&app, &cc, d(-45), "completed", Some((d(-46), "11:00")));
    for n in [-400, -390, -380] {
        set(&app, &old, d(n), "completed", Some((d(n), "11:00")));
    }

    let lift_a_figures = c(4, 9, 5, 12, 2);
    assert_eq!(figures_of(&app, Of::Lift(uuid(&lift_a))), lift_a_figures);
    assert_eq!(figures_of(&app, Of::Schedule(uuid(&a))), lift_a_figures);
    assert_eq!(figures_of(&app, Of::Lift(uuid(&lift_b))), c(1, 2, 1, 2, 0));
    assert_eq!(figures_of(&app, Of::Lift(uuid(&lift_c))), c(1, 2, 1, 2, 1));
    assert_eq!(figures_of(&app, Of::Schedule(uuid(&old))), c(0, 0, 0, 0, 0));
    assert_eq!(
        figures_of(&app, Of::Site(uuid(&f.site))),
        c(5, 11, 6, 14, 2)
    );
    assert_eq!(figures_of(&app, Of::Site(uuid(&market))), c(1, 2, 1, 2, 1));
    let organization = figures_of(&app, Of::Organization);
    assert_eq!(organization, c(6, 13, 7, 16, 3));
    assert_eq!(organization.percent_90(), "46%");
    assert_eq!(organization.percent_365(), "44%");

    // The list's tiles.
    let page = f.manager.get("/o/acme/maintenance").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = Html::parse_document(&page.body);
    let tiles: Vec<String> = html
        .select(&Selector::parse("ul.tiles li.tile").unwrap())
        .map(|li| li.text().collect::<String>())
        .collect();
    assert_eq!(
        tiles,
        vec![
            "46%Done on time, last 90 days (6 of 13)".to_string(),
            "44%Done on time, last 365 days (7 of 16)".to_string(),
            "3Overdue visits".to_string(),
        ]
    );
    // The lift's panel and the schedule's page: 4 of 9 is 44%, 5 of 12 is 42%.
    let page = f.manager.get(&format!("/o/acme/elevators/{lift_a}")).await;
    assert!(
        page.body
            .contains("44%</span> last 90 days · 42% last 365 days"),
        "{}",
        page.body
    );
    assert!(page.body.contains("2 overdue"));
    let page = f.manager.get(&format!("/o/acme/maintenance/{a}")).await;
    assert!(page
        .body
        .contains("44%</span> last 90 days · 42% last 365 days"));
    assert_eq!(page.body.matches("badge-bad\">Overdue").count(), 2);
}

#[actix_web::test]
async fn a_deleted_schedule_no_longer_counts_in_the_figures_its_list_links_to() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let t = today();
    let id = schedule(
        &f.manager,
        "acme",
        &f.lift,
        shift(t, -2),
        &[("frequency", "daily"), ("lead_days", "0")],
    )
    .await;
    assert_eq!(generate(&app, "acme", Utc::now()).raised, 3);
    assert_eq!(figures_of(&app, Of::Organization), c(0, 2, 0, 2, 2));
    let page = f
        .manager
        .post(&format!("/o/acme/maintenance/{id}/delete"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(super::raised(&app, "acme", &id), 3, "its work orders stay");
    // The overdue tile links to the schedules with overdue visits: there are none left.
    let page = f
        .manager
        .get("/o/acme/maintenance?overdue=1&state=all")
        .await;
    assert!(page.body.contains("No schedules match."));
    // compliance.rs counts "the visits of live schedules".
    assert_eq!(figures_of(&app, Of::Organization), c(0, 0, 0, 0, 0));
    let page = f
        .manager
        .get(&format!("/o/acme/elevators/{}", f.lift))
        .await;
    assert!(!page.body.contains("overdue</span>"), "{}", page.body);
}

/// The forecast's table: per lift, the visits in each month column and the hours.
fn per_lift(body: &str) -> Vec<(String, Vec<usize>, String)> {
    let html = Html::parse_document(body);
    let rows = Selector::parse("section[aria-labelledby=per-lift-heading] tbody tr").unwrap();
    let th = Selector::parse("th").unwrap();
    let td = Selector::parse("td").unwrap();
    html.select(&rows)
        .map(|row| {
            let lift = row
                .select(&th)
                .next()
                .map(|h| h.text().collect::<String>())
                .unwrap_or_default();
            let mut cells: Vec<String> = row
                .select(&td)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect();
            let hours = cells.pop().unwrap_or_default();
            let counts = cells.iter().map(|c| c.parse().unwrap_or(0)).collect();
            (lift, counts, hours)
        })
        .collect()
}

#[actix_web::test]
async fn the_forecast_counts_a_monthly_schedules_visits_in_the_coming_year() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let lift_2 = fixtures::lift(&f.manager, "acme", &f.site, "Lift 2").await;
    let t = today();
    schedule(&f.manager, "acme", &f.lift, shift(t, 1), &[]).await;
    // On the first of each month from today.
    schedule(
        &f.manager,
        "acme",
        &lift_2,
        t,
        &[("name", "First of the month"), ("day_of_month", "1")],
    )
    .await;
    let page = f
        .manager
        .get("/o/acme/maintenance/forecast?months=12")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg"), "the chart");
    let table = per_lift(&page.body);
    assert_eq!(table.len(), 2, "{table:?}");
    let mut all = 0;
    for (lift, counts, hours) in &table {
        // A monthly schedule has twelve visits in any twelve months (thirteen if both ends of
        // a partial month are shown); never two in one month.
        let visits: usize = counts.iter().sum();
        assert!(
            visits == 12 || visits == 13,
            "{lift}: {visits} visits in the next 12 months: {counts:?}"
        );
        assert!(counts.iter().all(|n| *n <= 1), "{lift}: {counts:?}");
        assert_eq!(
            hours,
            &sitesync::dashboard::charts::number(visits as f64 * 1.5),
            "{lift}: the hours are those of the visits shown"
        );
        all += visits;
    }
    assert!(
        page.body
            .contains(&format!("{all} planned visits over the next")),
        "the chart's summary agrees with the table"
    );

    // Not a number: refused, not a server error.
    let page = f
        .manager
        .get("/o/acme/maintenance/forecast?months=abc")
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    let page = f.manager.get("/o/acme/maintenance/forecast?months=0").await;
    assert_eq!(page.status, StatusCode::OK, "clamped");
}
