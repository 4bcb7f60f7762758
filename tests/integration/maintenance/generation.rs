//! The generator: each visit raised exactly once however many passes run at once, catching up
//! after downtime, what a raised work order carries (checklist, assignee, 08:00 at the site on
//! either side of a DST change), and the "Generate due visits now" button.

use std::sync::{Arc, Barrier};

use awc::http::StatusCode;
use chrono::{NaiveDate, TimeZone, Utc};

use super::{days_later, fixture, generate, generate_on, schedule, shift, today, value};
use crate::harness::TestApp;

/// The visits of a schedule as `planned_on:status:late`, in date order.
fn occurrences(app: &TestApp, schedule: &str) -> Vec<String> {
    let listed = value(
        app,
        &format!(
            "SELECT coalesce(string_agg(planned_on || ':' || status || ':' || late, ',' \
             ORDER BY planned_on), '') AS value \
             FROM org_acme.maintenance_occurrences WHERE schedule_id = '{schedule}'"
        ),
    );
    if listed.is_empty() {
        Vec::new()
    } else {
        listed.split(',').map(str::to_string).collect()
    }
}

/// What the visits from `from` to `to` should look like once raised at `today`.
fn raised_daily(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Vec<String> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .map(|d| format!("{d}:raised:{}", d < today))
        .collect()
}

/// Work orders, distinct planned dates, and visits raised, of one schedule.
fn tally(app: &TestApp, schedule: &str) -> (i64, i64, i64) {
    (
        app.count(&format!(
            "SELECT 1 FROM org_acme.work_orders WHERE maintenance_schedule_id = '{schedule}'"
        )),
        app.count(&format!(
            "SELECT DISTINCT planned_on FROM org_acme.work_orders \
             WHERE maintenance_schedule_id = '{schedule}'"
        )),
        app.count(&format!(
            "SELECT 1 FROM org_acme.maintenance_occurrences o \
             JOIN org_acme.work_orders w ON w.id = o.work_order_id \
             WHERE o.schedule_id = '{schedule}' AND o.status = 'raised' \
               AND w.planned_on = o.planned_on AND w.maintenance_schedule_id = o.schedule_id"
        )),
    )
}

/// Two passes at once, from two connections; what each raised.
fn two_passes_at_once(app: &TestApp, now: chrono::DateTime<Utc>) -> usize {
    let barrier = Arc::new(Barrier::new(2));
    let passes: Vec<_> = (0..2)
        .map(|_| {
            let mut conn = app.conn();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                generate_on(&mut conn, "acme", now)
            })
        })
        .collect();
    passes
        .into_iter()
        .map(|pass| {
            pass.join()
                .expect("the pass ran")
                .unwrap_or_else(|e| panic!("a concurrent pass failed: {e}"))
                .raised
        })
        .sum()
}

#[actix_web::test]
async fn each_visit_is_raised_exactly_once_however_many_passes_run_at_once() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let t = today();
    let id = schedule(
        &f.manager,
        "acme",
        &f.lift,
        shift(t, -10),
        &[
            ("name", "Daily look"),
            ("frequency", "daily"),
            ("lead_days", "0"),
        ],
    )
    .await;
    let now = Utc::now();
    // Ten days ago to today: eleven visits, between both passes.
    assert_eq!(two_passes_at_once(&app, now), 11);
    assert_eq!(tally(&app, &id), (11, 11, 11));
    assert_eq!(occurrences(&app, &id), raised_daily(shift(t, -10), t, t));
    // Again, at once and alone: nothing new.
    assert_eq!(two_passes_at_once(&app, now), 0);
    assert_eq!(generate(&app, "acme", now).raised, 0);
    assert_eq!(tally(&app, &id), (11, 11, 11));
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.work_orders"),
        11,
        "no other work order"
    );
    // The next visit the generator will look at is tomorrow's.
    assert_eq!(
        value(
            &app,
            &format!("SELECT next_due_on::text AS value FROM org_acme.maintenance_schedules WHERE id = '{id}'")
        ),
        shift(t, 1).to_string()
    );
    // The schedule's page shows the visits raised late.
    let page = f.manager.get(&format!("/o/acme/maintenance/{id}")).await;
    assert_eq!(page.body.matches("raised late").count(), 10);
}

#[actix_web::test]
async fn after_a_week_of_downtime_the_missed_visits_are_raised_once_and_marked_late() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let now = Utc::now();
    let first = days_later(now, -7);
    let first_day = first
        .with_timezone(&chrono_tz::Australia::Sydney)
        .date_naive();
    let t = today();
    let id = schedule(
        &f.manager,
        "acme",
        &f.lift,
        shift(first_day, -3),
        &[
            ("name", "Daily look"),
            ("frequency", "daily"),
            ("lead_days", "0"),
        ],
    )
    .await;
    let pass = generate(&app, "acme", first);
    assert_eq!((pass.raised, pass.late), (4, 3));
    assert_eq!(generate(&app, "acme", first).raised, 0);
    // The server is down for a week; the first pass after it raises the seven days since.
    let pass = generate(&app, "acme", now);
    assert_eq!(
        (pass.raised, pass.late),
        (7, 6),
        "the six missed days late, today's on time"
    );
    assert_eq!(generate(&app, "acme", now).raised, 0);
    assert_eq!(tally(&app, &id), (11, 11, 11));
    let mut expected = raised_daily(shift(first_day, -3), first_day, first_day);
    expected.extend(raised_daily(shift(first_day, 1), t, t));
    assert_eq!(occurrences(&app, &id), expected);
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.maintenance_occurrences WHERE schedule_id = '{id}' \
             AND abs(extract(epoch FROM raised_at - '{}'::timestamptz)) < 0.001",
            now.to_rfc3339()
        )),
        7
    );
}

#[actix_web::test]
async fn a_raised_work_order_carries_the_schedule_and_starts_at_8_at_the_site_across_dst() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    // Weekly on Mondays from 28 September 2026; Sydney's clocks go forward on 4 October.
    let id = schedule(
        &f.manager,
        "acme",
        &f.lift,
        NaiveDate::from_ymd_opt(2026, 9, 28).unwrap(),
        &[
            ("name", "Weekly service"),
            ("description", "Machine room and pit."),
            ("frequency", "weekly"),
            ("priority", "high"),
            ("lead_days", "0"),
            ("assigned_contractor_id", f.contractor.as_str()),
        ],
    )
    .await;
    // Midday on Monday 5 October in Sydney.
    let now = Utc.with_ymd_and_hms(2026, 10, 5, 1, 0, 0).unwrap();
    let pass = generate(&app, "acme", now);
    assert_eq!((pass.raised, pass.late), (2, 1));
    let rows = value(
        &app,
        &format!(
            "SELECT string_agg(concat_ws('|', planned_on, type, priority, status, title, \
               assigned_contractor_id, elevator_id, \
               to_char(scheduled_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI'), \
               to_char(scheduled_end AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI'), \
               to_char(due_date AT TIME ZONE 'Australia/Sydney', 'YYYY-MM-DD HH24:MI')), \
               ',' ORDER BY planned_on) AS value \
             FROM org_acme.work_orders WHERE maintenance_schedule_id = '{id}'"
        ),
    );
    let who = format!("{}|{}", f.contractor, f.lift);
    assert_eq!(
        rows,
        format!(
            "2026-09-28|preventive|high|pending|Weekly service|{who}|2026-09-27T22:00|2026-09-27T23:30|2026-09-28 17:00,\
             2026-10-05|preventive|high|pending|Weekly service|{who}|2026-10-04T21:00|2026-10-04T22:30|2026-10-05 17:00"
        )
    );
    assert!(value(
        &app,
        &format!(
            "SELECT description AS value FROM org_acme.work_orders \
             WHERE maintenance_schedule_id = '{id}' AND planned_on = '2026-10-05'"
        )
    )
    .contains("Machine room and pit."));
    // Each has the checklist, in order, with what each task asks for.
    for planned in ["2026-09-28", "2026-10-05"] {
        assert_eq!(
            value(
                &app,
                &format!(
                    "SELECT string_agg(t.sequence || ':' || t.title || ':' || t.requires || ':' || t.status, \
                     ', ' ORDER BY t.sequence) AS value \
                     FROM org_acme.work_order_tasks t JOIN org_acme.work_orders w ON w.id = t.work_order_id \
                     WHERE w.maintenance_schedule_id = '{id}' AND w.planned_on = '{planned}'"
                )
            ),
            "1:Inspect doors:nothing:pending, 2:Read the trip counter:trips:pending, \
             3:Photo of the machine room:photo:pending",
            "{planned}"
        );
    }
    assert_eq!(
        occurrences(&app, &id),
        vec![
            "2026-09-28:raised:true".to_string(),
            "2026-10-05:raised:false".to_string()
        ]
    );
    // The work order's page links back to nothing broken and shows its checklist.
    let wo = super::work_order_of(
        &app,
        "acme",
        &id,
        NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
    );
    let page = f.manager.get(&format!("/o/acme/work-orders/{wo}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Read the trip counter"));
}

#[actix_web::test]
async fn a_schedule_without_an_assignee_raises_unassigned_work_orders() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = schedule(
        &f.manager,
        "acme",
        &f.lift,
        today(),
        &[("lead_days", "0"), ("checklist", "")],
    )
    .await;
    assert_eq!(generate(&app, "acme", Utc::now()).raised, 1);
    assert_eq!(
        value(
            &app,
            &format!(
                "SELECT concat_ws('|', assigned_contractor_id IS NULL, \
                   (SELECT count(*) FROM org_acme.work_order_tasks t WHERE t.work_order_id = w.id)) \
                 AS value FROM org_acme.work_orders w WHERE maintenance_schedule_id = '{id}'"
            )
        ),
        "t|0"
    );
}

#[actix_web::test]
async fn the_generate_button_raises_the_due_visits_and_says_how_many() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = schedule(
        &f.manager,
        "acme",
        &f.lift,
        shift(today(), -2),
        &[
            ("name", "Daily look"),
            ("frequency", "daily"),
            ("lead_days", "0"),
        ],
    )
    .await;
    let page = f.manager.get("/o/acme/maintenance").await;
    assert!(page.body.contains("Generate due visits now"));
    let page = f.manager.post("/o/acme/maintenance/generate", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.header("location"), Some("/o/acme/maintenance"));
    let page = f.manager.get("/o/acme/maintenance").await;
    assert!(
        page.body
            .contains("3 visits were raised as work orders, 2 of them past their due date."),
        "{}",
        page.body
    );
    assert_eq!(super::raised(&app, "acme", &id), 3);
    let page = f.manager.post("/o/acme/maintenance/generate", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = f.manager.get("/o/acme/maintenance").await;
    assert!(page.body.contains("Nothing was due"), "{}", page.body);
    assert_eq!(super::raised(&app, "acme", &id), 3);
}

#[actix_web::test]
async fn a_floating_schedule_counts_the_next_visit_from_the_day_the_last_was_done() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let t = today();
    let id = schedule(
        &f.manager,
        "acme",
        &f.lift,
        shift(t, -40),
        &[
            ("anchor", "floating"),
            ("lead_days", "0"),
            ("checklist", ""),
            ("assigned_contractor_id", f.contractor.as_str()),
        ],
    )
    .await;
    // Forty days ago, late; a floating cycle plans nothing more until it is done.
    let pass = generate(&app, "acme", Utc::now());
    assert_eq!((pass.raised, pass.late), (1, 1));
    assert_eq!(generate(&app, "acme", Utc::now()).raised, 0);
    let wo = super::work_order_of(&app, "acme", &id, shift(t, -40));
    for (to, extra) in [
        ("scheduled", None),
        ("in_progress", None),
        ("completed", Some(("resolution_notes", "Serviced."))),
    ] {
        let v = super::version(&app, "acme", &wo);
        let mut fields = vec![("to", to), ("version", v.as_str())];
        if let Some(extra) = extra {
            fields.push(extra);
            fields.push(("resolution_type", "adjusted"));
        }
        let page = f
            .manager
            .post(&format!("/o/acme/work-orders/{wo}/move"), &fields)
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{to}: {}", page.body);
    }
    // Done today: the next visit is a month from today, not from the planned date.
    let next = t.checked_add_months(chrono::Months::new(1)).unwrap();
    assert_eq!(
        value(
            &app,
            &format!("SELECT next_due_on::text AS value FROM org_acme.maintenance_schedules WHERE id = '{id}'")
        ),
        next.to_string()
    );
    assert_eq!(generate(&app, "acme", Utc::now()).raised, 0);
    let page = f.manager.get(&format!("/o/acme/maintenance/{id}")).await;
    assert!(
        page.body.contains(&format!("<time datetime=\"{next}\">")),
        "{}",
        page.body
    );
    let pass = generate(&app, "acme", days_later(Utc::now(), 32));
    assert_eq!(pass.raised, 1);
    assert_eq!(super::raised(&app, "acme", &id), 2);
}

#[actix_web::test]
async fn a_paused_schedule_raises_nothing_and_resumes_from_today() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let t = today();
    let id = schedule(
        &f.manager,
        "acme",
        &f.lift,
        shift(t, -5),
        &[("frequency", "daily"), ("lead_days", "0")],
    )
    .await;
    let page = f
        .manager
        .post(&format!("/o/acme/maintenance/{id}/pause"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = f.manager.get(&format!("/o/acme/maintenance/{id}")).await;
    assert!(page.body.contains("is paused: nothing more is raised"));
    assert!(page.body.contains("Paused: nothing is planned."));
    assert_eq!(generate(&app, "acme", Utc::now()).raised, 0);
    let page = f
        .manager
        .post(&format!("/o/acme/maintenance/{id}/resume"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    // What fell due while paused is not raised: only today's visit.
    let pass = generate(&app, "acme", Utc::now());
    assert_eq!((pass.raised, pass.late), (1, 0));
    assert_eq!(occurrences(&app, &id), vec![format!("{t}:raised:false")]);
}

#[actix_web::test]
async fn a_schedule_of_a_removed_lift_does_not_stop_the_others_being_raised() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let removed = crate::fixtures::lift(&f.manager, "acme", &f.site, "Lift 2").await;
    let daily = [("frequency", "daily"), ("lead_days", "0")];
    let kept = schedule(&f.manager, "acme", &f.lift, today(), &daily).await;
    let orphan = schedule(&f.manager, "acme", &removed, today(), &daily).await;
    let page = f
        .manager
        .post(&format!("/o/acme/elevators/{removed}/archive"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let pass = generate_on(&mut app.conn(), "acme", Utc::now());
    assert!(
        pass.is_ok(),
        "one removed lift must not stop the organization's pass: {pass:?}"
    );
    assert_eq!(super::raised(&app, "acme", &kept), 1);
    assert_eq!(super::raised(&app, "acme", &orphan), 0);
    // The button says so too, rather than failing.
    let page = f.manager.post("/o/acme/maintenance/generate", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

#[actix_web::test]
async fn a_visit_whose_default_assignee_has_left_is_raised_unassigned() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = schedule(
        &f.manager,
        "acme",
        &f.lift,
        today(),
        &[
            ("lead_days", "0"),
            ("assigned_contractor_id", f.contractor.as_str()),
        ],
    )
    .await;
    app.execute(&format!(
        "UPDATE org_acme.contractors SET is_active = false WHERE id = '{}'",
        f.contractor
    ));
    assert_eq!(generate(&app, "acme", Utc::now()).raised, 1);
    assert_eq!(
        value(
            &app,
            &format!(
                "SELECT (assigned_contractor_id IS NULL)::text AS value FROM org_acme.work_orders \
                 WHERE maintenance_schedule_id = '{id}'"
            )
        ),
        "true"
    );
}
