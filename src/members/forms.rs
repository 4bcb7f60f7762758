//! Inviting people and changing their roles.

use serde::Deserialize;

use crate::auth::roles::Role;
use crate::web::forms::{check_email, FieldErrors};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
}

impl InviteForm {
    /// The role to grant, refusing roles above the inviter's own.
    pub fn validate(&self, inviter: Role) -> Result<Role, FieldErrors> {
        let mut errors = FieldErrors::default();
        check_email(&mut errors, "email", &self.email);
        let role = Role::parse(&self.role);
        match role {
            None | Some(Role::Tenant) => errors.add("role", "Choose a role."),
            Some(role) if role > inviter => {
                errors.add("role", "You cannot grant a role above your own.")
            }
            Some(_) => {}
        }
        match (errors.is_empty(), role) {
            (true, Some(role)) => Ok(role),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    pub role: String,
}
