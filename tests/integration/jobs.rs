//! The job board: visibility, browsing, posting, applying, the employer pipeline, technician
//! profiles and the match score.

use awc::http::StatusCode;
use diesel::prelude::*;
use sitesync::auth::roles::Role;

use crate::harness::{self, Browser, Page, TestApp, PASSWORD};

fn exec(app: &TestApp, sql: &str) {
    diesel::sql_query(sql)
        .execute(&mut *app.conn())
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
}

fn org_id(app: &TestApp, slug: &str) -> String {
    harness::text(
        &mut app.conn(),
        &format!("SELECT id::text AS value FROM organizations WHERE slug = '{slug}'"),
    )
}

/// Posts a job as `manager`; returns its slug.
async fn post_job(
    manager: &Browser<'_>,
    org: &str,
    title: &str,
    visibility: &str,
    action: &str,
    extra: &[(&str, &str)],
) -> String {
    let mut fields = vec![
        ("organization", org),
        ("title", title),
        (
            "description",
            "Service and repair **traction** lifts across the city.",
        ),
        ("employment_type", "full_time"),
        ("trade", "elevators"),
        ("location_type", "on_site"),
        ("address_city", "Sydney"),
        ("address_state", "NSW"),
        ("address_country", "Australia"),
        ("salary_min", "90000"),
        ("salary_max", "110000"),
        ("salary_type", "annual"),
        ("salary_currency", "AUD"),
        ("show_salary", "on"),
        ("visibility", visibility),
        ("action", action),
    ];
    for (k, v) in extra {
        fields.retain(|(key, _)| key != k);
        fields.push((k, v));
    }
    manager.get("/jobs/new").await;
    let page = manager.post("/jobs/new", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.header("location")
        .unwrap()
        .trim_start_matches("/jobs/")
        .to_string()
}

/// A signed-in account with no organization.
async fn job_seeker<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    app.create_account(email);
    let browser = Browser::new(app);
    assert_eq!(
        browser.sign_in(email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // Signing in renews the CSRF token; a page shows the new one.
    browser.get("/jobs").await;
    browser
}

/// A signed-in member of `slug` holding the token of their current session.
async fn member<'a>(app: &'a TestApp, slug: &str, role: Role) -> Browser<'a> {
    let browser = app.member(slug, role).await;
    browser.get("/jobs").await;
    browser
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "sitesync-test-boundary-5f1c";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"resume\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Sends the application form as a browser does: multipart, the token in the query string.
async fn apply(
    browser: &Browser<'_>,
    slug: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Page {
    // The apply page shows this session's token, as the browser would have it.
    browser.get(&format!("/jobs/{slug}/apply")).await;
    let (content_type, body) = multipart(fields, file);
    let req = browser
        .app
        .post_request(&format!("/jobs/{slug}/apply?csrf_token={}", browser.csrf()))
        .insert_header(("Cookie", browser.cookie_header()))
        .insert_header(("Content-Type", content_type));
    let mut res = req.send_body(body).await.expect("request");
    let bytes = res.body().limit(16 * 1024 * 1024).await.expect("body");
    Page {
        status: res.status(),
        headers: res.headers().clone(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn save_profile(browser: &Browser<'_>, visibility: &str, extra: &[(&str, &str)]) {
    let mut fields = vec![
        ("headline", "Lift technician, KONE and Otis"),
        ("summary", "Ten years on **traction** lifts."),
        ("years_experience", "8"),
        ("primary_trade", "elevators"),
        ("specializations", "Traction, Door systems, Modernisation"),
        ("manufacturer_expertise", "KONE"),
        ("equipment_types", ""),
        ("availability_status", "actively_looking"),
        ("preferred_job_types", "full_time"),
        ("preferred_locations", "Sydney"),
        ("profile_visibility", visibility),
    ];
    for (k, v) in extra {
        fields.retain(|(key, _)| key != k);
        fields.push((k, v));
    }
    let page = browser.post("/profile", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

fn profile_id(app: &TestApp, email: &str) -> String {
    harness::text(
        &mut app.conn(),
        &format!(
            "SELECT p.id::text AS value FROM technician_profiles p JOIN accounts a ON a.id = p.account_id WHERE a.email = '{email}'"
        ),
    )
}

fn application_status(app: &TestApp, id: &str) -> String {
    harness::text(
        &mut app.conn(),
        &format!("SELECT status::text AS value FROM job_applications WHERE id = '{id}'"),
    )
}

#[actix_web::test]
async fn visibility_matrix_of_jobs() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("bravo", "Bravo Buildings");
    let acme = org_id(&app, "acme");
    let manager = member(&app, "acme", Role::Manager).await;
    let technician = member(&app, "acme", Role::Technician).await;
    let other_org = member(&app, "bravo", Role::Owner).await;
    let signed_in = job_seeker(&app, "seeker@example.com").await;

    let draft = post_job(&manager, &acme, "Draft lift role", "public", "draft", &[]).await;
    let internal = post_job(
        &manager,
        &acme,
        "Internal lift role",
        "internal",
        "publish",
        &[],
    )
    .await;
    let platform = post_job(
        &manager,
        &acme,
        "Platform lift role",
        "platform",
        "publish",
        &[],
    )
    .await;
    let public = post_job(
        &manager,
        &acme,
        "Public lift role",
        "public",
        "publish",
        &[],
    )
    .await;
    let expired = post_job(
        &manager,
        &acme,
        "Expired lift role",
        "public",
        "publish",
        &[],
    )
    .await;
    exec(
        &app,
        &format!("UPDATE job_listings SET expires_at = now() - interval '1 hour' WHERE slug = '{expired}'"),
    );
    assert_eq!(
        app.count("SELECT 1 FROM job_listings WHERE published_at IS NOT NULL"),
        4,
        "publishing sets published_at, a draft has none"
    );

    let anonymous = Browser::new(&app);
    // (slug, anonymous, signed in without organization, member of another org, member)
    let matrix = [
        (&draft, false, false, false, true),
        (&internal, false, false, false, true),
        (&platform, false, true, true, true),
        (&public, true, true, true, true),
        (&expired, false, false, false, true),
    ];
    for (slug, anon, seeker, outsider, member) in matrix {
        for (who, browser, allowed) in [
            ("anonymous", &anonymous, anon),
            ("signed in", &signed_in, seeker),
            ("other org", &other_org, outsider),
            ("member", &technician, member),
            ("manager", &manager, member),
        ] {
            let page = browser.get(&format!("/jobs/{slug}")).await;
            let expected = if allowed {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(page.status, expected, "{who} GET /jobs/{slug}");
        }
    }
    // The expired job is stored as expired once read.
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM job_listings WHERE slug = '{expired}' AND status = 'expired'"
        )),
        1
    );

    // The list shows what each may see, and never drafts or expired jobs.
    let list = anonymous.get("/jobs").await.body;
    assert!(list.contains("Public lift role"));
    for hidden in [
        "Platform lift role",
        "Internal lift role",
        "Draft lift role",
        "Expired lift role",
    ] {
        assert!(!list.contains(hidden), "anonymous list shows {hidden}");
    }
    let list = signed_in.get("/jobs").await.body;
    assert!(list.contains("Platform lift role") && !list.contains("Internal lift role"));
    let list = technician.get("/jobs").await.body;
    assert!(list.contains("Internal lift role") && !list.contains("Draft lift role"));

    // Publishing the draft stamps published_at and shows it to everyone.
    let page = manager
        .post(&format!("/jobs/{draft}/status"), &[("status", "active")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM job_listings WHERE slug = '{draft}' AND published_at IS NOT NULL"
        )),
        1
    );
    assert_eq!(
        anonymous.get(&format!("/jobs/{draft}")).await.status,
        StatusCode::OK
    );
    // Someone of another organization cannot change it.
    let page = other_org
        .post(&format!("/jobs/{draft}/status"), &[("status", "cancelled")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other_org.get(&format!("/jobs/{draft}/edit")).await.status,
        StatusCode::NOT_FOUND
    );
}

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

#[actix_web::test]
async fn applying_refusals_and_resumes() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("bravo", "Bravo Buildings");
    let acme = org_id(&app, "acme");
    let manager = member(&app, "acme", Role::Manager).await;
    let other_org = member(&app, "bravo", Role::Owner).await;
    let open = post_job(&manager, &acme, "Open role", "public", "publish", &[]).await;
    let filled = post_job(&manager, &acme, "Filled role", "public", "publish", &[]).await;
    let expired = post_job(&manager, &acme, "Expired role", "public", "publish", &[]).await;
    manager
        .post(&format!("/jobs/{filled}/status"), &[("status", "filled")])
        .await;
    exec(&app, &format!("UPDATE job_listings SET expires_at = now() - interval '1 day' WHERE slug = '{expired}'"));

    let seeker = job_seeker(&app, "seeker@example.com").await;
    // Applying with a profile one does not have, or a file that is not a PDF, is refused with
    // the cover letter kept.
    let page = apply(
        &seeker,
        &open,
        &[("cover_letter", "My letter stays"), ("source", "profile")],
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("no technician profile") && page.body.contains("My letter stays"));
    let page = apply(
        &seeker,
        &open,
        &[("cover_letter", "My letter stays"), ("source", "resume")],
        Some(("cv.pdf", b"<html>not a pdf</html>")),
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("not a PDF") && page.body.contains("My letter stays"));
    let big = [b"%PDF-1.7\n".as_slice(), &vec![b'x'; 5 * 1024 * 1024]].concat();
    let page = apply(
        &seeker,
        &open,
        &[("cover_letter", "Big"), ("source", "resume")],
        Some(("big.pdf", &big)),
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("larger than 5 MB"));
    assert_eq!(app.count("SELECT 1 FROM job_applications"), 0);

    // Closed jobs refuse clearly.
    let page = apply(
        &seeker,
        &filled,
        &[("cover_letter", "Hi"), ("source", "resume")],
        Some(("cv.pdf", b"%PDF-1.4 ok")),
    )
    .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("has been filled"));
    let page = apply(
        &seeker,
        &expired,
        &[("cover_letter", "Hi"), ("source", "resume")],
        Some(("cv.pdf", b"%PDF-1.4 ok")),
    )
    .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("expired"));
    assert_eq!(app.count("SELECT 1 FROM job_applications"), 0);

    // A PDF résumé is accepted, stored and served to the applicant and the employer only.
    let page = apply(
        &seeker,
        &open,
        &[
            ("cover_letter", "I service KONE lifts."),
            ("source", "resume"),
        ],
        Some(("My CV.pdf", b"%PDF-1.4 resume bytes")),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.header("location").unwrap().to_string();
    let id = location.trim_start_matches("/applications/").to_string();
    assert_eq!(app.count("SELECT 1 FROM job_applications"), 1);
    assert_eq!(
        app.count("SELECT 1 FROM notifications WHERE kind = 'job_application'"),
        1,
        "the employer's manager is told"
    );
    let resume = seeker.get(&format!("/applications/{id}/resume")).await;
    assert_eq!(resume.status, StatusCode::OK);
    assert_eq!(resume.body, "%PDF-1.4 resume bytes");
    assert_eq!(resume.header("content-type"), Some("application/pdf"));
    assert_eq!(
        manager
            .get(&format!("/applications/{id}/resume"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        other_org
            .get(&format!("/applications/{id}/resume"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let stranger = job_seeker(&app, "stranger@example.com").await;
    assert_eq!(
        stranger
            .get(&format!("/applications/{id}/resume"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stranger.get(&format!("/applications/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stranger
            .post(&format!("/applications/{id}/withdraw"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // A second attempt shows the existing application and adds nothing.
    let again = seeker.get(&format!("/jobs/{open}/apply")).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.header("location"), Some(location.as_str()));
    let page = apply(
        &seeker,
        &open,
        &[("cover_letter", "Again"), ("source", "resume")],
        Some(("cv.pdf", b"%PDF-1.4 x")),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.header("location"), Some(location.as_str()));
    assert_eq!(app.count("SELECT 1 FROM job_applications"), 1);
    let body = seeker.get(&location).await.body;
    assert!(body.contains("already applied") && body.contains("I service KONE lifts."));
    let job_page = seeker.get(&format!("/jobs/{open}")).await.body;
    assert!(job_page.contains("You have applied"));

    // My applications lists it; withdrawing works once.
    let mine = seeker.get("/applications").await.body;
    assert!(mine.contains("Open role") && mine.contains("Submitted"));
    let page = seeker
        .post(&format!("/applications/{id}/withdraw"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(application_status(&app, &id), "withdrawn");
    let page = seeker
        .post(&format!("/applications/{id}/withdraw"), &[])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    // The employer cannot move a withdrawn application.
    let page = manager
        .post(
            &format!("/jobs/{open}/applications/{id}/status"),
            &[("status", "shortlisted")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(application_status(&app, &id), "withdrawn");
}

#[actix_web::test]
async fn employer_pipeline_keeps_notes_private_and_other_orgs_out() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    app.create_org("bravo", "Bravo Buildings");
    let acme = org_id(&app, "acme");
    let manager = member(&app, "acme", Role::Manager).await;
    let technician = member(&app, "acme", Role::Technician).await;
    let other_org = member(&app, "bravo", Role::Owner).await;
    let slug = post_job(
        &manager,
        &acme,
        "Service technician",
        "public",
        "publish",
        &[
            (
                "required_skills",
                "Traction, Hydraulic, Door systems, Modernisation",
            ),
            ("required_experience_years", "5"),
        ],
    )
    .await;

    let seeker = job_seeker(&app, "seeker@example.com").await;
    save_profile(&seeker, "private", &[]).await;
    // The job page tells a signed-in job seeker how well they match, and why.
    let body = seeker.get(&format!("/jobs/{slug}")).await.body;
    assert!(body.contains("Your match: 93 / 100"), "{body}");
    assert!(body.contains("3 of 4 required skills; missing: Hydraulic"));
    let page = apply(
        &seeker,
        &slug,
        &[("cover_letter", "Hello"), ("source", "profile")],
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = page
        .header("location")
        .unwrap()
        .trim_start_matches("/applications/")
        .to_string();
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM job_applications WHERE id = '{id}' AND match_score = 93"
        )),
        1
    );

    // Other organizations, and members who do not run hiring, see nothing of it.
    let board = format!("/jobs/{slug}/applications");
    let detail = format!("/jobs/{slug}/applications/{id}");
    for (who, browser) in [
        ("other org", &other_org),
        ("technician", &technician),
        ("applicant", &seeker),
    ] {
        assert_eq!(
            browser.get(&board).await.status,
            StatusCode::NOT_FOUND,
            "{who} board"
        );
        assert_eq!(
            browser.get(&detail).await.status,
            StatusCode::NOT_FOUND,
            "{who} detail"
        );
        let page = browser
            .post(&format!("{detail}/status"), &[("status", "hired")])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{who} move");
        let page = browser
            .post(
                &format!("{detail}/notes"),
                &[("employer_notes", "x"), ("employer_rating", "1")],
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{who} notes");
    }
    assert_eq!(application_status(&app, &id), "submitted");

    // Opening it marks it viewed, records who, and tells the applicant.
    let page = manager.get(&detail).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("3 of 4 required skills; missing: Hydraulic"));
    assert!(
        page.body.contains("Lift technician, KONE and Otis"),
        "the shared profile is shown"
    );
    assert_eq!(application_status(&app, &id), "viewed");
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM job_application_events e JOIN accounts a ON a.id = e.changed_by \
             WHERE e.application_id = '{id}' AND e.to_status = 'viewed' AND a.email LIKE 'manager-%'"
        )),
        1
    );

    // An htmx move returns the board; the applicant is told.
    let page = manager
        .post_htmx(&format!("{detail}/status"), &[("status", "shortlisted")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<html") && page.body.contains("board-column"));
    assert_eq!(application_status(&app, &id), "shortlisted");
    let board_page = manager.get(&board).await;
    assert_eq!(board_page.status, StatusCode::OK);
    assert!(board_page.body.contains("Test seeker"));

    // Private notes and rating; bad input keeps the notes.
    let page = manager
        .post(
            &format!("{detail}/notes"),
            &[
                ("employer_notes", "SECRET-NOTE keep me"),
                ("employer_rating", "9"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("SECRET-NOTE keep me"));
    let page = manager
        .post(
            &format!("{detail}/notes"),
            &[
                ("employer_notes", "SECRET-NOTE weak on hydraulics"),
                ("employer_rating", "4"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(manager
        .get(&detail)
        .await
        .body
        .contains("SECRET-NOTE weak on hydraulics"));

    // Interview and offer move it along and reach the applicant.
    let page = manager
        .post(
            &format!("{detail}/interview"),
            &[
                ("interview_at", "2099-03-04T10:30"),
                ("interview_location", "Level 3, 1 Harbour St"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(application_status(&app, &id), "interviewing");
    let page = manager
        .post(&format!("{detail}/offer"), &[("offer_details", "")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = manager
        .post(
            &format!("{detail}/offer"),
            &[("offer_details", "AUD 105,000 plus van")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(application_status(&app, &id), "offered");
    assert!(
        app.count(&format!("SELECT 1 FROM notifications n JOIN accounts a ON a.id = n.account_id WHERE a.email = 'seeker@example.com' AND n.link = '/applications/{id}'")) >= 4,
        "viewed, shortlisted, interviewing and offered were each notified"
    );

    // No page the applicant can load shows the notes or the rating.
    for path in [
        format!("/applications/{id}"),
        "/applications".to_string(),
        format!("/jobs/{slug}"),
        "/notifications".to_string(),
        format!("/people/{}", profile_id(&app, "seeker@example.com")),
        "/profile".to_string(),
    ] {
        let page = seeker.get(&path).await;
        assert!(!page.body.contains("SECRET-NOTE"), "{path} leaks the notes");
        assert!(!page.body.contains("Rated 4"), "{path} leaks the rating");
    }
    let mine = seeker.get(&format!("/applications/{id}")).await.body;
    assert!(mine.contains("Level 3, 1 Harbour St") && mine.contains("AUD 105,000 plus van"));

    // The employer's list counts applications per stage.
    let list = manager.get("/jobs/manage").await.body;
    assert!(
        list.contains("Service technician") && list.contains("Offered: 1"),
        "{list}"
    );
    assert!(!other_org
        .get("/jobs/manage")
        .await
        .body
        .contains("Service technician"));
}

#[actix_web::test]
async fn profiles_honour_their_visibility() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let member = member(&app, "acme", Role::Technician).await;
    let signed_in = job_seeker(&app, "viewer@example.com").await;
    let anonymous = Browser::new(&app);

    let public = job_seeker(&app, "public@example.com").await;
    save_profile(&public, "public", &[]).await;
    let employers = job_seeker(&app, "employers@example.com").await;
    save_profile(&employers, "employers_only", &[]).await;
    let private = job_seeker(&app, "private@example.com").await;
    save_profile(&private, "private", &[]).await;

    let cases = [
        ("public@example.com", &public, [true, true, true]),
        ("employers@example.com", &employers, [false, false, true]),
        ("private@example.com", &private, [false, false, false]),
    ];
    for (email, owner, allowed) in cases {
        let path = format!("/people/{}", profile_id(&app, email));
        for ((who, browser), allowed) in [
            ("anonymous", &anonymous),
            ("signed in", &signed_in),
            ("org member", &member),
        ]
        .into_iter()
        .zip(allowed)
        {
            let expected = if allowed {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(
                browser.get(&path).await.status,
                expected,
                "{who} sees {email}"
            );
        }
        assert_eq!(
            owner.get(&path).await.status,
            StatusCode::OK,
            "owner sees {email}"
        );
    }

    // Certifications show their expiry; removing someone else's is a 404.
    public
        .post(
            "/profile/certifications",
            &[
                ("name", "Old licence"),
                ("issued_date", "2015-01-01"),
                ("expiry_date", "2020-01-01"),
            ],
        )
        .await;
    public
        .post(
            "/profile/certifications",
            &[
                ("name", "Working at heights"),
                ("issued_date", "2024-01-01"),
            ],
        )
        .await;
    let body = anonymous
        .get(&format!(
            "/people/{}",
            profile_id(&app, "public@example.com")
        ))
        .await
        .body;
    assert!(body.contains("Expired 1 Jan 2020") && body.contains("Working at heights"));
    let cert = harness::text(
        &mut app.conn(),
        "SELECT id::text AS value FROM user_certifications WHERE name = 'Old licence'",
    );
    let page = private
        .post(&format!("/profile/certifications/{cert}/delete"), &[])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT 1 FROM user_certifications"), 2);
    let page = public
        .post(&format!("/profile/certifications/{cert}/delete"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT 1 FROM user_certifications"), 1);

    let page = public
        .post(
            "/profile/employment",
            &[
                ("title", "Lift mechanic"),
                ("company_name", "Harbour Lifts"),
                ("start_date", "2019-02-01"),
                ("is_current", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let body = anonymous
        .get(&format!(
            "/people/{}",
            profile_id(&app, "public@example.com")
        ))
        .await
        .body;
    assert!(body.contains("Lift mechanic") && body.contains("Harbour Lifts"));
    assert_eq!(
        anonymous.get("/people/not-a-uuid").await.status,
        StatusCode::NOT_FOUND
    );
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
