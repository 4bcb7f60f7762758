//! `OrgScope`: the extractor every `/o/{slug}/…` handler takes to reach organization data.
//!
//! Extracting it refuses malformed slugs, anonymous visitors (sign in first) and non-members
//! (404: an organization's existence is not revealed). [`OrgScope::run`] then checks the
//! permission the handler names and is the only way a handler gets a connection pointed at an
//! organization's schema.

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use diesel::PgConnection;
use uuid::Uuid;

use super::door;
use super::handle::OrgHandle;
use super::naming::Slug;
use crate::auth::identity::Viewer;
use crate::auth::roles::{Permission, Role};
use crate::db::Db;
use crate::web::choices::Choices;
use crate::web::request_meta::RequestMeta;
use crate::web::{AppError, Layout};
use crate::AppState;

/// Who is acting, for the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub meta: RequestMeta,
    /// `user` for a person (or the product acting on its own), `api` for an API key.
    pub actor_type: &'static str,
}

impl Actor {
    /// The one way to name who acts: the account (the nil id for work no account does, such
    /// as the public report form) and the request it came with.
    pub fn new(
        account_id: Uuid,
        email: impl Into<String>,
        display_name: impl Into<String>,
        meta: RequestMeta,
    ) -> Actor {
        Actor {
            account_id,
            email: email.into(),
            display_name: display_name.into(),
            meta,
            actor_type: "user",
        }
    }

    /// An API key acting as its organization: no account, named by its prefix and name.
    pub fn api_key(prefix: &str, name: &str, meta: RequestMeta) -> Actor {
        Actor {
            account_id: Uuid::nil(),
            email: prefix.to_string(),
            display_name: format!("API key “{name}”"),
            meta,
            actor_type: "api",
        }
    }
}

/// What a handler's database work knows about where and as whom it runs.
#[derive(Debug, Clone)]
pub struct OrgCtx {
    pub org: OrgHandle,
    pub role: Role,
    /// For a tenant member: their row in the organization's `tenants`.
    pub tenant_id: Option<Uuid>,
    pub actor: Actor,
    /// This organization's filter choices, kept for a short while.
    pub choices: Choices,
}

pub struct OrgScope {
    pub viewer: Viewer,
    ctx: OrgCtx,
    db: Db,
}

impl FromRequest for OrgScope {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let viewer = Viewer::from_request(&req, payload);
        Box::pin(async move {
            let raw = req.match_info().get("slug").unwrap_or_default();
            let slug = Slug::parse(raw).map_err(|_| AppError::NotFound)?;
            let viewer = viewer.await?;
            let account = viewer.require_account()?;
            let membership = account
                .membership(slug.as_str())
                .cloned()
                .ok_or(AppError::NotFound)?;
            if membership.suspended {
                return Err(AppError::Suspended);
            }
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::unexpected("application state missing"))?;
            let db = state.db.clone();
            let choices = Choices::new(state.choices.clone(), &membership.org.schema_name);
            let ctx = OrgCtx {
                choices,
                role: membership.role,
                tenant_id: membership.tenant_id,
                org: membership.org,
                actor: Actor::new(
                    account.id,
                    &account.email,
                    &account.display_name,
                    viewer.meta.clone(),
                ),
            };
            Ok(OrgScope { viewer, ctx, db })
        })
    }
}

impl OrgScope {
    pub fn slug(&self) -> &str {
        &self.ctx.org.slug
    }

    pub fn role(&self) -> Role {
        self.ctx.role
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.ctx.role.can(permission)
    }

    /// For a tenant member: their tenants row.
    pub fn tenant_id(&self) -> Option<Uuid> {
        self.ctx.tenant_id
    }

    /// Refuses with the 403 page unless the member's role grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "Your role ({}) does not allow this. Ask an administrator of {} if you need it.",
                self.ctx.role.label(),
                self.ctx.org.name
            )))
        }
    }

    /// The page frame for this organization's pages.
    pub fn layout(&self, title: impl Into<String>, section: &'static str) -> Layout {
        self.viewer.org_layout(title, self.slug(), section)
    }

    /// Checks `permission`, then runs `work` in one transaction inside the organization
    /// (its schema first on the search_path, its role assumed).
    pub async fn run<T, F>(&self, permission: Permission, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut PgConnection, &OrgCtx) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.require(permission)?;
        let ctx = self.ctx.clone();
        let outcome = self
            .db
            .run_pooled(move |conn| door::enter(conn, &ctx.org, |conn| work(conn, &ctx)))
            .await;
        if permission != Permission::View {
            // It may have changed a site, a lift or a contractor that a filter offers.
            self.ctx.choices.forget();
        }
        outcome
    }

    /// [`OrgScope::run`] for work that only reads what the member may view: it may run twice,
    /// so a connection found dead under it is replaced and the page still answers.
    pub async fn read<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: Fn(&mut PgConnection, &OrgCtx) -> Result<T, AppError> + Send + Sync + 'static,
        T: Send + 'static,
    {
        self.require(Permission::View)?;
        let ctx = self.ctx.clone();
        self.db
            .read_pooled(move |conn| door::enter(conn, &ctx.org, |conn| work(conn, &ctx)))
            .await
    }
}
