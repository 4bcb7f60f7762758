//! The job board: visibility, browsing, posting, applying, the employer pipeline, technician
//! profiles and the match score.

mod applications;
mod listings;
mod visibility;

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
