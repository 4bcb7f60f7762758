//! Category administration, for platform admins: creating and editing categories, their
//! order and their moderators.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::PgConnection;
use uuid::Uuid;

use crate::auth::identity::Viewer;
use crate::forum::access::Access;
use crate::forum::forms::{CategoryForm, ModeratorForm, ReorderForm, COLOURS, ICONS};
use crate::forum::model::Category;
use crate::forum::operations::categories as operations;
use crate::forum::operations::ForumError;
use crate::forum::queries::categories::{self, Moderator};
use crate::forum::views::CategoryFormPage;
use crate::forum::{Scope, Visibility};
use crate::web::forms::FieldErrors;
use crate::web::{render, render_status, see_other, AppError};
use crate::AppState;

fn category_form_page(
    viewer: &Viewer,
    editing: Option<Uuid>,
    form: CategoryForm,
    errors: FieldErrors,
    parents: Vec<Category>,
    moderators: Vec<Moderator>,
) -> CategoryFormPage {
    CategoryFormPage {
        layout: viewer
            .layout(if editing.is_some() {
                "Edit category"
            } else {
                "New category"
            })
            .section("forum"),
        editing,
        form,
        errors,
        parents,
        moderators,
        scopes: Scope::ALL,
        visibilities: Visibility::ALL,
        colours: COLOURS,
        icons: ICONS,
    }
}

/// Runs an admin's work with their rights (no moderated categories needed: admins moderate
/// everything).
async fn as_admin<T, F>(state: &AppState, viewer: &Viewer, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut PgConnection, &Access) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let access = Access::of(Some(viewer.require_platform_admin()?));
    state.db.run(move |conn| work(conn, &access)).await
}

pub async fn new_category(
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let all = as_admin(&state, &viewer, |conn, _| {
        Ok(categories::all_categories(conn)?)
    })
    .await?;
    let form = CategoryForm {
        icon: "chat".into(),
        colour: "blue".into(),
        scope: Scope::Global.as_str().into(),
        visibility: Visibility::Public.as_str().into(),
        is_active: Some("on".into()),
        display_order: "100".into(),
        ..Default::default()
    };
    render(&category_form_page(
        &viewer,
        None,
        form,
        FieldErrors::default(),
        categories::possible_parents(&all, None),
        Vec::new(),
    ))
}

fn form_of(category: &Category, organization_slug: Option<String>) -> CategoryForm {
    let flag = |on: bool| on.then(|| "on".to_string());
    CategoryForm {
        name: category.name.clone(),
        slug: category.slug.clone(),
        description: category.description.clone(),
        parent_id: category
            .parent_id
            .map(|p| p.to_string())
            .unwrap_or_default(),
        icon: category.icon.clone(),
        colour: category.colour.clone(),
        scope: category.scope.as_str().into(),
        scope_value: category.scope_value.clone().unwrap_or_default(),
        organization: organization_slug.unwrap_or_default(),
        visibility: category.visibility.as_str().into(),
        display_order: category.display_order.to_string(),
        is_active: flag(category.is_active),
        requires_moderation: flag(category.requires_moderation),
        allow_anonymous: flag(category.allow_anonymous),
    }
}

pub async fn edit_category(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (all, category, organization, moderators) = as_admin(&state, &viewer, move |conn, _| {
        let all = categories::all_categories(conn)?;
        let category = all
            .iter()
            .find(|c| c.id == id)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let organization = match category.organization_id {
            Some(org) => Some(categories::organization_slug(conn, org)?),
            None => None,
        };
        let moderators = categories::moderators(conn, id)?;
        Ok((all, category, organization, moderators))
    })
    .await?;
    render(&category_form_page(
        &viewer,
        Some(id),
        form_of(&category, organization),
        FieldErrors::default(),
        categories::possible_parents(&all, Some(id)),
        moderators,
    ))
}

/// Creates (`id` = None) or updates a category.
async fn save_category(
    viewer: Viewer,
    state: web::Data<AppState>,
    id: Option<Uuid>,
    form: CategoryForm,
) -> Result<HttpResponse, AppError> {
    let submitted = form.clone();
    let outcome = as_admin(
        &state,
        &viewer,
        move |conn, access| match operations::save_category(conn, access, id, &submitted) {
            Ok(saved) => Ok(Ok(saved)),
            Err(ForumError::Invalid(errors)) => {
                let all = categories::all_categories(conn)?;
                let moderators = match id {
                    Some(id) => categories::moderators(conn, id)?,
                    None => Vec::new(),
                };
                Ok(Err((
                    errors,
                    categories::possible_parents(&all, id),
                    moderators,
                )))
            }
            Err(other) => Err(other.into()),
        },
    )
    .await?;
    match outcome {
        Ok(saved) => {
            viewer.flash("success", "The category is saved.");
            Ok(see_other(format!("/forum/c/{}", saved.slug)))
        }
        Err((errors, possible_parents, moderators)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &category_form_page(&viewer, id, form, errors, possible_parents, moderators),
        ),
    }
}

pub async fn create_category(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<CategoryForm>,
) -> Result<HttpResponse, AppError> {
    save_category(viewer, state, None, form.into_inner()).await
}

pub async fn update_category(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<CategoryForm>,
) -> Result<HttpResponse, AppError> {
    save_category(viewer, state, Some(path.into_inner()), form.into_inner()).await
}

pub async fn reorder_category(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<ReorderForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let up = form.direction == "up";
    as_admin(&state, &viewer, move |conn, access| {
        Ok(operations::reorder_category(conn, access, id, up)?)
    })
    .await?;
    Ok(see_other("/forum"))
}

pub async fn add_moderator(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<ModeratorForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let email = form.into_inner().email;
    let added = as_admin(&state, &viewer, move |conn, access| {
        Ok(operations::add_moderator(conn, access, id, &email)?)
    })
    .await?;
    if added {
        viewer.flash("success", "The moderator was added.");
    } else {
        viewer.flash("error", "There is no account with that email.");
    }
    Ok(see_other(format!("/forum/categories/{id}/edit")))
}

pub async fn remove_moderator(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, account_id) = path.into_inner();
    as_admin(&state, &viewer, move |conn, access| {
        Ok(operations::remove_moderator(conn, access, id, account_id)?)
    })
    .await?;
    viewer.flash("success", "The moderator was removed.");
    Ok(see_other(format!("/forum/categories/{id}/edit")))
}
