//! The reorder list: what has fallen to its reorder point, with a quantity to order and links
//! to order it or find it on the marketplace.

use actix_web::web::{self, ServiceConfig};
use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};

use crate::auth::roles::Permission;
use crate::inventory::queries::reorder;
use crate::inventory::views::purchases::ReorderPage;
use crate::orgs::OrgScope;
use crate::web::pagination::Pagination;
use crate::web::{render, AppError};

const PER_PAGE: i64 = 50;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.route("/inventory/reorder", web::get().to(list));
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReorderQuery {
    pub page: Option<i64>,
}

pub async fn list(
    scope: OrgScope,
    query: web::Query<ReorderQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let path = format!("/o/{}/inventory/reorder", scope.slug());
    let (rows, pagination) = scope
        .read(move |conn, _| {
            let page = query.page.unwrap_or(1).max(1);
            let rows = reorder::page(conn, (page - 1) * PER_PAGE, PER_PAGE)?;
            let total = rows.first().map_or(0, |r| r.total);
            Ok((rows, Pagination::new(&path, query.page, PER_PAGE, total)))
        })
        .await?;
    render(&ReorderPage {
        layout: scope.layout("Reorder list", "inventory"),
        slug: scope.slug().to_string(),
        rows,
        pagination,
        can_manage: scope.can(Permission::ManageInventory),
    })
}
