//! `/messages`: the inbox, writing to someone, a conversation and its replies, its files, and
//! the header's unread count.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use super::operations::{self, check_message, thread_path};
use super::views::{Count, InboxPage, MessagesFragment, NewPage, ThreadPage, ThreadView};
use crate::attachments::files::{accept_off_thread, Accepted, LIMITS};
use crate::auth::identity::{SignedIn, Viewer};
use crate::web::downloads::{send_file, StoredFile};
use crate::web::uploads::{read_form_with_files, FormWithFiles};
use crate::web::{render, render_status, see_other, AppError};
use crate::AppState;

fn account(viewer: &Viewer) -> Result<Arc<SignedIn>, AppError> {
    viewer
        .account
        .clone()
        .ok_or_else(|| AppError::SignInRequired {
            next: viewer.here.clone(),
        })
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

pub async fn inbox(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let account = account(&viewer)?;
    let account_id = account.id;
    let page = query.page;
    let inbox = state
        .db
        .run(move |conn| -> Result<_, AppError> { Ok(operations::inbox(conn, &account, page)?) })
        .await?;
    render(&InboxPage {
        layout: viewer.layout("Messages").section("messages"),
        rows: inbox.rows,
        pagination: inbox.pagination,
        inquiries: inbox.inquiries,
        account_id,
    })
}

/// The header's count, refreshed when a conversation changes.
pub async fn count(viewer: Viewer, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let id = viewer.require_account()?.id;
    let unread = state
        .db
        .run(move |conn| -> Result<i64, AppError> { Ok(super::queries::unread_count(conn, id)?) })
        .await?;
    render(&Count { unread })
}

#[derive(Debug, Deserialize)]
pub struct ComposeQuery {
    to: Option<Uuid>,
}

async fn new_page(
    viewer: &Viewer,
    state: &AppState,
    to: Option<Uuid>,
    message: String,
    problems: HashMap<&'static str, String>,
) -> Result<NewPage, AppError> {
    let account = account(viewer)?;
    let contacts = state
        .db
        .run(move |conn| -> Result<_, AppError> { Ok(operations::contacts(conn, &account)?) })
        .await?;
    Ok(NewPage {
        layout: viewer.layout("New message").section("messages"),
        contacts,
        to,
        message,
        problems,
    })
}

pub async fn compose(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<ComposeQuery>,
) -> Result<HttpResponse, AppError> {
    render(&new_page(&viewer, &state, query.to, String::new(), HashMap::new()).await?)
}

#[derive(Debug, Default, Deserialize)]
struct MessageFields {
    #[serde(default)]
    to: String,
    #[serde(default)]
    message: String,
}

/// The message and its files as sent, each checked; what is wrong with them otherwise.
async fn checked(
    form: FormWithFiles,
) -> Result<(MessageFields, Result<(String, Vec<Accepted>), String>), AppError> {
    let fields: MessageFields = form.parse()?;
    let files = if form.files.is_empty() {
        Ok(Vec::new())
    } else {
        accept_off_thread(form.files).await?
    };
    let outcome = files.and_then(|files| {
        check_message(&fields.message, !files.is_empty()).map(|body| (body, files))
    });
    Ok((fields, outcome))
}

pub async fn create(
    viewer: Viewer,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let account = account(&viewer)?;
    let form = read_form_with_files(&req, payload, "files", LIMITS).await?;
    let (fields, outcome) = checked(form).await?;
    let to = Uuid::parse_str(fields.to.trim()).ok();
    let mut problems = HashMap::new();
    if to.is_none() {
        problems.insert("to", "Choose who the message is for.".to_string());
    }
    let refused = |problems| async {
        let page = new_page(&viewer, &state, to, fields.message.clone(), problems).await?;
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    let (body, files) = match outcome {
        Ok(checked) => checked,
        Err(problem) => {
            problems.insert("message", problem);
            return refused(problems).await;
        }
    };
    let Some(to) = to else {
        return refused(problems).await;
    };
    let store = state.files.clone();
    let id = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            Ok(operations::write_directly(
                conn,
                store.as_ref(),
                &account,
                to,
                &body,
                &files,
            )?)
        })
        .await?;
    viewer.flash("success", "Your message was sent.");
    Ok(see_other(thread_path(id)))
}

#[derive(Debug, Deserialize)]
pub struct ThreadQuery {
    before: Option<Uuid>,
}

async fn load_thread(
    viewer: &Viewer,
    state: &AppState,
    id: Uuid,
    before: Option<Uuid>,
) -> Result<ThreadView, AppError> {
    let account = account(viewer)?;
    let viewer_id = account.id;
    let thread = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            Ok(operations::read(conn, &account, id, before)?)
        })
        .await?;
    Ok(ThreadView::new(thread, viewer_id, before.is_some()))
}

fn thread_page(
    viewer: &Viewer,
    thread: ThreadView,
    message: String,
    problem: Option<String>,
) -> ThreadPage {
    ThreadPage {
        layout: viewer.layout(thread.title.clone()).section("messages"),
        thread,
        message,
        problem,
    }
}

pub async fn thread(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    query: web::Query<ThreadQuery>,
) -> Result<HttpResponse, AppError> {
    let thread = load_thread(&viewer, &state, path.into_inner(), query.before).await?;
    render(&thread_page(&viewer, thread, String::new(), None))
}

/// The newest messages alone, for an open page told the conversation changed.
pub async fn latest(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let thread = load_thread(&viewer, &state, path.into_inner(), None).await?;
    render(&MessagesFragment {
        layout: viewer.layout(thread.title.clone()),
        thread,
    })
}

pub async fn reply(
    viewer: Viewer,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let account = account(&viewer)?;
    let id = path.into_inner();
    // Who may write is settled before a byte of the upload is read.
    let checking = account.clone();
    state
        .db
        .run(move |conn| -> Result<_, AppError> {
            Ok(operations::check_may_write(conn, &checking, id)?)
        })
        .await?;
    let form = read_form_with_files(&req, payload, "files", LIMITS).await?;
    let (fields, outcome) = checked(form).await?;
    let (body, files) = match outcome {
        Ok(checked) => checked,
        Err(problem) => {
            let thread = load_thread(&viewer, &state, id, None).await?;
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &thread_page(&viewer, thread, fields.message, Some(problem)),
            );
        }
    };
    let store = state.files.clone();
    state
        .db
        .run(move |conn| -> Result<_, AppError> {
            Ok(operations::post(
                conn,
                store.as_ref(),
                &account,
                id,
                &body,
                &files,
            )?)
        })
        .await?;
    Ok(see_other(thread_path(id)))
}

async fn serve(
    viewer: Viewer,
    state: web::Data<AppState>,
    (id, file_id): (Uuid, Uuid),
    thumbnail: bool,
) -> Result<HttpResponse, AppError> {
    let account = account(&viewer)?;
    let file = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            Ok(operations::file(conn, &account, id, file_id)?)
        })
        .await?;
    let file = StoredFile {
        storage_key: file.storage_key,
        thumbnail_key: file.thumbnail_key,
        content_type: file.content_type,
        file_name: file.file_name,
    };
    send_file(&state, file, thumbnail).await
}

pub async fn file(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    serve(viewer, state, path.into_inner(), false).await
}

pub async fn thumbnail(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    serve(viewer, state, path.into_inner(), true).await
}
