//! Starting a thread (with the similar threads shown as it is typed), reading one, and
//! replying.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::PgConnection;
use uuid::Uuid;

use super::with_access;
use crate::auth::identity::Viewer;
use crate::forum::access::Access;
use crate::forum::forms::{ReplyForm, ThreadForm, FLAG_REASONS};
use crate::forum::model::{Category, Thread};
use crate::forum::operations::threads as operations;
use crate::forum::operations::ForumError;
use crate::forum::queries::{categories, posts, subscriptions, threads};
use crate::forum::search;
use crate::forum::views::{
    post_views, NewThreadPage, PostView, ReplyRef, SimilarFragment, ThreadPage,
};
use crate::web::forms::FieldErrors;
use crate::web::{render, render_status, see_other, AppError};
use crate::AppState;

fn new_thread_page(
    viewer: &Viewer,
    category: Category,
    form: ThreadForm,
    errors: FieldErrors,
) -> NewThreadPage {
    NewThreadPage {
        layout: viewer.layout("New thread").section("forum"),
        category,
        form,
        errors,
        similar: Vec::new(),
    }
}

pub async fn new_thread(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let slug = path.into_inner();
    let category = with_access(&state, &viewer, move |conn, access| {
        Ok(categories::category_by_slug(conn, access, &slug)?)
    })
    .await?;
    render(&new_thread_page(
        &viewer,
        category,
        ThreadForm::default(),
        FieldErrors::default(),
    ))
}

pub async fn create_thread(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ThreadForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let slug = path.into_inner();
    let form = form.into_inner();
    let submitted = form.clone();
    let outcome = with_access(
        &state,
        &viewer,
        move |conn, access| match operations::start_thread(conn, access, &slug, &submitted) {
            Ok(posted) => Ok(Ok(posted)),
            Err(ForumError::Invalid(errors)) => Ok(Err((
                categories::category_by_slug(conn, access, &slug)?,
                errors,
            ))),
            Err(other) => Err(other.into()),
        },
    )
    .await?;
    match outcome {
        Ok(posted) => {
            viewer.flash(
                "success",
                if posted.approved {
                    "Your thread is posted."
                } else {
                    "Your thread waits for a moderator's approval; only you and the moderators see it until then."
                },
            );
            Ok(see_other(format!("/forum/t/{}", posted.thread_id)))
        }
        Err((category, errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_thread_page(&viewer, category, form, errors),
        ),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct SimilarQuery {
    #[serde(default)]
    title: String,
    #[serde(default)]
    fault_code: String,
}

/// Threads like the one being typed (an htmx fragment under the title field).
pub async fn similar(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<SimilarQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let title: String = query.title.trim().chars().take(200).collect();
    let fault_code: String = query.fault_code.trim().chars().take(50).collect();
    let similar = with_access(&state, &viewer, move |conn, access| {
        if title.chars().count() < 3 && fault_code.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = categories::visible_categories(conn, access)?
            .iter()
            .map(|c| c.id)
            .collect();
        Ok(search::similar(conn, &ids, &title, &fault_code)?)
    })
    .await?;
    render(&SimilarFragment { similar })
}

#[derive(Debug, serde::Deserialize)]
pub struct ThreadQuery {
    reply_to: Option<String>,
}

/// Everything the thread page shows, for this viewer.
struct ThreadData {
    thread: Thread,
    category: Category,
    posts: Vec<PostView>,
    watching: bool,
    moderator: bool,
    move_targets: Vec<Category>,
}

fn load_thread(
    conn: &mut PgConnection,
    access: &Access,
    id: Uuid,
    mark_read: bool,
) -> Result<ThreadData, AppError> {
    let (thread, category) = threads::readable_thread(conn, access, id)?;
    let rows = posts::thread_posts(conn, access, &thread)?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.post.id).collect();
    let voted = posts::my_votes(conn, access.account_id, &ids)?;
    let flagged = posts::my_flags(conn, access.account_id, &ids)?;
    let watching = subscriptions::watches_thread(conn, access.account_id, thread.id)?;
    if let (Some(me), true) = (access.account_id, mark_read) {
        threads::mark_read(conn, me, thread.id)?;
    }
    let moderator = access.moderates(category.id);
    let move_targets = if moderator {
        categories::visible_categories(conn, access)?
            .into_iter()
            .filter(|c| c.id != category.id && access.moderates(c.id))
            .collect()
    } else {
        Vec::new()
    };
    let posts = post_views(access, &thread, rows, &voted, &flagged);
    Ok(ThreadData {
        thread,
        category,
        posts,
        watching,
        moderator,
        move_targets,
    })
}

fn thread_page(
    viewer: &Viewer,
    data: ThreadData,
    form: ReplyForm,
    errors: FieldErrors,
) -> Result<ThreadPage, AppError> {
    let mut posts = data.posts;
    if posts.first().is_none_or(|p| !p.is_opening) {
        return Err(AppError::NotFound);
    }
    let question = posts.remove(0);
    let accepted = posts.iter().find(|p| p.is_answer).cloned();
    let reply_to = form.reply_to().and_then(|id| {
        std::iter::once(&question)
            .chain(posts.iter())
            .find(|p| p.id == id)
            .map(|p| ReplyRef {
                id: p.id,
                number: p.number,
                author: p.author.clone(),
            })
    });
    Ok(ThreadPage {
        layout: viewer.layout(data.thread.title.clone()).section("forum"),
        anonymous: form.anonymous(),
        body: form.body,
        reply_to,
        errors,
        signed_in: viewer.signed_in().is_some(),
        watching: data.watching,
        moderator: data.moderator,
        move_targets: data.move_targets,
        flag_reasons: FLAG_REASONS,
        thread: data.thread,
        category: data.category,
        question,
        accepted,
        replies: posts,
    })
}

pub async fn thread(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: web::Query<ThreadQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let data = with_access(&state, &viewer, move |conn, access| {
        load_thread(conn, access, id, true)
    })
    .await?;
    let form = ReplyForm {
        reply_to: query.into_inner().reply_to,
        ..Default::default()
    };
    render(&thread_page(&viewer, data, form, FieldErrors::default())?)
}

pub async fn reply(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<ReplyForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let form = form.into_inner();
    let submitted = form.clone();
    let outcome = with_access(
        &state,
        &viewer,
        move |conn, access| match operations::reply(conn, access, id, &submitted) {
            Ok(posted) => Ok(Ok(posted)),
            Err(ForumError::Invalid(errors)) => {
                Ok(Err((load_thread(conn, access, id, false)?, errors)))
            }
            Err(other) => Err(other.into()),
        },
    )
    .await?;
    match outcome {
        Ok(posted) => {
            viewer.flash(
                "success",
                if posted.approved {
                    "Your reply is posted."
                } else {
                    "Your reply waits for a moderator's approval."
                },
            );
            Ok(see_other(format!("/forum/t/{id}#post-{}", posted.post_id)))
        }
        Err((data, errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &thread_page(&viewer, data, form, errors)?,
        ),
    }
}
