//! Platform administration: the organizations of the whole platform, suspension, deletion,
//! and the platform's audit trail.

pub mod audit;
pub mod routes;
