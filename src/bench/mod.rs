//! Benchmark-only routes, registered only when the server runs with `--bench-routes`.
//!
//! `/bench/baseline/{slug}` is the least a server-rendered page can do here: one indexed query
//! of a dozen rows from one organization's schema, rendered through an Askama template (the
//! TechEmpower "Fortunes" shape). It names the schema in the query and skips the tenancy switch.
//! `/bench/tenancy/{slug}` runs the same query the way every organization page does: a
//! transaction pointed at the organization's schema and role (`orgs::enter`).
//! Their ratio is the cost of tenancy. Neither asks for a sign-in: they show a dozen site names
//! of any organization, which is why they exist only on a benchmark server.
//! `/bench/slow/{millis}` holds a pooled connection that long: a request still in flight when
//! the server is told to stop, or a load that keeps connections busy.

pub mod queries;
pub mod routes;
pub mod views;
