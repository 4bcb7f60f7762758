//! `/admin/jobs`: failed and dead background jobs, for platform administrators, with a retry.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::queries;
use super::views::JobsPage;
use crate::auth::identity::Viewer;
use crate::web::pagination::Pagination;
use crate::web::{render, see_other, AppError};
use crate::AppState;

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct JobsQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    #[serde(default, skip_serializing)]
    page: Option<i64>,
}

pub async fn list(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<JobsQuery>,
) -> Result<HttpResponse, AppError> {
    viewer.require_platform_admin()?;
    let query = query.into_inner();
    // Anything but the two troubled states shows both.
    let only = query.state.clone().filter(|s| s == "failed" || s == "dead");
    let page = query.page;
    let filter = only.clone();
    let (jobs, depths, pagination) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let total = queries::troubled_count(conn, filter.as_deref())?;
            let pagination =
                Pagination::new("/admin/jobs", page, PAGE_SIZE, total).keeping(&JobsQuery {
                    state: filter.clone(),
                    page: None,
                });
            let jobs = queries::troubled(
                conn,
                filter.as_deref(),
                pagination.per_page,
                pagination.offset(),
            )?;
            Ok((jobs, queries::depths(conn)?, pagination))
        })
        .await?;
    render(&JobsPage {
        layout: viewer.layout("Background jobs").section("admin"),
        jobs,
        depths,
        state: only,
        pagination,
    })
}

pub async fn retry(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    viewer.require_platform_admin()?;
    let id = path.into_inner();
    let retried = state
        .db
        .run(move |conn| -> Result<bool, AppError> { Ok(queries::retry(conn, id)?) })
        .await?;
    if retried {
        viewer.flash(
            "success",
            format!("Job #{id} is queued again; a worker will run it within a minute."),
        );
    } else {
        viewer.flash(
            "info",
            format!("Job #{id} was not failed or dead any more, so it was left as it is."),
        );
    }
    Ok(see_other("/admin/jobs"))
}
