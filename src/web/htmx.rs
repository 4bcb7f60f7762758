//! Knowing whether a request came from htmx, so one handler serves both the page and its fragment.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpRequest};

/// `true` when the request carries `HX-Request` (and is not a history restore, which needs the
/// full page).
#[derive(Debug, Clone, Copy)]
pub struct Htmx(pub bool);

impl Htmx {
    pub fn is_fragment(&self) -> bool {
        self.0
    }
}

impl FromRequest for Htmx {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let headers = req.headers();
        let htmx = headers.contains_key("hx-request")
            && !headers.contains_key("hx-history-restore-request");
        ready(Ok(Htmx(htmx)))
    }
}
