//! Work orders: lifecycle matrix, numbering under concurrency, lost updates, costs, board,
//! permissions and isolation.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;
use sitesync::orgs::Actor;
use sitesync::web::request_meta::RequestMeta;
use sitesync::web::AppError;
use sitesync::work_orders::operations::{self, Acting, Authority, Followup, WorkOrderError};
use sitesync::work_orders::status::WorkOrderStatus;

use crate::harness::{self, text, Browser, TestApp};

struct Fixture<'a> {
    app: &'a TestApp,
    manager: Browser<'a>,
    site: String,
    lift: String,
    contractor: String,
}

fn id_from(location: Option<&str>) -> String {
    location
        .unwrap_or_default()
        .split('#')
        .next()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

async fn fixture<'a>(app: &'a TestApp, slug: &str) -> Fixture<'a> {
    app.create_org(slug, "Acme Lifts");
    let manager = app.member(slug, Role::Manager).await;
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
    let site = id_from(page.header("location"));
    let page = manager
        .post(
            &format!("/o/{slug}/elevators"),
            &[("site_id", &site), ("unit_number", "Lift 1")],
        )
        .await;
    let lift = id_from(page.header("location"));
    let page = manager
        .post(
            &format!("/o/{slug}/contractors"),
            &[
                ("contractor_type", "employee"),
                ("contact_name", "Tanvir Ahmed"),
                ("hourly_rate", "95.00"),
                ("emergency_rate_multiplier", "1.75"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let contractor = id_from(page.header("location"));
    Fixture {
        app,
        manager,
        site,
        lift,
        contractor,
    }
}

impl Fixture<'_> {
    async fn create(&self, slug: &str, fields: &[(&str, &str)]) -> String {
        let mut all = vec![
            ("elevator_id", self.lift.as_str()),
            ("work_type", "breakdown"),
            ("priority", "medium"),
            ("title", "Doors not closing"),
        ];
        all.retain(|(k, _)| !fields.iter().any(|(f, _)| f == k));
        all.extend_from_slice(fields);
        let page = self
            .manager
            .post(&format!("/o/{slug}/work-orders"), &all)
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        id_from(page.header("location"))
    }

    fn version(&self, id: &str) -> String {
        text(
            &mut self.app.conn(),
            &format!("SELECT version::text AS value FROM org_acme.work_orders WHERE id = '{id}'"),
        )
    }

    fn status(&self, id: &str) -> String {
        text(
            &mut self.app.conn(),
            &format!("SELECT status::text AS value FROM org_acme.work_orders WHERE id = '{id}'"),
        )
    }
}

#[actix_web::test]
async fn every_move_of_the_lifecycle_is_allowed_or_refused_as_specified() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    for from in WorkOrderStatus::ALL {
        for to in WorkOrderStatus::ALL {
            diesel::RunQueryDsl::execute(
                diesel::sql_query(format!(
                    "UPDATE org_acme.work_orders SET status = '{}' WHERE id = '{id}'",
                    from.as_str()
                )),
                &mut *app.conn(),
            )
            .expect("set status");
            let version = f.version(&id);
            let page = f
                .manager
                .post(
                    &format!("/o/acme/work-orders/{id}/move"),
                    &[
                        ("to", to.as_str()),
                        ("version", &version),
                        ("reason", "Duplicate"),
                        ("resolution_notes", "Replaced belt"),
                        ("resolution_type", "repaired"),
                    ],
                )
                .await;
            let allowed = from.can_move_to(*to);
            let expected = if allowed {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::CONFLICT
            };
            assert_eq!(page.status, expected, "{from:?} → {to:?}");
            let now = f.status(&id);
            assert_eq!(
                now,
                if allowed { to.as_str() } else { from.as_str() },
                "{from:?} → {to:?}"
            );
        }
    }
    // Completing needs notes and a resolution type; cancelling needs a reason.
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE org_acme.work_orders SET status = 'in_progress' WHERE id = '{id}'"
        )),
        &mut *app.conn(),
    )
    .expect("reset");
    let version = f.version(&id);
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "completed"), ("version", &version)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Describe what was done"));
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "cancelled"), ("version", &version)],
        )
        .await;
    assert!(page.body.contains("Say why"));
    assert_eq!(f.status(&id), "in_progress");
}

#[actix_web::test]
async fn fifty_concurrent_creations_get_fifty_consecutive_numbers() {
    let app = TestApp::with_pool_size(12).await;
    let f = fixture(&app, "acme").await;
    let lift = f.lift.clone();
    let futures = (0..50).map(|i| {
        let lift = lift.clone();
        let m = &f.manager;
        async move {
            m.post(
                "/o/acme/work-orders",
                &[
                    ("elevator_id", lift.as_str()),
                    ("work_type", "breakdown"),
                    ("priority", "low"),
                    ("title", &format!("Fault {i}")),
                ],
            )
            .await
            .status
        }
    });
    let statuses = futures_util::future::join_all(futures).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::SEE_OTHER),
        "{statuses:?}"
    );
    let year = chrono::Datelike::year(&chrono::Utc::now());
    assert_eq!(
        app.count("SELECT DISTINCT work_order_number FROM org_acme.work_orders"),
        50
    );
    for n in 1..=50 {
        assert_eq!(
            app.count(&format!(
                "SELECT 1 FROM org_acme.work_orders WHERE work_order_number = 'WO-{year}-{n:06}'"
            )),
            1,
            "number {n}"
        );
    }
}

#[actix_web::test]
async fn a_stale_change_is_refused_and_nothing_is_overwritten() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let other = app.member("acme", Role::Manager).await;
    let seen = f.version(&id);
    other.get(&format!("/o/acme/work-orders/{id}")).await;
    let first = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "scheduled"), ("version", &seen)],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = other
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[
                ("to", "cancelled"),
                ("reason", "No longer needed"),
                ("version", &seen),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.body.contains("Someone else changed this work order"));
    assert!(second.body.contains("Scheduled"), "the fresh page is shown");
    assert_eq!(f.status(&id), "scheduled");

    // The board's answer to a stale move is the card as it is now.
    let board = other
        .post_htmx(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "in_progress"), ("version", &seen), ("from", "board")],
        )
        .await;
    assert_eq!(board.status, StatusCode::CONFLICT);
    assert!(board.body.contains(&format!("card-{id}")) && board.body.contains("hx-swap-oob"));
    assert_eq!(f.status(&id), "scheduled");
    let fresh = f.version(&id);
    let moved = other
        .post_htmx(
            &format!("/o/acme/work-orders/{id}/move"),
            &[
                ("to", "in_progress"),
                ("version", &fresh),
                ("from", "board"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK);
    assert!(
        moved.body.contains("id=\"col-in_progress\"")
            && moved.body.contains("id=\"count-scheduled\""),
        "{}",
        moved.body
    );
    assert_eq!(f.status(&id), "in_progress");
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.work_orders WHERE id = '{id}' AND actual_start IS NOT NULL"
        )),
        1
    );
}

#[actix_web::test]
async fn costs_add_up_in_cents() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let path = format!("/o/acme/work-orders/{id}");
    for (qty, cost) in [("3", "0.10"), ("1", "0.20")] {
        let v = f.version(&id);
        let page = f
            .manager
            .post(
                &format!("{path}/parts"),
                &[
                    ("part_name", "Roller"),
                    ("quantity", qty),
                    ("unit_cost", cost),
                    ("source", "purchased"),
                    ("version", &v),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    assert_eq!(
        text(
            &mut app.conn(),
            &format!(
                "SELECT parts_cost::text AS value FROM org_acme.work_orders WHERE id = '{id}'"
            )
        ),
        "0.50"
    );
    // 23:30 to 01:15 the next day, emergency at 95.00 × 1.75: 105 min → 290.94.
    let v = f.version(&id);
    let page = f
        .manager
        .post(
            &format!("{path}/labor"),
            &[
                ("contractor_id", &f.contractor),
                ("start_time", "2026-03-01T23:30"),
                ("end_time", "2026-03-02T01:15"),
                ("labor_type", "emergency"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let v = f.version(&id);
    f.manager
        .post(
            &format!("{path}/labor"),
            &[
                ("contractor_id", &f.contractor),
                ("start_time", "2026-03-02T09:00"),
                ("end_time", "2026-03-02T09:01"),
                ("labor_type", "regular"),
                ("version", &v),
            ],
        )
        .await;
    let totals = text(&mut app.conn(), &format!("SELECT labor_cost::text || ' ' || total_cost::text AS value FROM org_acme.work_orders WHERE id = '{id}'"));
    // 290.94 + 1.58 (95 / 60 = 1.5833 → 1.58)
    assert_eq!(totals, "292.52 293.02");
    assert_eq!(app.count(&format!("SELECT 1 FROM org_acme.work_order_labor WHERE work_order_id = '{id}' AND duration_minutes = 105")), 1);
    let v = f.version(&id);
    let bad = f
        .manager
        .post(
            &format!("{path}/labor"),
            &[
                ("contractor_id", &f.contractor),
                ("start_time", "2026-03-02T10:00"),
                ("end_time", "2026-03-02T09:00"),
                ("labor_type", "regular"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("after the start") && bad.body.contains("2026-03-02T10:00"));
    let bad = f
        .manager
        .post(
            &format!("{path}/parts"),
            &[
                ("part_name", "Roller"),
                ("quantity", "-2"),
                ("unit_cost", "0.001"),
                ("source", "purchased"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.work_order_parts WHERE work_order_id = '{id}'"
        )),
        2
    );
}

#[actix_web::test]
async fn entrapments_are_emergencies_on_top_and_breakdowns_can_take_the_lift_down() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    f.create("acme", &[("title", "Squeaky door"), ("priority", "high")])
        .await;
    let trapped = f
        .create(
            "acme",
            &[
                ("title", "Person trapped in car"),
                ("priority", "low"),
                ("entrapment", "1"),
            ],
        )
        .await;
    assert_eq!(
        text(
            &mut app.conn(),
            &format!(
                "SELECT priority::text AS value FROM org_acme.work_orders WHERE id = '{trapped}'"
            )
        ),
        "emergency"
    );
    let board = f.manager.get("/o/acme/work-orders").await;
    let top = board.body.find("Person trapped").expect("entrapment shown");
    assert!(
        top < board.body.find("Squeaky door").expect("other shown"),
        "entrapment first"
    );
    assert!(board.body.contains("Entrapment"));

    for to in ["scheduled", "in_progress"] {
        let v = f.version(&trapped);
        let page = f
            .manager
            .post(
                &format!("/o/acme/work-orders/{trapped}/move"),
                &[
                    ("to", to),
                    ("version", &v),
                    (
                        "lift_status",
                        if to == "in_progress" {
                            "out_of_service"
                        } else {
                            ""
                        },
                    ),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(
        text(
            &mut app.conn(),
            "SELECT status::text AS value FROM org_acme.elevators"
        ),
        "out_of_service"
    );
    assert_eq!(app.count("SELECT 1 FROM org_acme.elevator_status_history WHERE to_status = 'out_of_service' AND reason LIKE 'WO-%'"), 1);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'work_order_started'"),
        1
    );
}

#[actix_web::test]
async fn the_board_filters_and_flags_overdue_work() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    f.create(
        "acme",
        &[("title", "Overdue job"), ("due_date", "2020-01-01T09:00")],
    )
    .await;
    f.create(
        "acme",
        &[
            ("title", "Future job"),
            ("priority", "low"),
            ("work_type", "preventive"),
        ],
    )
    .await;
    let full = f.manager.get("/o/acme/work-orders").await;
    assert!(
        full.body.contains("<html")
            && full.body.contains("Overdue job")
            && full.body.contains("Future job")
    );
    assert!(full.body.contains("overdue-text"));
    for (query, shown, hidden) in [
        ("overdue=1", "Overdue job", "Future job"),
        ("priority=low", "Future job", "Overdue job"),
        ("work_type=preventive", "Future job", "Overdue job"),
        ("q=overdue", "Overdue job", "Future job"),
        (
            "priority=medium&work_type=breakdown",
            "Overdue job",
            "Future job",
        ),
        ("assignee=none&overdue=1", "Overdue job", "Future job"),
    ] {
        let page = f
            .manager
            .get_htmx(&format!("/o/acme/work-orders?{query}"))
            .await;
        assert!(!page.body.contains("<html"), "fragment for {query}");
        assert!(
            page.body.contains(shown) && !page.body.contains(hidden),
            "{query}"
        );
    }
    let list = f
        .manager
        .get("/o/acme/work-orders/list?sort=due&dir=asc")
        .await;
    assert!(list.body.find("Overdue job") < list.body.find("Future job"));
    let export = f
        .manager
        .get("/o/acme/work-orders/export.csv?overdue=1")
        .await;
    assert!(export.body.contains("Overdue job") && !export.body.contains("Future job"));
}

#[actix_web::test]
async fn technicians_change_only_their_own_and_other_orgs_see_nothing() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let tech = app.member("acme", Role::Technician).await;
    tech.get("/o/acme/work-orders").await;
    let v = f.version(&id);
    let refused = tech
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "scheduled"), ("version", &v)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        tech.post("/o/acme/work-orders", &[("title", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Linked to the contractor and assigned: now they may.
    let tech_account = text(&mut app.conn(), "SELECT a.id::text AS value FROM accounts a JOIN memberships m ON m.account_id = a.id WHERE m.role = 'technician'");
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE org_acme.contractors SET account_id = '{tech_account}'"
        )),
        &mut *app.conn(),
    )
    .expect("link");
    let v = f.version(&id);
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/assign"),
            &[("contractor_id", &f.contractor), ("version", &v)],
        )
        .await;
    let v = f.version(&id);
    let allowed = tech
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "scheduled"), ("version", &v)],
        )
        .await;
    assert_eq!(allowed.status, StatusCode::SEE_OTHER);
    let mine = tech.get("/o/acme/work-orders/mine").await;
    assert!(mine.body.contains("Doors not closing"));

    // Another organization: every id is unknown.
    app.create_org("bravo", "Bravo");
    let outsider = app.member("bravo", Role::Owner).await;
    outsider.get("/o/bravo/work-orders").await;
    let v = f.version(&id);
    // A task, a part and a labour entry on acme's work order, then poked at from bravo.
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/tasks"),
            &[("title", "Check brake"), ("version", &v)],
        )
        .await;
    let v = f.version(&id);
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/parts"),
            &[
                ("part_name", "Pad"),
                ("quantity", "1"),
                ("unit_cost", "5"),
                ("source", "purchased"),
                ("version", &v),
            ],
        )
        .await;
    let v = f.version(&id);
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/labor"),
            &[
                ("contractor_id", &f.contractor),
                ("start_time", "2026-01-01T10:00"),
                ("end_time", "2026-01-01T11:00"),
                ("labor_type", "regular"),
                ("version", &v),
            ],
        )
        .await;
    let v = f.version(&id);
    let task = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.work_order_tasks",
    );
    let part = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.work_order_parts",
    );
    let labor = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.work_order_labor",
    );
    for path in [
        format!("/o/bravo/work-orders/{id}/tasks/{task}"),
        format!("/o/bravo/work-orders/{id}/parts/{part}/remove"),
        format!("/o/bravo/work-orders/{id}/labor/{labor}/remove"),
    ] {
        assert_eq!(
            outsider
                .post(&path, &[("action", "complete"), ("version", &v)])
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(app.count("SELECT 1 FROM org_acme.work_order_parts"), 1);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.work_order_tasks WHERE status = 'pending'"),
        1
    );
    for path in [
        format!("/o/bravo/work-orders/{id}"),
        format!("/o/bravo/contractors/{}", f.contractor),
        format!("/o/bravo/contractors/{}/edit", f.contractor),
    ] {
        assert_eq!(
            outsider.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/o/bravo/work-orders/{id}/move"),
            vec![("to", "cancelled"), ("reason", "x"), ("version", &v)],
        ),
        (
            format!("/o/bravo/work-orders/{id}/parts"),
            vec![
                ("part_name", "x"),
                ("quantity", "1"),
                ("unit_cost", "1"),
                ("source", "purchased"),
                ("version", &v),
            ],
        ),
        (
            format!("/o/bravo/work-orders/{id}/labor"),
            vec![
                ("contractor_id", &f.contractor),
                ("start_time", "2026-01-01T10:00"),
                ("end_time", "2026-01-01T11:00"),
                ("labor_type", "regular"),
                ("version", &v),
            ],
        ),
        (
            format!("/o/bravo/work-orders/{id}/tasks"),
            vec![("title", "x"), ("version", &v)],
        ),
        (
            format!("/o/bravo/work-orders/{id}/comments"),
            vec![("body", "x")],
        ),
        (
            format!("/o/bravo/contractors/{}/deactivate", f.contractor),
            vec![],
        ),
    ];
    for (path, fields) in posts {
        assert_eq!(
            outsider.post(&path, &fields).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // Bravo's own work order cannot use acme's lift or contractor.
    outsider.get("/o/bravo/work-orders/new").await;
    let page = outsider
        .post(
            "/o/bravo/work-orders",
            &[
                ("elevator_id", &f.lift),
                ("work_type", "breakdown"),
                ("priority", "low"),
                ("title", "Stolen lift"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = outsider
        .post(
            "/o/bravo/work-orders",
            &[
                ("site_id", &f.site),
                ("work_type", "breakdown"),
                ("priority", "low"),
                ("title", "Stolen site"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT 1 FROM org_bravo.work_orders"), 0);
    assert_eq!(f.status(&id), "scheduled");
}

#[actix_web::test]
async fn comments_are_markdown_without_scripts() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let body = "**Brake** checked\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror=alert(1)>";
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/comments"),
            &[("body", body)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let detail = f.manager.get(&format!("/o/acme/work-orders/{id}")).await;
    assert!(detail.body.contains("<strong>Brake</strong>"));
    assert!(!detail.body.contains("<script>alert(1)"));
    assert!(!detail.body.contains("javascript:alert"));
    assert!(!detail.body.contains("onerror"));
    let empty = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/comments"),
            &[("body", "   ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_web::test]
async fn callbacks_link_to_their_parent_and_count_against_first_time_fix() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[("assigned_contractor_id", "")]).await;
    let v = f.version(&id);
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/assign"),
            &[("contractor_id", &f.contractor), ("version", &v)],
        )
        .await;
    for to in ["scheduled", "in_progress", "completed"] {
        let v = f.version(&id);
        let page = f
            .manager
            .post(
                &format!("/o/acme/work-orders/{id}/move"),
                &[
                    ("to", to),
                    ("version", &v),
                    ("resolution_notes", "Adjusted doors"),
                    ("resolution_type", "adjusted"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    let form = f
        .manager
        .get(&format!("/o/acme/work-orders/new?parent={id}"))
        .await;
    assert!(form.body.contains("Callback for WO-"));
    let missing = f
        .manager
        .post(
            "/o/acme/work-orders",
            &[
                ("elevator_id", &f.lift),
                ("work_type", "callback"),
                ("priority", "high"),
                ("title", "Doors again"),
                ("parent_work_order_id", &id),
            ],
        )
        .await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the callback log needs the trouble reported"
    );
    let child = f
        .create(
            "acme",
            &[
                ("work_type", "callback"),
                ("priority", "high"),
                ("title", "Doors again"),
                ("parent_work_order_id", &id),
                ("callback_reported_trouble", "Doors reopen repeatedly"),
            ],
        )
        .await;
    assert_eq!(app.count(&format!("SELECT 1 FROM org_acme.work_orders WHERE id = '{child}' AND parent_work_order_id = '{id}' AND callback_reported_at IS NOT NULL")), 1);
    let contractor = f
        .manager
        .get(&format!("/o/acme/contractors/{}", f.contractor))
        .await;
    assert!(contractor.body.contains("<dd>1</dd>"), "one job completed");
    assert!(
        contractor.body.contains("<dd>0%</dd>"),
        "the callback makes it not a first-time fix"
    );
}

/// Rows of `pg_stat_activity` in this test's database waiting for a lock.
fn waiting_for_locks(app: &TestApp) -> i64 {
    app.count(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )
}

/// Waits until `n` backends wait for a lock.
fn until_waiting(app: &TestApp, n: i64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while waiting_for_locks(app) < n {
        assert!(
            std::time::Instant::now() < deadline,
            "{n} changes never got to wait"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// One change to work order `id`, run the way a page runs it: in its own transaction inside
/// the organization, as a manager.
fn change_in_thread(
    app: &TestApp,
    id: uuid::Uuid,
    change: impl FnOnce(&mut diesel::PgConnection, &Acting) -> Result<(), WorkOrderError>
        + Send
        + 'static,
) -> std::thread::JoinHandle<Result<(), AppError>> {
    let db = app.db.clone();
    std::thread::spawn(move || {
        let mut conn = db.get().expect("connection");
        harness::in_org(&mut conn, "acme", |conn, org| -> Result<(), AppError> {
            let actor = Actor::new(
                uuid::Uuid::new_v4(),
                "manager@example.com",
                "Manager",
                RequestMeta::default(),
            );
            let acting = Acting {
                org,
                actor: &actor,
                authority: Authority::Member(Role::Manager),
            };
            Ok(change(conn, &acting).map_err(|e| {
                assert!(
                    !matches!(e, WorkOrderError::Database(_)),
                    "{id}: a database error: {e}"
                );
                e
            })?)
        })
    })
}

/// Issue 17.9: adding a task while someone else sets the follow-up flag, both against the same
/// version. They used to take the work order's row and the audit trail's head in opposite
/// orders and deadlock (a 500 after a second); now each takes the work order's row first, so
/// the second waits and is told the work order changed.
#[actix_web::test]
async fn two_different_changes_at_once_give_one_saved_and_one_conflict_never_a_deadlock() {
    let app = TestApp::with_pool_size(8).await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let seen: i32 = f.version(&id).parse().expect("version");
    let id = uuid::Uuid::parse_str(&id).expect("id");

    // Hold the audit trail's head so that both changes get as far as they go before it: that
    // is the moment they used to cross.
    let mut holder = app.conn();
    diesel::connection::SimpleConnection::batch_execute(
        &mut *holder,
        "BEGIN; SELECT 1 FROM org_acme.audit_chain_head FOR UPDATE;",
    )
    .expect("hold the audit head");
    let task = change_in_thread(&app, id, move |conn, acting| {
        operations::add_task(conn, acting, id, seen, "Check brake").map(|_| ())
    });
    until_waiting(&app, 1);
    let followup = change_in_thread(&app, id, move |conn, acting| {
        let followup = Followup {
            needed: true,
            notes: Some("Replace the door rollers".into()),
        };
        operations::set_followup(conn, acting, id, seen, &followup)
    });
    until_waiting(&app, 2);
    diesel::connection::SimpleConnection::batch_execute(&mut *holder, "ROLLBACK").expect("release");
    drop(holder);

    let outcomes = [
        task.join().expect("task thread"),
        followup.join().expect("follow-up thread"),
    ];
    let saved = outcomes.iter().filter(|o| o.is_ok()).count();
    let stale = outcomes
        .iter()
        .filter(|o| {
            matches!(o, Err(AppError::Conflict(message)) if message.contains("Someone else changed"))
        })
        .count();
    assert_eq!((saved, stale), (1, 1), "{outcomes:?}");
    assert_eq!(f.version(&id.to_string()), (seen + 1).to_string());
    let task_added = app.count("SELECT 1 FROM org_acme.work_order_tasks") == 1;
    let flagged = app.count("SELECT 1 FROM org_acme.work_orders WHERE requires_followup") == 1;
    assert!(
        task_added != flagged,
        "exactly one of the two changes is saved"
    );

    // Over HTTP the loser is the 409 page, never a 500.
    let v = f.version(&id.to_string());
    let path = format!("/o/acme/work-orders/{id}");
    let (a, b) = futures_util::future::join(
        f.manager.post(
            &format!("{path}/tasks"),
            &[("title", "Oil rails"), ("version", &v)],
        ),
        f.manager.post(
            &format!("{path}/followup"),
            &[("requires_followup", "1"), ("version", &v)],
        ),
    )
    .await;
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
}
