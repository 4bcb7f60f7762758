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
//! | ManageServiceRequests |   ✓   |   ✓   |    ✓    |            |          |
//! | ManageOwners          |   ✓   |       |         |            |          |
//! | StaffSpaces           |   ✓   |   ✓   |    ✓    |     ✓      |    ✓     |
//! | TradeParts            |   ✓   |   ✓   |    ✓    |            |          |
//! | Hire                  |   ✓   |   ✓   |    ✓    |            |          |
//! | ManageMaintenance     |   ✓   |   ✓   |    ✓    |            |          |
//! | ManageInventory       |   ✓   |   ✓   |    ✓    |            |          |
//!
//! The `tenant` role (building occupants) has none of these: it reaches only the tenant portal
//! (`TenantPortal`), which shows a tenant their own requests. The platform features (forum,
//! marketplace, job board) ask this same table for what a membership lets a person do there:
//! `StaffSpaces` (organization-only forum categories, internal job posts), `TradeParts`
//! (sell, buy and answer buyers for the organization) and `Hire` (post jobs, run applicant
//! boards, see profiles shown to employers only).
//!
//! "assigned": a technician works only on the work orders assigned to their own contractor
//! record; the work-order handlers check that on top of the role.
//!
//! The same table is in the README. Roles are ordered: each has every right of those below.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A building occupant: only the tenant portal, never the organization's other pages.
    Tenant,
    ReadOnly,
    Technician,
    Manager,
    Admin,
    Owner,
}

/// A role as stored, by its name (`"manager"`).
impl<'de> serde::Deserialize<'de> for Role {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Role, D::Error> {
        let name = String::deserialize(deserializer)?;
        Role::parse(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown role {name}")))
    }
}

impl Role {
    /// The organization's own people (tenants are invited from their tenant record).
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Admin,
        Role::Manager,
        Role::Technician,
        Role::ReadOnly,
    ];

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .chain([Role::Tenant])
            .find(|r| r.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Technician => "technician",
            Role::ReadOnly => "readonly",
            Role::Tenant => "tenant",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Administrator",
            Role::Manager => "Manager",
            Role::Technician => "Technician",
            Role::ReadOnly => "Read-only",
            Role::Tenant => "Tenant",
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
    /// The tenant portal: one's own requests. Every role above has it too, harmlessly.
    TenantPortal,
    /// The triage queue and tenants of the organization.
    ManageServiceRequests,
    /// Make someone an owner, or change or remove an owner.
    ManageOwners,
    /// The organization's own corners of the platform: organization-only forum categories
    /// and internal job posts. Staff only, never tenants.
    StaffSpaces,
    /// Sell, buy and answer buyers in the parts marketplace for the organization.
    TradeParts,
    /// Post jobs, run their applicant boards, see profiles shown to employers only.
    Hire,
    /// Add, change, pause and move preventive-maintenance schedules and their visits, keep
    /// the holiday list, and generate due visits now. Everyone who can view sees them.
    ManageMaintenance,
    /// Keep the parts catalogue, stock locations, receipts, transfers, counts and purchase
    /// orders. Everyone who can view sees stock; technicians take parts from stock for the
    /// work orders assigned to them.
    ManageInventory,
}

impl Permission {
    /// The stored names of the roles holding this permission, for queries that check
    /// memberships in SQL.
    pub fn role_names(self) -> Vec<&'static str> {
        Role::ALL
            .into_iter()
            .filter(|role| role.can(self))
            .map(Role::as_str)
            .collect()
    }

    pub const ALL: [Permission; 18] = [
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
        Permission::TenantPortal,
        Permission::ManageServiceRequests,
        Permission::ManageOwners,
        Permission::StaffSpaces,
        Permission::TradeParts,
        Permission::Hire,
        Permission::ManageMaintenance,
        Permission::ManageInventory,
    ];

    pub fn minimum_role(self) -> Role {
        match self {
            Permission::View | Permission::ViewMembers | Permission::StaffSpaces => Role::ReadOnly,
            Permission::TenantPortal => Role::Tenant,
            Permission::WorkOnAssigned => Role::Technician,
            Permission::ManageSites
            | Permission::ViewAccessCodes
            | Permission::ManageWorkOrders
            | Permission::ManageContractors
            | Permission::ManageServiceRequests
            | Permission::TradeParts
            | Permission::Hire
            | Permission::ManageMaintenance
            | Permission::ManageInventory => Role::Manager,
            Permission::ManageMembers | Permission::ViewAudit | Permission::ManageSettings => {
                Role::Admin
            }
            Permission::ManageOwners => Role::Owner,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Permission, Role};

    #[test]
    fn tenants_have_the_portal_alone() {
        for permission in Permission::ALL {
            assert_eq!(
                Role::Tenant.can(permission),
                permission == Permission::TenantPortal,
                "{permission:?}"
            );
        }
    }

    #[test]
    fn trading_and_hiring_need_a_manager_and_owners_an_owner() {
        for permission in [Permission::TradeParts, Permission::Hire] {
            assert!(!Role::ReadOnly.can(permission));
            assert!(!Role::Technician.can(permission));
            assert!(Role::Manager.can(permission));
        }
        assert!(Role::ReadOnly.can(Permission::StaffSpaces));
        assert!(!Role::Admin.can(Permission::ManageOwners));
        assert!(Role::Owner.can(Permission::ManageOwners));
    }
}
