//! Preventive maintenance: schedules and their pages, bad input, raising each visit exactly once
//! (concurrently and after downtime), skipping and moving visits, holidays, meter readings, the
//! checklist's completion rule, PM compliance, the forecast, and isolation between
//! organizations.

use awc::http::StatusCode;
use chrono::{DateTime, Days, NaiveDate, Utc};
use sitesync::auth::roles::Role;
use sitesync::maintenance::operations::Generated;

use crate::fixtures;
use crate::harness::{self, id_from, text, Browser, TestApp};

mod checklist;
mod compliance;
mod generation;
mod pages;
mod readings;
mod validation;
mod visits;

/// The checklist of the brief: one plain task, one asking for the trip counter, one for a photo.
pub const CHECKLIST: &str =
    "Inspect doors\nRead the trip counter [trips]\nPhoto of the machine room [photo]";

pub struct Fixture<'a> {
    pub manager: Browser<'a>,
    pub site: String,
    pub lift: String,
    pub contractor: String,
}

/// Organization `slug` with a manager, a site in Sydney, a lift and an employee.
pub async fn fixture<'a>(app: &'a TestApp, slug: &str) -> Fixture<'a> {
    app.create_org(slug, "Acme Lifts");
    let manager = app.member(slug, Role::Manager).await;
    let site = fixtures::site(&manager, slug, "Harbour Tower").await;
    let lift = fixtures::lift(&manager, slug, &site, "Lift 1").await;
    let contractor = contractor(&manager, slug, "Tanvir Ahmed").await;
    Fixture {
        manager,
        site,
        lift,
        contractor,
    }
}

/// An active employee of `slug`; its id.
pub async fn contractor(manager: &Browser<'_>, slug: &str, name: &str) -> String {
    let page = manager
        .post(
            &format!("/o/{slug}/contractors"),
            &[
                ("contractor_type", "employee"),
                ("contact_name", name),
                ("hourly_rate", "95.00"),
                ("emergency_rate_multiplier", "1.5"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_from(page.header("location"))
}

/// The schedule form of the brief for `lift`, with `fields` replacing or adding to it.
pub fn form<'a>(
    lift: &'a str,
    start: &'a str,
    fields: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![
        ("elevator_id", lift),
        ("name", "Monthly service"),
        ("work_type", "preventive"),
        ("priority", "medium"),
        ("frequency", "monthly"),
        ("every", "1"),
        ("lead_days", "7"),
        ("start_date", start),
        ("estimated_hours", "1.5"),
        ("skip_holidays", "1"),
        ("anchor", "fixed"),
        ("checklist", CHECKLIST),
    ];
    all.retain(|(k, _)| !fields.iter().any(|(f, _)| f == k));
    all.extend_from_slice(fields);
    all
}

/// Creates a schedule through the page (the brief's form, changed by `fields`); its id.
pub async fn schedule(
    manager: &Browser<'_>,
    slug: &str,
    lift: &str,
    start: NaiveDate,
    fields: &[(&str, &str)],
) -> String {
    let start = start.to_string();
    let page = manager
        .post(
            &format!("/o/{slug}/maintenance"),
            &form(lift, &start, fields),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.header("location").unwrap_or_default();
    assert!(
        location.starts_with(&format!("/o/{slug}/maintenance/")),
        "{location}"
    );
    id_from(Some(location))
}

/// Today in Sydney, where the fixtures' sites are.
pub fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Australia::Sydney)
        .date_naive()
}

/// `day` plus (or minus) `n` days.
pub fn shift(day: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        day.checked_add_days(Days::new(n as u64)).unwrap()
    } else {
        day.checked_sub_days(Days::new(n.unsigned_abs())).unwrap()
    }
}

/// `now` plus (or minus) `n` whole days.
pub fn days_later(now: DateTime<Utc>, n: i64) -> DateTime<Utc> {
    now + chrono::Duration::days(n)
}

/// Why a generator pass (or a read) run from a test failed.
#[derive(Debug)]
pub struct Failed(pub String);

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<sitesync::orgs::TenancyError> for Failed {
    fn from(e: sitesync::orgs::TenancyError) -> Self {
        Failed(format!("tenancy: {e:?}"))
    }
}

impl From<diesel::result::Error> for Failed {
    fn from(e: diesel::result::Error) -> Self {
        Failed(format!("database: {e}"))
    }
}

/// One pass of the generator in organization `slug` at `now`, on `conn`, as the hourly job
/// runs it.
pub fn generate_on(
    conn: &mut sitesync::db::PooledConn,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<Generated, Failed> {
    harness::in_org(conn, slug, |conn, org| {
        sitesync::maintenance::operations::generate(
            conn,
            org,
            &sitesync::maintenance::jobs::generator(),
            now,
        )
        .map_err(|e| Failed(format!("{e:?}")))
    })
}

/// One pass of the generator; panics if it fails.
pub fn generate(app: &TestApp, slug: &str, now: DateTime<Utc>) -> Generated {
    generate_on(&mut app.conn(), slug, now)
        .unwrap_or_else(|e| panic!("generator pass at {now}: {e}"))
}

/// One value of a query (`… AS value`), as text.
pub fn value(app: &TestApp, sql: &str) -> String {
    text(&mut app.conn(), sql)
}

/// The work order schedule `schedule` raised for its visit planned on `planned_on`.
pub fn work_order_of(app: &TestApp, slug: &str, schedule: &str, planned_on: NaiveDate) -> String {
    value(
        app,
        &format!(
            "SELECT id::text AS value FROM org_{slug}.work_orders \
             WHERE maintenance_schedule_id = '{schedule}' AND planned_on = '{planned_on}'"
        ),
    )
}

/// The number of work orders schedule `schedule` raised.
pub fn raised(app: &TestApp, slug: &str, schedule: &str) -> i64 {
    app.count(&format!(
        "SELECT 1 FROM org_{slug}.work_orders WHERE maintenance_schedule_id = '{schedule}'"
    ))
}

/// The work order's version, for the forms that change it.
pub fn version(app: &TestApp, slug: &str, id: &str) -> String {
    value(
        app,
        &format!("SELECT version::text AS value FROM org_{slug}.work_orders WHERE id = '{id}'"),
    )
}

/// The work order's status.
pub fn status(app: &TestApp, slug: &str, id: &str) -> String {
    value(
        app,
        &format!("SELECT status::text AS value FROM org_{slug}.work_orders WHERE id = '{id}'"),
    )
}
