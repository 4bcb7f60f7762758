//! Organizations: slugs, provisioning (role + schema + tables), the one door into an
//! organization's schema, and the per-request gate in front of it.

pub mod context;
pub mod deletion;
mod door;
pub mod handle;
pub mod migrate;
pub mod naming;
pub mod provision;
pub mod queries;
pub mod restore;
pub mod settings;
mod tenancy;

pub use context::{Actor, OrgCtx, OrgScope};
pub use door::{enter, enter_acting, enter_in, platform_tables, As};
pub use handle::OrgHandle;
pub use tenancy::TenancyError;
