//! Every route of the application, registered in one folder and read top to bottom: the
//! platform's own pages, the shared community sections, then one organization's pages.
//! Order matters where paths overlap (fixed paths before `{slug}` ones), so the areas are
//! registered in this order.

mod api;
mod community;
mod organization;
mod platform;

use actix_web::web::{self, ServiceConfig};

use crate::web::AppError;

pub fn configure(cfg: &mut ServiceConfig) {
    api::api(cfg);
    platform::front(cfg);
    platform::accounts(cfg);
    community::jobs(cfg);
    platform::fault_reports(cfg);
    platform::administration(cfg);
    community::forum(cfg);
    community::marketplace(cfg);
    organization::organization(cfg);
}

/// Unreadable form bodies become our 400 page, not actix's plain-text error.
pub fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(2 * 1024 * 1024)
        .error_handler(|err, _| {
            AppError::BadRequest(format!("The form could not be read: {err}")).into()
        })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        AppError::BadRequest(format!("The address has an unreadable parameter: {err}")).into()
    })
}

/// A path segment that does not parse (a malformed id) names nothing: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into())
}
