//! The parts marketplace: organizations list surplus lift parts, anyone browses and searches
//! them, members of other organizations ask questions and buy. Rows live in `public`
//! (platform-wide); no organization schema is involved.
//!
//! `routes/` holds the handlers, one module per section (browse, selling, photos, inquiries,
//! buying, orders); `operations/` the rules they call, which a JSON API and background work
//! call too; `traders` who may do what (asked of the permission table); `queries/` the SQL.

pub mod demo;
pub mod forms;
pub mod images;
pub mod lifecycle;
pub mod money;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod traders;
pub mod views;

pub use lifecycle::{Action, ListingStatus, PartCondition, Party, TransactionStatus};
