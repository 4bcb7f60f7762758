//! Stock locations: the list with what each holds, new, edit, archive, a location's page with
//! its stock and ledger, and the stock count form.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::items::{ArchiveForm, PageQuery};
use super::{ledger_page, refusal, set_archived};
use crate::auth::roles::Permission;
use crate::inventory::forms::{CountForm, LocationForm};
use crate::inventory::model::LocationType;
use crate::inventory::operations::{self, Archivable};
use crate::inventory::queries::{self, ledger::Of, LevelRow, Location};
use crate::inventory::views::{CountPage, LocationFormPage, LocationPage, LocationsPage};
use crate::orgs::OrgScope;
use crate::web::forms::{with_lines, FieldErrors};
use crate::web::{render, render_status, see_other, AppError};

pub async fn list(scope: OrgScope) -> Result<HttpResponse, AppError> {
    let rows = scope
        .read(|conn, _| Ok(queries::location_rows(conn)?))
        .await?;
    render(&LocationsPage {
        layout: scope.layout("Stock locations", "inventory"),
        slug: scope.slug().to_string(),
        rows,
        can_manage: scope.can(Permission::ManageInventory),
    })
}

async fn form_page(
    scope: &OrgScope,
    status: StatusCode,
    location_id: Option<Uuid>,
    form: LocationForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (contractors, members, sites) = scope
        .run(Permission::ManageInventory, |conn, ctx| {
            let contractors = crate::contractors::queries::options(conn)?
                .into_iter()
                .map(|(id, name, _)| (id, name))
                .collect();
            let sites = crate::sites::queries::options(conn)?
                .into_iter()
                .map(|(id, name, _)| (id, name))
                .collect();
            Ok((
                contractors,
                queries::member_options(conn, ctx.org.id)?,
                sites,
            ))
        })
        .await?;
    let title = if location_id.is_some() {
        "Edit location"
    } else {
        "New stock location"
    };
    render_status(
        status,
        &LocationFormPage {
            layout: scope.layout(title, "inventory"),
            slug: scope.slug().to_string(),
            location_id,
            form,
            errors,
            types: LocationType::ALL,
            contractors,
            members,
            sites,
        },
    )
}

pub async fn new_form(scope: OrgScope) -> Result<HttpResponse, AppError> {
    let form = LocationForm {
        location_type: "warehouse".into(),
        ..Default::default()
    };
    form_page(&scope, StatusCode::OK, None, form, FieldErrors::default()).await
}

pub async fn create(
    scope: OrgScope,
    form: web::Form<LocationForm>,
) -> Result<HttpResponse, AppError> {
    save(scope, None, form.into_inner()).await
}

pub async fn update(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<LocationForm>,
) -> Result<HttpResponse, AppError> {
    save(scope, Some(path.into_inner().1), form.into_inner()).await
}

async fn save(
    scope: OrgScope,
    id: Option<Uuid>,
    form: LocationForm,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageInventory)?;
    let submitted = form.clone();
    let saved = scope
        .run(Permission::ManageInventory, move |conn, ctx| {
            let values = form.validate().map_err(AppError::Rejected)?;
            Ok(match id {
                Some(id) => operations::update_location(conn, ctx.org.id, &ctx.actor, id, &values)?,
                None => operations::create_location(conn, ctx.org.id, &ctx.actor, &values)?,
            })
        })
        .await;
    match saved {
        Ok(location) => {
            scope
                .viewer
                .flash("success", format!("{} was saved.", location.name));
            Ok(see_other(format!(
                "/o/{}/inventory/locations/{}",
                scope.slug(),
                location.id
            )))
        }
        Err(AppError::Rejected(errors)) => {
            form_page(
                &scope,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
                submitted,
                errors,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn edit_form(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let location = scope
        .run(Permission::ManageInventory, move |conn, _| {
            Ok(queries::find_location(conn, id)?)
        })
        .await?;
    form_page(
        &scope,
        StatusCode::OK,
        Some(id),
        LocationForm::of(&location),
        FieldErrors::default(),
    )
    .await
}

pub async fn detail(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let slug = scope.slug().to_string();
    let path = format!("/o/{slug}/inventory/locations/{id}");
    let page_no = query.page;
    let (location, holder, levels, (movements, pagination)) = scope
        .read(move |conn, _| {
            let location = queries::find_location(conn, id)?;
            let holder = queries::holder_of(conn, &location)?;
            Ok((
                location,
                holder,
                queries::levels_of(conn, Of::Location(id))?,
                ledger_page(conn, Of::Location(id), &path, page_no)?,
            ))
        })
        .await?;
    render(&LocationPage {
        layout: scope.layout(location.name.clone(), "inventory"),
        zone: scope.viewer.zone(Some(&slug)),
        slug,
        location,
        holder,
        levels,
        movements,
        pagination,
        can_manage: scope.can(Permission::ManageInventory),
    })
}

pub async fn archive(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<ArchiveForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let back = format!("/o/{}/inventory/locations/{id}", scope.slug());
    let done = ["The location is back in use.", "The location was archived."];
    set_archived(&scope, Archivable::Location(id), form.archive(), done, back).await
}

async fn count_page(
    scope: &OrgScope,
    status: StatusCode,
    id: Uuid,
    form: CountForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (location, levels): (Location, Vec<LevelRow>) = scope
        .run(Permission::ManageInventory, move |conn, _| {
            Ok((
                queries::find_location(conn, id)?,
                queries::levels_of(conn, Of::Location(id))?,
            ))
        })
        .await?;
    render_status(
        status,
        &CountPage {
            layout: scope.layout(format!("Count {}", location.name), "inventory"),
            slug: scope.slug().to_string(),
            location,
            levels,
            form,
            errors,
        },
    )
}

pub async fn count_form(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    count_page(
        &scope,
        StatusCode::OK,
        path.into_inner().1,
        CountForm::default(),
        FieldErrors::default(),
    )
    .await
}

pub async fn count(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form: CountForm = with_lines(form.into_inner(), &["item_id", "counted"]);
    let submitted = form.clone();
    let posted = scope
        .run(Permission::ManageInventory, move |conn, ctx| {
            let count = form.validate().map_err(AppError::Rejected)?;
            Ok(operations::count(conn, &ctx.org, &ctx.actor, id, &count)?)
        })
        .await;
    match posted {
        Ok(differences) => {
            let message = if differences.is_empty() {
                "Counted: everything was where the books said.".to_string()
            } else {
                let list: Vec<String> = differences
                    .iter()
                    .map(|(part, d)| format!("{part} {}", crate::inventory::views::signed(d)))
                    .collect();
                format!("Counted. Differences posted: {}.", list.join(", "))
            };
            scope.viewer.flash("success", message);
            Ok(see_other(format!(
                "/o/{}/inventory/locations/{id}",
                scope.slug()
            )))
        }
        Err(e) => match refusal(e) {
            Ok((status, errors)) => count_page(&scope, status, id, submitted, errors).await,
            Err(e) => Err(e),
        },
    }
}
