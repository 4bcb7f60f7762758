//! One post: editing and deleting it, votes, flags, and marking it the accepted answer.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::with_access;
use crate::auth::identity::Viewer;
use crate::forum::forms::{AcceptForm, EditForm, FlagForm, ThreadFields, VoteForm};
use crate::forum::operations::{posts as operations, threads as thread_operations, ForumError};
use crate::forum::views::{EditPostPage, VoteFragment, VoteState};
use crate::web::forms::{optional, FieldErrors};
use crate::web::{render, render_status, see_other, AppError, Htmx};
use crate::AppState;

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

pub async fn edit_post_page(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let (post, thread) = with_access(&state, &viewer, move |conn, access| {
        Ok(operations::editable_post(conn, access, id)?)
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
    let outcome = with_access(
        &state,
        &viewer,
        move |conn, access| match operations::edit_post(conn, access, id, &submitted) {
            Ok(thread_id) => Ok(Ok(thread_id)),
            Err(ForumError::Invalid(errors)) => {
                let (post, thread) = operations::editable_post(conn, access, id)?;
                Ok(Err((thread.id, post.is_opening, errors)))
            }
            Err(other) => Err(other.into()),
        },
    )
    .await?;
    match outcome {
        Ok(thread_id) => {
            viewer.flash("success", "Your post is updated.");
            Ok(see_other(format!("/forum/t/{thread_id}#post-{id}")))
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
    viewer.require_account()?;
    let id = path.into_inner();
    let thread_id = with_access(&state, &viewer, move |conn, access| {
        Ok(operations::delete_post(conn, access, id)?)
    })
    .await?;
    viewer.flash("success", "The post was deleted.");
    Ok(see_other(format!("/forum/t/{thread_id}#post-{id}")))
}

pub async fn vote(
    viewer: Viewer,
    state: web::Data<AppState>,
    htmx: Htmx,
    path: web::Path<Uuid>,
    form: web::Form<VoteForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let up = form.vote == "up";
    let voted = with_access(&state, &viewer, move |conn, access| {
        Ok(operations::vote(conn, access, id, up)?)
    })
    .await?;
    if htmx.is_fragment() {
        return render(&VoteFragment {
            vote: VoteState {
                post_id: id,
                count: voted.count,
                voted: up,
                can_vote: true,
            },
            csrf: viewer.csrf_token(),
        });
    }
    Ok(see_other(format!("/forum/t/{}#post-{id}", voted.thread_id)))
}

pub async fn flag(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<FlagForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    let form = form.into_inner();
    let thread_id = with_access(&state, &viewer, move |conn, access| {
        Ok(operations::flag(conn, access, id, &form)?)
    })
    .await?;
    viewer.flash(
        "success",
        "Thank you: the moderators will review this post.",
    );
    Ok(see_other(format!("/forum/t/{thread_id}#post-{id}")))
}

pub async fn accept(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    viewer.require_account()?;
    let id = path.into_inner();
    // A post id that cannot be one names no post of this thread.
    let post_id = match optional(&Some(form.post_id.clone())) {
        None => None,
        Some(raw) => Some(raw.parse::<Uuid>().map_err(|_| AppError::NotFound)?),
    };
    let accepted = with_access(&state, &viewer, move |conn, access| {
        Ok(thread_operations::accept_answer(conn, access, id, post_id)?)
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
    Ok(see_other(format!("/forum/t/{id}")))
}
