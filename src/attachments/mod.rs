//! Attachments: photos and PDFs on work orders and fault reports (the public report form too).
//! What is accepted and how a photo is cleaned ([`files`]), storing and removing them
//! ([`operations`]), their rows ([`queries`]), the gallery ([`views`]) and the pages that take
//! and serve them ([`routes`]). Files go through the file store (`storage`), under keys of the
//! organization's id; ids are looked up in the organization's own schema, so another
//! organization's attachment is not found.

pub mod files;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod views;
