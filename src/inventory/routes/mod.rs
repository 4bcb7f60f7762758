//! The pages under `/o/{slug}/inventory`. Handlers read the request, call one operation or
//! query through the organization's door, and render; the rules are in `operations`.

use actix_web::web::ServiceConfig;

pub mod purchases;
pub mod reorder;

/// Every inventory route, registered inside the organization's scope.
pub fn configure(cfg: &mut ServiceConfig) {
    purchases::configure(cfg);
    reorder::configure(cfg);
}
