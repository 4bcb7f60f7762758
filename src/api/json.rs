//! Request bodies: JSON only, at most [`MAX_BODY`] bytes, unknown fields refused (a typo in a
//! field name must not be silently ignored), and each refusal naming the field it concerns.

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::problem::ApiError;

/// The largest body any endpoint reads; no resource's text needs more.
pub const MAX_BODY: usize = 256 * 1024;

/// A body read as `T`, with the SHA-256 of its bytes (what an Idempotency-Key is bound to).
pub struct ApiJson<T> {
    pub value: T,
    pub digest: String,
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        let mut payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(ApiError::Unreadable(
                    "Send the body as JSON, with Content-Type: application/json.".into(),
                ));
            }
            let mut body = Vec::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| {
                    ApiError::Unreadable(format!("The body could not be read: {e}"))
                })?;
                if body.len() + chunk.len() > MAX_BODY {
                    return Err(ApiError::TooLarge(format!(
                        "The body is larger than {} KB.",
                        MAX_BODY / 1024
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            let value = parse(&body)?;
            Ok(ApiJson {
                value,
                digest: hex::encode(Sha256::digest(&body)),
            })
        })
    }
}

/// Reads `body` as `T`: malformed JSON is a 400, a well-formed body of the wrong shape a 422
/// naming the field (`priority`, an unknown `colour`, or `body` for the whole).
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut reader = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut reader).map_err(|error| {
        let inner = error.inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::Unreadable(format!("The body is not valid JSON: {inner}"));
        }
        let path = error.path().to_string();
        let field = if path == "." {
            "body".to_string()
        } else {
            path
        };
        // serde's message ends with the position, which says nothing the field does not.
        let message = inner.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        ApiError::field(&field, message)
    })?;
    reader
        .end()
        .map_err(|e| ApiError::Unreadable(format!("The body has more after its JSON: {e}")))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Input {
        title: String,
        count: Option<u8>,
    }

    fn field_of(body: &str) -> Option<String> {
        match parse::<Input>(body.as_bytes()) {
            Err(ApiError::Invalid(errors)) => errors.messages().next().map(|(f, _)| f.clone()),
            _ => None,
        }
    }

    #[test]
    fn refusals_name_the_field() {
        assert_eq!(field_of(r#"{"title": 3}"#).as_deref(), Some("title"));
        assert_eq!(
            field_of(r#"{"title": "a", "count": 300}"#).as_deref(),
            Some("count")
        );
        assert_eq!(
            field_of(r#"{"title": "a", "colour": "red"}"#).as_deref(),
            Some("colour")
        );
        assert!(matches!(
            parse::<Input>(b"{\"title\": "),
            Err(ApiError::Unreadable(_))
        ));
        assert!(parse::<Input>(br#"{"title": "a"}"#).is_ok());
    }
}
