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
pub(crate) async fn post_job(
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
pub(crate) async fn job_seeker<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
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

/// Sends the application form as a browser does: multipart, the token in the query string.
pub(crate) async fn apply(
    browser: &Browser<'_>,
    slug: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Page {
    // The apply page shows this session's token, as the browser would have it.
    browser.get(&format!("/jobs/{slug}/apply")).await;
    let files: Vec<(&str, &str, &[u8])> = file
        .map(|(name, bytes)| ("resume", name, bytes))
        .into_iter()
        .collect();
    browser
        .post_multipart(&format!("/jobs/{slug}/apply"), fields, &files)
        .await
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
