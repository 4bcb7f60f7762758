//! Applying (refusals, résumés) and the employer's pipeline.

use super::*;

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
