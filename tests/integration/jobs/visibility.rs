//! Who sees which jobs and profiles: the visibility settings, staff spaces and hiring.

use super::*;

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
    // (slug, anonymous, signed in without organization, member of another org, staff who do
    // not hire, hiring staff): drafts are for those who hire.
    let matrix = [
        (&draft, false, false, false, false, true),
        (&internal, false, false, false, true, true),
        (&platform, false, true, true, true, true),
        (&public, true, true, true, true, true),
        (&expired, false, false, false, true, true),
    ];
    for (slug, anon, seeker, outsider, staff, hirer) in matrix {
        for (who, browser, allowed) in [
            ("anonymous", &anonymous, anon),
            ("signed in", &signed_in, seeker),
            ("other org", &other_org, outsider),
            ("technician", &technician, staff),
            ("manager", &manager, hirer),
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

/// Hiring is the permission table's `Hire`; the organization's own jobs are its staff spaces.
/// A building tenant (portal access) is neither: the organization's draft and internal jobs,
/// its applicant boards and "employers only" profiles do not exist for them. Read-only staff
/// see internal jobs but hire nothing.
#[actix_web::test]
async fn tenants_are_not_staff_and_read_only_members_do_not_hire() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let acme = org_id(&app, "acme");
    let manager = member(&app, "acme", Role::Manager).await;
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
    let public = post_job(
        &manager,
        &acme,
        "Public lift role",
        "public",
        "publish",
        &[],
    )
    .await;
    let seeker = job_seeker(&app, "seeker@example.com").await;
    save_profile(&seeker, "employers_only", &[]).await;
    let page = apply(
        &seeker,
        &public,
        &[("cover_letter", "Hello"), ("source", "profile")],
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let application = page
        .header("location")
        .unwrap()
        .trim_start_matches("/applications/")
        .to_string();
    let profile = format!("/people/{}", profile_id(&app, "seeker@example.com"));
    let board = format!("/jobs/{public}/applications");
    let detail = format!("{board}/{application}");
    assert_eq!(manager.get(&profile).await.status, StatusCode::OK);

    let tenant = app.tenant_member("acme").await;
    tenant.get("/jobs").await;
    for path in [
        format!("/jobs/{draft}"),
        format!("/jobs/{internal}"),
        format!("/jobs/{internal}/apply"),
        profile.clone(),
        board.clone(),
        detail.clone(),
        format!("/applications/{application}/resume"),
    ] {
        assert_eq!(
            tenant.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "tenant {path}"
        );
    }
    let list = tenant.get("/jobs").await.body;
    assert!(list.contains("Public lift role") && !list.contains("Internal lift role"));
    for path in ["/jobs/new", "/jobs/manage"] {
        assert_eq!(
            tenant.get(path).await.status,
            StatusCode::FORBIDDEN,
            "tenant {path}"
        );
    }

    let readonly = member(&app, "acme", Role::ReadOnly).await;
    assert_eq!(
        readonly.get(&format!("/jobs/{internal}")).await.status,
        StatusCode::OK
    );
    let list = readonly.get("/jobs").await.body;
    assert!(list.contains("Internal lift role") && !list.contains("Draft lift role"));
    for path in [format!("/jobs/{draft}"), profile, board, detail.clone()] {
        assert_eq!(
            readonly.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "read-only {path}"
        );
    }
    let page = readonly
        .post(&format!("{detail}/status"), &[("status", "hired")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(application_status(&app, &application), "submitted");
    assert_eq!(
        readonly.get("/jobs/new").await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn profiles_honour_their_visibility() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let employer = member(&app, "acme", Role::Manager).await;
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
            ("employer", &employer),
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

/// Suspension freezes an organization's hiring: its jobs leave the board and their pages until
/// it is reinstated, and its managers cannot post.
#[actix_web::test]
async fn a_suspended_organizations_jobs_are_hidden_until_reinstated() {
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let acme = org_id(&app, "acme");
    let manager = member(&app, "acme", Role::Manager).await;
    let job = post_job(&manager, &acme, "Lift mechanic", "public", "publish", &[]).await;
    let visitor = Browser::new(&app);
    assert!(visitor.get("/jobs").await.body.contains("Lift mechanic"));

    exec(
        &app,
        "UPDATE organizations SET suspended_at = now() WHERE slug = 'acme'",
    );
    assert!(!visitor.get("/jobs").await.body.contains("Lift mechanic"));
    assert_eq!(
        visitor.get(&format!("/jobs/{job}")).await.status,
        StatusCode::NOT_FOUND
    );
    manager.get("/jobs").await;
    let refused = manager
        .post(
            "/jobs/new",
            &[
                ("organization", &acme),
                ("title", "Another"),
                ("action", "publish"),
            ],
        )
        .await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    assert_eq!(
        app.count("SELECT 1 FROM job_listings WHERE title = 'Another'"),
        0
    );

    exec(
        &app,
        "UPDATE organizations SET suspended_at = NULL WHERE slug = 'acme'",
    );
    assert!(visitor.get("/jobs").await.body.contains("Lift mechanic"));
    assert_eq!(
        visitor.get(&format!("/jobs/{job}")).await.status,
        StatusCode::OK
    );
}
