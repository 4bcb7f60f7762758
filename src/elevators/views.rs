//! Page structs for the lift templates.

use crate::web::listing::Sortable;
use askama::Template;
use chrono::NaiveDate;
use uuid::Uuid;

use super::forms::{ElevatorForm, ElevatorListQuery};
use super::queries::{Elevator, ElevatorRow, StatusChange};
use super::status::{
    drive_type_label, inspection_state, ElevatorStatus, InspectionResult, InspectionState,
    DRIVE_TYPES,
};
use crate::sites::filter::SiteFilter;
use crate::sites::queries::Site;
use crate::web::forms::FieldErrors;
use crate::web::local_time::filters;
use crate::web::pagination::Pagination;
use crate::web::Layout;

#[derive(Template)]
#[template(path = "elevators/list.html")]
pub struct ElevatorListPage {
    pub layout: Layout,
    pub slug: String,
    pub query: ElevatorListQuery,
    pub rows: Vec<ElevatorRow>,
    pub pagination: Pagination,
    pub site_filter: SiteFilter,
    pub manufacturers: Vec<String>,
    pub statuses: &'static [ElevatorStatus],
    pub drive_types: &'static [(&'static str, &'static str)],
    pub export_href: String,
    pub can_manage: bool,
}

#[derive(Template)]
#[template(path = "elevators/list.html", block = "results")]
pub struct ElevatorListResults {
    pub slug: String,
    pub query: ElevatorListQuery,
    pub rows: Vec<ElevatorRow>,
    pub pagination: Pagination,
    pub export_href: String,
    pub can_manage: bool,
}

#[derive(Template)]
#[template(path = "elevators/form.html")]
pub struct ElevatorFormPage {
    pub layout: Layout,
    pub slug: String,
    pub elevator_id: Option<Uuid>,
    pub form: ElevatorForm,
    pub errors: FieldErrors,
    pub sites: Vec<(Uuid, String, Option<String>)>,
    pub manufacturers: Vec<String>,
    pub drive_types: &'static [(&'static str, &'static str)],
    pub inspection_results: &'static [InspectionResult],
}

impl ElevatorFormPage {
    pub fn new(
        layout: Layout,
        slug: &str,
        elevator_id: Option<Uuid>,
        form: ElevatorForm,
        errors: FieldErrors,
        sites: Vec<(Uuid, String, Option<String>)>,
        manufacturers: Vec<String>,
    ) -> ElevatorFormPage {
        ElevatorFormPage {
            layout,
            slug: slug.to_string(),
            elevator_id,
            form,
            errors,
            sites,
            manufacturers,
            drive_types: DRIVE_TYPES,
            inspection_results: InspectionResult::ALL,
        }
    }

    pub fn cancel_href(&self) -> String {
        match (self.elevator_id, self.form.site_id.is_empty()) {
            (Some(id), _) => format!("/o/{}/elevators/{id}", self.slug),
            (None, false) => format!("/o/{}/sites/{}", self.slug, self.form.site_id),
            (None, true) => format!("/o/{}/elevators", self.slug),
        }
    }
}

/// The status panel: badge, reason, inline change form and history. Rendered inside the
/// detail page and alone after an htmx status change.
#[derive(Template)]
#[template(path = "elevators/status_panel.html")]
pub struct StatusPanel {
    pub slug: String,
    pub elevator_id: Uuid,
    pub status: ElevatorStatus,
    pub reason: Option<String>,
    pub changed_at: chrono::DateTime<chrono::Utc>,
    pub history: Vec<StatusChange>,
    pub can_change: bool,
    pub statuses: &'static [ElevatorStatus],
    pub form_status: String,
    pub form_reason: String,
    pub errors: FieldErrors,
    pub csrf: String,
    /// The site's time zone, in which the times are shown.
    pub zone: chrono_tz::Tz,
}

#[derive(Template)]
#[template(path = "elevators/detail.html")]
pub struct ElevatorDetailPage {
    pub layout: Layout,
    pub slug: String,
    pub elevator: Elevator,
    pub work_orders: Vec<crate::work_orders::queries::Card>,
    pub now: chrono::DateTime<chrono::Utc>,
    pub can_create_work_orders: bool,
    pub site: Site,
    pub panel: StatusPanel,
    pub health: crate::dashboard::views::HealthPanel,
    /// Its maintenance schedules, PM compliance and overdue visits.
    pub maintenance: crate::maintenance::views::LiftPanel,
    pub can_manage: bool,
    pub today: NaiveDate,
}

impl ElevatorDetailPage {
    pub fn inspection(&self) -> InspectionState {
        inspection_state(self.elevator.next_inspection_due, self.today)
    }

    pub fn drive(&self) -> String {
        self.elevator
            .drive_type
            .as_deref()
            .map(drive_type_label)
            .unwrap_or("—")
            .to_string()
    }
}

#[derive(Template)]
#[template(path = "elevators/spec_row.html")]
pub struct SpecRow {
    pub key: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "elevators/archive.html")]
pub struct ArchivePage {
    pub layout: Layout,
    pub slug: String,
    pub elevator: Elevator,
    pub site_name: String,
}

#[derive(Template)]
#[template(path = "elevators/options.html")]
pub struct OptionsFragment {
    pub options: Vec<(Uuid, String, String)>,
    pub search: String,
}
