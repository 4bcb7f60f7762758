//! `Viewer`: who is asking. Read from the session once per request (and cached), it carries the
//! signed-in account with its memberships, the CSRF token and the request's origin details.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_session::{Session, SessionExt};
use actix_web::{dev::Payload, web, FromRequest, HttpMessage, HttpRequest};
use diesel::RunQueryDsl;
use rand::distributions::{Alphanumeric, DistString};
use serde::Deserialize;
use uuid::Uuid;

use super::accounts::Account;
use super::session_store::{ACCOUNT_KEY, GENERATION_KEY};
use crate::members::queries::MembershipSummary;
use crate::web::layout::{AccountNav, Flash, Layout, OrgNav};
use crate::web::local_time;
use crate::web::request_meta::RequestMeta;
use crate::web::AppError;
use crate::AppState;

const CSRF_KEY: &str = "csrf";
const FLASH_KEY: &str = "flash";

/// A signed-in account, as loaded for this request.
#[derive(Debug, Clone, Deserialize)]
pub struct SignedIn {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub timezone: String,
    /// The address was confirmed (by its link, or an invitation that reached it).
    #[serde(default)]
    pub email_verified: bool,
    pub is_platform_admin: bool,
    pub memberships: Vec<MembershipSummary>,
    /// Notifications not read yet, for the header's bell (loaded with the session, so the
    /// count costs a page no query).
    #[serde(default)]
    pub unread_notifications: i64,
    /// Conversations with messages not seen yet, for the header (loaded the same way).
    #[serde(default)]
    pub unread_conversations: i64,
}

impl SignedIn {
    pub fn membership(&self, slug: &str) -> Option<&MembershipSummary> {
        self.memberships.iter().find(|m| m.org.slug == slug)
    }
}

#[derive(Clone)]
pub struct Viewer {
    pub account: Option<Arc<SignedIn>>,
    pub meta: RequestMeta,
    /// Path and query of this request, to come back to after signing in.
    pub here: String,
    session: Session,
}

impl FromRequest for Viewer {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if let Some(viewer) = req.extensions().get::<Viewer>() {
                return Ok(viewer.clone());
            }
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::unexpected("application state missing"))?
                .clone();
            let session = req.get_session();
            let account_id = session.get::<Uuid>(ACCOUNT_KEY).ok().flatten();
            let generation = session.get::<i32>(GENERATION_KEY).ok().flatten();
            let account = match (account_id, generation) {
                (Some(id), Some(generation)) => {
                    let record = match preloaded(&session) {
                        Ok(record) => record,
                        Err(()) => state.db.read(move |conn| load_signed_in(conn, id)).await?,
                    };
                    let loaded = record.and_then(|r| r.into_signed_in(id, generation));
                    if loaded.is_none() {
                        // Suspended, deleted, or signed in before a password change.
                        session.purge();
                    }
                    loaded.map(Arc::new)
                }
                _ => None,
            };
            let viewer = Viewer {
                account,
                meta: RequestMeta::from_request(&req, &state.config.trusted_proxies),
                here: req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_else(|| "/".into()),
                session,
            };
            req.extensions_mut().insert(viewer.clone());
            Ok(viewer)
        })
    }
}

/// Where the session store puts the account it loaded with the session row (see
/// [`signed_in_json`]); never written back to the row.
pub const SIGNED_IN_KEY: &str = "_signed_in";

/// An SQL expression giving the active account `account` (an SQL expression for its id) with
/// its memberships as one JSON object, or NULL. PostgreSQL builds it so that knowing who is
/// asking costs no round trip of its own: the session store selects it with the session row.
pub fn signed_in_json(account: &str) -> String {
    format!(
        "(SELECT json_build_object(\
           'id', a.id, 'email', a.email, 'display_name', a.display_name, \
           'timezone', a.timezone, 'is_platform_admin', a.is_platform_admin, \
           'email_verified', a.email_verified_at IS NOT NULL, \
           'session_generation', a.session_generation, \
           'unread_notifications', (SELECT count(*) FROM notifications n \
             WHERE n.account_id = a.id AND n.read_at IS NULL), \
           'unread_conversations', {}, \
           'memberships', coalesce((SELECT json_agg(json_build_object(\
               'org', json_build_object('id', o.id, 'slug', o.slug, 'name', o.name, \
                 'schema_name', o.schema_name, 'role_name', o.role_name), \
               'role', m.role, 'suspended', o.suspended_at IS NOT NULL, 'tenant_id', m.tenant_id, \
               'timezone', o.settings->>'timezone') \
             ORDER BY o.name) \
             FROM memberships m JOIN organizations o ON o.id = m.organization_id \
             WHERE m.account_id = a.id AND o.deleted_at IS NULL), '[]'::json)) \
         FROM accounts a WHERE a.id = {account} AND a.is_active)",
        crate::conversations::queries::unread_count_sql("a.id"),
    )
}

/// [`signed_in_json`] as read: the account, and the session generation it is at.
#[derive(Deserialize)]
struct SignedInRecord {
    session_generation: i32,
    #[serde(flatten)]
    account: SignedIn,
}

impl SignedInRecord {
    /// The account, if it is the one the session names and the session is of its current
    /// generation (a password change or suspension ends older sessions).
    fn into_signed_in(self, id: Uuid, generation: i32) -> Option<SignedIn> {
        (self.account.id == id && self.session_generation == generation).then_some(self.account)
    }
}

/// The account as the session store loaded it; `None` inside when there is no active account.
/// `Err` when the store did not load it (the session was started during this request).
fn preloaded(session: &Session) -> Result<Option<SignedInRecord>, ()> {
    match session.get::<Option<SignedInRecord>>(SIGNED_IN_KEY) {
        Ok(Some(record)) => Ok(record),
        _ => Err(()),
    }
}

fn load_signed_in(
    conn: &mut diesel::PgConnection,
    id: Uuid,
) -> Result<Option<SignedInRecord>, AppError> {
    let row: crate::db::TextRow = diesel::sql_query(format!(
        "SELECT coalesce({}::text, 'null') AS value",
        signed_in_json("$1")
    ))
    .bind::<diesel::sql_types::Uuid, _>(id)
    .get_result(conn)?;
    serde_json::from_str(&row.value).map_err(AppError::internal)
}

impl Viewer {
    pub fn signed_in(&self) -> Option<&SignedIn> {
        self.account.as_deref()
    }

    /// The signed-in account, or a trip to the sign-in page that comes back here.
    pub fn require_account(&self) -> Result<&SignedIn, AppError> {
        self.signed_in().ok_or_else(|| AppError::SignInRequired {
            next: self.here.clone(),
        })
    }

    pub fn require_platform_admin(&self) -> Result<&SignedIn, AppError> {
        let account = self.require_account()?;
        if account.is_platform_admin {
            Ok(account)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// This session's CSRF token, created on first use.
    pub fn csrf_token(&self) -> String {
        if let Ok(Some(token)) = self.session.get::<String>(CSRF_KEY) {
            return token;
        }
        let token = Alphanumeric.sample_string(&mut rand::thread_rng(), 43);
        let _ = self.session.insert(CSRF_KEY, &token);
        token
    }

    /// Starts a signed-in session under a new key (so a key planted before sign-in is useless)
    /// with a fresh CSRF token.
    pub fn sign_in(&self, account: &Account) -> Result<(), AppError> {
        self.session.renew();
        self.session.clear();
        let set = |key: &str, value: String| {
            self.session
                .insert(key, value)
                .map_err(|e| AppError::unexpected(format!("session: {e}")))
        };
        set(ACCOUNT_KEY, account.id.to_string())?;
        self.session
            .insert(GENERATION_KEY, account.session_generation)
            .map_err(|e| AppError::unexpected(format!("session: {e}")))?;
        set(
            CSRF_KEY,
            Alphanumeric.sample_string(&mut rand::thread_rng(), 43),
        )?;
        Ok(())
    }

    /// Keeps this session valid after the account's generation moved on (password change).
    pub fn adopt_generation(&self, generation: i32) -> Result<(), AppError> {
        self.session.renew();
        self.session
            .insert(GENERATION_KEY, generation)
            .map_err(|e| AppError::unexpected(format!("session: {e}")))
    }

    pub fn sign_out(&self) {
        self.session.purge();
    }

    /// A message shown once, on the next page.
    pub fn flash(&self, kind: &'static str, message: impl Into<String>) {
        let mut flashes: Vec<Flash> = self
            .session
            .get(FLASH_KEY)
            .ok()
            .flatten()
            .unwrap_or_default();
        flashes.push(Flash {
            kind: kind.to_string(),
            message: message.into(),
        });
        let _ = self.session.insert(FLASH_KEY, flashes);
    }

    fn take_flashes(&self) -> Vec<Flash> {
        // Removing a key marks the session changed, and a changed session is written back to
        // its row at the end of the request: only remove when there is something to take.
        if !self.session.contains_key(FLASH_KEY) {
            return Vec::new();
        }
        self.session
            .remove_as::<Vec<Flash>>(FLASH_KEY)
            .and_then(Result::ok)
            .unwrap_or_default()
    }

    /// The page frame for this viewer: account menu, organization switcher, CSRF token, and
    /// any flash messages (taken, so they show once). An anonymous visitor gets a CSRF token
    /// (and so a stored session) only on pages with a form: see [`Viewer::form_layout`].
    pub fn layout(&self, title: impl Into<String>) -> Layout {
        let mut layout = Layout::new(title);
        layout.flashes = self.take_flashes();
        layout.csrf_token = if self.account.is_some() {
            Some(self.csrf_token())
        } else {
            self.session.get::<String>(CSRF_KEY).ok().flatten()
        };
        if let Some(account) = self.signed_in() {
            layout.zone = self.zone(None);
            layout.account = Some(AccountNav {
                display_name: account.display_name.clone(),
                is_platform_admin: account.is_platform_admin,
                unread: account.unread_notifications,
                unread_messages: account.unread_conversations,
            });
            layout.orgs = account
                .memberships
                .iter()
                .map(|m| OrgNav {
                    name: m.org.name.clone(),
                    slug: m.org.slug.clone(),
                    role: m.role,
                })
                .collect();
        }
        layout
    }

    /// The frame of a page with a form, for anonymous visitors too.
    pub fn form_layout(&self, title: impl Into<String>) -> Layout {
        let mut layout = self.layout(title);
        layout.csrf_token = Some(self.csrf_token());
        layout
    }

    /// The zone times read in where no site names one: inside organization `slug` its own
    /// zone, else the signed-in person's, else UTC (which the times then say).
    pub fn zone(&self, slug: Option<&str>) -> chrono_tz::Tz {
        let Some(account) = self.signed_in() else {
            return chrono_tz::UTC;
        };
        slug.and_then(|slug| account.membership(slug))
            .and_then(|m| m.timezone.as_deref())
            .and_then(local_time::known_zone)
            .or_else(|| local_time::known_zone(&account.timezone))
            .unwrap_or(local_time::FALLBACK)
    }

    /// The frame of a page inside an organization.
    pub fn org_layout(
        &self,
        title: impl Into<String>,
        slug: &str,
        section: &'static str,
    ) -> Layout {
        let mut layout = self.layout(title).section(section);
        layout.org = layout.orgs.iter().find(|o| o.slug == slug).cloned();
        layout.zone = self.zone(Some(slug));
        layout
    }
}
