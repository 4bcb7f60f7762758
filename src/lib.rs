//! SiteSync: maintenance of lifts and buildings for many organizations.
//!
//! [`app`] builds the whole web application; `main.rs` serves it and the tests drive it.

pub mod config;
pub mod db;
pub mod demo;
pub mod orgs;
pub mod routes;
pub mod sites;
pub mod web;

use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, ErrorHandlers};
use actix_web::{web as aweb, App};

use config::Config;
use db::Db;

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
}

/// The application, with every route and middleware; the same for the server and the tests.
pub fn app(
    state: aweb::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<EitherBody<impl MessageBody>>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(routes::form_config())
        .app_data(routes::query_config())
        .app_data(routes::path_config())
        .configure(routes::configure)
        .default_service(aweb::to(web::pages::not_found))
        .wrap(ErrorHandlers::new().default_handler(web::errors::htmx_error_fragment))
        .wrap(web::middleware::security_headers())
        .wrap(Compress::default())
        .wrap_fn(web::middleware::request_log)
}
