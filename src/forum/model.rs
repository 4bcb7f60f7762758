//! The forum's rows as the pages and operations read them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::{Scope, Visibility};
use crate::db::schema_public::{forum_categories, forum_posts, forum_threads};

/// Flags from this many different accounts hide a post until a moderator reviews it.
pub const FLAGS_TO_HIDE: i32 = 3;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = forum_categories)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Category {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub icon: String,
    pub colour: String,
    pub scope: Scope,
    pub scope_value: Option<String>,
    pub organization_id: Option<Uuid>,
    pub visibility: Visibility,
    pub is_active: bool,
    pub requires_moderation: bool,
    pub allow_anonymous: bool,
    pub display_order: i32,
    pub thread_count: i32,
    pub post_count: i32,
    pub last_post_at: Option<DateTime<Utc>>,
    pub last_thread_id: Option<Uuid>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = forum_threads)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Thread {
    pub id: Uuid,
    pub category_id: Uuid,
    pub author_id: Uuid,
    pub is_anonymous: bool,
    pub title: String,
    pub equipment_manufacturer: Option<String>,
    pub equipment_model: Option<String>,
    pub fault_code: Option<String>,
    pub tags: Vec<Option<String>>,
    pub is_pinned: bool,
    pub is_featured: bool,
    pub is_locked: bool,
    pub is_approved: bool,
    pub accepted_post_id: Option<Uuid>,
    pub upvote_count: i32,
    pub reply_count: i32,
    pub last_post_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl Thread {
    pub fn is_answered(&self) -> bool {
        self.accepted_post_id.is_some()
    }

    pub fn tag_list(&self) -> Vec<&str> {
        self.tags.iter().flatten().map(String::as_str).collect()
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = forum_posts)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Post {
    pub id: Uuid,
    pub thread_id: Uuid,
    pub author_id: Uuid,
    pub is_anonymous: bool,
    pub is_opening: bool,
    pub body: String,
    pub reply_to_post_id: Option<Uuid>,
    pub is_approved: bool,
    pub is_hidden: bool,
    pub flag_count: i32,
    pub upvote_count: i32,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}
