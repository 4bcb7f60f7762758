//! Server-side sessions in `public.sessions`, so signing out, changing a password or suspending
//! an account really ends sessions. Only the SHA-256 of a session key is stored: a leaked table
//! does not hand out working cookies.

use std::collections::HashMap;
use std::future::Future;
use std::sync::OnceLock;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as CookieDuration;
use chrono::{DateTime, Duration, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use rand::distributions::{Alphanumeric, DistString};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::identity::{signed_in_json, SIGNED_IN_KEY};
use crate::db::schema_public::sessions;
use crate::db::{Db, Unavailable};

type State = HashMap<String, String>;

pub const ACCOUNT_KEY: &str = "account_id";
pub const GENERATION_KEY: &str = "generation";

#[derive(Debug, thiserror::Error)]
enum StoreError {
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error("session state could not be read: {0}")]
    Format(#[from] serde_json::Error),
}

#[derive(Clone)]
pub struct PgSessionStore {
    db: Db,
    /// Absolute: a session ends this long after sign-in, however busy.
    lifetime: Duration,
    /// Idle: a session ends this long after its last request.
    idle: Duration,
}

impl PgSessionStore {
    pub fn new(db: Db, lifetime: std::time::Duration, idle: std::time::Duration) -> PgSessionStore {
        PgSessionStore {
            db,
            lifetime: Duration::from_std(lifetime).unwrap_or(Duration::days(14)),
            idle: Duration::from_std(idle).unwrap_or(Duration::hours(8)),
        }
    }
}

fn key_hash(key: &str) -> Vec<u8> {
    Sha256::digest(key.as_bytes()).to_vec()
}

fn account_of(state: &State) -> Option<Uuid> {
    state
        .get(ACCOUNT_KEY)
        .and_then(|v| serde_json::from_str::<Uuid>(v).ok())
}

fn expiry(ttl: &CookieDuration) -> DateTime<Utc> {
    Utc::now() + Duration::seconds(ttl.whole_seconds())
}

/// The session load as a statement type of its own: Diesel keeps it prepared on every
/// connection, so the statement every signed-in request begins with is not parsed and planned
/// again each time.
struct LoadSession<'a> {
    hash: &'a [u8],
    now: DateTime<Utc>,
    extended: DateTime<Utc>,
}

impl QueryId for LoadSession<'_> {
    type QueryId = LoadSession<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for LoadSession<'_> {
    type SqlType = (diesel::sql_types::Jsonb, diesel::sql_types::Text);
}

impl<Conn> RunQueryDsl<Conn> for LoadSession<'_> {}

impl QueryFragment<Pg> for LoadSession<'_> {
    /// The live session row, its idle expiry pushed forward (written at most once a minute per
    /// session), and the signed-in account with its memberships.
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        use diesel::sql_types::{Bytea, Timestamptz};
        static SIGNED_IN: OnceLock<String> = OnceLock::new();
        out.push_sql(
            "WITH live AS (SELECT key_hash, state, account_id, expires_at FROM sessions \
             WHERE key_hash = ",
        );
        out.push_bind_param::<Bytea, _>(&self.hash)?;
        out.push_sql(" AND expires_at > ");
        out.push_bind_param::<Timestamptz, _>(&self.now)?;
        out.push_sql(" AND absolute_expires_at > ");
        out.push_bind_param::<Timestamptz, _>(&self.now)?;
        out.push_sql("), extended AS (UPDATE sessions SET expires_at = ");
        out.push_bind_param::<Timestamptz, _>(&self.extended)?;
        out.push_sql(
            " FROM live WHERE sessions.key_hash = live.key_hash \
             AND live.expires_at < ",
        );
        out.push_bind_param::<Timestamptz, _>(&self.extended)?;
        out.push_sql(" - interval '60 seconds') SELECT live.state, coalesce(");
        out.push_sql(SIGNED_IN.get_or_init(|| signed_in_json("live.account_id")));
        out.push_sql("::text, 'null') FROM live");
        Ok(())
    }
}

/// One round trip per request: the session with the account it signs in, which is handed to
/// `Viewer` under [`SIGNED_IN_KEY`] and never stored.
fn load(conn: &mut PgConnection, hash: &[u8], idle: Duration) -> Result<Option<State>, StoreError> {
    let now = Utc::now();
    let row: Option<(serde_json::Value, String)> = LoadSession {
        hash,
        now,
        extended: now + idle,
    }
    .get_result(conn)
    .optional()?;
    let Some((state, signed_in)) = row else {
        return Ok(None);
    };
    let mut state: State = serde_json::from_value(state)?;
    state.insert(SIGNED_IN_KEY.to_string(), signed_in);
    Ok(Some(state))
}

/// What is written back: the session's own keys, without what [`load`] added.
fn stored(mut state: State) -> State {
    state.remove(SIGNED_IN_KEY);
    state
}

fn insert(
    conn: &mut PgConnection,
    state: &State,
    expires_at: DateTime<Utc>,
    lifetime: Duration,
) -> Result<String, StoreError> {
    let key = Alphanumeric.sample_string(&mut rand::thread_rng(), 64);
    diesel::insert_into(sessions::table)
        .values((
            sessions::key_hash.eq(key_hash(&key)),
            sessions::state.eq(serde_json::to_value(state)?),
            sessions::account_id.eq(account_of(state)),
            sessions::expires_at.eq(expires_at),
            sessions::absolute_expires_at.eq(Utc::now() + lifetime),
        ))
        .execute(conn)?;
    Ok(key)
}

fn new_session_key(key: String) -> Result<SessionKey, anyhow::Error> {
    SessionKey::try_from(key).map_err(anyhow::Error::from)
}

impl SessionStore for PgSessionStore {
    fn load(
        &self,
        session_key: &SessionKey,
    ) -> impl Future<Output = Result<Option<State>, LoadError>> {
        let db = self.db.clone();
        let hash = key_hash(session_key.as_ref());
        let idle = self.idle;
        async move {
            db.read(move |conn| load(conn, &hash, idle))
                .await
                .map_err(|e| LoadError::Other(e.into()))
        }
    }

    fn save(
        &self,
        session_state: State,
        ttl: &CookieDuration,
    ) -> impl Future<Output = Result<SessionKey, SaveError>> {
        let db = self.db.clone();
        let expires_at = expiry(ttl);
        let lifetime = self.lifetime;
        let session_state = stored(session_state);
        async move {
            let key = db
                .run(move |conn| insert(conn, &session_state, expires_at, lifetime))
                .await
                .map_err(|e| SaveError::Other(e.into()))?;
            new_session_key(key).map_err(SaveError::Other)
        }
    }

    fn update(
        &self,
        session_key: SessionKey,
        session_state: State,
        ttl: &CookieDuration,
    ) -> impl Future<Output = Result<SessionKey, UpdateError>> {
        let db = self.db.clone();
        let expires_at = expiry(ttl);
        let lifetime = self.lifetime;
        let session_state = stored(session_state);
        async move {
            let hash = key_hash(session_key.as_ref());
            let replaced = db
                .run(move |conn| -> Result<Option<String>, StoreError> {
                    let updated = diesel::update(
                        sessions::table
                            .filter(sessions::key_hash.eq(&hash))
                            .filter(sessions::expires_at.gt(Utc::now())),
                    )
                    .set((
                        sessions::state.eq(serde_json::to_value(&session_state)?),
                        sessions::account_id.eq(account_of(&session_state)),
                        sessions::expires_at.eq(expires_at),
                    ))
                    .execute(conn)?;
                    // A session that ended meanwhile is not revived under its old key.
                    if updated == 0 {
                        return insert(conn, &session_state, expires_at, lifetime).map(Some);
                    }
                    Ok(None)
                })
                .await
                .map_err(|e| UpdateError::Other(e.into()))?;
            match replaced {
                Some(key) => new_session_key(key).map_err(UpdateError::Other),
                None => Ok(session_key),
            }
        }
    }

    /// [`load`] already pushed the idle expiry forward in the same statement.
    fn update_ttl(
        &self,
        _session_key: &SessionKey,
        _ttl: &CookieDuration,
    ) -> impl Future<Output = Result<(), anyhow::Error>> {
        std::future::ready(Ok(()))
    }

    fn delete(&self, session_key: &SessionKey) -> impl Future<Output = Result<(), anyhow::Error>> {
        let db = self.db.clone();
        let hash = key_hash(session_key.as_ref());
        async move {
            db.run(move |conn| -> Result<(), StoreError> {
                diesel::delete(sessions::table.filter(sessions::key_hash.eq(&hash)))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .map_err(anyhow::Error::from)
        }
    }
}

/// Ends every session of an account (password change, suspension).
pub fn end_all_for_account(conn: &mut PgConnection, account_id: Uuid) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::account_id.eq(account_id))).execute(conn)
}

/// Removes sessions past their idle or absolute expiry.
pub fn purge_expired(conn: &mut PgConnection) -> QueryResult<usize> {
    let now = Utc::now();
    diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .lt(now)
                .or(sessions::absolute_expires_at.lt(now)),
        ),
    )
    .execute(conn)
}
