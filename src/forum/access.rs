//! What the forum lets someone see and do: categories by visibility, moderation rights.
//!
//! Organization-only categories are the organization's staff spaces: the permission table's
//! `StaffSpaces` decides who reads them, so a tenant's membership (a building occupant with
//! portal access) opens none of them.

use std::collections::HashSet;

use diesel::prelude::*;
use uuid::Uuid;

use super::model::Category;
use super::Visibility;
use crate::auth::identity::SignedIn;
use crate::auth::roles::Permission;
use crate::db::schema_public::forum_category_moderators;

#[derive(Debug, Clone, Default)]
pub struct Access {
    pub account_id: Option<Uuid>,
    pub is_admin: bool,
    /// Organizations whose staff spaces this account may enter.
    pub staff_of: Vec<Uuid>,
    /// Categories this account moderates (platform admins moderate all of them).
    pub moderates: HashSet<Uuid>,
}

impl Access {
    /// The rights of `account` (nobody when `None`); the moderated categories are loaded by
    /// [`Access::load`].
    pub fn of(account: Option<&SignedIn>) -> Access {
        match account {
            Some(account) => Access {
                account_id: Some(account.id),
                is_admin: account.is_platform_admin,
                // A suspended organization's spaces are frozen with the rest of its platform
                // activity.
                staff_of: account
                    .memberships
                    .iter()
                    .filter(|m| !m.suspended && m.role.can(Permission::StaffSpaces))
                    .map(|m| m.org.id)
                    .collect(),
                moderates: HashSet::new(),
            },
            None => Access::default(),
        }
    }

    pub fn load(mut self, conn: &mut PgConnection) -> QueryResult<Access> {
        if let Some(account_id) = self.account_id {
            self.moderates = forum_category_moderators::table
                .filter(forum_category_moderators::account_id.eq(account_id))
                .select(forum_category_moderators::category_id)
                .load::<Uuid>(conn)?
                .into_iter()
                .collect();
        }
        Ok(self)
    }

    pub fn signed_in(&self) -> bool {
        self.account_id.is_some()
    }

    pub fn is(&self, account_id: Uuid) -> bool {
        self.account_id == Some(account_id)
    }

    /// Moderates anything at all (sees the moderation queue).
    pub fn is_moderator(&self) -> bool {
        self.is_admin || !self.moderates.is_empty()
    }

    pub fn moderates(&self, category_id: Uuid) -> bool {
        self.is_admin || self.moderates.contains(&category_id)
    }

    /// The category's own rule; [`visible`] also checks its parent.
    fn may_read(&self, category: &Category) -> bool {
        if self.is_admin {
            return true;
        }
        if !category.is_active {
            return false;
        }
        match category.visibility {
            Visibility::Public => true,
            Visibility::SignedIn => self.signed_in(),
            Visibility::Organization => category
                .organization_id
                .is_some_and(|org| self.staff_of.contains(&org)),
        }
    }
}

/// The categories `access` may read, in display order: a child is readable only when its
/// parent is too.
pub fn visible(access: &Access, all: Vec<Category>) -> Vec<Category> {
    let readable: HashSet<Uuid> = all
        .iter()
        .filter(|c| access.may_read(c))
        .map(|c| c.id)
        .collect();
    all.into_iter()
        .filter(|c| readable.contains(&c.id) && c.parent_id.is_none_or(|p| readable.contains(&p)))
        .collect()
}

/// The stored names of the roles that open an organization's staff spaces, for queries that
/// check memberships in SQL.
pub fn staff_roles() -> Vec<&'static str> {
    Permission::StaffSpaces.role_names()
}
