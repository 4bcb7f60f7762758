//! The catalogue: the list with search, filters and CSV export; an item's page with its stock
//! by location, photos and ledger; new, edit, archive and per-location thresholds.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use super::{ledger_page, set_archived, PER_PAGE};
use crate::attachments::views::Gallery;
use crate::auth::roles::Permission;
use crate::inventory::forms::{ItemForm, ItemListQuery};
use crate::inventory::operations::{self, surplus, Archivable};
use crate::inventory::queries::{self, ledger::Of, listing};
use crate::inventory::views::{CataloguePage, CatalogueResults, ItemFormPage, ItemPage};
use crate::orgs::OrgScope;
use crate::web::forms::{whole, FieldErrors};
use crate::web::pagination::Pagination;
use crate::web::{csv_response, render, render_status, see_other, AppError, Htmx};

pub async fn list(
    scope: OrgScope,
    htmx: Htmx,
    query: web::Query<ItemListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let path = format!("/o/{}/inventory", scope.slug());
    let fragment = htmx.is_fragment();
    let (rows, pagination, page) = {
        let query = query.clone();
        scope
            .read(move |conn, ctx| {
                let page = query.page.unwrap_or(1).max(1);
                let rows = listing::page(conn, &query, (page - 1) * PER_PAGE, PER_PAGE)?;
                let total = rows.first().map_or(0, |r| r.total);
                let pagination =
                    Pagination::new(&path, query.page, PER_PAGE, total).keeping(&query);
                if fragment {
                    return Ok((rows, pagination, None));
                }
                // The figures and filter choices read the whole catalogue: kept for a short
                // while (any change through the pages forgets them).
                let (summary, by_location) = ctx.choices.get("inventory valuation", || {
                    Ok::<_, AppError>((listing::summary(conn)?, queries::location_rows(conn)?))
                })?;
                let facets = ctx
                    .choices
                    .get("inventory facets", || listing::facets(conn))?;
                let extras = (
                    summary,
                    by_location,
                    surplus::purchases_to_receive(conn, ctx.org.id)?,
                    facets,
                    queries::location_options(conn)?,
                    queries::vans_of(conn, ctx.actor.account_id)?,
                );
                Ok((rows, pagination, Some(extras)))
            })
            .await?
    };
    let slug = scope.slug().to_string();
    let Some((summary, by_location, purchases, facets, locations, my_vans)) = page else {
        return render(&CatalogueResults {
            slug,
            query,
            rows,
            pagination,
        });
    };
    let export_href = format!(
        "/o/{slug}/inventory/export.csv?{}",
        serde_urlencoded::to_string(&query).unwrap_or_default()
    );
    render(&CataloguePage {
        layout: scope.layout("Inventory", "inventory"),
        slug,
        query,
        rows,
        pagination,
        summary,
        by_location,
        purchases,
        categories: facets.categories,
        manufacturers: facets.manufacturers,
        models: facets.models,
        locations,
        my_vans,
        export_href,
        can_manage: scope.can(Permission::ManageInventory),
    })
}

/// The catalogue as CSV with the list's filters (every matching item, in the import's columns).
pub async fn export(
    scope: OrgScope,
    query: web::Query<ItemListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let items = scope
        .read(move |conn, _| {
            let rows = listing::page(conn, &query, 0, 100_000)?;
            let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            Ok(queries::items_by_ids(conn, &ids)?)
        })
        .await?;
    let body = crate::inventory::csv::export(&items).map_err(AppError::internal)?;
    Ok(csv_response("inventory.csv", body))
}

fn form_page(
    scope: &OrgScope,
    status: StatusCode,
    item_id: Option<Uuid>,
    form: ItemForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let title = if item_id.is_some() {
        "Edit item"
    } else {
        "New catalogue item"
    };
    render_status(
        status,
        &ItemFormPage {
            layout: scope.layout(title, "inventory"),
            slug: scope.slug().to_string(),
            item_id,
            form,
            errors,
        },
    )
}

pub async fn new_form(scope: OrgScope) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageInventory)?;
    let form = ItemForm {
        unit_cost: "0.00".into(),
        minimum_stock: "0".into(),
        reorder_point: "0".into(),
        reorder_quantity: "0".into(),
        ..Default::default()
    };
    form_page(&scope, StatusCode::OK, None, form, FieldErrors::default())
}

pub async fn create(scope: OrgScope, form: web::Form<ItemForm>) -> Result<HttpResponse, AppError> {
    save(scope, None, form.into_inner()).await
}

pub async fn update(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<ItemForm>,
) -> Result<HttpResponse, AppError> {
    save(scope, Some(path.into_inner().1), form.into_inner()).await
}

async fn save(scope: OrgScope, id: Option<Uuid>, form: ItemForm) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageInventory)?;
    let submitted = form.clone();
    let saved = scope
        .run(Permission::ManageInventory, move |conn, ctx| {
            let values = form.validate().map_err(AppError::Rejected)?;
            Ok(match id {
                Some(id) => operations::update_item(conn, &ctx.actor, id, &values)?,
                None => operations::create_item(conn, &ctx.actor, &values)?,
            })
        })
        .await;
    match saved {
        Ok(item) => {
            scope
                .viewer
                .flash("success", format!("{} was saved.", item.part_number));
            Ok(see_other(format!(
                "/o/{}/inventory/items/{}",
                scope.slug(),
                item.id
            )))
        }
        Err(AppError::Rejected(errors)) => form_page(
            &scope,
            StatusCode::UNPROCESSABLE_ENTITY,
            id,
            submitted,
            errors,
        ),
        Err(e) => Err(e),
    }
}

pub async fn edit_form(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let item = scope
        .run(Permission::ManageInventory, move |conn, _| {
            Ok(queries::find_item(conn, id)?)
        })
        .await?;
    form_page(
        &scope,
        StatusCode::OK,
        Some(id),
        ItemForm::of(&item),
        FieldErrors::default(),
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub page: Option<i64>,
}

pub async fn detail(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let slug = scope.slug().to_string();
    let can_manage = scope.can(Permission::ManageInventory);
    let path = format!("/o/{slug}/inventory/items/{id}");
    let page_no = query.page;
    let (item, levels, (movements, pagination), gallery, locations) = {
        let slug = slug.clone();
        scope
            .read(move |conn, _| {
                let item = queries::find_item(conn, id)?;
                Ok((
                    item,
                    queries::levels_of(conn, Of::Item(id))?,
                    ledger_page(conn, Of::Item(id), &path, page_no)?,
                    Gallery::of_item(conn, &slug, id, can_manage)?,
                    queries::location_options(conn)?,
                ))
            })
            .await?
    };
    render(&ItemPage {
        layout: scope.layout(format!("{} {}", item.part_number, item.name), "inventory"),
        zone: scope.viewer.zone(Some(&slug)),
        slug,
        item,
        levels,
        movements,
        pagination,
        gallery,
        locations,
        can_manage,
        can_trade: scope.can(Permission::TradeParts),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ArchiveForm {
    #[serde(default)]
    archive: String,
}

impl ArchiveForm {
    /// Archive ("1"), or bring back ("0").
    pub fn archive(&self) -> bool {
        self.archive != "0"
    }
}

pub async fn archive(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<ArchiveForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let back = format!("/o/{}/inventory/items/{id}", scope.slug());
    let done = [
        "The item is back in the catalogue.",
        "The item was archived.",
    ];
    set_archived(&scope, Archivable::Item(id), form.archive(), done, back).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ThresholdForm {
    #[serde(default)]
    location_id: String,
    #[serde(default)]
    minimum_stock: String,
    #[serde(default)]
    reorder_point: String,
}

pub async fn thresholds(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<ThresholdForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let limit = 0..=crate::inventory::model::MAX_QUANTITY;
    let minimum = whole(
        &mut errors,
        "minimum_stock",
        &form.minimum_stock,
        limit.clone(),
    );
    let reorder = whole(&mut errors, "reorder_point", &form.reorder_point, limit);
    let location = crate::inventory::forms::chosen(
        &mut errors,
        "location_id",
        &form.location_id,
        "Choose a location.",
    );
    let (Some(location), true) = (location, errors.is_empty()) else {
        return Err(AppError::Rejected(errors));
    };
    scope
        .run(Permission::ManageInventory, move |conn, _| {
            Ok(operations::stock::set_thresholds(
                conn, id, location, minimum, reorder,
            )?)
        })
        .await?;
    scope
        .viewer
        .flash("success", "The location's thresholds were saved.");
    Ok(see_other(format!(
        "/o/{}/inventory/items/{id}",
        scope.slug()
    )))
}
