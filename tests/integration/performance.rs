//! Performance at scale: the bulk seed, the benchmark-only routes, and the query plans of the
//! hot pages against a database big enough for the planner to choose.

use awc::http::StatusCode;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use sitesync::seed::{self, Progress, SeedOptions};

use crate::harness::TestApp;

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The single number a query answers (a count, a sum, a column of one row).
fn number(app: &TestApp, sql: &str) -> i64 {
    diesel::sql_query(format!("SELECT ({sql})::bigint AS n"))
        .get_result::<Number>(&mut *app.conn())
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
        .n
}

fn tiny() -> SeedOptions {
    SeedOptions {
        large_organizations: 1,
        large_sites: 12,
        large_lifts: 40,
        large_work_orders: 60,
        small_organizations: 3,
        small_sites: 2,
        small_lifts: 3,
        small_work_orders: 5,
        forum_threads: 20,
        forum_posts: 150,
        listings: 30,
        jobs: 20,
        maintenance_schedules: 4,
        inventory_items: 0,
        inventory_locations: 0,
        parallel: 2,
        password: "bench-harbour-lifts-2026".into(),
    }
}

#[actix_web::test]
async fn bench_routes_do_not_exist_without_the_flag() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme");
    for path in ["/bench/baseline/acme", "/bench/tenancy/acme"] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[actix_web::test]
async fn bench_routes_show_a_dozen_sites_both_ways() {
    let app = TestApp::with_bench_routes().await;
    seed::run(&app.db, &tiny(), &Progress::new()).expect("seed");
    let direct = app.get("/bench/baseline/bench_large_1").await;
    let switched = app.get("/bench/tenancy/bench_large_1").await;
    assert_eq!(direct.status, StatusCode::OK);
    assert_eq!(switched.status, StatusCode::OK);
    let rows = |body: &str| body.matches("<tr><td>").count();
    assert_eq!(rows(&direct.body), 12);
    assert_eq!(rows(&switched.body), 12);
    // The same rows in the same order, whichever way the schema was reached.
    let first_cells = |body: &str| {
        body.split("<tr><td>")
            .skip(1)
            .map(|row| row.split("</td>").next().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(first_cells(&direct.body), first_cells(&switched.body));
    for path in [
        "/bench/baseline/nobody_here",
        "/bench/tenancy/nobody_here",
        "/bench/tenancy/Bad%20Slug",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[actix_web::test]
async fn seed_fills_organizations_and_platform_and_tops_up_on_a_second_run() {
    let app = TestApp::new().await;
    let options = SeedOptions {
        inventory_items: 120,
        inventory_locations: 12,
        ..tiny()
    };
    seed::run(&app.db, &options, &Progress::new()).expect("seed");
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM organizations WHERE slug LIKE 'bench\\_%'"
        ),
        4
    );
    assert_eq!(
        number(&app, "SELECT count(*) FROM org_bench_large_1.sites"),
        12
    );
    assert_eq!(
        number(&app, "SELECT count(*) FROM org_bench_large_1.elevators"),
        40
    );
    assert_eq!(
        number(&app, "SELECT count(*) FROM org_bench_s00002.elevators"),
        3
    );
    // The summary the trigger keeps was recomputed after the bulk load.
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM org_bench_large_1.sites s WHERE s.lift_count <> \
             (SELECT count(*) FROM org_bench_large_1.elevators e \
              WHERE e.site_id = s.id AND e.deleted_at IS NULL)"
        ),
        0
    );
    assert_eq!(
        number(&app, "SELECT sum(lift_count) FROM org_bench_large_1.sites",),
        40
    );
    // The trigger is back on: a new lift updates its site's summary.
    {
        let mut conn = app.conn();
        // The trigger names its tables unqualified, as inside an organization's transaction.
        conn.batch_execute(
            "BEGIN; SET LOCAL search_path = org_bench_large_1, public; \
             INSERT INTO elevators (site_id, unit_number) \
             SELECT id, 'NEW-1' FROM sites WHERE code = 'S00001'; COMMIT",
        )
        .expect("insert lift");
    }
    assert_eq!(
        number(&app, "SELECT sum(lift_count) FROM org_bench_large_1.sites"),
        41
    );
    // Every organization has its owner; the bench account owns the large one only.
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM memberships m JOIN accounts a ON a.id = m.account_id \
             WHERE a.email = 'bench@bench.sitesync.test'"
        ),
        1
    );
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM memberships WHERE role = 'owner'"
        ),
        4
    );
    let fifty = "SELECT reply_count FROM forum_threads WHERE title LIKE 'Door operator keeps%'";
    assert_eq!(number(&app, fifty), 50);
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM forum_posts p JOIN accounts a ON a.id = p.author_id \
             WHERE a.email LIKE '%@bench.sitesync.test'"
        ),
        150
    );
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM forum_threads WHERE search_body = ''"
        ),
        0
    );
    assert_eq!(
        number(&app, "SELECT count(*) FROM marketplace_listings"),
        30
    );
    assert_eq!(number(&app, "SELECT count(*) FROM job_listings"), 20);
    // Maintenance schedules for the generator's benchmark, in every small organization.
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM org_bench_s00001.maintenance_schedules"
        ),
        4
    );
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM job_listings WHERE status = 'active' AND expires_at <= now()"
        ),
        0
    );
    // The large organization's stock: a warehouse and vans, levels and totals that are
    // exactly what its ledger adds up to, and a few items to reorder.
    let report = crate::harness::in_org(
        &mut app.conn(),
        "bench_large_1",
        |conn, _| -> Result<_, sitesync::orgs::TenancyError> {
            Ok(sitesync::inventory::verify::verify(conn)?)
        },
    )
    .expect("verify the seeded stock");
    assert_eq!(
        report.differences,
        vec![],
        "{:?}",
        report.lines("bench_large_1")
    );
    assert_eq!((report.items, report.locations), (120, 12));
    assert!(report.ledger_lines >= 120 * 3, "{report:?}");
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM org_bench_large_1.stock_locations WHERE location_type = 'van' \
             AND contractor_id IS NOT NULL"
        ),
        11
    );
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM org_bench_large_1.inventory_items WHERE reorder_point > 0 AND on_hand <= reorder_point"
        ),
        6
    );
    // A second run with more small organizations adds only those.
    let more = SeedOptions {
        small_organizations: 5,
        ..options
    };
    seed::run(&app.db, &more, &Progress::new()).expect("second seed");
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM organizations WHERE slug LIKE 'bench\\_%'"
        ),
        6
    );
    assert_eq!(
        number(&app, "SELECT count(*) FROM org_bench_large_1.elevators"),
        41
    );
    assert_eq!(number(&app, fifty), 50);
    assert_eq!(
        number(&app, "SELECT count(*) FROM marketplace_listings"),
        30
    );
    // The seeded password signs in.
    let browser = crate::harness::Browser::new(&app);
    browser
        .sign_in("bench@bench.sitesync.test", "bench-harbour-lifts-2026")
        .await;
    let page = browser.get("/o/bench_large_1/sites?q=Harbour").await;
    assert_eq!(page.status, StatusCode::OK);
}

/// Tables that grow with use; a sequential scan of one of these on a hot page is a bug.
/// `sites` is not among them: an organization has thousands at most, and at 5,000 the planner
/// rightly prefers scanning them to the trigram index for a `%term%` search (about 2 ms;
/// docs/PERFORMANCE.md).
const LARGE_TABLES: &[&str] = &[
    "elevators",
    "elevator_status_history",
    "work_orders",
    "work_order_tasks",
    "work_order_comments",
    "forum_threads",
    "forum_posts",
    "marketplace_listings",
    "job_listings",
    "inventory_items",
    "stock_levels",
    "stock_movements",
];

/// The hot queries of the pages `bench/run` measures, as the application sends them
/// (captured from the server's statement log), with typical values in place of the binds.
/// Search terms are the selective kind people type (a name with its number): a term that
/// matches a large share of the rows is rightly answered with a sequential scan.
/// (label, runs inside the large organization, SQL)
const HOT_QUERIES: &[(&str, bool, &str)] = &[
    (
        "site list search: count",
        true,
        "SELECT COUNT(*) FROM sites WHERE deleted_at IS NULL AND (coalesce(name, '') || ' ' || \
         coalesce(code, '') || ' ' || coalesce(address_line1, '') || ' ' || coalesce(city, '')) \
         ILIKE '%Harbour Tower 4321%'",
    ),
    (
        "site list search: page",
        true,
        "SELECT id, name, code, site_type, address_line1, city, state, lift_count, \
         lifts_not_operational, next_inspection_due, deleted_at FROM sites \
         WHERE deleted_at IS NULL AND (coalesce(name, '') || ' ' || coalesce(code, '') || ' ' || \
         coalesce(address_line1, '') || ' ' || coalesce(city, '')) ILIKE '%Harbour Tower 4321%' \
         ORDER BY lower(name) ASC, id LIMIT 25 OFFSET 0",
    ),
    (
        "site list: first page",
        true,
        "SELECT id, name FROM sites WHERE deleted_at IS NULL ORDER BY lower(name) ASC, id LIMIT 25",
    ),
    (
        "lift list, inspection overdue: page",
        true,
        "SELECT e.id, e.unit_number, s.id, s.name FROM elevators e JOIN sites s ON e.site_id = s.id \
         WHERE e.deleted_at IS NULL AND s.deleted_at IS NULL \
         AND e.next_inspection_due < current_date - 45 AND e.status != 'decommissioned' \
         ORDER BY lower(s.name) ASC, lower(e.unit_number) ASC, e.id LIMIT 25 OFFSET 0",
    ),
    (
        "lift detail",
        true,
        "SELECT * FROM elevators WHERE id = (SELECT id FROM elevators ORDER BY id LIMIT 1)",
    ),
    (
        "lift detail: status history",
        true,
        "SELECT from_status, to_status, reason, changed_by_name, changed_at \
         FROM elevator_status_history \
         WHERE elevator_id = (SELECT id FROM elevators ORDER BY id LIMIT 1) \
         ORDER BY changed_at DESC LIMIT 50",
    ),
    (
        "lifts of a site",
        true,
        "SELECT id, unit_number FROM elevators \
         WHERE site_id = (SELECT id FROM sites ORDER BY id LIMIT 1) AND deleted_at IS NULL",
    ),
    (
        "work-order board: column counts",
        true,
        "(SELECT 'pending', COUNT(*) FROM work_orders WHERE TRUE AND priority = 'high' \
           AND TRUE AND status = 'pending') \
         UNION ALL (SELECT 'completed', COUNT(*) FROM work_orders WHERE TRUE AND priority = 'high' \
           AND TRUE AND status = 'completed' AND completed_at >= now() - interval '14 days')",
    ),
    (
        "work-order board: column cards",
        true,
        "SELECT w.id, w.work_order_number, w.title, s.name, e.unit_number, c.contact_name \
         FROM work_orders w JOIN sites s ON w.site_id = s.id \
         LEFT JOIN elevators e ON w.elevator_id = e.id \
         LEFT JOIN contractors c ON w.assigned_contractor_id = c.id \
         WHERE w.priority = 'high' AND w.status = 'in_progress' \
         ORDER BY w.entrapment DESC, w.priority ASC, w.due_date ASC NULLS LAST, w.id LIMIT 50",
    ),
    (
        "work-order board: completed column",
        true,
        "SELECT w.id, w.work_order_number, s.name FROM work_orders w \
         JOIN sites s ON w.site_id = s.id \
         WHERE w.priority = 'high' AND w.status = 'completed' \
         AND w.completed_at >= now() - interval '14 days' \
         ORDER BY w.entrapment DESC, w.priority ASC, w.due_date ASC NULLS LAST, w.id LIMIT 50",
    ),
    (
        "work-order list: newest first",
        true,
        "SELECT w.id, w.work_order_number, s.name FROM work_orders w \
         JOIN sites s ON w.site_id = s.id ORDER BY w.reported_at DESC, w.id LIMIT 25",
    ),
    (
        "work-order detail",
        true,
        "SELECT * FROM work_orders \
         WHERE id = (SELECT id FROM work_orders ORDER BY reported_at DESC LIMIT 1)",
    ),
    (
        "work-order detail: tasks and comments",
        true,
        "SELECT t.id, c.id FROM work_order_tasks t \
         JOIN work_order_comments c ON c.work_order_id = t.work_order_id \
         WHERE t.work_order_id = (SELECT id FROM work_orders ORDER BY reported_at DESC LIMIT 1)",
    ),
    (
        "lift detail: its work orders",
        true,
        "SELECT w.id FROM work_orders w \
         WHERE w.elevator_id = (SELECT id FROM elevators ORDER BY id LIMIT 1) \
         ORDER BY w.status IN ('draft','pending','scheduled','in_progress','on_hold') DESC, \
         w.reported_at DESC LIMIT 15",
    ),
    (
        "inventory list, search: page",
        true,
        INVENTORY_SEARCH,
    ),
    (
        "inventory list, below reorder point: page",
        true,
        INVENTORY_LOW,
    ),
    (
        "forum thread: posts",
        false,
        "SELECT p.*, a.display_name FROM forum_posts p JOIN accounts a ON a.id = p.author_id \
         WHERE p.thread_id = (SELECT id FROM forum_threads WHERE title LIKE 'Door operator keeps%') \
         AND (p.is_approved OR p.author_id = '00000000-0000-0000-0000-000000000000') \
         ORDER BY p.is_opening DESC, p.created_at, p.id",
    ),
    (
        "forum search: page",
        false,
        "SELECT t.id, t.title, ts_headline('english', left(t.search_body, 3000), \
         websearch_to_tsquery('english', 'governor tripping')) FROM forum_threads t \
         WHERE t.deleted_at IS NULL AND t.is_approved \
         AND t.category_id = ANY(ARRAY(SELECT id FROM forum_categories)) \
         AND t.search_document @@ websearch_to_tsquery('english', 'governor tripping') \
         ORDER BY ts_rank(t.rank_document, websearch_to_tsquery('english', 'governor tripping')) DESC, \
           (t.accepted_post_id IS NOT NULL) DESC, t.last_post_at DESC, t.id LIMIT 15 OFFSET 0",
    ),
    (
        "marketplace search by part number: page",
        false,
        "SELECT l.id, CASE WHEN l.part_number_normalized = 'KM171234' THEN 3 \
           WHEN l.part_number_normalized % 'KM171234' OR l.part_number_normalized LIKE 'KM171234%' THEN 2 \
           WHEN l.search_document @@ websearch_to_tsquery('english', 'KM 17-1234') THEN 1 \
           ELSE 0 END AS tier \
         FROM marketplace_listings l WHERE l.status = 'active' AND l.expires_at > now() \
         AND l.quantity_available > 0 AND l.seller_org_id <> ALL (ARRAY(SELECT o.id \
           FROM organizations o WHERE o.suspended_at IS NOT NULL)) \
         AND (l.part_number_normalized = 'KM171234' \
           OR l.part_number_normalized % 'KM171234' OR l.part_number_normalized LIKE 'KM171234%' \
           OR l.search_document @@ websearch_to_tsquery('english', 'KM 17-1234')) \
         ORDER BY tier DESC, similarity(l.part_number_normalized, 'KM171234') DESC, created_at DESC, id \
         LIMIT 20",
    ),
    (
        "jobs search: page",
        false,
        "SELECT id, title FROM job_listings WHERE status = 'active' \
         AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP) \
         AND (visibility = 'public' OR visibility = 'platform') \
         AND search_document @@ websearch_to_tsquery('english', 'hydraulic specialist hobart') \
         ORDER BY published_at DESC LIMIT 20 OFFSET 0",
    ),
    (
        "jobs: expire the overdue",
        false,
        "UPDATE job_listings SET status = 'expired' WHERE status = 'active' AND expires_at <= now()",
    ),
];

/// `inventory::queries::listing::page` for `/o/{slug}/inventory?q=KM60` (binds: the text, its
/// normalized part number, no category, make, model or location, not low, not archived, not
/// slow, 25 from 0).
const INVENTORY_SEARCH: &str = "SELECT i.id, i.part_number::text AS part_number, \
     i.name::text AS name, i.category::text AS category, i.manufacturer::text AS manufacturer, \
     i.on_hand, i.reserved, i.reorder_point, i.average_cost, \
     round(i.on_hand * i.average_cost, 2) AS value, at.on_hand AS at_location, \
     i.archived_at IS NOT NULL AS archived, count(*) OVER () AS total, \
     CASE WHEN 'KM60'::text = '' THEN 0 WHEN i.part_number_normalized = 'KM60'::text THEN 3 \
       WHEN i.part_number_normalized LIKE 'KM60'::text || '%' THEN 2 \
       WHEN i.part_number_normalized % 'KM60'::text OR i.name % 'KM60'::text THEN 1 ELSE 0 END AS tier, \
     CASE WHEN 'KM60'::text = '' THEN 0 ELSE greatest(similarity(i.part_number_normalized, 'KM60'::text), \
       similarity(i.name, 'KM60'::text)) END AS closeness \
   FROM inventory_items i \
   LEFT JOIN stock_levels at ON at.item_id = i.id AND at.location_id = NULL::uuid \
   WHERE ('KM60'::text = '' OR i.part_number_normalized = 'KM60'::text \
       OR ('KM60'::text <> '' AND i.part_number_normalized LIKE 'KM60'::text || '%') \
       OR ('KM60'::text <> '' AND i.part_number_normalized % 'KM60'::text) OR i.name % 'KM60'::text \
       OR i.barcode = 'KM60'::text \
       OR i.search_document @@ plainto_tsquery('simple', 'KM60'::text)) \
     AND (''::text = '' OR lower(i.category) = lower(''::text)) \
     AND (''::text = '' OR lower(i.manufacturer) = lower(''::text)) \
     AND (''::text = '' OR i.compatible_models @> ARRAY[''::text]) \
     AND (NULL::uuid IS NULL OR at.on_hand > 0) \
     AND (NOT false OR (i.reorder_point > 0 AND i.on_hand <= i.reorder_point AND i.archived_at IS NULL)) \
     AND (false OR i.archived_at IS NULL) \
     AND (NOT false OR (i.on_hand > 0 \
       AND coalesce(i.last_issued_at, i.created_at) < now() - make_interval(days => 180))) \
   ORDER BY tier DESC, closeness DESC, i.part_number_normalized, i.id LIMIT 25 OFFSET 0";

/// The same for `/o/{slug}/inventory?low=1`: no text, below the reorder point, by part number.
const INVENTORY_LOW: &str = "SELECT i.id, i.part_number::text AS part_number, \
     i.name::text AS name, i.category::text AS category, i.manufacturer::text AS manufacturer, \
     i.on_hand, i.reserved, i.reorder_point, i.average_cost, \
     round(i.on_hand * i.average_cost, 2) AS value, at.on_hand AS at_location, \
     i.archived_at IS NOT NULL AS archived, count(*) OVER () AS total, \
     CASE WHEN ''::text = '' THEN 0 WHEN i.part_number_normalized = ''::text THEN 3 \
       WHEN i.part_number_normalized LIKE ''::text || '%' THEN 2 \
       WHEN i.part_number_normalized % ''::text OR i.name % ''::text THEN 1 ELSE 0 END AS tier, \
     CASE WHEN ''::text = '' THEN 0 ELSE greatest(similarity(i.part_number_normalized, ''::text), \
       similarity(i.name, ''::text)) END AS closeness \
   FROM inventory_items i \
   LEFT JOIN stock_levels at ON at.item_id = i.id AND at.location_id = NULL::uuid \
   WHERE (''::text = '' OR i.part_number_normalized = ''::text \
       OR (''::text <> '' AND i.part_number_normalized LIKE ''::text || '%') \
       OR (''::text <> '' AND i.part_number_normalized % ''::text) OR i.name % ''::text \
       OR i.barcode = ''::text \
       OR i.search_document @@ plainto_tsquery('simple', ''::text)) \
     AND (''::text = '' OR lower(i.category) = lower(''::text)) \
     AND (''::text = '' OR lower(i.manufacturer) = lower(''::text)) \
     AND (''::text = '' OR i.compatible_models @> ARRAY[''::text]) \
     AND (NULL::uuid IS NULL OR at.on_hand > 0) \
     AND (NOT true OR (i.reorder_point > 0 AND i.on_hand <= i.reorder_point AND i.archived_at IS NULL)) \
     AND (false OR i.archived_at IS NULL) \
     AND (NOT false OR (i.on_hand > 0 \
       AND coalesce(i.last_issued_at, i.created_at) < now() - make_interval(days => 180))) \
   ORDER BY i.part_number_normalized ASC, i.id LIMIT 25 OFFSET 0";

#[derive(QueryableByName)]
struct Plan {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    plan: String,
}

/// Every relation a plan reads with a sequential scan, from `EXPLAIN (FORMAT JSON)`.
fn sequential_scans(node: &serde_json::Value, found: &mut Vec<String>) {
    if node.get("Node Type").and_then(|t| t.as_str()) == Some("Seq Scan") {
        if let Some(relation) = node.get("Relation Name").and_then(|r| r.as_str()) {
            found.push(relation.to_string());
        }
    }
    for key in ["Plan", "Plans"] {
        match node.get(key) {
            Some(serde_json::Value::Array(children)) => {
                for child in children {
                    sequential_scans(child, found);
                }
            }
            Some(child @ serde_json::Value::Object(_)) => sequential_scans(child, found),
            _ => {}
        }
    }
}

#[actix_web::test]
async fn hot_queries_use_indexes_on_large_tables() {
    let app = TestApp::new().await;
    let options = SeedOptions {
        large_organizations: 1,
        large_sites: 5_000,
        large_lifts: 20_000,
        large_work_orders: 20_000,
        small_organizations: 0,
        forum_threads: 6_000,
        forum_posts: 20_000,
        listings: 12_000,
        jobs: 6_000,
        inventory_items: 20_000,
        inventory_locations: 100,
        ..tiny()
    };
    seed::run(&app.db, &options, &Progress::new()).expect("seed");
    let mut conn = app.conn();
    let mut failures = Vec::new();
    // The dashboard's live part, with the values it is run with written in.
    let attention = sitesync::dashboard::queries::needs_attention_sql()
        .replace("$1", "now()")
        .replace("$2", "25");
    let dashboard = [("dashboard: needs attention", true, attention.as_str())];
    for (label, in_org, sql) in HOT_QUERIES.iter().chain(dashboard.iter()) {
        let plan: String = conn
            .transaction(|conn| {
                if *in_org {
                    conn.batch_execute("SET LOCAL search_path = org_bench_large_1, public")?;
                }
                diesel::sql_query(format!("EXPLAIN (FORMAT JSON) {sql}"))
                    .get_result::<Plan>(conn)
                    .map(|p| p.plan)
            })
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        let json: serde_json::Value = serde_json::from_str(&plan).expect("plan JSON");
        let mut scanned = Vec::new();
        sequential_scans(&json[0]["Plan"], &mut scanned);
        scanned.retain(|relation| LARGE_TABLES.contains(&relation.as_str()));
        if !scanned.is_empty() {
            failures.push(format!("{label}: sequential scan of {scanned:?}\n{plan}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
