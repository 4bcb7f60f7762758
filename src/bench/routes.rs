//! Handlers of the benchmark routes; `configure` is called only under `--bench-routes`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use actix_web::web::{self, ServiceConfig};
use actix_web::HttpResponse;
use diesel::Connection;

use super::queries;
use super::views::FortunesPage;
use crate::db::Db;
use crate::orgs::naming::Slug;
use crate::orgs::{self, queries as registry, OrgHandle};
use crate::web::{render, AppError};
use crate::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.app_data(web::Data::new(OrgDirectory::default()))
        .route("/bench/baseline/{slug}", web::get().to(baseline))
        .route("/bench/tenancy/{slug}", web::get().to(tenancy_switch))
        .route("/bench/mail/{count}", web::get().to(queue_mail))
        .route("/bench/slow/{millis}", web::get().to(slow));
}

/// Schema and role of each organization asked for, so that after the first request neither
/// route spends a query on finding them (an organization page gets them from the session's
/// memberships in the same way).
#[derive(Default)]
pub struct OrgDirectory {
    known: RwLock<HashMap<String, Arc<OrgHandle>>>,
}

impl OrgDirectory {
    fn cached(&self, slug: &str) -> Option<Arc<OrgHandle>> {
        self.known.read().ok()?.get(slug).cloned()
    }

    async fn find(&self, db: &Db, slug: &Slug) -> Result<Arc<OrgHandle>, AppError> {
        if let Some(place) = self.cached(slug.as_str()) {
            return Ok(place);
        }
        let lookup = slug.as_str().to_string();
        let org = db
            .run(move |conn| Ok::<_, AppError>(registry::find_by_slug(conn, &lookup)?))
            .await?
            .ok_or(AppError::NotFound)?;
        let place = Arc::new(org.handle());
        if let Ok(mut known) = self.known.write() {
            known.insert(slug.as_str().to_string(), place.clone());
        }
        Ok(place)
    }
}

/// (b) and the baseline: the schema named in the query, no transaction, no switch.
pub async fn baseline(
    state: web::Data<AppState>,
    directory: web::Data<OrgDirectory>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = Slug::parse(&path).map_err(|_| AppError::NotFound)?;
    let place = directory.find(&state.db, &slug).await?;
    // Counted against the connection like an organization page: it reads that schema too.
    let rows = state
        .db
        .run_pooled(move |conn| {
            conn.ledger().note(&place.schema_name);
            Ok::<_, AppError>(queries::first_sites_in(conn, &place.schema_name)?)
        })
        .await?;
    render(&FortunesPage {
        slug: slug.as_str().to_string(),
        how: "schema named in the query",
        rows,
    })
}

/// (a): the same rows through the tenancy switch every organization page makes
/// (`OrgScope::run`: `orgs::enter`).
pub async fn tenancy_switch(
    state: web::Data<AppState>,
    directory: web::Data<OrgDirectory>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = Slug::parse(&path).map_err(|_| AppError::NotFound)?;
    let place = directory.find(&state.db, &slug).await?;
    let rows = state
        .db
        .run_pooled(move |conn| {
            orgs::enter(conn, &place, |conn| {
                Ok::<_, AppError>(queries::first_sites(conn)?)
            })
        })
        .await?;
    render(&FortunesPage {
        slug: slug.as_str().to_string(),
        how: "through the tenancy switch",
        rows,
    })
}

/// Queues `count` small emails through the outbox in one transaction, for `bench/mail` to time
/// their delivery (a GET, like every benchmark route, so a load tool can call it).
pub async fn queue_mail(
    state: web::Data<AppState>,
    path: web::Path<u32>,
) -> Result<HttpResponse, AppError> {
    let count = path.into_inner();
    if !(1..=100_000).contains(&count) {
        return Err(AppError::BadRequest("Ask for 1 to 100000 messages.".into()));
    }
    state
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                for n in 0..count {
                    let address = format!("reader{n}@bench.sitesync.test");
                    let content = crate::mail::Rendered {
                        subject: format!("Outbox benchmark message {n}"),
                        text: format!("Message {n} of {count}."),
                        html: format!("<p>Message {n} of {count}.</p>"),
                        headers: Default::default(),
                    };
                    crate::mail::send(
                        conn,
                        &crate::mail::Email {
                            kind: "bench",
                            to_address: &address,
                            to_name: None,
                            content,
                            account_id: None,
                            organization_id: None,
                            correlation_id: None,
                        },
                    )?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(HttpResponse::Ok().body(format!("queued {count}\n")))
}

/// A request that takes `millis` (at most a minute) on a pooled connection: what a stopping
/// server must let finish, and what a load test uses to hold connections.
pub async fn slow(
    state: web::Data<AppState>,
    path: web::Path<u32>,
) -> Result<HttpResponse, AppError> {
    let millis = path.into_inner();
    if millis > 60_000 {
        return Err(AppError::BadRequest(
            "Ask for at most 60000 milliseconds.".into(),
        ));
    }
    state
        .db
        .run(move |conn| Ok::<_, AppError>(queries::hold(conn, millis)?))
        .await?;
    Ok(HttpResponse::Ok().body(format!("held {millis} ms\n")))
}
