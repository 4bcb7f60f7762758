//! Browsing, posting and editing jobs, the dates they take, and the demo board.

use super::*;

#[actix_web::test]
async fn browsing_filters_sorts_pages_and_serves_htmx_fragments() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let acme = org_id(&app, "acme");
    let manager = member(&app, "acme", Role::Manager).await;
    post_job(
        &manager,
        &acme,
        "Hydraulic lift specialist",
        "public",
        "publish",
        &[
            ("description", "Hydraulic lifts in Brisbane towers."),
            ("address_city", "Brisbane"),
            ("address_state", "QLD"),
            ("salary_max", "140000"),
            ("employment_type", "contract"),
            ("required_manufacturer_experience", "Schindler"),
        ],
    )
    .await;
    post_job(
        &manager,
        &acme,
        "Escalator mechanic",
        "public",
        "publish",
        &[("trade", "escalators")],
    )
    .await;
    post_job(
        &manager,
        &acme,
        "Apprentice lift technician",
        "public",
        "publish",
        &[
            ("employment_type", "apprenticeship"),
            ("salary_min", "40000"),
            ("salary_max", "50000"),
        ],
    )
    .await;
    exec(&app, "UPDATE job_listings SET published_at = now() - interval '20 days' WHERE title = 'Escalator mechanic'");

    let anonymous = Browser::new(&app);
    let body = anonymous.get("/jobs?q=hydraulic").await.body;
    assert!(body.contains("Hydraulic lift specialist") && !body.contains("Escalator mechanic"));
    let body = anonymous.get("/jobs?trade=escalators").await.body;
    assert!(body.contains("Escalator mechanic") && !body.contains("Hydraulic lift specialist"));
    let body = anonymous.get("/jobs?state=QLD&city=bris").await.body;
    assert!(body.contains("Hydraulic lift specialist") && !body.contains("Apprentice lift"));
    let body = anonymous.get("/jobs?type=apprenticeship").await.body;
    assert!(body.contains("Apprentice lift technician") && !body.contains("Escalator mechanic"));
    let body = anonymous.get("/jobs?salary=100000&per=annual").await.body;
    assert!(body.contains("Hydraulic lift specialist") && !body.contains("Apprentice lift"));
    let body = anonymous.get("/jobs?manufacturer=Schindler").await.body;
    assert!(body.contains("Hydraulic lift specialist") && !body.contains("Escalator mechanic"));
    let body = anonymous.get("/jobs?posted=7").await.body;
    assert!(!body.contains("Escalator mechanic") && body.contains("Apprentice lift"));
    let body = anonymous.get("/jobs?sort=salary").await.body;
    let first = body.find("Hydraulic lift specialist").unwrap();
    let last = body.find("Apprentice lift technician").unwrap();
    assert!(first < last, "highest salary first");
    let body = anonymous.get("/jobs?salary=lots").await.body;
    assert!(
        body.contains("not an amount"),
        "a bad filter is explained, not a 500"
    );

    let fragment = anonymous.get_htmx("/jobs?q=escalator").await;
    assert_eq!(fragment.status, StatusCode::OK);
    assert!(!fragment.body.contains("<html") && fragment.body.contains("Escalator mechanic"));
    assert_eq!(fragment.header("vary"), Some("HX-Request"));
    let page = anonymous.get("/jobs?q=zzzz-nothing").await.body;
    assert!(page.contains("No open jobs match"));

    for n in 0..22 {
        exec(
            &app,
            &format!(
                "INSERT INTO job_listings (organization_id, posted_by, title, slug, description, employment_type, trade, status, published_at) \
                 SELECT organization_id, posted_by, 'Filler {n}', 'filler-{n}', 'x', 'casual', 'building', 'active', now() FROM job_listings LIMIT 1"
            ),
        );
    }
    let body = anonymous.get("/jobs?trade=building&page=2").await.body;
    assert!(body.contains("21–22 of 22"), "{body}");
}

#[actix_web::test]
async fn posting_needs_a_manager_and_bad_input_is_kept() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("bravo", "Bravo Buildings");
    let acme = org_id(&app, "acme");
    let bravo = org_id(&app, "bravo");
    for path in ["/jobs/new", "/jobs/manage", "/applications", "/profile"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert!(page.header("location").unwrap().starts_with("/signin"));
    }
    let technician = member(&app, "acme", Role::Technician).await;
    assert_eq!(
        technician.get("/jobs/new").await.status,
        StatusCode::FORBIDDEN
    );

    let manager = member(&app, "acme", Role::Manager).await;
    let page = manager
        .post(
            "/jobs/new",
            &[
                ("organization", &acme),
                ("title", ""),
                ("description", "Keep this description"),
                ("employment_type", "full_time"),
                ("trade", "elevators"),
                ("location_type", "on_site"),
                ("salary_min", "a lot"),
                ("salary_currency", "AUD"),
                ("visibility", "public"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Keep this description"));
    assert!(page.body.contains("a lot"));
    assert_eq!(app.count("SELECT 1 FROM job_listings"), 0);

    // Posting for an organization one does not manage is refused and stores nothing.
    let page = manager
        .post(
            "/jobs/new",
            &[
                ("organization", &bravo),
                ("title", "Sneaky"),
                ("description", "x"),
                ("employment_type", "full_time"),
                ("trade", "elevators"),
                ("location_type", "on_site"),
                ("salary_currency", "AUD"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT 1 FROM job_listings"), 0);

    // Same titles get distinct slugs; descriptions are rendered safely.
    let one = post_job(
        &manager,
        &acme,
        "Lift tech",
        "public",
        "publish",
        &[("description", "**bold**\n\n<script>alert(1)</script>")],
    )
    .await;
    let two = post_job(&manager, &acme, "Lift tech", "public", "publish", &[]).await;
    assert_eq!((one.as_str(), two.as_str()), ("lift-tech", "lift-tech-2"));
    let body = Browser::new(&app).get("/jobs/lift-tech").await.body;
    assert!(body.contains("<strong>bold</strong>") && !body.contains("<script>alert"));

    let seeker = job_seeker(&app, "seeker@example.com").await;
    seeker.get("/profile").await;
    let page = seeker
        .post(
            "/profile",
            &[
                ("headline", "Keep my headline"),
                ("years_experience", "minus three"),
                ("availability_status", "actively_looking"),
                ("profile_visibility", "public"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Keep my headline") && page.body.contains("minus three"));
    let page = seeker
        .post(
            "/profile/certifications",
            &[("name", "EL1 licence"), ("issued_date", "not a date")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("EL1 licence"));
}

/// Dates keep to the window every form uses: year 0 (which PostgreSQL would store as 1 BC) and
/// 9999 are refused with the form kept, and nothing is stored.
#[actix_web::test]
async fn dates_outside_the_window_are_refused_and_the_form_kept() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let acme = org_id(&app, "acme");
    let seeker = job_seeker(&app, "seeker@example.com").await;
    seeker.get("/profile").await;
    let refusals = [
        (
            "/profile/certifications",
            vec![("name", "Year zero licence"), ("issued_date", "0000-01-01")],
            "Year zero licence",
        ),
        (
            "/profile/certifications",
            vec![
                ("name", "Forever licence"),
                ("issued_date", "2024-01-01"),
                ("expiry_date", "9999-12-31"),
            ],
            "Forever licence",
        ),
        (
            "/profile/employment",
            vec![
                ("title", "Lift mechanic"),
                ("company_name", "Year Zero Lifts"),
                ("start_date", "0000-06-01"),
            ],
            "Year Zero Lifts",
        ),
        (
            "/profile",
            vec![
                ("headline", "Keep this headline"),
                ("career_start_date", "0000-02-01"),
                ("availability_status", "actively_looking"),
                ("profile_visibility", "public"),
            ],
            "Keep this headline",
        ),
    ];
    for (path, fields, kept) in refusals {
        let page = seeker.post(path, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {kept}"
        );
        assert!(page.body.contains(kept), "{path} keeps {kept}");
    }
    assert_eq!(app.count("SELECT 1 FROM user_certifications"), 0);
    assert_eq!(app.count("SELECT 1 FROM employment_history"), 0);
    assert_eq!(app.count("SELECT 1 FROM technician_profiles"), 0);

    let manager = member(&app, "acme", Role::Manager).await;
    manager.get("/jobs/new").await;
    let page = manager
        .post(
            "/jobs/new",
            &[
                ("organization", &acme),
                ("title", "Keep this title"),
                ("description", "Service lifts."),
                ("employment_type", "full_time"),
                ("trade", "elevators"),
                ("location_type", "on_site"),
                ("salary_currency", "AUD"),
                ("visibility", "public"),
                ("expires_on", "9999-12-31"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Keep this title") && page.body.contains("9999-12-31"));
    assert_eq!(app.count("SELECT 1 FROM job_listings"), 0);
}

#[actix_web::test]
async fn demo_job_board_is_seeded_once() {
    let app = TestApp::new().await;
    sitesync::demo::ensure(&mut app.conn()).unwrap();
    let jobs = app.count("SELECT 1 FROM job_listings");
    assert!(jobs >= 20, "{jobs} demo jobs");
    assert!(app.count("SELECT 1 FROM technician_profiles") >= 10);
    assert!(app.count("SELECT 1 FROM job_applications") >= 10);
    sitesync::demo::ensure(&mut app.conn()).unwrap();
    assert_eq!(app.count("SELECT 1 FROM job_listings"), jobs);
    let body = Browser::new(&app).get("/jobs").await.body;
    assert!(body.contains("Coastal Lift Services") || body.contains("Summit Elevators"));
}
