//! Work orders: lifecycle matrix, numbering under concurrency, lost updates, costs, board,
//! permissions and isolation.

use crate::fixtures;
use crate::harness::id_from;
use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use crate::harness::{text, Browser, TestApp};

mod concurrency;
mod costs;
mod edit;
mod isolation;
mod lifecycle;
mod pages;

pub struct Fixture<'a> {
    pub app: &'a TestApp,
    pub manager: Browser<'a>,
    pub site: String,
    pub lift: String,
    pub contractor: String,
}

pub async fn fixture<'a>(app: &'a TestApp, slug: &str) -> Fixture<'a> {
    app.create_org(slug, "Acme Lifts");
    let manager = app.member(slug, Role::Manager).await;
    let site = fixtures::site(&manager, slug, "Harbour Tower").await;
    let lift = fixtures::lift(&manager, slug, &site, "Lift 1").await;
    let page = manager
        .post(
            &format!("/o/{slug}/contractors"),
            &[
                ("contractor_type", "employee"),
                ("contact_name", "Tanvir Ahmed"),
                ("hourly_rate", "95.00"),
                ("emergency_rate_multiplier", "1.75"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let contractor = id_from(page.header("location"));
    Fixture {
        app,
        manager,
        site,
        lift,
        contractor,
    }
}

impl Fixture<'_> {
    pub async fn create(&self, slug: &str, fields: &[(&str, &str)]) -> String {
        let mut all = vec![
            ("elevator_id", self.lift.as_str()),
            ("work_type", "breakdown"),
            ("priority", "medium"),
            ("title", "Doors not closing"),
            ("scheduled_start", "2026-12-10T09:00"),
        ];
        all.retain(|(k, _)| !fields.iter().any(|(f, _)| f == k));
        all.extend_from_slice(fields);
        let page = self
            .manager
            .post(&format!("/o/{slug}/work-orders"), &all)
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        id_from(page.header("location"))
    }

    pub fn version(&self, id: &str) -> String {
        text(
            &mut self.app.conn(),
            &format!("SELECT version::text AS value FROM org_acme.work_orders WHERE id = '{id}'"),
        )
    }

    pub fn status(&self, id: &str) -> String {
        text(
            &mut self.app.conn(),
            &format!("SELECT status::text AS value FROM org_acme.work_orders WHERE id = '{id}'"),
        )
    }
}
