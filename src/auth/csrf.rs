//! CSRF protection for every unsafe request (POST, PUT, PATCH, DELETE).
//!
//! Two checks, both must pass: the browser must not say the request is cross-site
//! (`Sec-Fetch-Site`, `Origin`), and the request must carry this session's token — in the
//! `X-CSRF-Token` header (htmx sends it from `hx-headers` on `<body>`), in a `csrf_token` form
//! field, or, for file uploads, in the `csrf_token` query parameter.

use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;

use actix_session::SessionExt;
use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::Method;
use actix_web::web::BytesMut;
use actix_web::HttpMessage;
use futures_util::StreamExt;

use crate::web::AppError;

pub const FIELD: &str = "csrf_token";
const HEADER: &str = "x-csrf-token";
const BODY_LIMIT: usize = 2 * 1024 * 1024;

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// RFC 8058: a mail provider posts the unsubscribe link from its own servers, with no
/// session. The signed token in the path is the permission, and all it can do is stop email.
fn is_one_click_unsubscribe(req: &ServiceRequest) -> bool {
    req.path().starts_with("/unsubscribe/")
}

/// The JSON API authenticates by its `Authorization` header alone and never reads the
/// session, so a forged cross-site request carries nothing it would accept.
fn is_api(req: &ServiceRequest) -> bool {
    req.path().starts_with("/api/v1/")
}

fn refused() -> actix_web::Error {
    AppError::Forbidden(
        "This form has expired or was sent from another site. Reload the page and try again."
            .into(),
    )
    .into()
}

fn cross_site(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return true;
    }
    let host = headers.get("host").and_then(|v| v.to_str().ok());
    match (headers.get("origin").and_then(|v| v.to_str().ok()), host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let origin_host = origin
                .split_once("://")
                .map(|(_, rest)| rest)
                .unwrap_or(origin);
            origin_host != host
        }
        _ => false,
    }
}

fn field_from(query_or_body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(query_or_body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The middleware; wrap it inside the session middleware.
pub struct CsrfGuard;

impl<S, B> Transform<S, ServiceRequest> for CsrfGuard
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = CsrfGuardService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CsrfGuardService {
            service: Rc::new(service),
        }))
    }
}

pub struct CsrfGuardService<S> {
    service: Rc<S>,
}

impl<S, B> Service<ServiceRequest> for CsrfGuardService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        Box::pin(async move {
            // A refusal is answered here as a page, so the outer middleware (security headers,
            // htmx error fragments) treat it like any other response.
            let (req, checked) = check(req).await;
            match checked {
                Ok(()) => service
                    .call(req)
                    .await
                    .map(ServiceResponse::map_into_left_body),
                Err(error) => Ok(req.error_response(error).map_into_right_body()),
            }
        })
    }
}

async fn check(mut req: ServiceRequest) -> (ServiceRequest, Result<(), actix_web::Error>) {
    let outcome = async {
        if !is_unsafe(req.method()) || is_one_click_unsubscribe(&req) || is_api(&req) {
            return Ok(());
        }
        if cross_site(&req) {
            return Err(refused());
        }
        let expected = req
            .get_session()
            .get::<String>("csrf")
            .ok()
            .flatten()
            .ok_or_else(refused)?;
        let sent = req
            .headers()
            .get(HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| field_from(req.query_string().as_bytes()));
        let sent = match sent {
            Some(token) => token,
            None if is_form(&req) => {
                // Read the form to find the token, then hand the same bytes on.
                let mut payload = req.take_payload();
                let mut body = BytesMut::new();
                while let Some(chunk) = payload.next().await {
                    let chunk = chunk?;
                    if body.len() + chunk.len() > BODY_LIMIT {
                        return Err(AppError::BadRequest("The form is too large.".into()).into());
                    }
                    body.extend_from_slice(&chunk);
                }
                let body = body.freeze();
                let token = field_from(&body).unwrap_or_default();
                req.set_payload(actix_web::dev::Payload::from(body));
                token
            }
            None => return Err(refused()),
        };
        if !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            return Err(refused());
        }
        Ok(())
    }
    .await;
    (req, outcome)
}

fn is_form(req: &ServiceRequest) -> bool {
    req.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}
