//! Forums: categories, threads and replies, accepted answers, votes, moderation, search and
//! subscriptions. Everything lives in `public`: the forum is shared by all organizations, and
//! organization-only categories are filtered by membership.

pub mod access;
pub mod demo;
pub mod forms;
pub mod model;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod search;
pub mod views;

use crate::db::sql_types;

crate::pg_enum!(
    /// What a category is about.
    Scope: sql_types::ForumScope {
        Global = "global" => "Everyone",
        Trade = "trade" => "Trade",
        Manufacturer = "manufacturer" => "Manufacturer",
        Region = "region" => "Region",
        Organization = "organization" => "Organization",
    }
);

crate::pg_enum!(
    /// Who may read a category.
    Visibility: sql_types::ForumVisibility {
        Public = "public" => "Everyone, signed in or not",
        SignedIn = "signed_in" => "Signed-in accounts",
        Organization = "organization" => "Members of one organization",
    }
);
