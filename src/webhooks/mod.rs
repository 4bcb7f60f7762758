//! Webhooks: an organization's administrators subscribe URLs to events (`events::Event`);
//! the operations that cause an event call [`emit`] in their own transaction, which writes one
//! delivery per active subscription to it and enqueues a `deliver_webhook` job for each. The
//! job signs the payload (`signature`) and POSTs it through the SSRF guard (`guard`), and the
//! subscription's page shows each delivery's attempts, with "Redeliver" and "Send test event".

pub mod client;
pub mod deliver;
pub mod events;
pub mod forms;
pub mod guard;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod secret;
pub mod signature;
mod views;

pub use events::Event;
pub use operations::emit;
