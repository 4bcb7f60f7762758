//! The parts marketplace: organizations list surplus lift parts, anyone browses and searches
//! them, members of other organizations ask questions and buy. Rows live in `public`
//! (platform-wide); no organization schema is involved.

pub mod demo;
pub mod forms;
pub mod images;
pub mod lifecycle;
pub mod money;
pub mod queries;
pub mod routes;
pub mod views;

pub use lifecycle::{Action, ListingStatus, PartCondition, Party, TransactionStatus};
