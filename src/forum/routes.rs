//! The forum's pages and actions, under `/forum`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use uuid::Uuid;

use super::access::Access;
use super::forms::{
    AcceptForm, ActionForm, CategoryForm, EditForm, FlagForm, ModeratorForm, MoveForm, ReorderForm,
    ReplyForm, ThreadFields, ThreadForm, VoteForm, WatchForm, COLOURS, FLAG_REASONS, ICONS,
};
use super::queries::{self, Category, NewReply, NewThread, PostEdit, Sort, ThreadAction};
use super::search::{self, SearchFilter};
use super::views::{
    post_views, CategoryCard, CategoryFormPage, CategoryGroup, CategoryPage, EditPostPage, HitView,
    IndexPage, ModerationPage, NewThreadPage, ReplyRef, SearchPage, SearchQuery, SearchResults,
    SimilarFragment, ThreadPage, VoteFragment, VoteState,
};
use super::{Scope, Visibility};
use crate::auth::accounts;
use crate::auth::identity::Viewer;
use crate::orgs::queries as orgs;
use crate::web::forms::{optional, FieldErrors};
use crate::web::pagination::Pagination;
use crate::web::{render, render_status, AppError, Htmx};
use crate::AppState;

const THREADS_PER_PAGE: i64 = 20;
const HITS_PER_PAGE: i64 = 15;

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// Runs `work` with this viewer's forum rights loaded, on a pooled connection.
async fn with_access<T, F>(state: &AppState, viewer: &Viewer, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut PgConnection, &Access) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let access = Access::of(viewer);
    state
        .db
        .run(move |conn| {
            let access = access.load(conn)?;
            work(conn, &access)
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// Index and category pages

pub async fn index(viewer: Viewer, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (categories, titles, is_moderator) = with_access(&state, &viewer, |conn, access| {
        let categories = queries::visible_categories(conn, access)?;
        let last: Vec<Uuid> = categories.iter().filter_map(|c| c.last_thread_id).collect();
        let titles = queries::thread_titles(conn, &last)?;
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
        let all = queries::visible_categories(conn, access)?;
        let category = all
            .iter()
            .find(|c| c.slug == slug)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let total = queries::count_threads(conn, access, &category, sort, answered)?;
        let pagination = Pagination::new(
            &format!("/forum/c/{}", category.slug),
            page_number,
            THREADS_PER_PAGE,
            total,
        );
        let threads = queries::list_threads(
            conn,
            access,
            &category,
            sort,
            answered,
            pagination.offset(),
            pagination.per_page,
        )?;
        let watching = queries::watches_category(conn, access.account_id, category.id)?;
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

pub async fn watch_category(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<WatchForm>,
) -> Result<HttpResponse, AppError> {
    let me = viewer.require_account()?.id;
    let slug = path.into_inner();
    let on = form.watch == "on";
    let slug = with_access(&state, &viewer, move |conn, access| {
        let category = queries::category_by_slug(conn, access, &slug)?;
        queries::watch_category(conn, me, category.id, on)?;
        Ok(category.slug)
    })
    .await?;
    viewer.flash(
        "success",
        if on {
            "You will be told about new threads and replies in this category."
        } else {
            "You no longer watch this category."
        },
    );
    Ok(see_other(&format!("/forum/c/{slug}")))
}

// ---------------------------------------------------------------------------------------------
// New threads

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
        queries::category_by_slug(conn, access, &slug)
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
    let me = viewer.require_account()?.id;
    let slug = path.into_inner();
    let form = form.into_inner();
    let submitted = form.clone();
    let outcome = with_access(&state, &viewer, move |conn, access| {
        let category = queries::category_by_slug(conn, access, &slug)?;
        let (edit, errors) = submitted.validate();
        if !errors.is_empty() {
            return Ok(Err((category, errors)));
        }
        let approved = !category.requires_moderation || access.moderates(category.id);
        let (thread_id, _) = queries::create_thread(
            conn,
            &NewThread {
                category: &category,
                author_id: me,
                is_anonymous: submitted.anonymous() && category.allow_anonymous,
                title: edit.title,
                equipment_manufacturer: edit.equipment_manufacturer.clone(),
                equipment_model: edit.equipment_model.clone(),
                fault_code: edit.fault_code.clone(),
                tags: edit.tags.clone(),
                body: submitted.body.trim(),
                approved,
            },
        )?;
        Ok(Ok((thread_id, approved)))
    })
    .await?;
    match outcome {
        Ok((thread_id, approved)) => {
            viewer.flash(
                "success",
                if approved {
                    "Your thread is posted."
                } else {
                    "Your thread waits for a moderator's approval; only you and the moderators see it until then."
                },
            );
            Ok(see_other(&format!("/forum/t/{thread_id}")))
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
        let ids: Vec<Uuid> = queries::visible_categories(conn, access)?
            .iter()
            .map(|c| c.id)
            .collect();
        Ok(search::similar(conn, &ids, &title, &fault_code)?)
    })
    .await?;
    render(&SimilarFragment { similar })
}

// ---------------------------------------------------------------------------------------------
// A thread

#[derive(Debug, serde::Deserialize)]
pub struct ThreadQuery {
    reply_to: Option<String>,
}

/// Everything the thread page shows, for this viewer.
struct ThreadData {
    thread: queries::Thread,
    category: Category,
    posts: Vec<super::views::PostView>,
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
    let (thread, category) = queries::readable_thread(conn, access, id)?;
    let rows = queries::thread_posts(conn, access, &thread)?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.post.id).collect();
    let voted = queries::my_votes(conn, access.account_id, &ids)?;
    let flagged = queries::my_flags(conn, access.account_id, &ids)?;
    let watching = queries::watches_thread(conn, access.account_id, thread.id)?;
    if let (Some(me), true) = (access.account_id, mark_read) {
        queries::mark_read(conn, me, thread.id)?;
    }
    let moderator = access.moderates(category.id);
    let move_targets = if moderator {
        queries::visible_categories(conn, access)?
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
    let me = viewer.require_account()?.id;
    let id = path.into_inner();
    let form = form.into_inner();
    let submitted = form.clone();
    let outcome = with_access(&state, &viewer, move |conn, access| {
        let (thread, category) = queries::readable_thread(conn, access, id)?;
        if thread.is_locked {
            return Err(AppError::Forbidden(
                "This thread is locked: it takes no more replies.".into(),
            ));
        }
        if !thread.is_approved {
            return Err(AppError::Conflict(
                "This thread waits for a moderator's approval; replies can follow once it is approved.".into(),
            ));
        }
        let errors = submitted.validate();
        if !errors.is_empty() {
            return Ok(Err((load_thread(conn, access, id, false)?, errors)));
        }
        let approved = !category.requires_moderation || access.moderates(category.id);
        let post_id = queries::add_reply(
            conn,
            &NewReply {
                thread_id: thread.id,
                author_id: me,
                is_anonymous: submitted.anonymous() && category.allow_anonymous,
                body: submitted.body.trim(),
                reply_to_post_id: submitted.reply_to(),
                approved,
            },
        )?
        .ok_or_else(|| {
            AppError::Forbidden("This thread is locked: it takes no more replies.".into())
        })?;
        Ok(Ok((post_id, approved)))
    })
    .await?;
    match outcome {
        Ok((post_id, approved)) => {
            viewer.flash(
                "success",
                if approved {
                    "Your reply is posted."
                } else {
                    "Your reply waits for a moderator's approval."
                },
            );
            Ok(see_other(&format!("/forum/t/{id}#post-{post_id}")))
        }
        Err((data, errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &thread_page(&viewer, data, form, errors)?,
        ),
    }
}

pub async fn watch_thread(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<WatchForm>,
) -> Result<HttpResponse, AppError> {
    let me = viewer.require_account()?.id;
    let id = path.into_inner();
    let on = form.watch == "on";
    with_access(&state, &viewer, move |conn, access| {
        queries::readable_thread(conn, access, id)?;
        Ok(queries::watch_thread(conn, me, id, on)?)
    })
    .await?;
    viewer.flash(
        "success",
        if on {
            "You will be told about new replies."
        } else {
            "You no longer watch this thread."
        },
    );
    Ok(see_other(&format!("/forum/t/{id}")))
}

pub async fn accept(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let post_id = optional(&Some(form.post_id.clone()));
    let accepted = with_access(&state, &viewer, move |conn, access| {
        let (thread, category) = queries::readable_thread(conn, access, id)?;
        if !access.is(thread.author_id) && !access.moderates(category.id) {
            return Err(AppError::Forbidden(
                "Only the thread's author or a moderator can choose the accepted answer.".into(),
            ));
        }
        let post_id = match post_id {
            None => None,
            Some(raw) => {
                let post_id: Uuid = raw.parse().map_err(|_| AppError::NotFound)?;
                let (post, _, _) = queries::readable_post(conn, access, post_id)?;
                if post.thread_id != thread.id
                    || post.is_opening
                    || post.deleted_at.is_some()
                    || !post.is_approved
                    || post.is_hidden
                {
                    return Err(AppError::NotFound);
                }
                Some(post.id)
            }
        };
        queries::set_accepted(conn, thread.id, post_id)?;
        Ok(post_id.is_some())
    })
    .await?;
    viewer.flash(
        "success",
        if accepted {
            "The answer is marked as accepted."
        } else {
            "The thread no longer has an accepted answer."
        },
    );
    Ok(see_other(&format!("/forum/t/{id}")))
}

pub async fn moderate_thread(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let action = ThreadAction::parse(&form.action)
        .ok_or_else(|| AppError::BadRequest("Unknown moderation action.".into()))?;
    let slug = with_access(&state, &viewer, move |conn, access| {
        let (thread, category) = queries::readable_thread(conn, access, id)?;
        if !access.moderates(category.id) {
            return Err(AppError::Forbidden(
                "Only this category's moderators can do that.".into(),
            ));
        }
        queries::moderate_thread(conn, &thread, action)?;
        Ok(category.slug)
    })
    .await?;
    viewer.flash("success", action.done());
    if action == ThreadAction::Delete {
        Ok(see_other(&format!("/forum/c/{slug}")))
    } else {
        Ok(see_other(&format!("/forum/t/{id}")))
    }
}

pub async fn move_thread(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let to: Uuid = form
        .category_id
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("Choose a category to move the thread to.".into()))?;
    let name = with_access(&state, &viewer, move |conn, access| {
        let (thread, category) = queries::readable_thread(conn, access, id)?;
        let target = queries::readable_category(conn, access, to)?;
        if !access.moderates(category.id) || !access.moderates(target.id) {
            return Err(AppError::Forbidden(
                "Moving needs moderator rights in both categories.".into(),
            ));
        }
        if target.id != category.id {
            queries::move_thread(conn, &thread, target.id)?;
        }
        Ok(target.name)
    })
    .await?;
    viewer.flash("success", format!("The thread was moved to {name}."));
    Ok(see_other(&format!("/forum/t/{id}")))
}

// ---------------------------------------------------------------------------------------------
// Posts

fn edit_page(
    viewer: &Viewer,
    post_id: Uuid,
    thread_id: Uuid,
    opening: bool,
    form: EditForm,
    errors: FieldErrors,
) -> EditPostPage {
    EditPostPage {
        layout: viewer.layout("Edit post").section("forum"),
        post_id,
        thread_id,
        opening,
        form,
        errors,
    }
}

/// A post its author may still edit.
fn own_post(
    conn: &mut PgConnection,
    access: &Access,
    id: Uuid,
) -> Result<(queries::Post, queries::Thread), AppError> {
    let (post, thread, _) = queries::readable_post(conn, access, id)?;
    if !access.is(post.author_id) {
        return Err(AppError::Forbidden(
            "You can edit your own posts only.".into(),
        ));
    }
    if post.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    Ok((post, thread))
}

pub async fn edit_post_page(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let (post, thread) = with_access(&state, &viewer, move |conn, access| {
        own_post(conn, access, id)
    })
    .await?;
    let form = EditForm {
        fields: ThreadFields {
            title: thread.title.clone(),
            equipment_manufacturer: thread.equipment_manufacturer.clone().unwrap_or_default(),
            equipment_model: thread.equipment_model.clone().unwrap_or_default(),
            fault_code: thread.fault_code.clone().unwrap_or_default(),
            tags: thread.tag_list().join(", "),
        },
        body: post.body,
    };
    render(&edit_page(
        &viewer,
        id,
        thread.id,
        post.is_opening,
        form,
        FieldErrors::default(),
    ))
}

pub async fn edit_post(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<EditForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let form = form.into_inner();
    let submitted = form.clone();
    let outcome = with_access(&state, &viewer, move |conn, access| {
        let (post, thread) = own_post(conn, access, id)?;
        let (thread_edit, errors) = submitted.validate(post.is_opening);
        if !errors.is_empty() {
            return Ok(Err((thread.id, post.is_opening, errors)));
        }
        queries::edit_post(
            conn,
            &post,
            &PostEdit {
                body: submitted.body.trim(),
                thread: thread_edit,
            },
        )?;
        Ok(Ok(thread.id))
    })
    .await?;
    match outcome {
        Ok(thread_id) => {
            viewer.flash("success", "Your post is updated.");
            Ok(see_other(&format!("/forum/t/{thread_id}#post-{id}")))
        }
        Err((thread_id, opening, errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &edit_page(&viewer, id, thread_id, opening, form, errors),
        ),
    }
}

pub async fn delete_post(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let me = viewer.require_account()?.id;
    let id = path.into_inner();
    let thread_id = with_access(&state, &viewer, move |conn, access| {
        let (post, thread, category) = queries::readable_post(conn, access, id)?;
        if !access.is(post.author_id) && !access.moderates(category.id) {
            return Err(AppError::Forbidden(
                "Only the author or a moderator can delete a post.".into(),
            ));
        }
        if post.deleted_at.is_none() {
            queries::delete_post(conn, &post, category.id, me)?;
        }
        Ok(thread.id)
    })
    .await?;
    viewer.flash("success", "The post was deleted.");
    Ok(see_other(&format!("/forum/t/{thread_id}#post-{id}")))
}

pub async fn vote(
    viewer: Viewer,
    state: web::Data<AppState>,
    htmx: Htmx,
    path: web::Path<Uuid>,
    form: web::Form<VoteForm>,
) -> Result<HttpResponse, AppError> {
    let me = viewer.require_account()?.id;
    let id = path.into_inner();
    let up = form.vote == "up";
    let (count, thread_id) = with_access(&state, &viewer, move |conn, access| {
        let (post, thread, _) = queries::readable_post(conn, access, id)?;
        if post.author_id == me {
            return Err(AppError::Forbidden(
                "You cannot vote for your own post.".into(),
            ));
        }
        if post.deleted_at.is_some() || !post.is_approved {
            return Err(AppError::Conflict("This post takes no votes.".into()));
        }
        Ok((queries::set_vote(conn, id, me, up)?, thread.id))
    })
    .await?;
    if htmx.is_fragment() {
        return render(&VoteFragment {
            vote: VoteState {
                post_id: id,
                count,
                voted: up,
                can_vote: true,
            },
            csrf: viewer.csrf_token(),
        });
    }
    Ok(see_other(&format!("/forum/t/{thread_id}#post-{id}")))
}

pub async fn flag(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<FlagForm>,
) -> Result<HttpResponse, AppError> {
    let me = viewer.require_account()?.id;
    let id = path.into_inner();
    let reason = form.validate().map_err(AppError::Rejected)?;
    let thread_id = with_access(&state, &viewer, move |conn, access| {
        let (post, thread, _) = queries::readable_post(conn, access, id)?;
        if post.author_id == me {
            return Err(AppError::Forbidden("You cannot flag your own post.".into()));
        }
        queries::flag_post(conn, &post, me, &reason)?;
        Ok(thread.id)
    })
    .await?;
    viewer.flash(
        "success",
        "Thank you: the moderators will review this post.",
    );
    Ok(see_other(&format!("/forum/t/{thread_id}#post-{id}")))
}

/// A moderator's decision on a queued or flagged post.
pub async fn review(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let me = viewer.require_account()?.id;
    let id = path.into_inner();
    let action = form.action.clone();
    let message = with_access(&state, &viewer, move |conn, access| {
        let (post, _, category) = queries::readable_post(conn, access, id)?;
        if !access.moderates(category.id) {
            return Err(AppError::Forbidden(
                "Only this category's moderators can do that.".into(),
            ));
        }
        match action.as_str() {
            "approve" => {
                queries::approve_post(conn, &post, me)?;
                Ok("The post is approved and visible to everyone.")
            }
            "restore" => {
                queries::restore_post(conn, &post, me)?;
                Ok("The flags were dismissed and the post is shown again.")
            }
            "delete" => {
                queries::delete_post(conn, &post, category.id, me)?;
                Ok("The post was deleted.")
            }
            _ => Err(AppError::BadRequest("Unknown moderation action.".into())),
        }
    })
    .await?;
    viewer.flash("success", message);
    Ok(see_other("/forum/moderation"))
}

pub async fn moderation(
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let items = with_access(&state, &viewer, |conn, access| {
        if !access.is_moderator() {
            return Err(AppError::NotFound);
        }
        let categories = queries::visible_categories(conn, access)?;
        Ok(queries::review_queue(conn, access, &categories)?)
    })
    .await?;
    render(&ModerationPage {
        layout: viewer.layout("Moderation queue").section("forum"),
        items,
    })
}

// ---------------------------------------------------------------------------------------------
// Search

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
        let categories = queries::visible_categories(conn, access)?;
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

// ---------------------------------------------------------------------------------------------
// Category administration (platform admins)

fn category_form_page(
    viewer: &Viewer,
    editing: Option<Uuid>,
    form: CategoryForm,
    errors: FieldErrors,
    parents: Vec<Category>,
    moderators: Vec<queries::Moderator>,
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

/// Top-level categories other than `except`: the possible parents.
fn parents(all: &[Category], except: Option<Uuid>) -> Vec<Category> {
    all.iter()
        .filter(|c| c.parent_id.is_none() && Some(c.id) != except)
        .cloned()
        .collect()
}

pub async fn new_category(
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    viewer.require_platform_admin()?;
    let all = state
        .db
        .run(|conn| -> Result<_, AppError> { Ok(queries::all_categories(conn)?) })
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
        parents(&all, None),
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
    viewer.require_platform_admin()?;
    let id = path.into_inner();
    let (all, category, organization, moderators) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let all = queries::all_categories(conn)?;
            let category = all
                .iter()
                .find(|c| c.id == id)
                .cloned()
                .ok_or(AppError::NotFound)?;
            let organization = match category.organization_id {
                Some(org) => Some(queries::organization_slug(conn, org)?),
                None => None,
            };
            let moderators = queries::moderators(conn, id)?;
            Ok((all, category, organization, moderators))
        })
        .await?;
    render(&category_form_page(
        &viewer,
        Some(id),
        form_of(&category, organization),
        FieldErrors::default(),
        parents(&all, Some(id)),
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
    viewer.require_platform_admin()?;
    let submitted = form.clone();
    let outcome = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let all = queries::all_categories(conn)?;
            if let Some(id) = id {
                if !all.iter().any(|c| c.id == id) {
                    return Err(AppError::NotFound);
                }
            }
            let possible_parents = parents(&all, id);
            let parent_ids: Vec<Uuid> = possible_parents.iter().map(|c| c.id).collect();
            let organization_id = match submitted.organization.trim() {
                "" => None,
                slug => orgs::find_by_slug(conn, &slug.to_lowercase())?.map(|o| o.id),
            };
            let mut write = submitted.validate(organization_id, &parent_ids);
            if let Ok(w) = &write {
                // A category with children stays at the top level (two levels only).
                let has_children = id.is_some_and(|id| all.iter().any(|c| c.parent_id == Some(id)));
                let mut errors = FieldErrors::default();
                if w.parent_id.is_some() && has_children {
                    errors.add(
                        "parent_id",
                        "This category has sub-categories, so it stays at the top level.",
                    );
                }
                if queries::slug_taken(conn, &w.slug, id)? {
                    errors.add("slug", "Another category already uses this address.");
                }
                if !errors.is_empty() {
                    write = Err(errors);
                }
            }
            let moderators = match id {
                Some(id) => queries::moderators(conn, id)?,
                None => Vec::new(),
            };
            match write {
                Ok(write) => {
                    let saved = match id {
                        Some(id) => {
                            queries::update_category(conn, id, &write)?;
                            id
                        }
                        None => queries::insert_category(conn, &write)?,
                    };
                    Ok(Ok((saved, write.slug)))
                }
                Err(errors) => Ok(Err((errors, possible_parents, moderators))),
            }
        })
        .await?;
    match outcome {
        Ok((_, slug)) => {
            viewer.flash("success", "The category is saved.");
            Ok(see_other(&format!("/forum/c/{slug}")))
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
    viewer.require_platform_admin()?;
    let id = path.into_inner();
    let up = form.direction == "up";
    state
        .db
        .run(move |conn| -> Result<(), AppError> { Ok(queries::reorder_category(conn, id, up)?) })
        .await?;
    Ok(see_other("/forum"))
}

pub async fn add_moderator(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<ModeratorForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_platform_admin()?;
    let id = path.into_inner();
    let email = accounts::normalize_email(&form.email);
    let added = state
        .db
        .run(move |conn| -> Result<bool, AppError> {
            queries::all_categories(conn)?
                .iter()
                .find(|c| c.id == id)
                .ok_or(AppError::NotFound)?;
            match accounts::find_by_email(conn, &email)? {
                Some(account) => {
                    queries::add_moderator(conn, id, account.id)?;
                    Ok(true)
                }
                None => Ok(false),
            }
        })
        .await?;
    if added {
        viewer.flash("success", "The moderator was added.");
    } else {
        viewer.flash("error", "There is no account with that email.");
    }
    Ok(see_other(&format!("/forum/categories/{id}/edit")))
}

pub async fn remove_moderator(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    viewer.require_platform_admin()?;
    let (id, account_id) = path.into_inner();
    state
        .db
        .run(move |conn| -> Result<usize, AppError> {
            Ok(queries::remove_moderator(conn, id, account_id)?)
        })
        .await?;
    viewer.flash("success", "The moderator was removed.");
    Ok(see_other(&format!("/forum/categories/{id}/edit")))
}
