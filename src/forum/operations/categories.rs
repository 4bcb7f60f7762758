//! The platform admins' work on categories: creating and editing them, their order, and who
//! moderates each.

use diesel::PgConnection;
use uuid::Uuid;

use super::{refuse_invalid, ForumError};
use crate::auth::accounts;
use crate::forum::access::Access;
use crate::forum::forms::CategoryForm;
use crate::forum::model::Category;
use crate::forum::queries::categories;
use crate::orgs::queries as orgs;
use crate::web::forms::FieldErrors;

const ADMINS_ONLY: &str = "Only platform administrators manage forum categories.";

fn require_admin(access: &Access) -> Result<(), ForumError> {
    if access.is_admin {
        Ok(())
    } else {
        Err(ForumError::NotAllowed(ADMINS_ONLY))
    }
}

/// The category `id` among all of them, or not found.
fn existing(all: &[Category], id: Uuid) -> Result<&Category, ForumError> {
    all.iter().find(|c| c.id == id).ok_or(ForumError::NotFound)
}

/// Creates a category (`id` = None) or updates one; answers the category as saved.
pub fn save_category(
    conn: &mut PgConnection,
    access: &Access,
    id: Option<Uuid>,
    form: &CategoryForm,
) -> Result<Category, ForumError> {
    require_admin(access)?;
    let all = categories::all_categories(conn)?;
    if let Some(id) = id {
        existing(&all, id)?;
    }
    let parent_ids: Vec<Uuid> = categories::possible_parents(&all, id)
        .iter()
        .map(|c| c.id)
        .collect();
    let organization_id = match form.organization.trim() {
        "" => None,
        slug => orgs::find_by_slug(conn, &slug.to_lowercase())?.map(|o| o.id),
    };
    let write = form
        .validate(organization_id, &parent_ids)
        .map_err(ForumError::Invalid)?;
    let mut errors = FieldErrors::default();
    // A category with children stays at the top level (two levels only).
    let has_children = id.is_some_and(|id| all.iter().any(|c| c.parent_id == Some(id)));
    if write.parent_id.is_some() && has_children {
        errors.add(
            "parent_id",
            "This category has sub-categories, so it stays at the top level.",
        );
    }
    if categories::slug_taken(conn, &write.slug, id)? {
        errors.add("slug", "Another category already uses this address.");
    }
    refuse_invalid(errors)?;
    let saved = match id {
        Some(id) => {
            categories::update_category(conn, id, &write)?;
            id
        }
        None => categories::insert_category(conn, &write)?,
    };
    categories::all_categories(conn)?
        .into_iter()
        .find(|c| c.id == saved)
        .ok_or(ForumError::NotFound)
}

/// Moves a category one place earlier (`up`) or later among its siblings.
pub fn reorder_category(
    conn: &mut PgConnection,
    access: &Access,
    id: Uuid,
    up: bool,
) -> Result<(), ForumError> {
    require_admin(access)?;
    Ok(categories::reorder_category(conn, id, up)?)
}

/// Makes the account with `email` a moderator of the category; answers whether there is
/// such an account.
pub fn add_moderator(
    conn: &mut PgConnection,
    access: &Access,
    category_id: Uuid,
    email: &str,
) -> Result<bool, ForumError> {
    require_admin(access)?;
    existing(&categories::all_categories(conn)?, category_id)?;
    match accounts::find_by_email(conn, &accounts::normalize_email(email))? {
        Some(account) => {
            categories::add_moderator(conn, category_id, account.id)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

pub fn remove_moderator(
    conn: &mut PgConnection,
    access: &Access,
    category_id: Uuid,
    account_id: Uuid,
) -> Result<(), ForumError> {
    require_admin(access)?;
    categories::remove_moderator(conn, category_id, account_id)?;
    Ok(())
}
