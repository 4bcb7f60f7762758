//! Notifications that leave the bell: each kind emailed at once, gathered into a daily digest
//! or kept in the app as each account chooses, with a one-click unsubscribe in every email.

use awc::http::StatusCode;
use chrono::TimeZone;

use sitesync::auth::roles::Role;
use sitesync::notifications::operations::{self, Links};

use crate::harness::{text, Browser, TestApp};
use crate::work_orders::{fixture, Fixture};

/// A technician linked to the fixture's contractor; returns their browser and address.
pub async fn technician<'a>(app: &'a TestApp) -> (Browser<'a>, String) {
    let tech = app.member("acme", Role::Technician).await;
    let email = text(
        &mut app.conn(),
        "SELECT a.email AS value FROM accounts a JOIN memberships m ON m.account_id = a.id \
         WHERE m.role = 'technician'",
    );
    app.execute(&format!(
        "UPDATE org_acme.contractors SET account_id = (SELECT id FROM accounts WHERE email = '{email}')"
    ));
    (tech, email)
}

/// Raises a work order called `title` and assigns it to the fixture's contractor.
pub async fn assign_new(f: &Fixture<'_>, title: &str) {
    let id = f.create("acme", &[("title", title)]).await;
    let page = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/assign"),
            &[
                ("contractor_id", &f.contractor),
                ("version", &f.version(&id)),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

fn notices_to(app: &TestApp, email: &str) -> Vec<crate::mailbox::Sent> {
    app.mail_to(email)
        .into_iter()
        .filter(|m| m.kind == "notification" || m.kind == "digest")
        .collect()
}

#[actix_web::test]
async fn each_kind_is_emailed_digested_or_kept_in_the_app_as_the_account_chooses() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let (tech, email) = technician(&app).await;

    // The default for an assignment: emailed at once, with an unsubscribe for that kind.
    assign_new(&f, "Doors not closing").await;
    app.run_jobs();
    let mail = notices_to(&app, &email);
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(mail[0]
        .subject
        .contains("assigned to you: Doors not closing"));
    assert!(mail[0].subject.contains("Acme Lifts"));
    assert!(mail[0]
        .body_text
        .contains("https://sitesync.test/o/acme/work-orders/"));
    assert!(mail[0]
        .link("/unsubscribe/")
        .contains(".work_order_assigned."));
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM outbox_messages WHERE to_address = '{email}' AND kind = 'notification' \
             AND headers->>'List-Unsubscribe-Post' = 'List-Unsubscribe=One-Click' \
             AND headers->>'List-Unsubscribe' LIKE '<https://sitesync.test/unsubscribe/%>'"
        )),
        1
    );

    // Bad choices change nothing.
    let page = tech.get("/account/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Always emailed at once"));
    let bad = tech
        .post(
            "/account/notifications",
            &[("work_order_assigned", "digest"), ("forum_reply", "sms")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Choose one of the three ways."));
    let unknown = tech
        .post("/account/notifications", &[("carrier_pigeon", "email")])
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("SELECT 1 FROM notification_preferences"), 0);

    // Kept in the app: the bell has it, no email.
    let saved = tech
        .post(
            "/account/notifications",
            &[("work_order_assigned", "in_app"), ("entrapment", "in_app")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT 1 FROM notification_preferences WHERE kind = 'entrapment'"),
        0,
        "entrapment alerts cannot be switched off"
    );
    assign_new(&f, "Noisy motor").await;
    app.run_jobs();
    assert_eq!(notices_to(&app, &email).len(), 1);
    assert!(tech
        .get("/notifications")
        .await
        .body
        .contains("Noisy motor"));

    // Gathered for the digest, sent once on the account's morning.
    tech.post(
        "/account/notifications",
        &[("work_order_assigned", "digest")],
    )
    .await;
    assign_new(&f, "Car light out").await;
    assign_new(&f, "Button stuck").await;
    app.run_jobs();
    assert_eq!(notices_to(&app, &email).len(), 1);
    let key = app.config.secret_key.clone();
    let links = Links {
        base: "https://sitesync.test",
        key: &key,
    };
    // The test accounts live in Sydney: 05:00 there is too early, 08:00 is the time.
    let sydney = chrono_tz::Australia::Sydney;
    let dawn = sydney
        .with_ymd_and_hms(2026, 12, 7, 5, 0, 0)
        .unwrap()
        .to_utc();
    let morning = sydney
        .with_ymd_and_hms(2026, 12, 7, 8, 0, 0)
        .unwrap()
        .to_utc();
    assert_eq!(
        operations::send_digests(&mut app.conn(), dawn, &links).unwrap(),
        0
    );
    assert_eq!(
        operations::send_digests(&mut app.conn(), morning, &links).unwrap(),
        1
    );
    assert_eq!(
        operations::send_digests(&mut app.conn(), morning, &links).unwrap(),
        0
    );
    let mail = notices_to(&app, &email);
    assert_eq!(mail.len(), 2);
    assert_eq!(mail[1].subject, "Your SiteSync digest: 2 notifications");
    assert!(mail[1].body_text.contains("Car light out"));
    assert!(mail[1].body_text.contains("Button stuck"));
    assert!(!mail[1].body_text.contains("Noisy motor"));
    assert!(mail[1].link("/unsubscribe/").contains(".digest."));
}

#[actix_web::test]
async fn an_unsubscribe_link_works_in_one_click_and_refuses_tampering() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let (_tech, email) = technician(&app).await;
    assign_new(&f, "Doors not closing").await;
    app.run_jobs();
    let link = notices_to(&app, &email)[0].link("/unsubscribe/");

    // Opening the link (a mail scanner does) only asks.
    let stranger = Browser::new(&app);
    let ask = stranger.get(&link).await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(ask.body.contains("Stop these emails?"));
    assert_eq!(app.count("SELECT 1 FROM notification_preferences"), 0);

    // Tampered: another kind, another account, garbage.
    let other_kind = link.replace(".work_order_assigned.", ".job_application.");
    let other_account = format!("/unsubscribe/{}", {
        let token = link.trim_start_matches("/unsubscribe/");
        let (_, rest) = token.split_once('.').unwrap();
        format!("{}.{rest}", uuid::Uuid::new_v4().simple())
    });
    for bad in [
        other_kind.as_str(),
        other_account.as_str(),
        "/unsubscribe/nonsense",
    ] {
        let page = stranger
            .post_raw(bad, &[("List-Unsubscribe", "One-Click")])
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(page.body.contains("This unsubscribe link is not valid"));
    }
    assert_eq!(app.count("SELECT 1 FROM notification_preferences"), 0);

    // The one-click POST of RFC 8058 comes from a mail provider: no session, no form token.
    let done = stranger
        .post_raw(&link, &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("You are unsubscribed"));
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM notification_preferences p JOIN accounts a ON a.id = p.account_id \
             WHERE a.email = '{email}' AND p.kind = 'work_order_assigned' AND p.delivery = 'in_app'"
        )),
        1
    );
    assign_new(&f, "Noisy motor").await;
    app.run_jobs();
    assert_eq!(
        notices_to(&app, &email).len(),
        1,
        "no email after unsubscribing"
    );
}

#[actix_web::test]
async fn the_assignee_hears_when_someone_else_moves_a_work_order() {
    let app = TestApp::new().await;
    let f = fixture(&app, "acme").await;
    let (tech, _email) = technician(&app).await;
    let id = f.create("acme", &[("title", "Doors not closing")]).await;
    f.manager
        .post(
            &format!("/o/acme/work-orders/{id}/assign"),
            &[
                ("contractor_id", &f.contractor),
                ("version", &f.version(&id)),
            ],
        )
        .await;
    app.execute(&format!(
        "UPDATE org_acme.work_orders SET status = 'scheduled' WHERE id = '{id}'"
    ));
    let started = f
        .manager
        .post(
            &format!("/o/acme/work-orders/{id}/move"),
            &[("to", "in_progress"), ("version", &f.version(&id))],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    assert_eq!(
        app.count(
            "SELECT 1 FROM notifications n JOIN memberships m ON m.account_id = n.account_id \
             WHERE m.role = 'technician' AND n.kind = 'work_order_status' \
             AND n.title LIKE 'WO-% is now in progress: Doors not closing'"
        ),
        1,
        "the assignee is told"
    );
    assert!(tech
        .get("/notifications")
        .await
        .body
        .contains("is now in progress"));
    assert_eq!(
        app.count(
            "SELECT 1 FROM notifications n JOIN memberships m ON m.account_id = n.account_id \
             WHERE m.role = 'manager' AND n.kind = 'work_order_status'"
        ),
        0,
        "the one who moved it is not told"
    );
}
