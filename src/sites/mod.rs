//! Sites (buildings) of an organization.

pub mod queries;
