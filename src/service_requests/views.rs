//! Page structs for fault reports, triage, tenants, the portal and QR codes.

use crate::web::local_time::filters;
use askama::Template;
use uuid::Uuid;

use super::forms::{ReportForm, TenantForm};
use super::queries::{
    label, status_badge, QueueQuery, QueueRow, ReportTarget, ServiceRequest, Tenant, PRIORITIES,
    REQUEST_TYPES, STATUSES,
};
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::{AppError, Layout};

pub type Events = Vec<super::queries::Event>;

pub fn status_label(status: &str) -> &str {
    label(STATUSES, status)
}

pub fn badge(status: &str) -> &'static str {
    status_badge(status)
}

#[derive(Template)]
#[template(path = "service_requests/report.html")]
pub struct ReportPage {
    pub layout: Layout,
    pub slug: String,
    pub token: String,
    pub target: ReportTarget,
    pub form: ReportForm,
    pub errors: FieldErrors,
    pub message: Option<String>,
}

impl ReportPage {
    pub fn request_types(&self) -> &'static [(&'static str, &'static str)] {
        REQUEST_TYPES
    }
}

#[derive(Template)]
#[template(path = "service_requests/thanks.html")]
pub struct ThanksPage {
    pub layout: Layout,
    pub slug: String,
    pub request: ServiceRequest,
    pub target: ReportTarget,
}

#[derive(Template)]
#[template(path = "service_requests/status.html")]
pub struct StatusPage {
    pub layout: Layout,
    pub request: ServiceRequest,
    pub events: Events,
    pub site_name: String,
    /// The site's time zone: the request's times read in it.
    pub site_zone: String,
    pub work_order: Option<String>,
}

#[derive(Template)]
#[template(path = "service_requests/queue.html")]
pub struct QueuePage {
    pub layout: Layout,
    pub slug: String,
    pub query: QueueQuery,
    pub rows: Vec<QueueRow>,
    pub pagination: Pagination,
    pub sites: Vec<(Uuid, String, Option<String>)>,
}

impl QueuePage {
    pub fn statuses(&self) -> &'static [(&'static str, &'static str)] {
        STATUSES
    }
    pub fn types(&self) -> &'static [(&'static str, &'static str)] {
        REQUEST_TYPES
    }
    pub fn priorities(&self) -> &'static [(&'static str, &'static str)] {
        PRIORITIES
    }
}

#[derive(Template)]
#[template(path = "service_requests/request.html")]
pub struct RequestPage {
    pub layout: Layout,
    pub slug: String,
    pub request: ServiceRequest,
    pub events: Events,
    pub site_name: String,
    /// The site's time zone: the request's times read in it.
    pub site_zone: String,
    pub lift: Option<String>,
    pub work_order: Option<(Uuid, String)>,
    pub gallery: crate::attachments::views::Gallery,
}

impl RequestPage {
    pub fn priorities(&self) -> &'static [(&'static str, &'static str)] {
        PRIORITIES
    }
    pub fn is_open(&self) -> bool {
        matches!(self.request.status.as_str(), "open" | "acknowledged")
    }
}

/// The report URL as an SVG QR code, sized by the stylesheet to print on A5.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(AppError::internal)?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(320, 320)
        .quiet_zone(true)
        .build();
    // Inline in the page: drop the XML declaration.
    Ok(svg
        .split_once("?>")
        .map(|(_, rest)| rest.to_string())
        .unwrap_or(svg))
}

#[derive(Template)]
#[template(path = "service_requests/qr.html")]
pub struct QrPage {
    pub layout: Layout,
    pub slug: String,
    pub title: String,
    pub heading: String,
    pub svg: String,
    pub url: String,
    pub site: Option<Uuid>,
    pub lift: Option<Uuid>,
    pub can_regenerate: bool,
}

#[derive(Template)]
#[template(path = "service_requests/tenants.html")]
pub struct TenantsPage {
    pub layout: Layout,
    pub slug: String,
    pub q: String,
    pub site: String,
    pub inactive: bool,
    pub rows: Vec<(Tenant, String)>,
    pub sites: Vec<(Uuid, String, Option<String>)>,
}

#[derive(Template)]
#[template(path = "service_requests/tenant_form.html")]
pub struct TenantFormPage {
    pub layout: Layout,
    pub slug: String,
    pub id: Option<Uuid>,
    pub form: TenantForm,
    pub errors: FieldErrors,
    pub sites: Vec<(Uuid, String, Option<String>)>,
}

#[derive(Template)]
#[template(path = "service_requests/tenant.html")]
pub struct TenantPage {
    pub layout: Layout,
    pub slug: String,
    pub tenant: Tenant,
    pub requests: Vec<QueueRow>,
    pub form: TenantForm,
    pub sites: Vec<(Uuid, String, Option<String>)>,
    pub invite_link: Option<String>,
}

#[derive(Template)]
#[template(path = "service_requests/portal.html")]
pub struct PortalPage {
    pub layout: Layout,
    pub slug: String,
    pub tenant: Tenant,
    pub site_name: String,
    /// The site's time zone: the request's times read in it.
    pub site_zone: String,
    pub lifts: Vec<(Uuid, String)>,
    pub requests: Vec<(ServiceRequest, Events)>,
    pub form: ReportForm,
    pub errors: FieldErrors,
}

impl PortalPage {
    pub fn request_types(&self) -> &'static [(&'static str, &'static str)] {
        REQUEST_TYPES
    }
}
