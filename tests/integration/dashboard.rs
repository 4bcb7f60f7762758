//! The dashboard: health scores recomputed with every change, charts that parse and plot what
//! the database says, an empty state, a query count independent of the portfolio's size, and
//! the daily snapshot taken once per site even with two workers.

use crate::harness::id_from;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use awc::http::StatusCode;
use chrono::Utc;
use diesel::connection::{Connection, InstrumentationEvent};
use diesel::RunQueryDsl;
use sitesync::auth::roles::Role;
use sitesync::background;
use sitesync::web::AppError;

use crate::harness::{self, text, Browser, TestApp};

/// Runs SQL as the app would inside the organization: its triggers name tables unqualified.
fn execute(app: &TestApp, sql: &str) {
    use diesel::connection::SimpleConnection;
    app.conn()
        .batch_execute(&format!(
            "BEGIN; SET LOCAL search_path TO org_acme, public; {sql}; COMMIT;"
        ))
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
}

fn number(app: &TestApp, sql: &str) -> String {
    text(&mut app.conn(), sql)
}

pub async fn site_and_lift(manager: &Browser<'_>, slug: &str) -> (String, String) {
    manager.get(&format!("/o/{slug}/sites")).await;
    let page = manager
        .post(
            &format!("/o/{slug}/sites"),
            &[
                ("name", "Harbour Tower"),
                ("site_type", "commercial"),
                ("country", "Australia"),
                ("timezone", "Australia/Sydney"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let site = id_from(page.header("location"));
    let page = manager
        .post(
            &format!("/o/{slug}/elevators"),
            &[("site_id", &site), ("unit_number", "Lift 1")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    (site, id_from(page.header("location")))
}

fn lift_score(app: &TestApp, lift: &str) -> String {
    number(
        app,
        &format!("SELECT health_score::text AS value FROM org_acme.elevators WHERE id = '{lift}'"),
    )
}

fn site_score(app: &TestApp, site: &str) -> String {
    number(
        app,
        &format!("SELECT health_score::text AS value FROM org_acme.sites WHERE id = '{site}'"),
    )
}

#[actix_web::test]
async fn scores_follow_status_inspection_and_work_order_changes_in_the_same_transaction() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let (site, lift) = site_and_lift(&manager, "acme").await;
    // New lift: only "no inspection scheduled" (−10).
    assert_eq!(lift_score(&app, &lift), "90");
    assert_eq!(site_score(&app, &site), "90");

    // Status change: out of service −40.
    let page = manager
        .post(
            &format!("/o/acme/elevators/{lift}/status"),
            &[("status", "out_of_service"), ("reason", "Rope fault")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(lift_score(&app, &lift), "50");

    // Inspection update: 34 days overdue is −20 instead of −10.
    let due = (Utc::now().date_naive() - chrono::Duration::days(34)).to_string();
    let page = manager
        .post(
            &format!("/o/acme/elevators/{lift}"),
            &[
                ("site_id", &site),
                ("unit_number", "Lift 1"),
                ("next_inspection_due", &due),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(lift_score(&app, &lift), "40");
    assert_eq!(site_score(&app, &site), "40");
    let detail = manager.get(&format!("/o/acme/elevators/{lift}")).await;
    assert!(
        detail.body.contains("−20: inspection overdue 34 days"),
        "component breakdown on the lift page"
    );
    assert!(detail.body.contains("−40: out of service"));

    // A breakdown reported through the app costs 8 at once.
    let page = manager
        .post(
            "/o/acme/work-orders",
            &[
                ("elevator_id", &lift),
                ("work_type", "breakdown"),
                ("priority", "high"),
                ("title", "Doors not closing"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let order = id_from(page.header("location"));
    assert_eq!(lift_score(&app, &lift), "32");

    // A breakdown written behind the app's back leaves the stored score stale until a work
    // order of the lift completes: completion recomputes.
    execute(
        &app,
        &format!(
            "INSERT INTO org_acme.work_orders (elevator_id, site_id, work_order_number, type, title, created_by, reported_at) \
             VALUES ('{lift}', '{site}', 'WO-TEST-1', 'breakdown', 'Earlier fault', gen_random_uuid(), now() - interval '10 days')"
        ),
    );
    assert_eq!(lift_score(&app, &lift), "32");
    // High priority: someone is on the way, no need to schedule it first.
    for to in ["in_progress", "completed"] {
        let version = number(
            &app,
            &format!(
                "SELECT version::text AS value FROM org_acme.work_orders WHERE id = '{order}'"
            ),
        );
        let page = manager
            .post(
                &format!("/o/acme/work-orders/{order}/move"),
                &[
                    ("to", to),
                    ("version", &version),
                    ("resolution_notes", "Adjusted doors"),
                    ("resolution_type", "adjusted"),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{to}: {:?}",
            page.body.find("alert").map(|i| &page.body[i..i + 300])
        );
    }
    assert_eq!(lift_score(&app, &lift), "24", "two breakdowns now count");
    assert_eq!(site_score(&app, &site), "24");

    // The site list shows the score and sorts by it.
    let list = manager.get("/o/acme/sites?sort=health").await;
    assert!(list.body.contains("24 · poor"), "{}", list.body);
    let site_page = manager.get(&format!("/o/acme/sites/{site}")).await;
    assert!(site_page.body.contains("Mean time to repair"));
    let help = manager.get("/o/acme/help/health-score").await;
    assert_eq!(help.status, StatusCode::OK);
    assert!(help.body.contains("out of service −40"));
}

/// Every `<svg>…</svg>` of a page.
fn svgs(body: &str) -> Vec<String> {
    body.match_indices("<svg")
        .map(|(start, _)| {
            let end = body[start..].find("</svg>").expect("closed svg") + start + 6;
            body[start..end].to_string()
        })
        .collect()
}

/// The `data-value`s of the marks of one series (or all marks), by `data-label`.
fn plotted(svg: &str, series: Option<&str>) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(svg).expect("chart is well-formed XML");
    doc.descendants()
        .filter(|n| n.attribute("data-value").is_some())
        .filter(|n| series.is_none() || n.attribute("data-series") == series)
        .map(|n| {
            (
                n.attribute("data-label").unwrap_or_default().to_string(),
                n.attribute("data-value").unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[derive(diesel::QueryableByName)]
struct Pair {
    #[diesel(sql_type = diesel::sql_types::Text)]
    label: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

fn pairs(app: &TestApp, sql: &str) -> Vec<(String, String)> {
    diesel::sql_query(sql)
        .load::<Pair>(&mut *app.conn())
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
        .into_iter()
        .map(|p| (p.label, p.value))
        .collect()
}

#[actix_web::test]
async fn charts_are_well_formed_titled_and_plot_the_sql_aggregates() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let (site, lift) = site_and_lift(&manager, "acme").await;
    execute(
        &app,
        &format!(
            "UPDATE org_acme.elevators SET manufacturer = 'KONE & <Sons>' WHERE id = '{lift}'"
        ),
    );
    // Work orders spread over a year: some breakdowns, some completed, hours to repair varied.
    execute(
        &app,
        &format!(
            "INSERT INTO org_acme.work_orders (elevator_id, site_id, work_order_number, type, status, title, created_by, reported_at, completed_at) \
             SELECT '{lift}', '{site}', 'WO-T-' || n, \
               (CASE WHEN n % 3 = 0 THEN 'preventive' ELSE 'breakdown' END)::work_order_type, \
               (CASE WHEN n % 4 = 0 THEN 'pending' ELSE 'completed' END)::work_order_status, \
               'Fault ' || n, gen_random_uuid(), now() - n * interval '4 days', \
               CASE WHEN n % 4 = 0 THEN NULL ELSE now() - n * interval '4 days' + (n % 7 + 1) * interval '3 hours' END \
             FROM generate_series(1, 80) AS n"
        ),
    );
    let page = manager.get("/o/acme").await;
    assert_eq!(page.status, StatusCode::OK);
    let charts = svgs(&page.body);
    assert_eq!(charts.len(), 5, "five charts");
    for svg in &charts {
        let doc = roxmltree::Document::parse(svg).expect("chart is well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        let title = root
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .unwrap_or_default();
        assert!(!title.is_empty(), "every chart has a <title>");
    }
    assert!(page.body.contains("Show data"));
    let chart = |id: &str| {
        charts
            .iter()
            .find(|svg| svg.contains(&format!("id=\"{id}\"")))
            .unwrap_or_else(|| panic!("chart {id}"))
            .clone()
    };
    let tz = "Australia/Sydney";
    let weeks = format!(
        "WITH weeks AS (SELECT generate_series(date_trunc('week', now() AT TIME ZONE '{tz}') - interval '11 weeks', \
           date_trunc('week', now() AT TIME ZONE '{tz}'), interval '1 week') AS week) \
         SELECT to_char(week, 'YYYY-MM-DD') AS label, \
           (SELECT count(*) FROM org_acme.work_orders w \
             WHERE date_trunc('week', w.{{column}} AT TIME ZONE '{tz}') = week)::text AS value \
         FROM weeks ORDER BY week"
    );
    assert_eq!(
        plotted(&chart("chart-weekly"), Some("Opened")),
        pairs(&app, &weeks.replace("{column}", "reported_at"))
    );
    assert_eq!(
        plotted(&chart("chart-weekly"), Some("Completed")),
        pairs(&app, &weeks.replace("{column}", "completed_at"))
    );
    let months = format!(
        "WITH months AS (SELECT generate_series(date_trunc('month', now() AT TIME ZONE '{tz}') - interval '11 months', \
           date_trunc('month', now() AT TIME ZONE '{tz}'), interval '1 month') AS month) \
         SELECT to_char(month, 'YYYY-MM') AS label, \
           coalesce((SELECT trim_scale(round((avg(extract(epoch FROM w.completed_at - w.reported_at)) / 3600)::numeric, 1)) \
             FROM org_acme.work_orders w WHERE w.type = 'breakdown' \
             AND date_trunc('month', w.completed_at AT TIME ZONE '{tz}') = month), 0)::text AS value \
         FROM months ORDER BY month"
    );
    assert_eq!(plotted(&chart("chart-mttr"), None), pairs(&app, &months));
    let makes = "SELECT coalesce(e.manufacturer, 'Unknown') AS label, count(*)::text AS value \
         FROM org_acme.work_orders w JOIN org_acme.elevators e ON e.id = w.elevator_id \
         WHERE w.type = 'breakdown' AND w.status <> 'cancelled' AND w.reported_at > now() - interval '12 months' \
         GROUP BY 1 ORDER BY count(*) DESC";
    assert_eq!(
        plotted(&chart("chart-manufacturers"), None),
        pairs(&app, makes)
    );
    assert!(chart("chart-manufacturers").contains("KONE &amp; &lt;Sons&gt;"));
    let statuses = plotted(&chart("chart-status"), None);
    assert!(statuses.contains(&("Operational".into(), "1".into())));
    // Tiles: the open work orders and overdue counts come from the same rows.
    let open = app.count(
        "SELECT 1 FROM org_acme.work_orders WHERE status IN ('draft', 'pending', 'scheduled', 'in_progress', 'on_hold')",
    );
    assert_eq!(open, 20);
    assert!(page.body.contains(">Lifts in service (1 of 1)<"));
}

#[actix_web::test]
async fn an_empty_organization_shows_an_empty_state_and_outsiders_see_nothing() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("other", "Other Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let page = manager.get("/o/acme").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Nothing to show yet"));
    assert!(!page.body.contains("<svg"), "no empty charts");
    assert_eq!(manager.get("/o/other").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        manager.get("/o/other/help/health-score").await.status,
        StatusCode::NOT_FOUND
    );
    let anonymous = app.get("/o/acme").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous
        .header("location")
        .unwrap_or_default()
        .starts_with("/signin"));
}

/// Fills the organization to `lifts` lifts over 20 sites, each with a few work orders.
fn grow(app: &TestApp, lifts: i64) {
    execute(
        app,
        "INSERT INTO org_acme.sites (name) SELECT 'Site ' || n FROM generate_series(1, 20) n \
         WHERE NOT EXISTS (SELECT 1 FROM org_acme.sites)",
    );
    execute(
        app,
        &format!(
            "INSERT INTO org_acme.elevators (site_id, unit_number, manufacturer, status, next_inspection_due) \
             SELECT (SELECT id FROM org_acme.sites ORDER BY name OFFSET n % 20 LIMIT 1), 'L' || n, \
               (ARRAY['KONE', 'Otis', 'Schindler'])[n % 3 + 1], \
               (ARRAY['operational', 'out_of_service', 'degraded'])[n % 3 + 1]::elevator_status, \
               current_date + (n % 60 - 30)::int \
             FROM generate_series((SELECT count(*) FROM org_acme.elevators) + 1, {lifts}) n"
        ),
    );
    execute(
        app,
        "INSERT INTO org_acme.work_orders (elevator_id, site_id, work_order_number, type, status, priority, title, created_by, reported_at, due_date, completed_at) \
         SELECT e.id, e.site_id, 'WO-' || e.unit_number || '-' || k, 'breakdown', \
           (CASE WHEN k = 1 THEN 'pending' ELSE 'completed' END)::work_order_status, 'high', 'Fault', gen_random_uuid(), \
           now() - k * interval '20 days', now() - interval '1 day', \
           CASE WHEN k = 1 THEN NULL ELSE now() - k * interval '20 days' + interval '5 hours' END \
         FROM org_acme.elevators e CROSS JOIN generate_series(1, 3) k \
         WHERE NOT EXISTS (SELECT 1 FROM org_acme.work_orders w WHERE w.elevator_id = e.id)",
    );
    let mut conn = app.conn();
    harness::in_org(&mut conn, "acme", |conn, _| -> Result<(), AppError> {
        sitesync::dashboard::health::recompute_all(conn)?;
        Ok(())
    })
    .expect("scores");
}

/// How many statements loading the dashboard sends, counted by Diesel's instrumentation:
/// counting its figures afresh, or (`kept`) with the figures of a moment ago.
fn dashboard_statements(app: &TestApp, kept: bool) -> usize {
    if !kept {
        execute(app, "DELETE FROM org_acme.dashboard_figures");
    }
    let mut conn = app.conn();
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if matches!(event, InstrumentationEvent::StartQuery { .. }) {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let dashboard = harness::in_org(&mut conn, "acme", |conn, org| -> Result<_, AppError> {
        statements.store(0, Ordering::SeqCst);
        Ok(sitesync::dashboard::queries::load(
            conn,
            org.id,
            Utc::now(),
        )?)
    })
    .expect("dashboard");
    assert!(dashboard.figures.lifts.active > 0);
    statements.load(Ordering::SeqCst)
}

#[actix_web::test]
async fn the_dashboard_query_count_does_not_grow_with_the_portfolio() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    grow(&app, 10);
    let small = dashboard_statements(&app, false);
    let small_kept = dashboard_statements(&app, true);
    grow(&app, 1000);
    assert_eq!(app.count("SELECT 1 FROM org_acme.elevators"), 1000);
    let large = dashboard_statements(&app, false);
    let large_kept = dashboard_statements(&app, true);
    assert_eq!(small, large, "statements with 10 lifts vs 1,000 lifts");
    assert_eq!(small_kept, large_kept, "with kept figures");
    assert!(large <= 18, "a bounded number of statements: {large}");
    assert!(
        large_kept <= 6,
        "kept figures are read, not counted: {large_kept}"
    );
    // Signed in only now: a long idle keep-alive connection would be closed under the client.
    let manager = app.member("acme", Role::Manager).await;
    let page = manager.get("/o/acme").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Showing the 25 oldest of"));
}

#[actix_web::test]
async fn the_daily_snapshot_runs_once_per_site_even_with_two_workers() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    grow(&app, 40);
    app.create_org("beta", "Beta Lifts");
    let now = Utc::now();
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let db = app.db.clone();
            let barrier = barrier.clone();
            let worker = app.worker();
            std::thread::spawn(move || {
                barrier.wait();
                drain(&db, &worker, now)
            })
        })
        .collect();
    let ran: Vec<_> = handles
        .into_iter()
        .flat_map(|handle| handle.join().expect("worker"))
        .collect();
    let done = app.count("SELECT 1 FROM background_jobs WHERE state = 'done'");
    assert_eq!(ran.len() as i64, done, "each job run once: {ran:?}");
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.health_score_history"),
        20,
        "one snapshot per site"
    );
    assert_eq!(
        app.count(
            "SELECT 1 FROM background_jobs WHERE attempts = 1 AND state = 'done' \
             AND done_at IS NOT NULL AND kind IN ('health_snapshot', 'cap_forgotten_timers')"
        ),
        4,
        "a snapshot and a timer check per organization"
    );
    // Another pass the same day changes nothing.
    let again = drain(&app.db, &app.worker(), now);
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(app.count("SELECT 1 FROM org_acme.health_score_history"), 20);
    assert_eq!(
        app.count(
            "SELECT 1 FROM org_acme.health_score_history h JOIN org_acme.sites s ON s.id = h.site_id \
             WHERE h.score = s.health_score"
        ),
        20
    );
}

/// What one worker's tick does, on this thread: schedule, then run until nothing is due, each
/// job on a checkout of its own.
pub fn drain(
    db: &sitesync::db::Db,
    worker: &background::Worker,
    now: chrono::DateTime<Utc>,
) -> Vec<background::Ran> {
    background::schedule(&mut db.get().expect("connection"), now).expect("schedule");
    let mut ran = Vec::new();
    while let Some(outcome) =
        background::run_next(&mut db.get().expect("connection"), worker).expect("run")
    {
        ran.push(outcome);
    }
    ran
}

#[actix_web::test]
async fn the_demo_has_scores_history_and_real_charts() {
    let app = TestApp::new().await;
    sitesync::demo::ensure(&mut app.conn()).unwrap();
    assert_eq!(
        app.count(
            "SELECT 1 FROM org_demo.elevators WHERE deleted_at IS NULL \
             AND status <> 'decommissioned' AND health_score IS NULL"
        ),
        0,
        "every demo lift is scored"
    );
    assert!(app.count("SELECT 1 FROM org_demo.health_score_history") > 0);
    let owner = app.member("demo", Role::Owner).await;
    let page = owner.get("/o/demo").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(svgs(&page.body).len(), 5);
    let weekly = plotted(&svgs(&page.body)[0], Some("Opened"));
    // A year of planned maintenance: most months done on time, not every one.
    let planned = plotted(&svgs(&page.body)[4], None);
    assert!(
        planned.iter().any(|(_, v)| v != "0" && v != "100"),
        "{planned:?}"
    );
    assert!(app.count("SELECT 1 FROM org_demo.maintenance_schedules") > 0);
    assert!(
        app.count(
            "SELECT 1 FROM org_demo.elevators e WHERE e.deleted_at IS NULL \
             AND e.status <> 'decommissioned' AND NOT EXISTS (SELECT 1 FROM \
             org_demo.maintenance_schedules s WHERE s.elevator_id = e.id AND s.frequency = 'monthly')"
        ) == 0,
        "every demo lift has a monthly service"
    );
    assert!(
        page.body.contains("Maintenance visit overdue"),
        "some visits were missed"
    );
    assert!(
        weekly.iter().any(|(_, v)| v != "0"),
        "the demo shows a shape"
    );
    let site = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_demo.sites WHERE health_score IS NOT NULL LIMIT 1",
    );
    let site_page = owner.get(&format!("/o/demo/sites/{site}")).await;
    assert!(site_page.body.contains("id=\"chart-health-history\""));
    roxmltree::Document::parse(&svgs(&site_page.body)[0]).expect("sparkline parses");
}
