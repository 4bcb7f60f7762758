//! Page structs of the forum, and how posts become what a viewer is allowed to see.

use crate::web::local_time::filters;
use std::collections::HashMap;

use askama::Template;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::access::Access;
use super::forms::{self, CategoryForm, EditForm, ThreadForm};
use super::model::{Category, Thread};
use super::queries::categories::Moderator;
use super::queries::moderation::ReviewItem;
use super::queries::posts::PostRow;
use super::queries::threads::{self, Sort, ThreadItem};
use super::search::{Hit, Similar};
use super::{Scope, Visibility};
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::Layout;

/// A category as listed, with its parent's name where it has one.
#[derive(Debug, Clone)]
pub struct CategoryCard {
    pub category: Category,
    pub last_thread_title: Option<String>,
}

impl CategoryCard {
    pub fn symbol(&self) -> &'static str {
        forms::icon_symbol(&self.category.icon)
    }
}

pub struct CategoryGroup {
    pub card: CategoryCard,
    pub children: Vec<CategoryCard>,
}

#[derive(Template)]
#[template(path = "forum/index.html")]
pub struct IndexPage {
    pub layout: Layout,
    pub groups: Vec<CategoryGroup>,
    pub is_admin: bool,
    pub is_moderator: bool,
}

#[derive(Template)]
#[template(path = "forum/category.html")]
pub struct CategoryPage {
    pub layout: Layout,
    pub category: Category,
    pub parent: Option<Category>,
    pub children: Vec<Category>,
    pub threads: Vec<ThreadItem>,
    pub pagination: Pagination,
    pub sort: Sort,
    pub sorts: [Sort; 4],
    pub answered: String,
    pub signed_in: bool,
    pub watching: bool,
    pub moderator: bool,
}

impl CategoryPage {
    pub fn sort_href(&self, sort: &Sort) -> String {
        let mut href = format!("/forum/c/{}?sort={}", self.category.slug, sort.as_str());
        if !self.answered.is_empty() {
            href.push_str("&answered=");
            href.push_str(&self.answered);
        }
        href
    }

    pub fn answered_href(&self, answered: &str) -> String {
        let mut href = format!(
            "/forum/c/{}?sort={}",
            self.category.slug,
            self.sort.as_str()
        );
        if !answered.is_empty() {
            href.push_str("&answered=");
            href.push_str(answered);
        }
        href
    }
}

/// The up-vote button of a post (also answered alone to an htmx vote).
#[derive(Debug, Clone)]
pub struct VoteState {
    pub post_id: Uuid,
    pub count: i32,
    pub voted: bool,
    /// Signed in, not the author, post visible.
    pub can_vote: bool,
}

#[derive(Template)]
#[template(path = "forum/vote.html")]
pub struct VoteFragment {
    pub vote: VoteState,
    pub csrf: String,
}

/// The post a reply answers, shown as a quote link.
#[derive(Debug, Clone)]
pub struct ReplyRef {
    pub id: Uuid,
    pub number: usize,
    pub author: String,
}

/// A post as this viewer may see it.
#[derive(Debug, Clone)]
pub struct PostView {
    pub id: Uuid,
    pub number: usize,
    pub author: String,
    pub is_opening: bool,
    /// Safe HTML of the body, or `None` when deleted or hidden from this viewer.
    pub body_html: Option<String>,
    pub placeholder: &'static str,
    pub reply_to: Option<ReplyRef>,
    pub created_at: DateTime<Utc>,
    pub edited: bool,
    pub deleted: bool,
    pub hidden: bool,
    pub pending: bool,
    pub flag_count: i32,
    pub is_answer: bool,
    pub vote: VoteState,
    pub can_edit: bool,
    pub can_delete: bool,
    pub can_accept: bool,
    pub can_flag: bool,
    pub can_review: bool,
}

/// Turns the thread's posts into what this viewer may see: anonymous authors stay anonymous,
/// deleted posts keep a placeholder, hidden posts are shown to moderators only.
pub fn post_views(
    access: &Access,
    thread: &Thread,
    rows: Vec<PostRow>,
    voted: &[Uuid],
    flagged: &[Uuid],
) -> Vec<PostView> {
    let moderator = access.moderates(thread.category_id);
    let thread_author = access.is(thread.author_id);
    let mut numbers: HashMap<Uuid, ReplyRef> = HashMap::new();
    let mut views = Vec::with_capacity(rows.len());
    for (index, row) in rows.into_iter().enumerate() {
        let post = row.post;
        let author = threads::author_label(
            access,
            thread.category_id,
            post.author_id,
            post.is_anonymous,
            &row.author_name,
        );
        let own = access.is(post.author_id);
        let deleted = post.deleted_at.is_some();
        let shown = !deleted && (!post.is_hidden || moderator);
        let placeholder = if deleted {
            "[deleted]"
        } else if post.is_hidden {
            "[hidden while moderators review flags]"
        } else {
            ""
        };
        let reply_to = post
            .reply_to_post_id
            .and_then(|id| numbers.get(&id).cloned());
        numbers.insert(
            post.id,
            ReplyRef {
                id: post.id,
                number: index + 1,
                author: author.clone(),
            },
        );
        let live = !deleted && post.is_approved;
        views.push(PostView {
            id: post.id,
            number: index + 1,
            is_opening: post.is_opening,
            body_html: shown.then(|| crate::web::markdown::render(&post.body)),
            placeholder,
            reply_to,
            created_at: post.created_at,
            edited: post.edited_at.is_some(),
            deleted,
            hidden: post.is_hidden,
            pending: !post.is_approved,
            flag_count: post.flag_count,
            is_answer: thread.accepted_post_id == Some(post.id),
            vote: VoteState {
                post_id: post.id,
                count: post.upvote_count,
                voted: voted.contains(&post.id),
                can_vote: access.signed_in() && !own && live,
            },
            can_edit: own && !deleted,
            can_delete: (own || moderator) && !deleted,
            can_accept: (thread_author || moderator) && !post.is_opening && live && !post.is_hidden,
            can_flag: access.signed_in() && !own && live && !flagged.contains(&post.id),
            can_review: moderator
                && !deleted
                && (post.is_hidden || post.flag_count > 0 || !post.is_approved),
            author,
        });
    }
    views
}

#[derive(Template)]
#[template(path = "forum/thread.html")]
pub struct ThreadPage {
    pub layout: Layout,
    pub thread: Thread,
    pub category: Category,
    pub question: PostView,
    pub accepted: Option<PostView>,
    pub replies: Vec<PostView>,
    pub body: String,
    pub reply_to: Option<ReplyRef>,
    pub anonymous: bool,
    pub errors: FieldErrors,
    pub signed_in: bool,
    pub watching: bool,
    pub moderator: bool,
    pub move_targets: Vec<Category>,
    pub flag_reasons: &'static [(&'static str, &'static str)],
}

#[derive(Template)]
#[template(path = "forum/new_thread.html")]
pub struct NewThreadPage {
    pub layout: Layout,
    pub category: Category,
    pub form: ThreadForm,
    pub errors: FieldErrors,
    pub similar: Vec<Similar>,
}

#[derive(Template)]
#[template(path = "forum/similar.html")]
pub struct SimilarFragment {
    pub similar: Vec<Similar>,
}

#[derive(Template)]
#[template(path = "forum/edit_post.html")]
pub struct EditPostPage {
    pub layout: Layout,
    pub post_id: Uuid,
    pub thread_id: Uuid,
    pub opening: bool,
    pub form: EditForm,
    pub errors: FieldErrors,
}

/// The search page's query, kept in the URL.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub manufacturer: String,
    #[serde(default)]
    pub fault_code: String,
    #[serde(default)]
    pub answered: String,
    #[serde(skip_serializing)]
    pub page: Option<i64>,
}

pub struct HitView {
    pub hit: Hit,
    pub category_name: String,
}

#[derive(Template)]
#[template(path = "forum/search.html")]
pub struct SearchPage {
    pub layout: Layout,
    pub query: SearchQuery,
    pub categories: Vec<Category>,
    pub hits: Vec<HitView>,
    pub pagination: Pagination,
    pub searched: bool,
}

#[derive(Template)]
#[template(path = "forum/search.html", block = "results")]
pub struct SearchResults {
    pub zone: chrono_tz::Tz,
    pub hits: Vec<HitView>,
    pub pagination: Pagination,
    pub searched: bool,
}

#[derive(Template)]
#[template(path = "forum/moderation.html")]
pub struct ModerationPage {
    pub layout: Layout,
    pub items: Vec<ReviewItem>,
}

#[derive(Template)]
#[template(path = "forum/category_form.html")]
pub struct CategoryFormPage {
    pub layout: Layout,
    /// The category being edited; `None` for a new one.
    pub editing: Option<Uuid>,
    pub form: CategoryForm,
    pub errors: FieldErrors,
    pub parents: Vec<Category>,
    pub moderators: Vec<Moderator>,
    pub scopes: &'static [Scope],
    pub visibilities: &'static [Visibility],
    pub colours: &'static [&'static str],
    pub icons: &'static [(&'static str, &'static str)],
}

impl SearchPage {
    pub fn zone(&self) -> chrono_tz::Tz {
        self.layout.zone
    }
}

impl SearchResults {
    pub fn zone(&self) -> chrono_tz::Tz {
        self.zone
    }
}
