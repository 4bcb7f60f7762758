//! Cross-cutting response behaviour: security headers and the per-request log line.

use std::time::Instant;

use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::HttpMessage;

/// Scripts only from our own origin, and no inline script anywhere: htmx is configured so it
/// needs neither inline styles nor eval (see the htmx-config meta tag in base.html).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
     object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Sent with every response; error pages add them themselves too, since an error that
/// escapes the middleware chain skips `DefaultHeaders`.
pub const SECURITY_HEADERS: [(&str, &str); 6] = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    (
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=()",
    ),
    ("Cross-Origin-Opener-Policy", "same-origin"),
];

pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = if https {
        DefaultHeaders::new().add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        DefaultHeaders::new()
    };
    SECURITY_HEADERS
        .into_iter()
        .fold(headers, |headers, header| headers.add(header))
}

/// A short id that ties a request's log line to what the user saw (`X-Request-Id`).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Logs one line per request: id, method, path (no query string: it may carry tokens), status,
/// duration. Bodies and headers are never logged, so neither are passwords nor cookies.
pub fn request_log<S, B>(
    req: ServiceRequest,
    service: &S,
) -> impl std::future::Future<Output = Result<ServiceResponse<B>, actix_web::Error>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let started = Instant::now();
    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().to_string();
    let path = req.path().to_string();
    let call = service.call(req);
    async move {
        let outcome = call.await;
        let millis = started.elapsed().as_secs_f64() * 1000.0;
        match outcome {
            Ok(mut res) => {
                let status = res.status().as_u16();
                tracing::info!(request_id = %id, %method, %path, status, duration_ms = format!("{millis:.1}"), "request");
                if let Ok(value) = HeaderValue::from_str(&id) {
                    res.headers_mut()
                        .insert(HeaderName::from_static("x-request-id"), value);
                }
                Ok(res)
            }
            Err(e) => {
                tracing::info!(request_id = %id, %method, %path, status = e.as_response_error().status_code().as_u16(), duration_ms = format!("{millis:.1}"), "request");
                Err(e)
            }
        }
    }
}

/// An htmx request that gets a redirect would follow it and swap the whole target page into a
/// fragment's place; `HX-Redirect` makes htmx navigate instead.
pub fn htmx_redirects<S, B>(
    req: ServiceRequest,
    service: &S,
) -> impl std::future::Future<Output = Result<ServiceResponse<B>, actix_web::Error>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let is_htmx = req.headers().contains_key("hx-request");
    let call = service.call(req);
    async move {
        let mut res = call.await?;
        if is_htmx && res.status().is_redirection() {
            if let Some(location) = res
                .headers()
                .get(actix_web::http::header::LOCATION)
                .cloned()
            {
                *res.response_mut().status_mut() = actix_web::http::StatusCode::OK;
                let headers = res.headers_mut();
                headers.remove(actix_web::http::header::LOCATION);
                headers.insert(HeaderName::from_static("hx-redirect"), location);
            }
        }
        Ok(res)
    }
}

/// Turns an error that escaped as `Err` (the session middleware fails this way when the session
/// store cannot be reached) into our error page, with its security headers and the request id
/// — and, when the cause is an exhausted pool, with 503 instead of a bare 500.
pub fn errors_as_pages<S, B>(
    req: ServiceRequest,
    service: &S,
) -> impl std::future::Future<Output = Result<ServiceResponse<B>, actix_web::Error>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    // Read now: the request itself must not be held (routing needs it unshared).
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    let htmx = req.headers().contains_key("hx-request");
    let call = service.call(req);
    async move {
        call.await.map_err(|error| {
            let cause = error.to_string();
            // `db::Unavailable` keeps its message through the session store's error chain.
            let app_error = if cause.starts_with(crate::db::UNAVAILABLE) {
                super::AppError::Unavailable(cause)
            } else {
                super::AppError::Internal(anyhow::anyhow!("{error}"))
            };
            let page = app_error.respond_without_request(request_id, htmx);
            actix_web::error::InternalError::from_response(app_error, page).into()
        })
    }
}

/// A NUL character in an address (`%00`) is never meaningful, and PostgreSQL refuses it in any
/// text value: refused here once, it cannot reach a search filter or a slug lookup as a 500.
pub fn refuse_nul_in_address<S, B>(
    req: ServiceRequest,
    service: &S,
) -> impl std::future::Future<
    Output = Result<ServiceResponse<actix_web::body::EitherBody<B>>, actix_web::Error>,
>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let uri = req.uri().to_string();
    let refused = uri.contains("%00") || uri.contains('\0');
    let call = if refused {
        Err(req)
    } else {
        Ok(service.call(req))
    };
    async move {
        match call {
            Ok(call) => Ok(call.await?.map_into_left_body()),
            Err(req) => Ok(req
                .error_response(super::AppError::BadRequest(
                    "The address contains a NUL character (%00), which no page accepts.".into(),
                ))
                .map_into_right_body()),
        }
    }
}
