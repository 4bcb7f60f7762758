//! `OrgHandle`: what it takes to enter an organization, in one shape wherever it comes from
//! (the session preload, the registry, a background job).

use serde::Deserialize;
use uuid::Uuid;

/// An organization as the door into it needs it: which schema, which role, and the names
/// pages show. Built from the registry row or read from the session preload.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrgHandle {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub schema_name: String,
    pub role_name: String,
}
