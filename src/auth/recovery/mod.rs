//! Getting back in and proving an address: "forgot password" links, and the confirmation
//! link every new account is sent. Both answer the same whether or not an email is
//! registered, so neither page tells a stranger who has an account.

pub mod operations;
pub mod routes;
pub mod views;
