//! The lifecycle: which moves are allowed, what they need, callbacks.

use awc::http::StatusCode;
use sitesync::work_orders::status::WorkOrderStatus;

use super::fixture;
use crate::harness::{text, TestApp};

/// The lifecycle of seed 000, as a table: every move not listed is refused.
const ALLOWED: &[(&str, &str)] = &[
    ("draft", "pending"),
    ("draft", "cancelled"),
    ("pending", "scheduled"),
    ("pending", "cancelled"),
    ("scheduled", "in_progress"),
    ("scheduled", "on_hold"),
    ("scheduled", "cancelled"),
    ("in_progress", "on_hold"),
    ("in_progress", "completed"),
    ("in_progress", "cancelled"),
    ("on_hold", "in_progress"),
    ("on_hold", "cancelled"),
    ("completed", "invoiced"),
    ("completed", "in_progress"),
];

/// Allowed for emergency and high priority only: someone is on the way.
const URGENT_ONLY: (&str, &str) = ("pending", "in_progress");

#[actix_web::test]
async fn every_move_of_the_lifecycle_is_allowed_or_refused_as_specified() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f
        .create("acme", &[("assigned_contractor_id", &f.contractor)])
        .await;
    for priority in ["medium", "low", "high", "emergency"] {
        for from in WorkOrderStatus::ALL {
            for to in WorkOrderStatus::ALL {
                app.execute(&format!(
                    "UPDATE org_acme.work_orders SET status = '{}', priority = '{priority}', \
                     completed_at = now() - interval '29 days' WHERE id = '{id}'",
                    from.as_str()
                ));
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
                            ("resolution_type", "replaced"),
                        ],
                    )
                    .await;
                let pair = (from.as_str(), to.as_str());
                let allowed = ALLOWED.contains(&pair)
                    || (pair == URGENT_ONLY && matches!(priority, "high" | "emergency"));
                let expected = if allowed {
                    StatusCode::SEE_OTHER
                } else {
                    StatusCode::CONFLICT
                };
                assert_eq!(page.status, expected, "{priority}: {from:?} → {to:?}");
                assert_eq!(
                    f.status(&id),
                    if allowed { to.as_str() } else { from.as_str() },
                    "{priority}: {from:?} → {to:?}"
                );
                assert_eq!(
                    from.can_move_to(*to),
                    ALLOWED.contains(&pair) || pair == URGENT_ONLY,
                    "the status table agrees: {from:?} → {to:?}"
                );
            }
        }
    }
    // Completing needs notes and a resolution type; cancelling needs a reason.
    app.execute(&format!(
        "UPDATE org_acme.work_orders SET status = 'in_progress' WHERE id = '{id}'"
    ));
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

#[actix_web::test]
async fn scheduling_needs_an_assignee_and_a_start_time_and_the_form_asks_for_them() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[("scheduled_start", "")]).await;
    let detail = f.manager.get(&format!("/o/acme/work-orders/{id}")).await;
    assert!(
        detail.body.contains("name=\"assigned_contractor_id\"")
            && detail.body.contains("name=\"scheduled_start\""),
        "the schedule form asks for who and when"
    );
    let v = f.version(&id);
    let refused = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "scheduled"), ("version", &v)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Choose who does the work")
            && refused.body.contains("Enter when the work is to start")
    );
    assert_eq!(f.status(&id), "pending");
    let only_who = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[
                ("to", "scheduled"),
                ("assigned_contractor_id", &f.contractor),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(only_who.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(only_who.body.contains("Enter when the work is to start"));
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.work_orders WHERE assigned_contractor_id IS NOT NULL"),
        0,
        "nothing is kept of a refused move"
    );
    let scheduled = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[
                ("to", "scheduled"),
                ("assigned_contractor_id", &f.contractor),
                ("scheduled_start", "2026-07-01T08:30"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(
        scheduled.status,
        StatusCode::SEE_OTHER,
        "{}",
        scheduled.body
    );
    assert_eq!(f.status(&id), "scheduled");
    // Sydney is UTC+10 in July.
    assert_eq!(
        text(&mut app.conn(), &format!("SELECT scheduled_start::text || ' ' || assigned_contractor_id::text AS value FROM org_acme.work_orders WHERE id = '{id}'")),
        format!("2026-06-30 22:30:00+00 {}", f.contractor)
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.audit_events WHERE event_type = 'work_order_assigned'"),
        1
    );
}

#[actix_web::test]
async fn drafts_are_submitted_and_completed_work_is_reopened_with_a_reason_within_30_days() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f
        .create(
            "acme",
            &[("draft", "1"), ("assigned_contractor_id", &f.contractor)],
        )
        .await;
    assert_eq!(f.status(&id), "draft");
    let detail = f.manager.get(&format!("/o/acme/work-orders/{id}")).await;
    assert!(detail.body.contains(">Submit</button>"));
    for to in ["pending", "scheduled", "in_progress", "completed"] {
        let v = f.version(&id);
        let page = f
            .manager
            .post(
                &format!("/o/acme/work-orders/{id}/move"),
                &[
                    ("to", to),
                    ("version", &v),
                    ("resolution_notes", "Cleaned the door sill"),
                    ("resolution_type", "cleaned"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{to}");
    }
    let detail = f.manager.get(&format!("/o/acme/work-orders/{id}")).await;
    assert!(detail.body.contains(">Reopen</button>"));
    let v = f.version(&id);
    let no_reason = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "in_progress"), ("version", &v)],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason
        .body
        .contains("Say why the work order is reopened"));
    let reopened = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[
                ("to", "in_progress"),
                ("reason", "Doors stick again"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    assert_eq!(f.status(&id), "in_progress");
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.work_orders WHERE id = '{id}' AND completed_at IS NULL"
        )),
        1
    );
    let detail = f.manager.get(&format!("/o/acme/work-orders/{id}")).await;
    assert!(
        detail.body.contains("work order reopened") && detail.body.contains("Doors stick again"),
        "the timeline says so"
    );
    // Completed 31 days ago: too late, raise a callback.
    app.execute(&format!(
        "UPDATE org_acme.work_orders SET status = 'completed', completed_at = now() - interval '31 days' WHERE id = '{id}'"
    ));
    let v = f.version(&id);
    let late = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "in_progress"), ("reason", "Again"), ("version", &v)],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.body.contains("within 30 days"));
    assert_eq!(f.status(&id), "completed");
}

#[actix_web::test]
async fn tasks_can_be_in_progress() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.create("acme", &[]).await;
    let v = f.version(&id);
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/tasks"),
            &[("title", "Check brake"), ("version", &v)],
        )
        .await;
    let task = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.work_order_tasks",
    );
    let v = f.version(&id);
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/tasks/{task}"),
            &[("action", "start"), ("version", &v)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.work_order_tasks WHERE status = 'in_progress' AND completed_at IS NULL"),
        1
    );
    let detail = f.manager.get(&format!("/o/acme/work-orders/{id}")).await;
    assert!(detail.body.contains("In progress</span>") && detail.body.contains("(0 of 1 done)"));
}

#[actix_web::test]
async fn an_inspection_puts_the_lift_in_maintenance_and_its_completion_updates_the_lift() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    // This lift is inspected twice a year; a bad interval is refused and what was typed kept.
    let lift_form = |interval| {
        [
            ("site_id", f.site.as_str()),
            ("unit_number", "Lift 1"),
            ("last_inspection_result", "failed"),
            ("inspection_interval_months", interval),
        ]
    };
    let edit = format!("/o/acme/elevators/{}", f.lift);
    let refused = f.manager.post(&edit, &lift_form("0")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("value=\"0\"")
            && refused.body.contains("<option value=\"failed\" selected>")
    );
    let saved = f.manager.post(&edit, &lift_form("6")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let lift_page = f.manager.get(&edit).await;
    assert!(lift_page.body.contains("Every 6 months") && lift_page.body.contains(">Failed</span>"));
    let id = f
        .create(
            "acme",
            &[
                ("work_type", "inspection"),
                ("title", "Annual inspection"),
                ("assigned_contractor_id", &f.contractor),
            ],
        )
        .await;
    let lift_status = |app: &TestApp| {
        text(
            &mut app.conn(),
            "SELECT status::text AS value FROM org_acme.elevators",
        )
    };
    for to in ["scheduled", "in_progress"] {
        let v = f.version(&id);
        f.manager
            .post(
                &format!("/o/acme/work-orders/{id}/move"),
                &[("to", to), ("version", &v)],
            )
            .await;
    }
    assert_eq!(lift_status(&app), "maintenance");
    let v = f.version(&id);
    let no_result = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[
                ("to", "completed"),
                ("resolution_notes", "Inspected"),
                ("resolution_type", "no_fault_found"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(no_result.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_result.body.contains("Choose the inspection"));
    let done = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[
                ("to", "completed"),
                ("resolution_notes", "Inspected"),
                ("resolution_type", "no_fault_found"),
                ("inspection_result", "failed"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(lift_status(&app), "operational", "given back");
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.elevators WHERE last_inspection_result = 'failed' AND last_inspection_date IS NOT NULL AND next_inspection_due = (last_inspection_date + interval '6 months')::date"),
        1
    );
    let detail = f.manager.get(&format!("/o/acme/work-orders/{id}")).await;
    let raise = format!("/o/acme/work-orders/new?inspection={id}");
    assert!(detail.body.contains("Raise the repair work order") && detail.body.contains(&raise));
    let repair = f.manager.get(&raise).await;
    assert_eq!(repair.status, StatusCode::OK);
    assert!(
        repair.body.contains("Repair after inspection WO-"),
        "titled after the inspection"
    );
    assert!(repair
        .body
        .contains("Inspection failed: raise the repair work order."));
    assert!(
        repair.body.contains("<option value=\"high\" selected>"),
        "a failed lift is urgent"
    );
    assert!(repair
        .body
        .contains(&format!("<option value=\"{}\" selected>", f.lift)));
}
