//! The JSON API (`/api/v1`) and its keys.
//!
//! Another system calls the same operations as the pages, through the same door into its
//! organization: [`auth::ApiClient`] is the API's `OrgScope`, a key's scopes stand in for a
//! member's role in the one permission table, and errors are problem details
//! ([`problem::ApiError`]). The OpenAPI document is generated from the handlers' annotations
//! ([`openapi`]).

pub mod auth;
pub mod cursor;
pub mod json;
pub mod keys;
pub mod openapi;
pub mod problem;
pub mod resources;
pub mod respond;
pub mod scopes;
