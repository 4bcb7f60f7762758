//! Page structs for the site templates.

use crate::web::listing::Sortable;
use crate::web::local_time::filters;
use askama::Template;
use chrono::NaiveDate;

use super::forms::{site_type_label, SiteForm, SiteListQuery, SITE_TYPES};
use super::queries::{Site, SiteRow};
use crate::audit::queries::AuditRow;
use crate::elevators::queries::Elevator;
use crate::elevators::status::inspection_state;
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::Layout;

#[derive(Template)]
#[template(path = "sites/list.html")]
pub struct SiteListPage {
    pub layout: Layout,
    pub slug: String,
    pub query: SiteListQuery,
    pub rows: Vec<SiteRow>,
    pub pagination: Pagination,
    pub states: Vec<String>,
    pub cities: Vec<String>,
    pub site_types: &'static [(&'static str, &'static str)],
    pub can_manage: bool,
    pub export_href: String,
}

#[derive(Template)]
#[template(path = "sites/list.html", block = "results")]
pub struct SiteListResults {
    pub slug: String,
    pub query: SiteListQuery,
    pub rows: Vec<SiteRow>,
    pub pagination: Pagination,
    pub can_manage: bool,
    pub export_href: String,
}

#[derive(Template)]
#[template(path = "sites/form.html")]
pub struct SiteFormPage {
    pub layout: Layout,
    pub slug: String,
    /// `None` for a new site.
    pub site_id: Option<uuid::Uuid>,
    pub form: SiteForm,
    pub errors: FieldErrors,
    pub site_types: &'static [(&'static str, &'static str)],
    pub timezones: &'static [&'static str],
    pub can_edit_codes: bool,
}

impl SiteFormPage {
    pub fn new(
        layout: Layout,
        slug: &str,
        site_id: Option<uuid::Uuid>,
        form: SiteForm,
        errors: FieldErrors,
        can_edit_codes: bool,
    ) -> SiteFormPage {
        SiteFormPage {
            layout,
            slug: slug.to_string(),
            site_id,
            form,
            errors,
            site_types: SITE_TYPES,
            timezones: crate::auth::views::timezones(),
            can_edit_codes,
        }
    }
}

#[derive(Template)]
#[template(path = "sites/detail.html")]
pub struct SiteDetailPage {
    pub layout: Layout,
    pub slug: String,
    pub site: Site,
    pub work_orders: Vec<crate::work_orders::queries::Card>,
    pub now: chrono::DateTime<chrono::Utc>,
    pub can_create_work_orders: bool,
    pub lifts: Vec<Elevator>,
    pub activity: Vec<AuditRow>,
    pub health: crate::dashboard::views::HealthPanel,
    /// Planned maintenance done on time at this site.
    pub maintenance: crate::maintenance::compliance::Compliance,
    pub can_manage: bool,
    pub can_view_codes: bool,
    pub today: NaiveDate,
}

impl SiteDetailPage {
    pub fn type_label(&self) -> &str {
        site_type_label(&self.site.site_type)
    }

    pub fn osm_link(&self) -> Option<String> {
        match (&self.site.latitude, &self.site.longitude) {
            (Some(lat), Some(lon)) => Some(format!(
                "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
            )),
            _ => None,
        }
    }

    pub fn inspection(&self, lift: &Elevator) -> crate::elevators::status::InspectionState {
        inspection_state(lift.next_inspection_due, self.today)
    }
}

#[derive(Template)]
#[template(path = "sites/archive.html")]
pub struct ArchivePage {
    pub layout: Layout,
    pub slug: String,
    pub site: Site,
}

#[derive(Template)]
#[template(path = "sites/access_codes.html")]
pub struct AccessCodesFragment {
    pub codes: Option<String>,
}
