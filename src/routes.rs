//! Every route of the application, in one place, read top to bottom.

use actix_web::web::{self, ServiceConfig};

use crate::web::AppError;
use crate::{orgs, web as pages};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.route("/", web::get().to(pages::pages::home))
        .route("/healthz", web::get().to(pages::pages::healthz))
        .route("/static/{path:.*}", web::get().to(pages::assets::serve))
        .route("/static/{path:.*}", web::head().to(pages::assets::serve))
        .service(web::scope("/o/{slug}").route("", web::get().to(orgs::routes::home)));
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
