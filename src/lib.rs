//! SiteSync: maintenance of lifts and buildings for many organizations.
//!
//! [`app`] builds the whole web application; `main.rs` serves it and the tests drive it.

pub mod admin;
pub mod api;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod background;
pub mod backup;
pub mod bench;
pub mod config;
pub mod contractors;
pub mod conversations;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod elevators;
pub mod forum;
pub mod imports;
pub mod inventory;
pub mod jobs;
pub mod live;
pub mod mail;
pub mod maintenance;
pub mod marketplace;
pub mod members;
pub mod metrics;
pub mod notifications;
pub mod orgs;
pub mod people;
pub mod routes;
pub mod schedule;
pub mod seed;
pub mod service_requests;
pub mod settings;
pub mod sites;
pub mod storage;
pub mod transfer;
pub mod web;
pub mod webhooks;
pub mod work_orders;

use std::sync::Arc;

use actix_session::config::{BrowserSession, CookieContentSecurity, TtlExtensionPolicy};
use actix_session::SessionMiddleware;
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, ErrorHandlers};
use actix_web::{web as aweb, App};

use auth::csrf::CsrfGuard;
use auth::session_store::PgSessionStore;
use config::Config;
use db::Db;

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// Uploaded files.
    pub files: Arc<dyn storage::FileStore>,
    /// Serve the benchmark-only routes (`sitesync serve --bench-routes`); never by default.
    pub bench_routes: bool,
    /// Filter choices kept for a short while (see `web::choices`).
    pub choices: Arc<web::choices::ChoiceCache>,
    /// Live updates heard from the database, for this server's `/events` streams.
    pub live: Arc<live::Hub>,
    /// API keys looked up in the last few seconds (see `api::keys::cache`).
    pub api_keys: Arc<api::keys::cache::KeyCache>,
    /// Requests of each API key this hour not yet written (see `api::keys::meter`).
    pub api_usage: Arc<api::keys::meter::UsageMeter>,
}

impl AppState {
    /// The state for `config`, with files kept under the data directory.
    pub fn new(db: Db, config: Config) -> AppState {
        let files = Arc::new(storage::LocalStore::new(&storage::local_root(
            &config.data_dir,
        )));
        let live = Arc::new(live::Hub::new(db.url()));
        AppState {
            db,
            config: Arc::new(config),
            files,
            bench_routes: false,
            choices: Arc::default(),
            live,
            api_keys: Arc::default(),
            api_usage: Arc::default(),
        }
    }

    /// The platform's filter choices (marketplace and jobs), kept for a short while.
    pub fn platform_choices(&self) -> web::choices::Choices {
        web::choices::Choices::new(self.choices.clone(), web::choices::PLATFORM)
    }

    /// The same state with the benchmark routes switched on.
    pub fn with_bench_routes(self) -> AppState {
        AppState {
            bench_routes: true,
            ..self
        }
    }
}

fn sessions(state: &AppState) -> SessionMiddleware<PgSessionStore> {
    let config = &state.config;
    let idle = actix_web::cookie::time::Duration::seconds(config.session_idle.as_secs() as i64);
    // Over HTTPS the `__Host-` prefix pins the cookie to this host, path `/` and `Secure`.
    let name = if config.secure_cookies {
        "__Host-sitesync"
    } else {
        "sitesync"
    };
    SessionMiddleware::builder(
        PgSessionStore::new(
            state.db.clone(),
            config.session_lifetime,
            config.session_idle,
        ),
        Key::derive_from(&config.secret_key.0),
    )
    .cookie_name(name.into())
    .cookie_secure(config.secure_cookies)
    .cookie_http_only(true)
    .cookie_same_site(SameSite::Lax)
    .cookie_path("/".into())
    .cookie_content_security(CookieContentSecurity::Signed)
    .session_lifecycle(
        BrowserSession::default()
            .state_ttl(idle)
            .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
    )
    .build()
}

/// The application, with every route and middleware; the same for the server and the tests.
pub fn app(
    state: aweb::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let session = sessions(&state);
    let secure = state.config.secure_cookies;
    let bench_routes = state.bench_routes;
    App::new()
        .app_data(state)
        .app_data(routes::form_config())
        .app_data(routes::query_config())
        .app_data(routes::path_config())
        .configure(|cfg| {
            if bench_routes {
                bench::routes::configure(cfg);
            }
        })
        .configure(routes::configure)
        .default_service(aweb::to(web::pages::not_found))
        .wrap(CsrfGuard)
        .wrap(ErrorHandlers::new().default_handler(web::errors::error_pages))
        .wrap_fn(web::middleware::refuse_nul_in_address)
        .wrap(session)
        .wrap_fn(web::middleware::errors_as_pages)
        .wrap_fn(web::middleware::htmx_redirects)
        .wrap(web::middleware::security_headers(secure))
        .wrap(Compress::default())
        .wrap_fn(web::middleware::request_log)
        .wrap(actix_web::middleware::from_fn(
            crate::metrics::record_requests,
        ))
}
