//! `OrgScope`: the extractor every `/o/{slug}/…` handler takes to reach organization data.
//!
//! It refuses malformed slugs before any query, and its [`OrgScope::run`] is the only way a
//! handler gets a connection pointed at an organization's schema.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use diesel::PgConnection;

use super::naming::Slug;
use super::queries::Organization;
use super::tenancy;
use crate::db::Db;
use crate::web::AppError;
use crate::AppState;

pub struct OrgScope {
    slug: Slug,
    db: Db,
}

impl FromRequest for OrgScope {
    type Error = AppError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let scope = (|| {
            let raw = req.match_info().get("slug").ok_or(AppError::NotFound)?;
            let slug = Slug::parse(raw).map_err(|_| AppError::NotFound)?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::internal("application state missing"))?;
            Ok(OrgScope {
                slug,
                db: state.db.clone(),
            })
        })();
        ready(scope)
    }
}

impl OrgScope {
    pub fn slug(&self) -> &str {
        self.slug.as_str()
    }

    /// Runs `work` in one transaction inside the organization (schema and role switched).
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut PgConnection, &Organization) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let slug = self.slug.clone();
        self.db
            .run(move |conn| tenancy::in_org(conn, slug.as_str(), work))
            .await
    }
}
