//! Organizations: slugs, provisioning (role + schema + tables), and the per-request tenancy gate.

pub mod context;
pub mod naming;
pub mod provision;
pub mod queries;
pub mod settings;
pub mod tenancy;

pub use context::OrgScope;
