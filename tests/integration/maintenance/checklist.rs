//! A raised visit's checklist: the work order cannot be completed while a task lacks the meter
//! reading or photo it asks for; the reading goes onto the lift's meter.

use awc::http::StatusCode;
use chrono::Utc;

use super::{fixture, generate, schedule, status, today, value, version, work_order_of};
use crate::harness::{Browser, TestApp};

/// A small JPEG, as a phone would send.
fn photo() -> Vec<u8> {
    let image = image::RgbImage::from_fn(32, 24, |x, y| {
        image::Rgb([(x * 8) as u8, (y * 10) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn task(app: &TestApp, work_order: &str, requires: &str) -> String {
    value(
        app,
        &format!(
            "SELECT id::text AS value FROM org_acme.work_order_tasks \
             WHERE work_order_id = '{work_order}' AND requires = '{requires}'"
        ),
    )
}

async fn complete(app: &TestApp, manager: &Browser<'_>, wo: &str) -> crate::harness::Page {
    let v = version(app, "acme", wo);
    manager
        .post(
            &format!("/o/acme/work-orders/{wo}/move"),
            &[
                ("to", "completed"),
                ("version", &v),
                ("resolution_notes", "Monthly service done."),
                ("resolution_type", "repaired"),
            ],
        )
        .await
}

#[actix_web::test]
async fn a_visit_is_completed_only_once_its_reading_and_photo_are_in() {
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
    assert_eq!(generate(&app, "acme", Utc::now()).raised, 1);
    let wo = work_order_of(&app, "acme", &id, today());
    let trips = task(&app, &wo, "trips");
    let photo_task = task(&app, &wo, "photo");

    for to in ["scheduled", "in_progress"] {
        let v = version(&app, "acme", &wo);
        let page = f
            .manager
            .post(
                &format!("/o/acme/work-orders/{wo}/move"),
                &[("to", to), ("version", &v)],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{to}: {}", page.body);
    }
    assert_eq!(status(&app, "acme", &wo), "in_progress");

    // Both missing: refused, naming both.
    let page = complete(&app, &f.manager, &wo).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(
        page.body.contains("Before completing, fill in"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("the trip-counter reading for “Read the trip counter”"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("a photo for “Photo of the machine room”"),
        "{}",
        page.body
    );
    assert_eq!(status(&app, "acme", &wo), "in_progress");

    // The reading task needs a number.
    let v = version(&app, "acme", &wo);
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{wo}/tasks/{trips}"),
            &[("action", "complete"), ("version", &v)],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert_eq!(app.count("SELECT 1 FROM org_acme.meter_readings"), 0);
    let v = version(&app, "acme", &wo);
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{wo}/tasks/{trips}"),
            &[
                ("action", "complete"),
                ("reading", "12345"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        value(
            &app,
            "SELECT concat_ws('|', elevator_id, meter, value, work_order_id, counter_reset) AS value \
             FROM org_acme.meter_readings"
        ),
        format!("{}|trips|12345|{wo}|f", f.lift)
    );
    assert_eq!(
        value(
            &app,
            &format!(
                "SELECT concat_ws('|', status, reading) AS value FROM org_acme.work_order_tasks WHERE id = '{trips}'"
            )
        ),
        "completed|12345"
    );

    // The photo task cannot be ticked off without its photo.
    let v = version(&app, "acme", &wo);
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{wo}/tasks/{photo_task}"),
            &[("action", "complete"), ("version", &v)],
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
        .contains("Upload the photo this task asks for first."));

    // Still one missing: the photo alone is named.
    let page = complete(&app, &f.manager, &wo).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page
        .body
        .contains("a photo for “Photo of the machine room”"));
    assert!(!page.body.contains("the trip-counter reading for"));

    let jpeg = photo();
    let page = f
        .manager
        .post_multipart(
            &format!("/o/acme/work-orders/{wo}/attachments"),
            &[("task_id", photo_task.as_str())],
            &[("files", "machine-room.jpg", &jpeg)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.attachments WHERE task_id = '{photo_task}' \
             AND content_type LIKE 'image/%'"
        )),
        1
    );

    let page = complete(&app, &f.manager, &wo).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(status(&app, "acme", &wo), "completed");
    // Done today, by its due date: on time on the schedule's page.
    let page = f.manager.get(&format!("/o/acme/maintenance/{id}")).await;
    assert!(page.body.contains("Done on time"), "{}", page.body);
}

#[actix_web::test]
async fn a_reading_task_below_the_lifts_last_reading_is_refused() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let page = f
        .manager
        .post(
            &format!("/o/acme/elevators/{}/readings", f.lift),
            &[("meter", "trips"), ("value", "50000")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = schedule(&f.manager, "acme", &f.lift, today(), &[("lead_days", "0")]).await;
    assert_eq!(generate(&app, "acme", Utc::now()).raised, 1);
    let wo = work_order_of(&app, "acme", &id, today());
    let trips = task(&app, &wo, "trips");
    let v = version(&app, "acme", &wo);
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{wo}/tasks/{trips}"),
            &[
                ("action", "complete"),
                ("reading", "40000"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("counter reset"), "{}", page.body);
    assert_eq!(app.count("SELECT 1 FROM org_acme.meter_readings"), 1);
    assert_eq!(
        value(
            &app,
            &format!(
                "SELECT concat_ws('|', status, reading IS NULL) AS value FROM org_acme.work_order_tasks WHERE id = '{trips}'"
            )
        ),
        "pending|t"
    );
}
