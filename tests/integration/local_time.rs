//! Times on organization pages are the site's wall-clock time with its zone's abbreviation, and
//! times typed into forms are the site's: checked on both sides of the clock changes of
//! Australia/Sydney and Europe/London.

use crate::harness::id_from;
use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use sitesync::web::AppError;

use crate::harness::{self, text, Browser, TestApp};

/// A site in `zone` with one lift; returns the lift.
async fn site_with_lift(manager: &Browser<'_>, name: &str, zone: &str) -> String {
    let page = manager
        .post(
            "/o/acme/sites",
            &[
                ("name", name),
                ("site_type", "commercial"),
                ("country", "Australia"),
                ("timezone", zone),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let site = id_from(page.header("location"));
    let page = manager
        .post(
            "/o/acme/elevators",
            &[("site_id", &site), ("unit_number", "Lift 1")],
        )
        .await;
    id_from(page.header("location"))
}

async fn work_order(manager: &Browser<'_>, lift: &str, title: &str) -> String {
    let page = manager
        .post(
            "/o/acme/work-orders",
            &[
                ("elevator_id", lift),
                ("work_type", "preventive"),
                ("priority", "medium"),
                ("title", title),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_from(page.header("location"))
}

#[actix_web::test]
async fn due_times_show_in_each_sites_zone_on_both_sides_of_the_clock_change() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    manager.get("/o/acme/sites").await;
    let sydney = site_with_lift(&manager, "Harbour Tower", "Australia/Sydney").await;
    let london = site_with_lift(&manager, "Thames House", "Europe/London").await;
    // Sydney's clocks go forward at 02:00 on 4 October 2026; London's at 01:00 on 29 March.
    for (lift, title, due) in [
        (&sydney, "Before Sydney's change", "2026-10-03 15:30Z"),
        (&sydney, "After Sydney's change", "2026-10-03 16:30Z"),
        (&london, "Before London's change", "2026-03-29 00:30Z"),
        (&london, "After London's change", "2026-03-29 01:30Z"),
    ] {
        let id = work_order(&manager, lift, title).await;
        app.execute(&format!(
            "UPDATE org_acme.work_orders SET due_date = '{due}' WHERE id = '{id}'"
        ));
    }
    for path in ["/o/acme/work-orders/list", "/o/acme/work-orders"] {
        let page = manager.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        for shown in [
            "Sun 4 Oct 2026, 01:30 AEST",
            "Sun 4 Oct 2026, 03:30 AEDT",
            "Sun 29 Mar 2026, 00:30 GMT",
            "Sun 29 Mar 2026, 02:30 BST",
        ] {
            assert!(page.body.contains(shown), "{path}: {shown}");
        }
        assert!(!page.body.contains(" UTC"), "{path}: no UTC times");
    }
    // A lift's status panel: since when, at the lift's site.
    for (lift, at, shown) in [
        (
            &sydney,
            "2026-10-03 16:30Z",
            "since Sun 4 Oct 2026, 03:30 AEDT",
        ),
        (
            &london,
            "2026-03-29 00:30Z",
            "since Sun 29 Mar 2026, 00:30 GMT",
        ),
    ] {
        // Through the organization's door: the lift's triggers name its tables unqualified.
        harness::in_org(&mut app.conn(), "acme", |conn, _| -> Result<_, AppError> {
            Ok(diesel::RunQueryDsl::execute(
                diesel::sql_query(format!(
                    "UPDATE elevators SET status_changed_at = '{at}' WHERE id = '{lift}'"
                )),
                conn,
            )?)
        })
        .expect("status time");
        let page = manager.get(&format!("/o/acme/elevators/{lift}")).await;
        assert!(page.body.contains(shown), "{shown}");
    }
}

#[actix_web::test]
async fn times_typed_at_a_site_are_its_wall_clock_across_the_clock_change() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    manager.get("/o/acme/sites").await;
    let sydney = site_with_lift(&manager, "Harbour Tower", "Australia/Sydney").await;
    let london = site_with_lift(&manager, "Thames House", "Europe/London").await;
    let page = manager
        .post(
            "/o/acme/contractors",
            &[
                ("contractor_type", "employee"),
                ("contact_name", "Tanvir Ahmed"),
                ("emergency_rate_multiplier", "1.5"),
            ],
        )
        .await;
    let person = id_from(page.header("location"));
    // 09:00 at the site, the day before and the day after each change.
    for (lift, zone, date, utc) in [
        (&london, "Europe/London", "2026-03-28", "2026-03-28 09:00"),
        (&london, "Europe/London", "2026-03-30", "2026-03-30 08:00"),
        (
            &sydney,
            "Australia/Sydney",
            "2026-04-04",
            "2026-04-03 22:00",
        ),
        (
            &sydney,
            "Australia/Sydney",
            "2026-04-06",
            "2026-04-05 23:00",
        ),
    ] {
        let id = work_order(&manager, lift, &format!("Service {date}")).await;
        // The booking form of a work order is in its site's zone, and says so.
        let page = manager
            .get(&format!("/o/acme/schedule/work-orders/{id}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page
            .body
            .contains(&format!(r#"name="zone" value="{zone}""#)));
        let version = text(
            &mut app.conn(),
            &format!("SELECT version::text AS value FROM org_acme.work_orders WHERE id = '{id}'"),
        );
        let page = manager
            .post(
                &format!("/o/acme/schedule/work-orders/{id}"),
                &[
                    ("assignee", person.as_str()),
                    ("date", date),
                    ("time", "09:00"),
                    ("version", version.as_str()),
                    ("zone", zone),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let stored = text(
            &mut app.conn(),
            &format!(
                "SELECT to_char(scheduled_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS value \
                 FROM org_acme.work_orders WHERE id = '{id}'"
            ),
        );
        assert_eq!(stored, utc, "{zone} {date} 09:00");
        // Shown again as 09:00 at the site.
        let page = manager
            .get(&format!("/o/acme/schedule/work-orders/{id}"))
            .await;
        assert!(
            page.body.contains(r#"name="time" value="09:00""#),
            "{zone} {date}"
        );
    }
    // The calendar filtered to a site is in that site's zone: both London visits at 09:00.
    let site = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.sites WHERE name = 'Thames House'",
    );
    let page = manager
        .get(&format!("/o/acme/schedule?date=2026-03-28&site={site}"))
        .await;
    assert!(page.body.contains("Times in Europe/London"));
    assert!(page.body.contains("09:00–10:00"));
    let page = manager
        .get(&format!("/o/acme/schedule?date=2026-03-30&site={site}"))
        .await;
    assert!(page.body.contains("09:00–10:00"));
    // Unfiltered, the calendar is in the organization's zone (Sydney): London's 09:00 BST on
    // 30 March is 19:00 AEDT, with the site's own time beside it.
    let page = manager.get("/o/acme/schedule?date=2026-03-30").await;
    assert!(page.body.contains("Times in Australia/Sydney"));
    assert!(page.body.contains("19:00–20:00"), "{}", page.body);
    assert!(page.body.contains("09:00 BST at the site"));
}

/// "Overdue" is judged by the day it is at the lift's site: with the same due date, a lift on
/// Kiritimati (UTC+14) is overdue while one in Pago Pago (UTC−11), a day behind, is not.
#[actix_web::test]
async fn overdue_inspections_are_judged_by_the_day_at_each_site() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    manager.get("/o/acme/sites").await;
    site_with_lift(&manager, "Line Islands Depot", "Pacific/Kiritimati").await;
    site_with_lift(&manager, "Pago Pago Plaza", "Pacific/Pago_Pago").await;
    harness::in_org(&mut app.conn(), "acme", |conn, _| -> Result<_, AppError> {
        Ok(diesel::RunQueryDsl::execute(
            diesel::sql_query(
                "UPDATE elevators SET next_inspection_due = \
                 (now() AT TIME ZONE 'Pacific/Pago_Pago')::date",
            ),
            conn,
        )?)
    })
    .expect("due dates");
    let overdue = manager.get("/o/acme/elevators?inspection=overdue").await;
    assert_eq!(overdue.status, StatusCode::OK);
    // (Both sites are offered in the site filter; only one lift is listed.)
    assert_eq!(overdue.body.matches("Overdue by").count(), 1);
    assert!(
        !overdue.body.contains("Due today"),
        "not yet due in Pago Pago"
    );
    let all = manager.get("/o/acme/elevators").await;
    assert_eq!(all.body.matches("Overdue by").count(), 1);
    let sites = manager.get("/o/acme/sites?overdue=1").await;
    assert!(sites.body.contains("Line Islands Depot") && !sites.body.contains("Pago Pago Plaza"));
    let dashboard = manager.get("/o/acme").await;
    assert!(dashboard.body.contains("Inspection overdue"));
    assert_eq!(
        dashboard.body.matches("Inspection overdue</span>").count(),
        1
    );
    // Pages with no site read in the organization's zone, never bare UTC.
    let admin = app.member("acme", Role::Admin).await;
    let audit = admin.get("/o/acme/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains(" AEDT") || audit.body.contains(" AEST"));
    assert!(!audit.body.contains(" UTC"));
}
