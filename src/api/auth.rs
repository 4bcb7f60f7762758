//! `ApiClient`: what every `/api/v1` handler takes, the API's counterpart of `OrgScope`.
//!
//! Extracting it only reads the `Authorization: Bearer` header. [`ApiClient::run`] then finds
//! the key (cached for a few seconds), refuses it if revoked, expired or lacking the scope,
//! counts the request against the key's hourly limit (kept in PostgreSQL so every app server
//! shares it, written in batches by `keys::meter`) and runs the work inside the key's organization through the one door — all on one
//! pooled connection.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use diesel::PgConnection;

use super::keys::meter::Hit;
use super::keys::{self, KeyGrant};
use super::problem::ApiError;
use super::scopes::Scope;
use crate::orgs::{self, Actor, OrgHandle};
use crate::web::request_meta::RequestMeta;
use crate::work_orders::operations::{Acting, Authority};
use crate::AppState;

/// A request carrying an API key, not yet checked.
pub struct ApiClient {
    key: String,
    meta: RequestMeta,
    state: web::Data<AppState>,
}

/// What the work of an API request knows about where and as whom it runs.
#[derive(Debug, Clone)]
pub struct ApiCtx {
    pub key: KeyGrant,
    pub actor: Actor,
}

impl ApiCtx {
    pub fn org(&self) -> &OrgHandle {
        &self.key.org
    }

    /// The key's authority for an operation: its scopes, checked by the same permission table
    /// as a member's role.
    pub fn acting(&self) -> Acting<'_> {
        Acting {
            org: &self.key.org,
            actor: &self.actor,
            authority: Authority::Key(self.key.scopes),
        }
    }
}

impl FromRequest for ApiClient {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(extract(req))
    }
}

fn extract(req: &HttpRequest) -> Result<ApiClient, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))?;
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::Unauthorized(
                "Send your API key in the Authorization header: Bearer ss_live_…".into(),
            )
        })?;
    let key = value
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|key| keys::well_formed(key))
        .ok_or_else(|| {
            ApiError::Unauthorized(
                "The Authorization header must be Bearer followed by an API key (ss_live_…)."
                    .into(),
            )
        })?;
    let meta = RequestMeta::from_request(req, &state.config.trusted_proxies);
    Ok(ApiClient {
        key: key.to_string(),
        meta,
        state,
    })
}

/// The start of the hour `now` is in, and the seconds left of it.
fn hour_of(now: DateTime<Utc>) -> (DateTime<Utc>, u64) {
    let start = now.duration_trunc(TimeDelta::hours(1)).unwrap_or(now);
    let left = (start + TimeDelta::hours(1) - now).num_seconds().max(1);
    (start, left.unsigned_abs())
}

impl ApiClient {
    /// The signer of this installation's list cursors.
    pub fn cursors(&self) -> super::cursor::Cursors {
        super::cursor::Cursors::new(self.state.config.secret_key.derive("api list cursors"))
    }

    /// Checks the key and `scope`, counts the request, then runs `work` in one transaction
    /// inside the key's organization.
    pub async fn run<T, F>(&self, scope: Scope, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut PgConnection, &ApiCtx) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let key = self.key.clone();
        let meta = self.meta.clone();
        let cache = self.state.api_keys.clone();
        let meter = self.state.api_usage.clone();
        self.state
            .db
            .run_pooled(move |conn| {
                let grant = cache
                    .find(conn, &key)?
                    .ok_or_else(|| ApiError::Unauthorized("This API key is not known.".into()))?;
                let now = Utc::now();
                grant
                    .check(now)
                    .map_err(|why| ApiError::Unauthorized(why.into()))?;
                if !grant.scopes.has(scope) {
                    return Err(ApiError::Forbidden(format!(
                        "This key lacks the {} scope. An owner or admin can make a key with it under Settings → API keys.",
                        scope.name()
                    )));
                }
                let (hour, left) = hour_of(now);
                let limit = grant.rate_limit_per_hour;
                let ctx = ApiCtx {
                    actor: Actor::api_key(&grant.prefix, &grant.name, meta),
                    key: grant,
                };
                if let Hit::Flush(pending) = meter.hit(ctx.key.id, hour, limit) {
                    let total = keys::queries::count_requests(conn, ctx.key.id, hour, pending)
                        .inspect_err(|_| meter.unflushed(ctx.key.id, hour, pending))?;
                    meter.flushed(ctx.key.id, hour, total);
                    if total > limit {
                        return Err(ApiError::TooManyRequests {
                            limit,
                            retry_after_secs: left,
                        });
                    }
                }
                orgs::enter(conn, &ctx.key.org.clone(), |conn| work(conn, &ctx))
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_wait_runs_to_the_next_hour() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 10, 59, 30).single();
        let (start, left) = hour_of(now.unwrap_or_default());
        assert_eq!(start.format("%H:%M").to_string(), "10:00");
        assert_eq!(left, 30);
    }
}
