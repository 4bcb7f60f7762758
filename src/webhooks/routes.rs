//! `/o/{slug}/settings/webhooks`: the subscriptions, each one's page with its secret and
//! delivery log, and the actions on them. Owners and admins (`ManageSettings`) only.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use super::events::Event;
use super::forms::SubscriptionForm;
use super::views::{DeletePage, DetailPage, FormPage, ListPage};
use super::{operations, queries, secret};
use crate::auth::roles::Permission;
use crate::orgs::OrgScope;
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::{render, render_status, see_other, AppError};
use crate::AppState;

const PER_PAGE: i64 = 25;
const SECTION: &str = "settings";

fn list_path(scope: &OrgScope) -> String {
    format!("/o/{}/settings/webhooks", scope.slug())
}

fn detail_path(scope: &OrgScope, id: Uuid) -> String {
    format!("{}/{id}", list_path(scope))
}

pub async fn list(scope: OrgScope) -> Result<HttpResponse, AppError> {
    let subscriptions = scope
        .run(Permission::ManageSettings, |conn, _| {
            Ok(queries::list_subscriptions(conn)?)
        })
        .await?;
    render(&ListPage {
        layout: scope.layout("Webhooks", SECTION),
        slug: scope.slug().to_string(),
        subscriptions,
    })
}

fn form_page(
    scope: &OrgScope,
    status: StatusCode,
    subscription_id: Option<Uuid>,
    form: SubscriptionForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let title = match subscription_id {
        Some(_) => "Edit webhook",
        None => "New webhook",
    };
    render_status(
        status,
        &FormPage {
            layout: scope.layout(title, SECTION),
            slug: scope.slug().to_string(),
            subscription_id,
            form,
            errors,
            events: Event::ALL,
        },
    )
}

pub async fn new_form(scope: OrgScope) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageSettings)?;
    form_page(
        &scope,
        StatusCode::OK,
        None,
        SubscriptionForm::blank(),
        FieldErrors::default(),
    )
}

/// Saves the form (a new subscription when `id` is `None`); shows it again with 422 and what
/// was typed when refused.
async fn save(
    state: web::Data<AppState>,
    scope: OrgScope,
    id: Option<Uuid>,
    form: SubscriptionForm,
) -> Result<HttpResponse, AppError> {
    let config = state.config.clone();
    let submitted = form.clone();
    let saved = scope
        .run(Permission::ManageSettings, move |conn, ctx| match id {
            Some(id) => operations::update(conn, ctx, &config, id, &submitted),
            None => operations::create(conn, ctx, &config, &submitted),
        })
        .await;
    match saved {
        Ok(subscription) => {
            let message = match id {
                Some(_) => "Webhook saved.",
                None => "Webhook added. Its signing secret is below: give it to the receiving end.",
            };
            scope.viewer.flash("success", message);
            Ok(see_other(detail_path(&scope, subscription.id)))
        }
        Err(AppError::Rejected(errors)) => {
            form_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, id, form, errors)
        }
        Err(e) => Err(e),
    }
}

pub async fn create(
    state: web::Data<AppState>,
    scope: OrgScope,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    save(
        state,
        scope,
        None,
        SubscriptionForm::from_pairs(form.into_inner()),
    )
    .await
}

pub async fn update(
    state: web::Data<AppState>,
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    save(
        state,
        scope,
        Some(id),
        SubscriptionForm::from_pairs(form.into_inner()),
    )
    .await
}

pub async fn edit_form(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let subscription = scope
        .run(Permission::ManageSettings, move |conn, _| {
            Ok(queries::find_subscription(conn, id)?)
        })
        .await?;
    form_page(
        &scope,
        StatusCode::OK,
        Some(id),
        SubscriptionForm::of(&subscription),
        FieldErrors::default(),
    )
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub page: Option<i64>,
}

pub async fn detail(
    state: web::Data<AppState>,
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let path = detail_path(&scope, id);
    let page = query.page;
    let (subscription, deliveries, pagination) = scope
        .run(Permission::ManageSettings, move |conn, _| {
            let subscription = queries::find_subscription(conn, id)?;
            let total = queries::delivery_count(conn, id)?;
            let pagination = Pagination::new(&path, page, PER_PAGE, total);
            let deliveries = queries::deliveries(conn, id, PER_PAGE, pagination.offset())?;
            Ok((subscription, deliveries, pagination))
        })
        .await?;
    let secret = secret::open(&state.config.secret_key, &subscription.secret_encrypted);
    render(&DetailPage {
        layout: scope.layout("Webhook", SECTION),
        slug: scope.slug().to_string(),
        subscription,
        secret,
        deliveries,
        pagination,
    })
}

pub async fn rotate_secret(
    state: web::Data<AppState>,
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let config = state.config.clone();
    scope
        .run(Permission::ManageSettings, move |conn, ctx| {
            operations::rotate_secret(conn, ctx, &config, id)
        })
        .await?;
    scope.viewer.flash(
        "success",
        "A new signing secret was made. Give it to the receiving end now.",
    );
    Ok(see_other(detail_path(&scope, id)))
}

pub async fn ping(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    scope
        .run(Permission::ManageSettings, move |conn, ctx| {
            operations::ping(conn, ctx, id)
        })
        .await?;
    scope.viewer.flash(
        "success",
        "A test event is on its way; its delivery shows below.",
    );
    Ok(see_other(detail_path(&scope, id)))
}

pub async fn redeliver(
    scope: OrgScope,
    path: web::Path<(String, Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (_, id, delivery) = path.into_inner();
    scope
        .run(Permission::ManageSettings, move |conn, ctx| {
            operations::redeliver(conn, ctx, id, delivery)
        })
        .await?;
    scope
        .viewer
        .flash("success", "The delivery will be sent again shortly.");
    Ok(see_other(detail_path(&scope, id)))
}

pub async fn delete_page(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let subscription = scope
        .run(Permission::ManageSettings, move |conn, _| {
            Ok(queries::find_subscription(conn, id)?)
        })
        .await?;
    render(&DeletePage {
        layout: scope.layout("Delete webhook", SECTION),
        slug: scope.slug().to_string(),
        subscription,
    })
}

pub async fn delete(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let url = scope
        .run(Permission::ManageSettings, move |conn, ctx| {
            operations::delete(conn, ctx, id)
        })
        .await?;
    scope
        .viewer
        .flash("success", format!("The webhook to {url} was deleted."));
    Ok(see_other(list_path(&scope)))
}
