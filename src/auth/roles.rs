//! Roles in an organization and the permission matrix every organization route checks.
//!
//! | permission            | owner | admin | manager | technician | readonly |
//! | --------------------- | :---: | :---: | :-----: | :--------: | :------: |
//! | View                  |   ✓   |   ✓   |    ✓    |     ✓      |    ✓     |
//! | ManageSites           |   ✓   |   ✓   |    ✓    |            |          |
//! | ViewAccessCodes       |   ✓   |   ✓   |    ✓    |            |          |
//! | ViewMembers           |   ✓   |   ✓   |    ✓    |     ✓      |    ✓     |
//! | ManageMembers         |   ✓   |   ✓   |         |            |          |
//! | ViewAudit             |   ✓   |   ✓   |         |            |          |
//! | ManageSettings        |   ✓   |   ✓   |         |            |          |
//! | ManageWorkOrders      |   ✓   |   ✓   |    ✓    |            |          |
//! | WorkOnAssigned        |   ✓   |   ✓   |    ✓    |  assigned  |          |
//! | ManageContractors     |   ✓   |   ✓   |    ✓    |            |          |
//!
//! "assigned": a technician works only on the work orders assigned to their own contractor
//! record; the work-order handlers check that on top of the role.
//!
//! The same table is in the README. Roles are ordered: each has every right of those below.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    ReadOnly,
    Technician,
    Manager,
    Admin,
    Owner,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Admin,
        Role::Manager,
        Role::Technician,
        Role::ReadOnly,
    ];

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Technician => "technician",
            Role::ReadOnly => "readonly",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Administrator",
            Role::Manager => "Manager",
            Role::Technician => "Technician",
            Role::ReadOnly => "Read-only",
        }
    }

    pub fn can(self, permission: Permission) -> bool {
        self >= permission.minimum_role()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See the organization's pages at all.
    View,
    ManageSites,
    ViewAccessCodes,
    ViewMembers,
    ManageMembers,
    ViewAudit,
    ManageSettings,
    /// Create, assign, move and cost any work order.
    ManageWorkOrders,
    /// Change status, tasks, parts and labour of work orders assigned to oneself.
    WorkOnAssigned,
    ManageContractors,
}

impl Permission {
    pub const ALL: [Permission; 10] = [
        Permission::View,
        Permission::ManageSites,
        Permission::ViewAccessCodes,
        Permission::ViewMembers,
        Permission::ManageMembers,
        Permission::ViewAudit,
        Permission::ManageSettings,
        Permission::ManageWorkOrders,
        Permission::WorkOnAssigned,
        Permission::ManageContractors,
    ];

    pub fn minimum_role(self) -> Role {
        match self {
            Permission::View | Permission::ViewMembers => Role::ReadOnly,
            Permission::WorkOnAssigned => Role::Technician,
            Permission::ManageSites
            | Permission::ViewAccessCodes
            | Permission::ManageWorkOrders
            | Permission::ManageContractors => Role::Manager,
            Permission::ManageMembers | Permission::ViewAudit | Permission::ManageSettings => {
                Role::Admin
            }
        }
    }
}
