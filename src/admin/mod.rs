//! Platform administration: the organizations of the whole platform, suspension.

pub mod routes;
