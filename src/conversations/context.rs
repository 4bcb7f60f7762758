//! What a conversation is about, and who may take part in it.
//!
//! A direct conversation is its two accounts'. A context's thread is open to the members of the
//! context's organization whose role lets them handle that kind of thing, and to its parties:
//! the tenant who reported the fault (while still a tenant there), the applicant, a work
//! order's assignee from outside the organization.

use crate::auth::roles::{Permission, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Direct,
    WorkOrder,
    ServiceRequest,
    JobApplication,
}

impl Context {
    pub const ALL: [Context; 4] = [
        Context::Direct,
        Context::WorkOrder,
        Context::ServiceRequest,
        Context::JobApplication,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Context::Direct => "direct",
            Context::WorkOrder => "work_order",
            Context::ServiceRequest => "service_request",
            Context::JobApplication => "job_application",
        }
    }

    pub fn parse(raw: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Context::Direct => "Direct message",
            Context::WorkOrder => "Work order",
            Context::ServiceRequest => "Fault report",
            Context::JobApplication => "Job application",
        }
    }

    /// The permission that lets a member of the context's organization in.
    fn member_permission(self) -> Option<Permission> {
        match self {
            Context::Direct => None,
            Context::WorkOrder => Some(Permission::View),
            Context::ServiceRequest => Some(Permission::ManageServiceRequests),
            Context::JobApplication => Some(Permission::Hire),
        }
    }
}

/// How an account stands towards one conversation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Standing {
    /// Their role in the conversation's organization, if they are a member of it.
    pub role: Option<Role>,
    /// Whether they are on it as a party (see the module's comment).
    pub party: bool,
}

/// Whether an account of `standing` may read and write in a conversation about `context`.
pub fn may_take_part(context: Context, standing: Standing) -> bool {
    let by_role = match (context.member_permission(), standing.role) {
        (Some(permission), Some(role)) => role.can(permission),
        _ => false,
    };
    // A tenant's fault reports are theirs only while they are a tenant of the organization.
    let as_party = standing.party
        && (context != Context::ServiceRequest || standing.role == Some(Role::Tenant));
    by_role || as_party
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(role: Option<Role>, party: bool) -> Standing {
        Standing { role, party }
    }

    #[test]
    fn a_direct_conversation_is_its_parties_alone() {
        assert!(may_take_part(Context::Direct, standing(None, true)));
        assert!(!may_take_part(
            Context::Direct,
            standing(Some(Role::Owner), false)
        ));
    }

    #[test]
    fn a_work_order_thread_is_open_to_staff_and_its_assignee_but_not_tenants() {
        assert!(may_take_part(
            Context::WorkOrder,
            standing(Some(Role::ReadOnly), false)
        ));
        assert!(may_take_part(Context::WorkOrder, standing(None, true)));
        assert!(!may_take_part(
            Context::WorkOrder,
            standing(Some(Role::Tenant), false)
        ));
        assert!(!may_take_part(Context::WorkOrder, standing(None, false)));
    }

    #[test]
    fn a_fault_report_thread_is_its_tenant_and_the_managers() {
        assert!(may_take_part(
            Context::ServiceRequest,
            standing(Some(Role::Manager), false)
        ));
        assert!(!may_take_part(
            Context::ServiceRequest,
            standing(Some(Role::Technician), false)
        ));
        assert!(may_take_part(
            Context::ServiceRequest,
            standing(Some(Role::Tenant), true)
        ));
        // A tenant removed from the organization no longer reads it.
        assert!(!may_take_part(
            Context::ServiceRequest,
            standing(None, true)
        ));
        assert!(!may_take_part(
            Context::ServiceRequest,
            standing(Some(Role::Tenant), false)
        ));
    }

    #[test]
    fn a_job_application_thread_is_the_applicant_and_the_hiring_members() {
        assert!(may_take_part(Context::JobApplication, standing(None, true)));
        assert!(!may_take_part(
            Context::JobApplication,
            standing(Some(Role::ReadOnly), false)
        ));
        assert!(may_take_part(
            Context::JobApplication,
            standing(Some(Role::Owner), false)
        ));
    }

    #[test]
    fn names_read_back() {
        for context in Context::ALL {
            assert_eq!(Context::parse(context.as_str()), Some(context));
        }
        assert_eq!(Context::parse("marketplace"), None);
    }
}
