//! The forum's tables: `forum_categories`, `forum_threads`, `forum_posts`, `forum_votes`,
//! `forum_flags`, `forum_subscriptions`, `forum_thread_reads`, `forum_category_moderators`.
//!
//! Counters (replies, threads, posts, last activity) are recomputed by one statement each after
//! the row they summarise is locked, so two writers in the same thread take turns and the second
//! one's recount sees the first one's post. Votes move their count by one in the voting
//! transaction, guarded by the primary key of `forum_votes`.
//!
//! What a viewer may not read is answered as `diesel::result::Error::NotFound`, the same as
//! what does not exist.

pub mod categories;
pub mod moderation;
pub mod posts;
pub mod subscriptions;
pub mod threads;
