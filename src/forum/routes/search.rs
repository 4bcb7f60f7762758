//! Searching the forum, over the categories the viewer may read.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::with_access;
use crate::auth::identity::Viewer;
use crate::forum::queries::categories;
use crate::forum::search::{self, SearchFilter};
use crate::forum::views::{HitView, SearchPage, SearchQuery, SearchResults};
use crate::web::forms::optional;
use crate::web::pagination::Pagination;
use crate::web::{render, AppError, Htmx};
use crate::AppState;

const HITS_PER_PAGE: i64 = 15;

pub async fn search(
    viewer: Viewer,
    state: web::Data<AppState>,
    htmx: Htmx,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let text: String = query.q.trim().chars().take(200).collect();
    let category = optional(&Some(query.category.clone())).and_then(|c| c.parse::<Uuid>().ok());
    let filter = SearchFilter {
        text,
        category_ids: Vec::new(),
        manufacturer: optional(&Some(query.manufacturer.clone())),
        fault_code: optional(&Some(query.fault_code.clone())),
        answered: match query.answered.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
    };
    let searched = !filter.text.is_empty()
        || filter.manufacturer.is_some()
        || filter.fault_code.is_some()
        || filter.answered.is_some()
        || category.is_some();
    let page_number = query.page;
    let (categories, hits, total) = with_access(&state, &viewer, move |conn, access| {
        let categories = categories::visible_categories(conn, access)?;
        let mut filter = filter;
        filter.category_ids = categories
            .iter()
            .filter(|c| category.is_none_or(|only| only == c.id || c.parent_id == Some(only)))
            .map(|c| c.id)
            .collect();
        if !searched {
            return Ok((categories, Vec::new(), 0));
        }
        let total = search::count(conn, &filter)?;
        let pagination = Pagination::new("/forum/search", page_number, HITS_PER_PAGE, total);
        let hits = search::search(conn, &filter, pagination.offset(), HITS_PER_PAGE)?;
        Ok((categories, hits, total))
    })
    .await?;
    let pagination =
        Pagination::new("/forum/search", query.page, HITS_PER_PAGE, total).keeping(&query);
    let hits = hits
        .into_iter()
        .map(|hit| HitView {
            category_name: categories
                .iter()
                .find(|c| c.id == hit.category_id)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            hit,
        })
        .collect();
    if htmx.is_fragment() {
        return render(&SearchResults {
            zone: viewer.zone(None),
            hits,
            pagination,
            searched,
        });
    }
    render(&SearchPage {
        layout: viewer.layout("Search the forum").section("forum"),
        query,
        categories,
        hits,
        pagination,
        searched,
    })
}
