//! What an API key may do: a verb on a resource (`work_orders:write`). A key's scopes play the
//! part a member's role plays on the pages, and map onto the same permission table, so the
//! operations check a key exactly as they check a person.

use crate::auth::roles::Permission;

/// Every scope a key can hold, in the order the settings page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    SitesRead,
    ElevatorsRead,
    ElevatorsWrite,
    WorkOrdersRead,
    WorkOrdersWrite,
    FaultReportsRead,
    FaultReportsWrite,
    ContractorsRead,
    SchedulesRead,
    InventoryRead,
    InventoryWrite,
}

impl Scope {
    pub const ALL: [Scope; 11] = [
        Scope::SitesRead,
        Scope::ElevatorsRead,
        Scope::ElevatorsWrite,
        Scope::WorkOrdersRead,
        Scope::WorkOrdersWrite,
        Scope::FaultReportsRead,
        Scope::FaultReportsWrite,
        Scope::ContractorsRead,
        Scope::SchedulesRead,
        Scope::InventoryRead,
        Scope::InventoryWrite,
    ];

    /// The name a key's `scopes` column and the documentation use.
    pub fn name(self) -> &'static str {
        match self {
            Scope::SitesRead => "sites:read",
            Scope::ElevatorsRead => "elevators:read",
            Scope::ElevatorsWrite => "elevators:write",
            Scope::WorkOrdersRead => "work_orders:read",
            Scope::WorkOrdersWrite => "work_orders:write",
            Scope::FaultReportsRead => "fault_reports:read",
            Scope::FaultReportsWrite => "fault_reports:write",
            Scope::ContractorsRead => "contractors:read",
            Scope::SchedulesRead => "schedules:read",
            Scope::InventoryRead => "inventory:read",
            Scope::InventoryWrite => "inventory:write",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Scope::SitesRead => "List and read sites",
            Scope::ElevatorsRead => "List and read lifts",
            Scope::ElevatorsWrite => "Change a lift's status",
            Scope::WorkOrdersRead => "List and read work orders with their lines",
            Scope::WorkOrdersWrite => {
                "Raise, edit, move, assign and complete work orders; add tasks, parts, labour and comments"
            }
            Scope::FaultReportsRead => "List and read fault reports",
            Scope::FaultReportsWrite => {
                "Report faults from a device (someone trapped raises the emergency work order)"
            }
            Scope::ContractorsRead => "List and read contractors",
            Scope::SchedulesRead => "List and read maintenance schedules and their visits",
            Scope::InventoryRead => "Read parts and their stock at each location",
            Scope::InventoryWrite => "Post stock receipts and adjustments",
        }
    }

    /// Whether it allows changes (and not only reading).
    pub fn writes(self) -> bool {
        self.name().ends_with(":write")
    }

    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.name() == name)
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// A set of scopes, small enough to copy into every operation's authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scopes(u32);

impl Scopes {
    /// The scopes named in `names`; unknown names (from a newer release) are skipped.
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Scopes {
        Scopes(
            names
                .iter()
                .filter_map(|name| Scope::parse(name.as_ref()))
                .fold(0, |bits, scope| bits | scope.bit()),
        )
    }

    pub fn has(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    pub fn names(self) -> Vec<&'static str> {
        Scope::ALL
            .into_iter()
            .filter(|scope| self.has(*scope))
            .map(Scope::name)
            .collect()
    }

    /// Whether a key holding these scopes may do what `permission` allows a member. Reading is
    /// granted per resource where the API is entered, so `View` holds for every key.
    pub fn grant(self, permission: Permission) -> bool {
        match permission {
            Permission::View => true,
            Permission::ManageWorkOrders | Permission::WorkOnAssigned => {
                self.has(Scope::WorkOrdersWrite)
            }
            Permission::ManageServiceRequests => self.has(Scope::FaultReportsWrite),
            Permission::ManageInventory => self.has(Scope::InventoryWrite),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_grant_nothing() {
        let scopes = Scopes::from_names(&["work_orders:write", "sites:read", "admin:everything"]);
        assert_eq!(scopes.names(), vec!["sites:read", "work_orders:write"]);
        assert!(scopes.grant(Permission::ManageWorkOrders));
        assert!(!scopes.grant(Permission::ManageMembers));
        assert!(!Scopes::default().grant(Permission::ManageWorkOrders));
    }
}
