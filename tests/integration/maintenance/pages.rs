//! Making a schedule through the pages, its page, the list with its filters, sorting and CSV,
//! the lift's "Maintenance" panel, and one schedule for every lift of a site.

use awc::http::StatusCode;
use chrono::Months;
use scraper::{Html, Selector};

use super::{fixture, generate, schedule, shift, today, value, CHECKLIST};
use crate::fixtures;
use crate::harness::{id_from, TestApp};

/// The schedule names the list shows, in order.
fn listed(body: &str) -> Vec<String> {
    let html = Html::parse_document(body);
    let selector = Selector::parse("#results tbody tr td:first-child a").unwrap();
    html.select(&selector)
        .map(|a| a.text().collect::<String>().trim().to_string())
        .collect()
}

/// The rows of a CSV export (the header first).
fn csv_lines(body: &str) -> Vec<String> {
    body.lines()
        .map(|l| l.trim_end_matches('\r').to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[actix_web::test]
async fn a_monthly_schedule_made_by_a_manager_shows_its_checklist_and_coming_visits() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let start = shift(today(), 3);
    let start_text = start.to_string();
    let page = f
        .manager
        .post(
            "/o/acme/maintenance",
            &super::form(
                &f.lift,
                &start_text,
                &[("assigned_contractor_id", f.contractor.as_str())],
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.header("location").unwrap_or_default().to_string();
    let id = id_from(Some(&location));
    assert_eq!(location, format!("/o/acme/maintenance/{id}"));

    // As saved: the form's values, the first visit as the generator's bookmark, the checklist.
    assert_eq!(
        value(
            &app,
            &format!(
                "SELECT concat_ws('|', name, frequency, every, lead_days, start_date, \
                 estimated_hours, skip_holidays, anchor, next_due_on, elevator_id, \
                 assigned_contractor_id, work_type, priority) AS value \
                 FROM org_acme.maintenance_schedules WHERE id = '{id}'"
            )
        ),
        format!(
            "Monthly service|monthly|1|7|{start}|1.50|t|fixed|{start}|{}|{}|preventive|medium",
            f.lift, f.contractor
        )
    );
    assert_eq!(
        value(
            &app,
            &format!(
                "SELECT string_agg(title || ':' || requires, ', ' ORDER BY position) AS value \
                 FROM org_acme.maintenance_checklist_items WHERE schedule_id = '{id}'"
            )
        ),
        "Inspect doors:nothing, Read the trip counter:trips, Photo of the machine room:photo"
    );

    let page = f.manager.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("The schedule was saved."), "flash");
    let html = Html::parse_document(&page.body);
    let items: Vec<String> = html
        .select(&Selector::parse("ol.checklist li").unwrap())
        .map(|li| li.text().collect::<String>())
        .collect();
    assert_eq!(
        items,
        vec![
            "Inspect doors".to_string(),
            "Read the trip counter A trip-counter reading".to_string(),
            "Photo of the machine room A photo".to_string(),
        ]
    );
    assert!(page.body.contains("Tanvir Ahmed"), "the default assignee");
    // The next twelve visits, a month apart from the first date.
    let coming: Vec<String> = html
        .select(
            &Selector::parse(
                "section[aria-labelledby=coming-heading] tbody tr td:first-child time",
            )
            .unwrap(),
        )
        .filter_map(|t| t.value().attr("datetime").map(str::to_string))
        .collect();
    let expected: Vec<String> = (0..12)
        .map(|k| {
            start
                .checked_add_months(Months::new(k))
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(coming, expected);

    // The list shows it with its frequency, next visit and assignee.
    let page = f.manager.get("/o/acme/maintenance").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(listed(&page.body), vec!["Monthly service".to_string()]);
    let html = Html::parse_document(&page.body);
    let cells: Vec<String> = html
        .select(&Selector::parse("#results tbody tr td").unwrap())
        .map(|td| td.text().collect::<String>().trim().to_string())
        .collect();
    assert_eq!(cells[2], "Monthly");
    assert_eq!(cells[3], start.format("%a %-d %b %Y").to_string());
    assert_eq!(cells[4], "Tanvir Ahmed");
    assert_eq!(cells[5], "1.50");

    // The lift's page has the Maintenance panel with the schedule.
    let page = f
        .manager
        .get(&format!("/o/acme/elevators/{}", f.lift))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = Html::parse_document(&page.body);
    let panel = html
        .select(&Selector::parse("section[aria-labelledby=maintenance-heading]").unwrap())
        .next()
        .expect("the Maintenance panel");
    let text: String = panel.text().collect();
    assert!(text.contains("Maintenance"), "{text}");
    assert!(
        text.contains(&format!(
            "Monthly service — Monthly, next {}",
            start.format("%-d %b %Y")
        )),
        "{text}"
    );
    assert!(panel
        .html()
        .contains(&format!("href=\"/o/acme/maintenance/{id}\"")));
}

#[actix_web::test]
async fn the_list_filters_sorts_and_exports_the_right_schedules() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let market = fixtures::site(&f.manager, "acme", "Market Street").await;
    let m1 = fixtures::lift(&f.manager, "acme", &market, "M1").await;
    let t = today();
    let monthly = schedule(
        &f.manager,
        "acme",
        &f.lift,
        shift(t, 3),
        &[
            ("assigned_contractor_id", f.contractor.as_str()),
            ("lead_days", "0"),
        ],
    )
    .await;
    let weekly = schedule(
        &f.manager,
        "acme",
        &m1,
        shift(t, 2),
        &[
            ("name", "Weekly check"),
            ("frequency", "weekly"),
            ("lead_days", "0"),
        ],
    )
    .await;
    // Started two days ago: the visits of two days ago and yesterday are raised and overdue.
    let daily = schedule(
        &f.manager,
        "acme",
        &f.lift,
        shift(t, -2),
        &[
            ("name", "Daily look"),
            ("frequency", "daily"),
            ("lead_days", "0"),
        ],
    )
    .await;
    let pass = generate(&app, "acme", chrono::Utc::now());
    assert_eq!(pass.raised, 3, "{pass:?}");

    let list = |query: &'static str| {
        let manager = &f.manager;
        async move {
            let page = manager.get(&format!("/o/acme/maintenance{query}")).await;
            assert_eq!(page.status, StatusCode::OK, "{query}: {}", page.body);
            listed(&page.body)
        }
    };
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // By next visit (the default): tomorrow's daily, the weekly in two days, the monthly in three.
    assert_eq!(
        list("").await,
        names(&["Daily look", "Weekly check", "Monthly service"])
    );
    assert_eq!(
        list("?sort=name").await,
        names(&["Daily look", "Monthly service", "Weekly check"])
    );
    assert_eq!(
        list("?frequency=monthly").await,
        names(&["Monthly service"])
    );
    assert_eq!(list("?frequency=weekly").await, names(&["Weekly check"]));
    let page = f
        .manager
        .get(&format!("/o/acme/maintenance?site={market}"))
        .await;
    assert_eq!(listed(&page.body), names(&["Weekly check"]));
    let page = f
        .manager
        .get(&format!("/o/acme/maintenance?site={}&sort=name", f.site))
        .await;
    assert_eq!(
        listed(&page.body),
        names(&["Daily look", "Monthly service"])
    );
    let page = f.manager.get("/o/acme/maintenance?overdue=1").await;
    assert_eq!(listed(&page.body), names(&["Daily look"]));
    assert!(page.body.contains("2 overdue"), "the badge");
    assert_eq!(list("?q=weekly").await, names(&["Weekly check"]));

    // The CSV has every matching row, in the list's order.
    let page = f.manager.get("/o/acme/maintenance/export.csv").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.header("content-type")
            .unwrap_or_default()
            .starts_with("text/csv"),
        "{:?}",
        page.header("content-type")
    );
    assert_eq!(
        csv_lines(&page.body),
        vec![
            "schedule,lift,site,frequency,type,next_visit,assignee,estimated_hours,overdue_visits,active".to_string(),
            format!("Daily look,Lift 1,Harbour Tower,Daily,preventive,{},,1.50,2,true", shift(t, 1)),
            format!("Weekly check,M1,Market Street,Weekly,preventive,{},,1.50,0,true", shift(t, 2)),
            format!("Monthly service,Lift 1,Harbour Tower,Monthly,preventive,{},Tanvir Ahmed,1.50,0,true", shift(t, 3)),
        ]
    );
    let page = f
        .manager
        .get("/o/acme/maintenance/export.csv?frequency=weekly")
        .await;
    let lines = csv_lines(&page.body);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].starts_with("Weekly check,M1,"), "{lines:?}");
    let page = f
        .manager
        .get("/o/acme/maintenance/export.csv?overdue=1")
        .await;
    let lines = csv_lines(&page.body);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].starts_with("Daily look,"), "{lines:?}");
    let page = f
        .manager
        .get(&format!(
            "/o/acme/maintenance/export.csv?assignee={}",
            f.contractor
        ))
        .await;
    let lines = csv_lines(&page.body);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].starts_with("Monthly service,"), "{lines:?}");

    // A paused schedule leaves the default list and shows among the paused.
    let page = f
        .manager
        .post(&format!("/o/acme/maintenance/{weekly}/pause"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(list("").await, names(&["Daily look", "Monthly service"]));
    assert_eq!(list("?state=paused").await, names(&["Weekly check"]));
    let _ = (monthly, daily);
}

#[actix_web::test]
async fn all_lifts_of_a_site_get_one_schedule_each_and_an_edit_changes_all_of_them() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let market = fixtures::site(&f.manager, "acme", "Market Street").await;
    let mut lifts = Vec::new();
    for unit in ["M1", "M2", "M3"] {
        lifts.push(fixtures::lift(&f.manager, "acme", &market, unit).await);
    }
    // A schedule of the other site, which the edit must leave alone.
    let other = schedule(&f.manager, "acme", &f.lift, shift(today(), 5), &[]).await;

    let start = shift(today(), 4).to_string();
    let page = f
        .manager
        .post(
            "/o/acme/maintenance",
            &super::form(&lifts[1], &start, &[("whole_site", "1")]),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = id_from(page.header("location"));
    // The one shown is the chosen lift's.
    assert_eq!(
        value(
            &app,
            &format!("SELECT elevator_id::text AS value FROM org_acme.maintenance_schedules WHERE id = '{id}'")
        ),
        lifts[1]
    );
    let group = value(
        &app,
        &format!("SELECT site_group_id::text AS value FROM org_acme.maintenance_schedules WHERE id = '{id}'"),
    );
    assert_eq!(
        value(
            &app,
            &format!(
                "SELECT string_agg(elevator_id::text, ',' ORDER BY elevator_id) AS value \
                 FROM org_acme.maintenance_schedules WHERE site_group_id = '{group}'"
            )
        ),
        {
            let mut sorted = lifts.clone();
            sorted.sort();
            sorted.join(",")
        }
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.maintenance_checklist_items i \
             JOIN org_acme.maintenance_schedules s ON s.id = i.schedule_id \
             WHERE s.site_group_id = '{group}'"
        )),
        9
    );
    let page = f.manager.get(&format!("/o/acme/maintenance/{id}")).await;
    assert!(
        page.body
            .contains("3 schedules were saved, one per lift, kept in step."),
        "flash"
    );
    assert!(
        page.body
            .contains("Kept in step on 3 lifts of Market Street"),
        "{}",
        page.body
    );
    let page = f
        .manager
        .get(&format!("/o/acme/maintenance/{id}/edit"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("kept in step on 3 lifts"),
        "{}",
        page.body
    );

    // Editing one changes all three: name, cycle and checklist.
    let page = f
        .manager
        .post(
            &format!("/o/acme/maintenance/{id}"),
            &super::form(
                &lifts[1],
                &start,
                &[
                    ("name", "Quarterly service"),
                    ("frequency", "quarterly"),
                    ("checklist", "Inspect doors\nLubricate the rails"),
                ],
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        id_from(page.header("location")),
        id,
        "back to the schedule edited"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.maintenance_schedules WHERE site_group_id = '{group}' \
             AND name = 'Quarterly service' AND frequency = 'quarterly' AND deleted_at IS NULL"
        )),
        3
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.maintenance_checklist_items i \
             JOIN org_acme.maintenance_schedules s ON s.id = i.schedule_id \
             WHERE s.site_group_id = '{group}' AND i.title IN ('Inspect doors', 'Lubricate the rails')"
        )),
        6
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.maintenance_checklist_items i \
             JOIN org_acme.maintenance_schedules s ON s.id = i.schedule_id \
             WHERE s.site_group_id = '{group}'"
        )),
        6
    );
    let page = f.manager.get(&format!("/o/acme/maintenance/{id}")).await;
    assert!(
        page.body
            .contains("3 schedules were saved, one per lift, kept in step."),
        "flash"
    );
    // The other site's schedule is as it was.
    assert_eq!(
        value(
            &app,
            &format!(
                "SELECT name || '|' || frequency || '|' || (site_group_id IS NULL) AS value \
                 FROM org_acme.maintenance_schedules WHERE id = '{other}'"
            )
        ),
        "Monthly service|monthly|true"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.maintenance_checklist_items WHERE schedule_id = '{other}'"
        )),
        CHECKLIST.lines().count() as i64
    );
}
