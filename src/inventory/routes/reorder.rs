//! Placeholder being written.

use actix_web::web::ServiceConfig;

pub fn configure(_cfg: &mut ServiceConfig) {}
