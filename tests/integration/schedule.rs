//! The dispatch calendar: booking needs a person and a time, the calendar's rows and cells,
//! moving by drag, clashes confirmed, filters, permissions and isolation, the calendar feed
//! (parsed as RFC 5545) and its secret, and the statements a crowded week costs.

use crate::fixtures;
use crate::harness::id_from;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use awc::http::StatusCode;
use chrono::{TimeZone, Utc};
use diesel::connection::{Connection, InstrumentationEvent};
use icalendar::{Component, EventLike};
use sitesync::auth::roles::Role;
use sitesync::schedule::forms::CalendarQuery;
use sitesync::web::AppError;

use crate::harness::{self, text, Browser, TestApp};

struct Fixture<'a> {
    app: &'a TestApp,
    manager: Browser<'a>,
    site: String,
    lift: String,
    tanvir: String,
    mia: String,
}

async fn fixture<'a>(app: &'a TestApp, slug: &str) -> Fixture<'a> {
    app.create_org(slug, "Acme Lifts");
    let manager = app.member(slug, Role::Manager).await;
    let site = fixtures::site(&manager, slug, "Harbour Tower").await;
    let lift = fixtures::lift(&manager, slug, &site, "Lift 1").await;
    let mut people = Vec::new();
    for name in ["Tanvir Ahmed", "Mia Chen"] {
        let page = manager
            .post(
                &format!("/o/{slug}/contractors"),
                &[
                    ("contractor_type", "employee"),
                    ("contact_name", name),
                    ("emergency_rate_multiplier", "1.5"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        people.push(id_from(page.header("location")));
    }
    Fixture {
        app,
        manager,
        site,
        lift,
        mia: people.pop().unwrap_or_default(),
        tanvir: people.pop().unwrap_or_default(),
    }
}

impl Fixture<'_> {
    async fn work_order(&self, title: &str, priority: &str) -> String {
        let page = self
            .manager
            .post(
                "/o/acme/work-orders",
                &[
                    ("elevator_id", self.lift.as_str()),
                    ("work_type", "preventive"),
                    ("priority", priority),
                    ("title", title),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        id_from(
            page.header("location")
                .map(|l| l.split('#').next().unwrap_or(l)),
        )
    }

    fn value(&self, id: &str, column: &str) -> String {
        text(
            &mut self.app.conn(),
            &format!("SELECT coalesce(({column})::text, '') AS value FROM org_acme.work_orders WHERE id = '{id}'"),
        )
    }

    fn start_utc(&self, id: &str) -> String {
        self.value(
            id,
            "to_char(scheduled_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')",
        )
    }

    async fn book(
        &self,
        id: &str,
        person: &str,
        date: &str,
        time: &str,
        extra: &[(&str, &str)],
    ) -> harness::Page {
        let version = self.value(id, "version");
        let mut fields = vec![
            ("assignee", person),
            ("date", date),
            ("time", time),
            ("version", version.as_str()),
            ("zone", "Australia/Sydney"),
            ("back", "view=week&date=2027-03-01"),
        ];
        fields.extend_from_slice(extra);
        self.manager
            .post(&format!("/o/acme/schedule/work-orders/{id}"), &fields)
            .await
    }
}

fn cell_text(body: &str, person: &str, date: &str, time: Option<&str>) -> String {
    let html = scraper::Html::parse_document(body);
    let selector = match time {
        Some(t) => {
            format!(r#"td.slot[data-person="{person}"][data-date="{date}"][data-time="{t}"]"#)
        }
        None => format!(r#"td.slot[data-person="{person}"][data-date="{date}"]"#),
    };
    let selector = scraper::Selector::parse(&selector).expect("selector");
    html.select(&selector)
        .map(|cell| cell.text().collect::<String>())
        .collect()
}

#[actix_web::test]
async fn booking_needs_a_person_and_a_time_and_stores_the_local_time_as_utc() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.work_order("Annual service", "medium").await;
    assert_eq!(f.value(&id, "status"), "pending");

    let page = f.book(&id, "", "2027-03-02", "09:00", &[]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("Choose who does the work"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"value="2027-03-02""#),
        "typed date kept"
    );
    let page = f.book(&id, &f.tanvir, "", "", &[]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page
        .body
        .contains("Choose the day and time the work starts"));
    let page = f.book(&id, &f.tanvir, "2027-03-02", "9 o'clock", &[]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Enter a day like"));
    // 02:30 on the morning Sydney's clocks go forward does not exist.
    let page = f.book(&id, &f.tanvir, "2027-10-03", "02:30", &[]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("The clocks skip that time"));
    assert_eq!(f.value(&id, "status"), "pending", "nothing saved");

    let page = f
        .book(&id, &f.tanvir, "2027-03-02", "09:00", &[("minutes", "90")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        page.header("location"),
        Some("/o/acme/schedule?view=week&date=2027-03-01&site=&priority=&person=")
    );
    assert_eq!(f.value(&id, "status"), "scheduled");
    assert_eq!(f.value(&id, "assigned_contractor_id"), f.tanvir);
    // 09:00 in Sydney in March is daylight time, UTC+11.
    assert_eq!(f.start_utc(&id), "2027-03-01 22:00");
    assert_eq!(f.value(&id, "scheduled_end - scheduled_start"), "01:30:00");
    let page = f.manager.get("/o/acme/schedule?date=2027-03-01").await;
    assert!(
        page.body
            .contains("booked for Tanvir Ahmed, Tue 2 Mar 2027, 09:00 AEDT"),
        "{}",
        page.body
    );
    assert_eq!(
        f.app.count(&format!(
            "SELECT 1 FROM org_acme.audit_events WHERE event_type = 'work_order_scheduled' AND entity_id = '{id}'"
        )),
        1
    );

    // A completed work order cannot be booked.
    f.app.execute(&format!(
        "UPDATE org_acme.work_orders SET status = 'completed' WHERE id = '{id}'"
    ));
    let page = f.book(&id, &f.tanvir, "2027-03-03", "09:00", &[]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(f.start_utc(&id), "2027-03-01 22:00");
}

#[actix_web::test]
async fn the_week_and_the_day_show_each_person_with_their_bookings_and_what_waits() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let booked = f.work_order("Brake check", "high").await;
    let waiting = f.work_order("Door rollers", "low").await;
    let page = f.book(&booked, &f.mia, "2027-03-03", "14:00", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let number = f.value(&booked, "work_order_number");
    let waiting_number = f.value(&waiting, "work_order_number");

    let page = f
        .manager
        .get("/o/acme/schedule?view=week&date=2027-03-04")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Week of 1 Mar – 7 Mar 2027"));
    assert!(page.body.contains("Tanvir Ahmed") && page.body.contains("Mia Chen"));
    let cell = cell_text(&page.body, &f.mia, "2027-03-03", None);
    assert!(
        cell.contains(&number) && cell.contains("14:00–15:00"),
        "{cell}"
    );
    assert!(!cell_text(&page.body, &f.tanvir, "2027-03-03", None).contains(&number));
    let html = scraper::Html::parse_document(&page.body);
    let aside = scraper::Selector::parse("aside.waiting").expect("selector");
    let side: String = html.select(&aside).flat_map(|a| a.text()).collect();
    assert!(
        side.contains(&waiting_number) && !side.contains(&number),
        "{side}"
    );
    // Without JavaScript each waiting card has its own schedule form.
    assert!(page.body.contains(&format!(
        r#"action="/o/acme/schedule/work-orders/{waiting}""#
    )));
    assert!(page.body.contains("Times in Australia/Sydney (AE"));

    let page = f
        .manager
        .get("/o/acme/schedule?view=day&date=2027-03-03")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Wednesday 3 March 2027"));
    assert!(cell_text(&page.body, &f.mia, "2027-03-03", Some("14:00")).contains(&number));
    assert!(!cell_text(&page.body, &f.mia, "2027-03-03", Some("13:00")).contains(&number));

    // Filters: person, priority, site.
    let page = f
        .manager
        .get(&format!(
            "/o/acme/schedule?date=2027-03-03&person={}",
            f.tanvir
        ))
        .await;
    assert!(!page.body.contains(&format!(r#"data-person="{}""#, f.mia)));
    let page = f
        .manager
        .get("/o/acme/schedule?date=2027-03-03&priority=low")
        .await;
    assert!(!page.body.contains(&number) && page.body.contains(&waiting_number));
    let page = f
        .manager
        .get(&format!("/o/acme/schedule?date=2027-03-03&site={}", f.site))
        .await;
    assert!(page.body.contains(&number));
    let other_site = uuid::Uuid::new_v4();
    let page = f
        .manager
        .get(&format!(
            "/o/acme/schedule?date=2027-03-03&site={other_site}"
        ))
        .await;
    assert!(!page.body.contains(&number));
    // A filter change swaps only the calendar.
    let page = f.manager.get_htmx("/o/acme/schedule?date=2027-03-03").await;
    assert!(page.body.contains("schedule-grid") && !page.body.contains("<html"));
}

#[actix_web::test]
async fn dragging_moves_a_booking_keeping_its_length_and_a_clash_needs_confirmation() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let first = f.work_order("Annual service", "medium").await;
    let second = f.work_order("Brake check", "high").await;
    let page = f
        .book(
            &first,
            &f.tanvir,
            "2027-03-02",
            "09:00",
            &[("minutes", "120")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    // A drag to Thursday (htmx): the answer is the calendar with the booking moved.
    let version = f.value(&first, "version");
    let page = f
        .manager
        .post_htmx(
            &format!("/o/acme/schedule/work-orders/{first}"),
            &[
                ("assignee", f.tanvir.as_str()),
                ("date", "2027-03-04"),
                ("time", "09:00"),
                ("minutes", "120"),
                ("version", version.as_str()),
                ("zone", "Australia/Sydney"),
                ("back", "view=week&date=2027-03-01"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let number = f.value(&first, "work_order_number");
    assert!(cell_text(&page.body, &f.tanvir, "2027-03-04", None).contains(&number));
    assert_eq!(f.start_utc(&first), "2027-03-03 22:00");
    assert_eq!(
        f.value(&first, "scheduled_end - scheduled_start"),
        "02:00:00"
    );

    // A second job for Tanvir at 10:00 the same day overlaps: refused until confirmed.
    let page = f.book(&second, &f.tanvir, "2027-03-04", "10:00", &[]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(
        page.body
            .contains("Tanvir Ahmed is already booked at that time"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&number));
    assert!(page.body.contains(r#"name="confirm" value="1""#));
    assert_eq!(f.value(&second, "status"), "pending", "nothing saved");
    assert_eq!(f.value(&second, "scheduled_start"), "");

    // The same by drag: the calendar comes back with the question.
    let version = f.value(&second, "version");
    let drag = [
        ("assignee", f.tanvir.as_str()),
        ("date", "2027-03-04"),
        ("time", "10:00"),
        ("version", version.as_str()),
        ("zone", "Australia/Sydney"),
        ("back", "view=week&date=2027-03-01"),
    ];
    let page = f
        .manager
        .post_htmx(&format!("/o/acme/schedule/work-orders/{second}"), &drag)
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("Book anyway") && page.body.contains("schedule-grid"));
    assert_eq!(f.value(&second, "scheduled_start"), "");

    // Booking someone else then is no clash; confirming books Tanvir anyway.
    let mut confirmed = drag.to_vec();
    confirmed.push(("confirm", "1"));
    let page = f
        .manager
        .post_htmx(
            &format!("/o/acme/schedule/work-orders/{second}"),
            &confirmed,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("It overlaps another booking of theirs"));
    assert_eq!(f.start_utc(&second), "2027-03-03 23:00");
    let page = f.manager.get("/o/acme/schedule?date=2027-03-04").await;
    assert!(page.body.contains("2 bookings clash"), "{}", page.body);
    assert_eq!(
        page.body
            .matches(r#"<span class="badge badge-bad">Clash</span>"#)
            .count(),
        2
    );

    // A stale version is refused and nothing is overwritten.
    let page = f
        .manager
        .post(
            &format!("/o/acme/schedule/work-orders/{second}"),
            &confirmed,
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("Someone else changed this work order"));
    assert_eq!(f.start_utc(&second), "2027-03-03 23:00");
}

#[actix_web::test]
async fn only_managers_book_and_another_organizations_ids_are_not_found() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let id = f.work_order("Annual service", "medium").await;
    let technician = app.member("acme", Role::Technician).await;
    let page = technician.get("/o/acme/schedule").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<summary>Schedule"), "no booking forms");
    let version = f.value(&id, "version");
    let page = technician
        .post(
            &format!("/o/acme/schedule/work-orders/{id}"),
            &[
                ("assignee", f.tanvir.as_str()),
                ("date", "2027-03-02"),
                ("time", "09:00"),
                ("version", version.as_str()),
                ("zone", "Australia/Sydney"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(f.value(&id, "status"), "pending");

    app.create_org("bravo", "Bravo Lifts");
    let bravo = app.member("bravo", Role::Manager).await;
    let page = bravo
        .get(&format!("/o/bravo/schedule/work-orders/{id}"))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = bravo
        .post(
            &format!("/o/bravo/schedule/work-orders/{id}"),
            &[
                ("assignee", f.tanvir.as_str()),
                ("date", "2027-03-02"),
                ("time", "09:00"),
                ("version", version.as_str()),
                ("zone", "Australia/Sydney"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = bravo.get("/o/acme/schedule").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // Acme's work order with a person of no organization here: refused on the field.
    let page = f
        .book(
            &id,
            &uuid::Uuid::new_v4().to_string(),
            "2027-03-02",
            "09:00",
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Choose an active contractor"));
    let page = f
        .manager
        .get("/o/acme/schedule/work-orders/not-an-id")
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

fn token_of(body: &str) -> (String, String) {
    let start = body
        .find("https://sitesync.test")
        .expect("feed address shown");
    let url: String = body[start..].chars().take_while(|c| *c != '"').collect();
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map(|(_, path)| format!("/{path}"))
        .expect("path");
    let token = url.rsplit("token=").next().unwrap_or_default().to_string();
    (path, token)
}

#[actix_web::test]
async fn each_person_has_a_calendar_feed_that_parses_as_icalendar_behind_a_renewable_secret() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let first = f
        .work_order("Annual service; lift 1, car \"A\"", "medium")
        .await;
    let second = f
        .work_order(&format!("Brake check {}", "é".repeat(40)), "high")
        .await;
    let other = f.work_order("Mia's job", "low").await;
    f.book(
        &first,
        &f.tanvir,
        "2027-03-02",
        "09:00",
        &[("minutes", "90")],
    )
    .await;
    f.book(&second, &f.tanvir, "2027-07-06", "13:30", &[]).await;
    f.book(&other, &f.mia, "2027-03-02", "09:00", &[]).await;

    let page = f.manager.get("/o/acme/schedule/feeds").await;
    assert!(page.body.contains("Tanvir Ahmed") && page.body.contains("None yet"));
    let page = f
        .manager
        .post(&format!("/o/acme/schedule/feeds/{}", f.tanvir), &[])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let (path, token) = token_of(&page.body);
    assert_eq!(
        path,
        format!("/o/acme/schedule/{}.ics?token={token}", f.tanvir)
    );
    assert_eq!(token.len(), 64);
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM org_acme.calendar_feeds WHERE token_hash = sha256('{token}'::bytea)"
        )),
        1,
        "only the hash is kept"
    );

    // No session needed: the secret is the key.
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    for line in page.body.split_inclusive('\n') {
        assert!(line.ends_with("\r\n"), "CRLF: {line:?}");
        assert!(line.len() <= 77, "folded at 75 octets: {line:?}");
    }
    let calendar: icalendar::Calendar = page.body.parse().expect("RFC 5545");
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    assert_eq!(events.len(), 2, "Tanvir's two bookings, not Mia's");
    let first_number = f.value(&first, "work_order_number");
    let event = events
        .iter()
        .find(|e| e.get_summary().is_some_and(|s| s.contains(&first_number)))
        .expect("first booking");
    assert_eq!(
        event.get_summary(),
        Some(format!("{first_number} Annual service; lift 1, car \"A\"").as_str())
    );
    assert_eq!(event.get_uid().map(|u| u.starts_with(&first)), Some(true));
    let start = Utc
        .with_ymd_and_hms(2027, 3, 1, 22, 0, 0)
        .single()
        .expect("time");
    assert_eq!(
        event.get_start(),
        Some(icalendar::DatePerhapsTime::DateTime(
            icalendar::CalendarDateTime::Utc(start)
        ))
    );
    assert_eq!(
        event.get_end(),
        Some(icalendar::DatePerhapsTime::DateTime(
            icalendar::CalendarDateTime::Utc(start + chrono::Duration::minutes(90))
        ))
    );
    assert!(event
        .get_location()
        .is_some_and(|l| l.contains("Harbour Tower, Lift 1")));
    let second_number = f.value(&second, "work_order_number");
    let long = events
        .iter()
        .find(|e| e.get_summary().is_some_and(|s| s.contains(&second_number)))
        .expect("second booking");
    assert!(long
        .get_summary()
        .is_some_and(|s| s.ends_with(&"é".repeat(40))));
    // July is winter in Sydney: UTC+10.
    let july = Utc
        .with_ymd_and_hms(2027, 7, 6, 3, 30, 0)
        .single()
        .expect("time");
    assert_eq!(
        long.get_start(),
        Some(icalendar::DatePerhapsTime::DateTime(
            icalendar::CalendarDateTime::Utc(july)
        ))
    );

    // Wrong, missing or another person's: not found.
    let wrong = path.replace(&token[..8], "00000000");
    assert_eq!(app.get(&wrong).await.status, StatusCode::NOT_FOUND);
    let bare = path.split('?').next().unwrap_or_default().to_string();
    assert_eq!(app.get(&bare).await.status, StatusCode::NOT_FOUND);
    let mia = path.replace(&f.tanvir, &f.mia);
    assert_eq!(app.get(&mia).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&path.replace("/acme/", "/bravo/")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&path.replace(".ics", "")).await.status,
        StatusCode::NOT_FOUND
    );

    // A new secret: the old address stops working.
    let page = f
        .manager
        .post(&format!("/o/acme/schedule/feeds/{}", f.tanvir), &[])
        .await;
    let (renewed, new_token) = token_of(&page.body);
    assert_ne!(new_token, token);
    assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&renewed).await.status, StatusCode::OK);

    // A technician manages only their own feed.
    let technician = app.member("acme", Role::Technician).await;
    let account = text(
        &mut app.conn(),
        "SELECT account_id::text AS value FROM memberships WHERE role = 'technician' LIMIT 1",
    );
    app.execute(&format!(
        "UPDATE org_acme.contractors SET account_id = '{account}' WHERE id = '{}'",
        f.mia
    ));
    let page = technician.get("/o/acme/schedule/feeds").await;
    assert!(page.body.contains("Mia Chen") && !page.body.contains("Tanvir Ahmed"));
    let page = technician
        .post(&format!("/o/acme/schedule/feeds/{}", f.tanvir), &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = technician
        .post(&format!("/o/acme/schedule/feeds/{}", f.mia), &[])
        .await;
    assert_eq!(page.status, StatusCode::OK);
}

/// Statements sent while loading the calendar, counted by Diesel's instrumentation.
fn calendar_statements(app: &TestApp, query: &CalendarQuery) -> (usize, usize) {
    let mut conn = app.conn();
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    let sent = AtomicUsize::new(0);
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if matches!(event, InstrumentationEvent::StartQuery { .. }) {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let booked = harness::in_org(&mut conn, "acme", |conn, _| -> Result<_, AppError> {
        statements.store(0, Ordering::SeqCst);
        let people: Vec<(uuid::Uuid, String)> = sitesync::contractors::queries::options(conn)?
            .into_iter()
            .map(|(id, name, _)| (id, name))
            .collect();
        let zone = chrono_tz::Australia::Sydney;
        let (_, grid) =
            sitesync::schedule::operations::calendar(conn, &zone, &people, query, Utc::now())?;
        assert_eq!(grid.rows.len(), 52);
        // Counted before the transaction's COMMIT.
        sent.store(statements.load(Ordering::SeqCst), Ordering::SeqCst);
        Ok(grid
            .rows
            .iter()
            .flat_map(|r| r.cells.iter())
            .map(|c| c.len())
            .sum::<usize>())
    })
    .expect("calendar");
    (sent.load(Ordering::SeqCst), booked)
}

#[actix_web::test]
async fn a_week_of_fifty_technicians_and_500_bookings_takes_two_statements() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    app.execute(
        "INSERT INTO org_acme.contractors (contractor_type, contact_name) \
         SELECT 'employee', 'Technician ' || g FROM generate_series(1, 50) g",
    );
    app.execute(&format!(
        "INSERT INTO org_acme.work_orders (elevator_id, site_id, work_order_number, type, status, \
           priority, title, created_by, assigned_contractor_id, scheduled_start, scheduled_end) \
         SELECT '{lift}', '{site}', 'WO-B-' || g, 'preventive', 'scheduled', 'medium', 'Service ' || g, \
           gen_random_uuid(), c.id, ts, ts + interval '90 minutes' \
         FROM generate_series(1, 500) g \
         JOIN LATERAL (SELECT id FROM org_acme.contractors WHERE contact_name = 'Technician ' || (1 + g % 50)) c ON true \
         CROSS JOIN LATERAL (SELECT timestamptz '2027-03-01 07:00 Australia/Sydney' \
           + (g % 5) * interval '1 day' + (g % 10) * interval '1 hour' AS ts) t",
        lift = f.lift,
        site = f.site
    ));
    let week = CalendarQuery {
        view: "week".into(),
        date: "2027-03-03".into(),
        ..CalendarQuery::default()
    };
    let (statements, booked) = calendar_statements(&app, &week);
    assert_eq!(booked, 500);
    assert!(
        statements <= 2,
        "people and the week: {statements} statements"
    );
    let page = f.manager.get("/o/acme/schedule?date=2027-03-03").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("class=\"sched-block").count(), 500);
}
