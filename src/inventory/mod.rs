//! Parts inventory: a catalogue of items, stock by location (warehouses, vans, site stores,
//! consignment), a ledger every quantity change is written to, reservations, purchase orders,
//! and the bridge to the marketplace.
//!
//! [`model`] names the kinds of things, [`operations`] holds the rules (every change posts to
//! the ledger through `operations::stock::post`), [`queries`] every read and write, [`routes`]
//! the pages under `/o/{slug}/inventory`.

pub mod csv;
pub mod demo;
pub mod forms;
pub mod jobs;
pub mod model;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod verify;
pub mod views;
