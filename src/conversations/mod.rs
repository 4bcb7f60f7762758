//! Conversations: direct messages between people who work together, and one thread per work
//! order, fault report and job application, with files, read receipts and live updates.
//! Who may take part is decided in one place ([`context`]); the rules of opening, reading and
//! writing are in [`operations`], the rows in [`queries`].

pub mod context;
pub mod demo;
pub mod openers;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod views;
