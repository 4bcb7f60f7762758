//! Fault reports: the public form, entrapments, abuse limits, the status link, triage and the
//! work order the request follows, QR codes, and the tenant portal.

use crate::harness::id_from;
use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use crate::harness::{text, Browser, Page, TestApp, PASSWORD};

struct Building {
    site: String,
    lift: String,
    site_token: String,
    lift_token: String,
}

async fn building(app: &TestApp, manager: &Browser<'_>) -> Building {
    manager.get("/o/acme/sites").await;
    let page = manager
        .post(
            "/o/acme/sites",
            &[
                ("name", "Harbour Tower"),
                ("site_type", "commercial"),
                ("country", "Australia"),
                ("timezone", "Australia/Sydney"),
                ("emergency_contact_phone", "1800 555 911"),
            ],
        )
        .await;
    let site = id_from(page.header("location"));
    let page = manager
        .post(
            "/o/acme/elevators",
            &[("site_id", &site), ("unit_number", "Lift 2")],
        )
        .await;
    let lift = id_from(page.header("location"));
    Building {
        site_token: text(
            &mut app.conn(),
            "SELECT report_token AS value FROM org_acme.sites",
        ),
        lift_token: text(
            &mut app.conn(),
            "SELECT report_token AS value FROM org_acme.elevators",
        ),
        site,
        lift,
    }
}

fn report<'a>(lift: &'a str, subject: &'a str, trapped: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("elevator_id", lift),
        ("request_type", "issue_report"),
        ("subject", subject),
        ("contact_name", "Dana"),
        ("trapped", trapped),
        ("website", ""),
    ]
}

#[actix_web::test]
async fn anyone_with_the_link_reports_and_follows_a_fault() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let b = building(&app, &manager).await;
    let visitor = Browser::new(&app);
    let form = visitor.get(&format!("/report/acme/{}", b.lift_token)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Harbour Tower") && form.body.contains("1800 555 911"));
    assert!(
        form.body
            .contains(&format!("value=\"{}\" selected", b.lift)),
        "the lift is pre-selected"
    );
    let sent = visitor
        .post(
            &format!("/report/acme/{}", b.lift_token),
            &report(&b.lift, "Doors bang <b>hard</b>", "0"),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert!(sent.body.contains("SR-"));
    let start = sent.body.find("/report/acme/status/").expect("status link");
    let status_path: String = sent.body[start..]
        .chars()
        .take_while(|c| *c != '"' && *c != '<')
        .collect();
    let status = Browser::new(&app).get(&status_path).await;
    assert_eq!(status.status, StatusCode::OK);
    assert!(
        status.body.contains("Received") && status.body.contains("&#60;b&#62;hard")
            || status.body.contains("&lt;b&gt;hard")
    );
    assert!(!status.body.contains("<b>hard"));
    assert_eq!(
        app.count("SELECT 1 FROM notifications WHERE kind = 'service_request'"),
        1,
        "the manager is told"
    );

    // Wrong and retired tokens find nothing; the status link shows one request only.
    assert_eq!(
        visitor.get("/report/acme/not-a-token").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor.get("/report/acme/status/not-a-token").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor
            .get(&format!("/report/bravo/{}", b.lift_token))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    manager
        .get(&format!("/o/acme/elevators/{}/qr", b.lift))
        .await;
    let regenerated = manager
        .post(&format!("/o/acme/elevators/{}/report-link", b.lift), &[])
        .await;
    assert_eq!(regenerated.status, StatusCode::SEE_OTHER);
    assert_eq!(
        visitor
            .get(&format!("/report/acme/{}", b.lift_token))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor
            .get(&format!("/report/acme/{}", b.site_token))
            .await
            .status,
        StatusCode::OK
    );
    let _ = b.site;
}

#[actix_web::test]
async fn someone_trapped_raises_one_emergency_work_order_and_takes_the_lift_down() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let b = building(&app, &manager).await;
    let visitor = Browser::new(&app);
    visitor.get(&format!("/report/acme/{}", b.site_token)).await;
    let missing_lift = visitor
        .post(
            &format!("/report/acme/{}", b.site_token),
            &report("", "", "1"),
        )
        .await;
    assert_eq!(missing_lift.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing_lift.body.contains("Which lift"));
    let sent = visitor
        .post(
            &format!("/report/acme/{}", b.site_token),
            &report(&b.lift, "", "1"),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert!(sent.body.contains("emergency call-out") && sent.body.contains("1800 555 911"));
    assert_eq!(app.count("SELECT 1 FROM org_acme.work_orders WHERE entrapment AND priority = 'emergency' AND type = 'breakdown'"), 1);
    assert_eq!(
        text(
            &mut app.conn(),
            "SELECT status::text AS value FROM org_acme.elevators"
        ),
        "out_of_service"
    );
    assert_eq!(app.count("SELECT 1 FROM org_acme.service_requests WHERE assigned_work_order_id IS NOT NULL AND status = 'acknowledged'"), 1);
    assert_eq!(
        app.count("SELECT 1 FROM notifications WHERE kind = 'entrapment'"),
        1
    );
}

#[actix_web::test]
async fn abuse_is_refused_with_what_was_typed_kept() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let b = building(&app, &manager).await;
    let visitor = Browser::new(&app);
    visitor.get(&format!("/report/acme/{}", b.site_token)).await;
    let path = format!("/report/acme/{}", b.site_token);
    let mut bot = report(&b.lift, "Buy cheap watches", "0");
    bot.retain(|(k, _)| *k != "website");
    bot.push(("website", "http://spam.example"));
    let refused = visitor.post(&path, &bot).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("automated") && refused.body.contains("Buy cheap watches"));
    let huge = "x".repeat(100_000);
    let long = visitor.post(&path, &report(&b.lift, &huge, "0")).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let nul = visitor
        .post(&path, &report(&b.lift, "Door\0stuck", "0"))
        .await;
    assert_eq!(nul.status, StatusCode::UNPROCESSABLE_ENTITY);
    for i in 0..5 {
        let ok = visitor
            .post(&path, &report(&b.lift, &format!("Report {i}"), "0"))
            .await;
        assert_eq!(ok.status, StatusCode::OK);
    }
    let limited = visitor
        .post(
            &path,
            &report(&b.lift, "Sixth report '; DROP TABLE sites; --", "0"),
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.body.contains("Too many reports") && limited.body.contains("DROP TABLE sites"));
    // Someone trapped always gets through.
    let trapped = visitor.post(&path, &report(&b.lift, "", "1")).await;
    assert_eq!(trapped.status, StatusCode::OK);
    assert_eq!(app.count("SELECT 1 FROM org_acme.service_requests"), 6);
}

#[actix_web::test]
async fn a_converted_request_follows_its_work_order_to_the_end() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let b = building(&app, &manager).await;
    let visitor = Browser::new(&app);
    visitor.get(&format!("/report/acme/{}", b.lift_token)).await;
    let mut fields = report(&b.lift, "Lift stops short", "0");
    fields.push(("contact_email", "dana@example.com"));
    let sent = visitor
        .post(&format!("/report/acme/{}", b.lift_token), &fields)
        .await;
    let start = sent.body.find("/report/acme/status/").expect("status link");
    let status_path: String = sent.body[start..]
        .chars()
        .take_while(|c| *c != '"' && *c != '<')
        .collect();
    let request = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.service_requests",
    );
    let queue = manager.get("/o/acme/service-requests?status=open").await;
    assert!(queue.body.contains("Lift stops short"));
    manager
        .post(
            &format!("/o/acme/service-requests/{request}/acknowledge"),
            &[],
        )
        .await;
    let converted = manager
        .post(&format!("/o/acme/service-requests/{request}/convert"), &[])
        .await;
    assert_eq!(converted.status, StatusCode::SEE_OTHER);
    let order = id_from(converted.header("location"));
    assert_eq!(app.count(&format!("SELECT 1 FROM org_acme.work_orders WHERE id = '{order}' AND title = 'Lift stops short' AND type = 'breakdown' AND reported_by_name = 'Dana'")), 1);
    // Scheduling needs someone to do it and a time.
    let contractor = manager
        .post(
            "/o/acme/contractors",
            &[("contractor_type", "employee"), ("contact_name", "Tanvir")],
        )
        .await;
    let contractor = id_from(contractor.header("location"));
    for (to, expected) in [
        ("scheduled", "acknowledged"),
        ("in_progress", "in_progress"),
        ("completed", "resolved"),
    ] {
        let version = text(
            &mut app.conn(),
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
                    ("resolution_notes", "Re-levelled the car"),
                    ("resolution_type", "adjusted"),
                    ("assigned_contractor_id", &contractor),
                    ("scheduled_start", "2026-12-10T09:00"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(
            text(
                &mut app.conn(),
                "SELECT status AS value FROM org_acme.service_requests"
            ),
            expected,
            "after {to}"
        );
    }
    let status = Browser::new(&app).get(&status_path).await;
    assert!(status.body.contains("Resolved") && status.body.contains("Re-levelled the car"));
    let declined = manager
        .post(
            &format!("/o/acme/service-requests/{request}/reject"),
            &[("reason", "Too late")],
        )
        .await;
    assert_eq!(declined.status, StatusCode::CONFLICT);

    // The reporter left an address, and heard of each step there, with the status page.
    app.run_jobs();
    let mail = app.mail_to("dana@example.com");
    let subjects: Vec<&str> = mail.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(subjects.len(), 4, "{subjects:?}");
    assert!(subjects[0].starts_with("We received your report SR-"));
    assert!(subjects[1].ends_with("is now acknowledged"), "{subjects:?}");
    assert!(
        subjects[2].ends_with("is now being worked on"),
        "{subjects:?}"
    );
    assert!(subjects[3].ends_with("is now resolved"), "{subjects:?}");
    assert!(mail[3].body_text.contains("Re-levelled the car"));
    assert_eq!(mail[3].link("/report/acme/status/"), status_path);
    assert!(mail.iter().all(|m| m.status == "completed"));
}

#[actix_web::test]
async fn the_qr_code_encodes_the_report_link() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let b = building(&app, &manager).await;
    let page = manager
        .get(&format!("/o/acme/elevators/{}/qr", b.lift))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Report a problem with Lift 2") && page.body.contains("<svg"));
    let start = page.body.find("class=\"qr-url\">").expect("url shown") + "class=\"qr-url\">".len();
    let url: String = page.body[start..]
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    assert!(
        url.ends_with(&format!("/report/acme/{}", b.lift_token)),
        "{url}"
    );
    // The same code, drawn as a bitmap and read back, says exactly that URL.
    let code = qrcode::QrCode::new(url.as_bytes()).expect("code");
    let image = code
        .render::<image::Luma<u8>>()
        .min_dimensions(300, 300)
        .build();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, decoded) = grids[0].decode().expect("decodes");
    assert_eq!(decoded, url);
    assert!(sitesync::service_requests::views::qr_svg(&url)
        .expect("svg")
        .contains("<svg"));
}

#[actix_web::test]
async fn tenants_see_their_own_requests_and_nothing_else() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let b = building(&app, &manager).await;
    manager.get("/o/acme/tenants/new").await;
    let page = manager
        .post(
            "/o/acme/tenants",
            &[
                ("site_id", &b.site),
                ("name", "Harbour Legal"),
                ("primary_contact_email", "ann@harbourlegal.example"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let tenant = id_from(page.header("location"));
    let invite = manager
        .post(&format!("/o/acme/tenants/{tenant}/invite"), &[])
        .await;
    let start = invite.body.find("/invitations/").expect("invitation link");
    let path: String = invite.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let ann = Browser::new(&app);
    ann.get(&path).await;
    let joined = ann
        .post(
            &path,
            &[
                ("first_name", "Ann"),
                ("last_name", "Lee"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    assert_eq!(joined.header("location"), Some("/o/acme/portal"));
    let portal = ann.get("/o/acme/portal").await;
    assert_eq!(portal.status, StatusCode::OK, "{}", portal.body);
    let sent = ann
        .post(
            "/o/acme/portal/requests",
            &[
                ("elevator_id", &b.lift),
                ("request_type", "inquiry"),
                ("subject", "When is the service?"),
                ("trapped", "0"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert!(ann
        .get("/o/acme/portal")
        .await
        .body
        .contains("When is the service?"));
    // A report from someone else at the same building is not theirs.
    let visitor = Browser::new(&app);
    visitor.get(&format!("/report/acme/{}", b.site_token)).await;
    visitor
        .post(
            &format!("/report/acme/{}", b.site_token),
            &report(&b.lift, "Another tenant's fault", "0"),
        )
        .await;
    let portal = ann.get("/o/acme/portal").await;
    assert!(!portal.body.contains("Another tenant's fault"));
    let other = text(&mut app.conn(), "SELECT id::text AS value FROM org_acme.service_requests WHERE subject = 'Another tenant''s fault'");
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE org_acme.service_requests SET status = 'resolved' WHERE id = '{other}'"
        )),
        &mut *app.conn(),
    )
    .expect("resolve");
    assert_eq!(
        ann.post(
            &format!("/o/acme/portal/requests/{other}/rate"),
            &[("rating", "1")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    for path in [
        "/o/acme/sites",
        "/o/acme/elevators",
        "/o/acme/work-orders",
        "/o/acme/service-requests",
        "/o/acme/members",
        "/o/acme/tenants",
    ] {
        assert_eq!(ann.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        ann.get("/o/acme").await.header("location"),
        Some("/o/acme/portal")
    );
    // Rating their own resolved request, once.
    let own = text(&mut app.conn(), "SELECT id::text AS value FROM org_acme.service_requests WHERE subject = 'When is the service?'");
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE org_acme.service_requests SET status = 'resolved' WHERE id = '{own}'"
        )),
        &mut *app.conn(),
    )
    .expect("resolve");
    assert_eq!(
        ann.post(
            &format!("/o/acme/portal/requests/{own}/rate"),
            &[("rating", "5"), ("feedback", "Quick")]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        ann.post(
            &format!("/o/acme/portal/requests/{own}/rate"),
            &[("rating", "4")]
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.service_requests WHERE satisfaction_rating = 5"),
        1
    );
}

/// Posts the public report form from `address`: the test server trusts the loopback proxy, so
/// `X-Forwarded-For` names the sender as a real proxy would.
async fn report_from(
    visitor: &Browser<'_>,
    path: &str,
    fields: &[(&str, &str)],
    address: &str,
) -> Page {
    let token = visitor.csrf();
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    let body = serde_urlencoded::to_string(&all).expect("form");
    let mut res = visitor
        .app
        .post_request(path)
        .insert_header(("Cookie", visitor.cookie_header()))
        .insert_header(("X-Forwarded-For", address))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .send_body(body)
        .await
        .expect("request");
    let body = res.body().limit(16 * 1024 * 1024).await.expect("body");
    Page {
        status: res.status(),
        headers: res.headers().clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Issue 17.5: one address raised eight emergency work orders in a row and sent 27
/// notifications by ticking "someone trapped". The first report still raises the emergency at
/// once, even from an address past the ordinary limit; the next ones for that lift join it.
#[actix_web::test]
async fn someone_trapped_reported_again_joins_the_open_emergency() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let b = building(&app, &manager).await;
    let visitor = Browser::new(&app);
    let path = format!("/report/acme/{}", b.lift_token);
    visitor.get(&path).await;
    let address = "198.51.100.7";
    for i in 0..5 {
        let ok = report_from(
            &visitor,
            &path,
            &report(&b.lift, &format!("Report {i}"), "0"),
            address,
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK);
    }
    let limited = report_from(&visitor, &path, &report(&b.lift, "Once more", "0"), address).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);

    let first = report_from(&visitor, &path, &report(&b.lift, "", "1"), address).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(first.body.contains("emergency call-out"));
    let emergencies =
        "SELECT 1 FROM org_acme.work_orders WHERE entrapment AND priority = 'emergency'";
    assert_eq!(app.count(emergencies), 1, "raised at once");
    assert_eq!(
        text(
            &mut app.conn(),
            "SELECT status::text AS value FROM org_acme.elevators"
        ),
        "out_of_service"
    );
    assert_eq!(
        app.count("SELECT 1 FROM notifications WHERE kind = 'entrapment'"),
        1
    );
    let notifications = app.count("SELECT 1 FROM notifications");
    let order = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.work_orders",
    );

    let again = report_from(
        &visitor,
        &path,
        &report(&b.lift, "Still stuck", "1"),
        address,
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert!(again.body.contains("emergency call-out"));
    // Someone else in the building reports it too: the same emergency.
    let other = report_from(&visitor, &path, &report(&b.lift, "", "1"), "203.0.113.9").await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
    assert_eq!(app.count(emergencies), 1, "no new work order");
    assert_eq!(
        app.count("SELECT 1 FROM notifications"),
        notifications,
        "nobody is told again"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.service_requests WHERE entrapment AND assigned_work_order_id = '{order}' AND status = 'acknowledged'"
        )),
        3,
        "every report follows the emergency"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.work_order_comments WHERE work_order_id = '{order}' AND body LIKE 'Someone trapped reported again: SR-%'"
        )),
        2,
        "each further report is a note on the work order"
    );
    assert_eq!(
        app.count(
            "SELECT 1 FROM org_acme.elevator_status_history WHERE to_status = 'out_of_service'"
        ),
        1,
        "the lift is taken out of service once"
    );
}

/// Issue 17.5: past the limit one address is refused, with a number to call instead; someone
/// else reporting the same lift still gets through.
#[actix_web::test]
async fn someone_trapped_past_the_limit_is_refused_with_a_number_to_call() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.execute("UPDATE organizations SET contact_phone = '02 9999 0000' WHERE slug = 'acme'");
    let manager = app.member("acme", Role::Manager).await;
    let b = building(&app, &manager).await;
    let visitor = Browser::new(&app);
    let path = format!("/report/acme/{}", b.site_token);
    visitor.get(&path).await;
    let address = "198.51.100.7";
    for _ in 0..5 {
        let ok = report_from(&visitor, &path, &report(&b.lift, "", "1"), address).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    }
    let requests = app.count("SELECT 1 FROM org_acme.service_requests");
    let refused = report_from(
        &visitor,
        &path,
        &report(&b.lift, "Help, still trapped", "1"),
        address,
    )
    .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused
            .body
            .contains("If someone is trapped, call 02 9999 0000"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Help, still trapped"),
        "what was typed is kept"
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.service_requests"),
        requests
    );
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.work_orders WHERE entrapment"),
        1
    );
    assert_eq!(
        report_from(&visitor, &path, &report(&b.lift, "", "1"), "203.0.113.9")
            .await
            .status,
        StatusCode::OK
    );
    // With no contact phone in the organization's settings: emergency services.
    app.execute("UPDATE organizations SET contact_phone = NULL WHERE slug = 'acme'");
    let refused = report_from(&visitor, &path, &report(&b.lift, "", "1"), address).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains(
        "If someone is trapped, call emergency services or the building&#39;s emergency line now."
    ) || refused.body.contains(
        "If someone is trapped, call emergency services or the building&#x27;s emergency line now."
    ), "{}", refused.body);
}

/// Links handed out (QR codes, invitation links) come from `SITESYNC_PUBLIC_URL`, never from
/// forwarding headers a client sends.
#[actix_web::test]
async fn links_ignore_forwarding_headers_from_clients() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let manager = app.member("acme", Role::Manager).await;
    let b = building(&app, &manager).await;
    let path = format!("/o/acme/elevators/{}/qr", b.lift);
    let forged = app
        .get_request(&path)
        .insert_header(("Cookie", manager.cookie_header()))
        .insert_header(("X-Forwarded-Host", "evil.example"))
        .insert_header(("X-Forwarded-Proto", "javascript"))
        .insert_header(("Forwarded", "host=evil.example;proto=javascript"))
        .insert_header(("Host", "evil.example"));
    let page = app.request(forged).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("evil.example"), "{}", page.body);
    assert!(page.body.contains(&format!(
        "https://sitesync.test/report/acme/{}",
        b.lift_token
    )));

    let owner = app.member("acme", Role::Owner).await;
    owner.get("/o/acme/members").await;
    let invite = owner
        .post_with_header(
            "/o/acme/members/invitations",
            ("X-Forwarded-Host", "evil.example"),
            &[("email", "new@example.com"), ("role", "technician")],
        )
        .await;
    assert!(invite.body.contains("https://sitesync.test/invitations/"));
    assert!(!invite.body.contains("evil.example"));
}
