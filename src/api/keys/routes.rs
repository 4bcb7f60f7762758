//! `/o/{slug}/settings/api-keys`: owners and admins make, list and revoke API keys.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use uuid::Uuid;

use super::operations::{self, KeyForm, DEFAULT_HOURLY_LIMIT};
use super::queries::{self, ApiKey};
use crate::api::scopes::Scope;
use crate::auth::roles::Permission;
use crate::orgs::OrgScope;
use crate::web::forms::{with_lines, FieldErrors};
use crate::web::local_time::filters;
use crate::web::{render_status, see_other, AppError, Layout};
use crate::AppState;

#[derive(Template)]
#[template(path = "api/keys.html")]
struct KeysPage {
    layout: Layout,
    slug: String,
    keys: Vec<ApiKey>,
    form: KeyForm,
    errors: FieldErrors,
    scopes: [Scope; 11],
    /// The key just made, shown this once.
    created: Option<(String, String)>,
    revoked: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
}

impl KeysPage {
    fn new(scope: &OrgScope, keys: Vec<ApiKey>) -> KeysPage {
        KeysPage {
            layout: scope.layout("API keys", "settings"),
            slug: scope.slug().to_string(),
            keys,
            form: KeyForm {
                rate_limit_per_hour: DEFAULT_HOURLY_LIMIT.to_string(),
                ..KeyForm::default()
            },
            errors: FieldErrors::default(),
            scopes: Scope::ALL,
            created: None,
            revoked: None,
            now: chrono::Utc::now(),
        }
    }
}

async fn list(scope: &OrgScope) -> Result<Vec<ApiKey>, AppError> {
    scope
        .run(Permission::ManageSettings, |conn, ctx| {
            Ok(queries::for_organization(conn, ctx.org.id)?)
        })
        .await
}

#[derive(serde::Deserialize)]
pub struct Shown {
    revoked: Option<String>,
}

pub async fn show(scope: OrgScope, query: web::Query<Shown>) -> Result<HttpResponse, AppError> {
    let mut page = KeysPage::new(&scope, list(&scope).await?);
    page.revoked = query.into_inner().revoked.filter(|p| p.len() <= 16);
    render_status(StatusCode::OK, &page)
}

pub async fn create(
    scope: OrgScope,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let form: KeyForm = with_lines(form.into_inner(), &["scopes"]);
    let zone = scope.viewer.zone(Some(scope.slug()));
    let typed = form.clone();
    let made = scope
        .run(Permission::ManageSettings, move |conn, ctx| {
            operations::create(conn, ctx, &typed, &zone)
        })
        .await;
    match made {
        Ok((key, full)) => {
            let mut page = KeysPage::new(&scope, list(&scope).await?);
            page.created = Some((key.name, full));
            render_status(StatusCode::CREATED, &page)
        }
        Err(AppError::Rejected(errors)) => {
            let mut page = KeysPage::new(&scope, list(&scope).await?);
            page.form = form;
            page.errors = errors;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

pub async fn revoke(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (_, id) = path.into_inner();
    let key = scope
        .run(Permission::ManageSettings, move |conn, ctx| {
            operations::revoke(conn, ctx, id)
        })
        .await?;
    state.api_keys.forget();
    Ok(see_other(format!(
        "/o/{}/settings/api-keys?revoked={}",
        scope.slug(),
        key.key_prefix
    )))
}
