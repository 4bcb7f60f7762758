//! Work in the field: the labour timer (start, stop, the 12-hour cap) and the sign-off on
//! completion shown on the printable sheet. Also the shared setup of `attachments`.

use crate::fixtures;
use crate::harness::id_from;
use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use base64::Engine;

use crate::harness::{text, Browser, Page, TestApp};

/// An organization with a manager, a site, a lift, a contractor and one work order.
pub struct Setup<'a> {
    pub manager: Browser<'a>,
    pub contractor: String,
    pub order: String,
}

pub async fn setup<'a>(app: &'a TestApp, slug: &str) -> Setup<'a> {
    app.create_org(slug, &format!("{slug} Lifts"));
    let manager = app.member(slug, Role::Manager).await;
    let site = fixtures::site(&manager, slug, "Harbour Tower").await;
    let lift = fixtures::lift(&manager, slug, &site, "Lift 1").await;
    let page = manager
        .post(
            &format!("/o/{slug}/contractors"),
            &[
                ("contractor_type", "employee"),
                ("contact_name", "Tanvir Ahmed"),
                ("hourly_rate", "100.00"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let contractor = id_from(page.header("location"));
    let page = manager
        .post(
            &format!("/o/{slug}/work-orders"),
            &[
                ("elevator_id", &lift),
                ("work_type", "breakdown"),
                ("priority", "medium"),
                ("title", "Doors not closing"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let order = id_from(page.header("location"));
    Setup {
        manager,
        contractor,
        order,
    }
}

/// The work order's version, which every change carries.
pub fn version(app: &TestApp, slug: &str, order: &str) -> String {
    text(
        &mut app.conn(),
        &format!("SELECT version::text AS value FROM org_{slug}.work_orders WHERE id = '{order}'"),
    )
}

/// Posts a form with photos and PDFs in its `files` input as the browser's session.
pub async fn post_multipart(
    browser: &Browser<'_>,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Page {
    let files: Vec<(&str, &str, &[u8])> = files
        .iter()
        .map(|(name, bytes)| ("files", *name, *bytes))
        .collect();
    browser.post_multipart(path, fields, &files).await
}

/// A technician whose account is the contractor's, with the work order assigned to them.
async fn assigned_technician<'a>(app: &'a TestApp, s: &Setup<'_>) -> Browser<'a> {
    let technician = app.member("acme", Role::Technician).await;
    app.execute(&format!(
        "UPDATE org_acme.contractors SET account_id = \
           (SELECT id FROM accounts WHERE email LIKE 'technician-%' ORDER BY created_at DESC LIMIT 1) \
         WHERE id = '{}'",
        s.contractor
    ));
    let v = version(app, "acme", &s.order);
    let page = s
        .manager
        .post(
            &format!("/o/acme/work-orders/{}/assign", s.order),
            &[("contractor_id", &s.contractor), ("version", &v)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    technician
}

fn labour(app: &TestApp, order: &str) -> Vec<String> {
    let n = app.count(&format!(
        "SELECT 1 FROM org_acme.work_order_labor WHERE work_order_id = '{order}'"
    ));
    (0..n)
        .map(|i| {
            text(
                &mut app.conn(),
                &format!(
                    "SELECT concat_ws(' ', duration_minutes, total_cost, timed, capped) AS value \
                     FROM org_acme.work_order_labor WHERE work_order_id = '{order}' \
                     ORDER BY created_at, start_time OFFSET {i} LIMIT 1"
                ),
            )
        })
        .collect()
}

#[actix_web::test]
async fn the_assigned_technician_times_labour_and_a_forgotten_timer_is_capped() {
    let app = TestApp::new().await;
    let s = setup(&app, "acme").await;
    let technician = assigned_technician(&app, &s).await;
    let path = format!("/o/acme/work-orders/{}", s.order);
    let page = technician.get(&path).await;
    assert!(page.body.contains("Start timer"), "{}", page.body);

    let page = technician.post(&format!("{path}/timer/start"), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = technician.get(&path).await;
    assert!(page.body.contains("Timer running"));
    assert!(page.body.contains("Stop timer"));
    // One timer per person.
    let page = technician.post(&format!("{path}/timer/start"), &[]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("already running"), "{}", page.body);

    // Ninety minutes later it is stopped: a priced, timed labour line.
    app.execute("UPDATE org_acme.labor_timers SET started_at = now() - interval '90 minutes'");
    let page = technician
        .post(&format!("{path}/timer/stop"), &[("labor_type", "regular")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(labour(&app, &s.order), ["90 150.00 t f"]);
    assert_eq!(app.count("SELECT 1 FROM org_acme.labor_timers"), 0);

    // Left running over a weekend: recorded as 12 hours, flagged.
    technician.get(&path).await;
    technician.post(&format!("{path}/timer/start"), &[]).await;
    app.execute("UPDATE org_acme.labor_timers SET started_at = now() - interval '30 hours'");
    let page = technician.get(&path).await;
    assert!(page.body.contains("more than 12 hours"), "{}", page.body);
    let page = technician
        .post(&format!("{path}/timer/stop"), &[("labor_type", "regular")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(labour(&app, &s.order), ["90 150.00 t f", "720 1200.00 t t"]);
    let page = technician.get(&path).await;
    assert!(page.body.contains("Capped at 12 h"));
    assert_eq!(
        text(
            &mut app.conn(),
            &format!(
                "SELECT labor_cost::text AS value FROM org_acme.work_orders WHERE id = '{}'",
                s.order
            )
        ),
        "1350.00"
    );

    // Manual entries stay.
    let v = version(&app, "acme", &s.order);
    let page = technician
        .post(
            &format!("{path}/labor"),
            &[
                ("version", &v),
                ("contractor_id", &s.contractor),
                ("start_time", "2026-03-02T09:00"),
                ("end_time", "2026-03-02T10:00"),
                ("labor_type", "regular"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(labour(&app, &s.order).len(), 3);

    // Never stopped at all: the hourly chore records it as 12 hours, flagged, by itself.
    technician.post(&format!("{path}/timer/start"), &[]).await;
    app.execute("UPDATE org_acme.labor_timers SET started_at = now() - interval '40 hours'");
    sitesync::background::schedule(&mut app.conn(), chrono::Utc::now()).expect("schedule");
    app.run_jobs();
    assert_eq!(app.count("SELECT 1 FROM org_acme.labor_timers"), 0);
    assert_eq!(labour(&app, &s.order).len(), 4);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.work_order_labor WHERE description LIKE 'Timer left running%' AND duration_minutes = 720 AND capped"),
        1
    );

    // Stopping with no timer running is refused; another technician cannot start one here.
    let page = technician
        .post(&format!("{path}/timer/stop"), &[("labor_type", "regular")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let other = app.member("acme", Role::Technician).await;
    other.get(&path).await;
    let page = other.post(&format!("{path}/timer/start"), &[]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn completion_records_the_sign_off_shown_on_the_printable_sheet() {
    let app = TestApp::new().await;
    let s = setup(&app, "acme").await;
    let path = format!("/o/acme/work-orders/{}", s.order);
    app.execute(&format!(
        "UPDATE org_acme.work_orders SET status = 'in_progress' WHERE id = '{}'",
        s.order
    ));
    let page = s.manager.get(&path).await;
    assert!(
        page.body.contains("name=\"accepted_by_name\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("data-signature-pad hidden"));

    let pad = image::RgbaImage::from_fn(300, 100, |x, y| {
        if (x as i32 - 3 * y as i32).abs() < 3 {
            image::Rgba([0, 0, 0, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut png = std::io::Cursor::new(Vec::new());
    pad.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let signature = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png.get_ref())
    );
    // A signature that is not a PNG is refused with the form kept.
    let v = version(&app, "acme", &s.order);
    let complete = |signature: String, v: String| {
        vec![
            ("to".to_string(), "completed".to_string()),
            ("version".to_string(), v),
            (
                "resolution_notes".to_string(),
                "Door operator adjusted".to_string(),
            ),
            ("resolution_type".to_string(), "adjusted".to_string()),
            (
                "accepted_by_name".to_string(),
                "Priya Natarajan".to_string(),
            ),
            ("signature".to_string(), signature),
        ]
    };
    let fields = complete("data:image/png;base64,PHNjcmlwdD4=".into(), v.clone());
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let page = s.manager.post(&format!("{path}/move"), &borrowed).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"Priya Natarajan\""));
    assert_eq!(app.count("SELECT 1 FROM org_acme.work_order_signoffs"), 0);

    let fields = complete(signature, v);
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let page = s.manager.post(&format!("{path}/move"), &borrowed).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let sheet = s.manager.get(&format!("{path}/print")).await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert!(sheet.body.contains("/static/css/print.css"));
    assert!(
        sheet
            .body
            .contains("Work accepted by <strong>Priya Natarajan</strong>"),
        "{}",
        sheet.body
    );
    assert!(sheet.body.contains(&format!("{path}/signature")));
    let image = s.manager.get(&format!("{path}/signature")).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.header("content-type"), Some("image/png"));

    // Another organization sees neither the sheet nor the signature.
    let other = setup(&app, "zenith").await;
    for url in [
        format!("/o/zenith/work-orders/{}/print", s.order),
        format!("/o/zenith/work-orders/{}/signature", s.order),
    ] {
        assert_eq!(
            other.manager.get(&url).await.status,
            StatusCode::NOT_FOUND,
            "{url}"
        );
    }
}

#[actix_web::test]
async fn without_javascript_the_typed_name_alone_is_the_sign_off() {
    let app = TestApp::new().await;
    let s = setup(&app, "acme").await;
    let path = format!("/o/acme/work-orders/{}", s.order);
    app.execute(&format!(
        "UPDATE org_acme.work_orders SET status = 'in_progress' WHERE id = '{}'",
        s.order
    ));
    s.manager.get(&path).await;
    let v = version(&app, "acme", &s.order);
    let page = s
        .manager
        .post(
            &format!("{path}/move"),
            &[
                ("to", "completed"),
                ("version", &v),
                ("resolution_notes", "Replaced the door belt"),
                ("resolution_type", "adjusted"),
                ("accepted_by_name", "Sam Okafor"),
                ("signature", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let sheet = s.manager.get(&format!("{path}/print")).await;
    assert!(sheet.body.contains("Sam Okafor"));
    assert!(sheet.body.contains("without a drawn signature"));
    assert_eq!(
        s.manager.get(&format!("{path}/signature")).await.status,
        StatusCode::NOT_FOUND
    );
}
