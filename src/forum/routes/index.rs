//! The forum's front page and a category's thread list.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::with_access;
use crate::auth::identity::Viewer;
use crate::forum::model::Category;
use crate::forum::queries::threads::{self, Sort};
use crate::forum::queries::{categories, subscriptions};
use crate::forum::views::{CategoryCard, CategoryGroup, CategoryPage, IndexPage};
use crate::web::forms::optional;
use crate::web::pagination::Pagination;
use crate::web::{render, AppError};
use crate::AppState;

const THREADS_PER_PAGE: i64 = 20;

pub async fn index(viewer: Viewer, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (categories, titles, is_moderator) = with_access(&state, &viewer, |conn, access| {
        let categories = categories::visible_categories(conn, access)?;
        let last: Vec<Uuid> = categories.iter().filter_map(|c| c.last_thread_id).collect();
        let titles = categories::thread_titles(conn, &last)?;
        Ok((categories, titles, access.is_moderator()))
    })
    .await?;
    let card = |c: &Category| CategoryCard {
        last_thread_title: c.last_thread_id.and_then(|id| titles.get(&id).cloned()),
        category: c.clone(),
    };
    let groups = categories
        .iter()
        .filter(|c| c.parent_id.is_none())
        .map(|parent| CategoryGroup {
            card: card(parent),
            children: categories
                .iter()
                .filter(|c| c.parent_id == Some(parent.id))
                .map(card)
                .collect(),
        })
        .collect();
    render(&IndexPage {
        layout: viewer.layout("Forum").section("forum"),
        groups,
        is_admin: viewer.signed_in().is_some_and(|a| a.is_platform_admin),
        is_moderator,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct ListQuery {
    sort: Option<String>,
    answered: Option<String>,
    page: Option<i64>,
}

pub async fn category(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let query = query.into_inner();
    let sort = Sort::parse(query.sort.as_deref());
    let answered_raw = optional(&query.answered).unwrap_or_default();
    let answered = match answered_raw.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let page_number = query.page;
    let loaded = with_access(&state, &viewer, move |conn, access| {
        let all = categories::visible_categories(conn, access)?;
        let category = all
            .iter()
            .find(|c| c.slug == slug)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let total = threads::count_threads(conn, access, &category, sort, answered)?;
        let pagination = Pagination::new(
            &format!("/forum/c/{}", category.slug),
            page_number,
            THREADS_PER_PAGE,
            total,
        );
        let threads = threads::list_threads(
            conn,
            access,
            &category,
            sort,
            answered,
            pagination.offset(),
            pagination.per_page,
        )?;
        let watching = subscriptions::watches_category(conn, access.account_id, category.id)?;
        let parent = category
            .parent_id
            .and_then(|p| all.iter().find(|c| c.id == p).cloned());
        let children = all
            .iter()
            .filter(|c| c.parent_id == Some(category.id))
            .cloned()
            .collect();
        let moderator = access.moderates(category.id);
        Ok((
            category, parent, children, threads, pagination, watching, moderator,
        ))
    })
    .await?;
    let (category, parent, children, threads, pagination, watching, moderator) = loaded;
    #[derive(serde::Serialize)]
    struct Keep<'a> {
        sort: &'a str,
        answered: &'a str,
    }
    let pagination = pagination.keeping(&Keep {
        sort: sort.as_str(),
        answered: &answered_raw,
    });
    render(&CategoryPage {
        layout: viewer.layout(category.name.clone()).section("forum"),
        category,
        parent,
        children,
        threads,
        pagination,
        sort,
        sorts: Sort::ALL,
        answered: answered_raw,
        signed_in: viewer.signed_in().is_some(),
        watching,
        moderator,
    })
}
