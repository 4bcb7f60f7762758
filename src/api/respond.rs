//! What every endpoint shares: paging parameters, ETags and If-Match, Idempotency-Key.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::auth::{ApiClient, ApiCtx};
use super::cursor::{self, Cursor, Cursors};
use super::problem::ApiError;
use super::scopes::Scope;
use crate::db::schema_org::api_idempotency_keys;

/// `?cursor=&limit=` on every list. Filters come with the list's own parameters.
#[derive(Debug, Default, Deserialize)]
pub struct Paging {
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<String>,
}

/// Paging read and checked: where to start and how many.
pub struct PageAsk {
    pub after: Option<(DateTime<Utc>, Uuid)>,
    pub limit: i64,
}

impl Paging {
    pub fn read(&self, cursors: &Cursors, organization: Uuid) -> Result<PageAsk, ApiError> {
        let limit = match self.limit.as_deref().map(str::trim) {
            None | Some("") => cursor::limit(None)?,
            Some(text) => cursor::limit(Some(text.parse::<i64>().map_err(|_| {
                ApiError::field("limit", "Ask for a whole number of items per page.")
            })?))?,
        };
        let after = match self.cursor.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                let at = cursors.decode(organization, text)?;
                Some((at.created_at, at.id))
            }
        };
        Ok(PageAsk { after, limit })
    }
}

/// One page of a list, with the cursor of the next when there may be one.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Where a row stands in creation order, for the next page's cursor.
pub type Place<R> = fn(&R) -> (DateTime<Utc>, Uuid);

/// Answers one page of a list: `load` reads the rows after the asked cursor in creation
/// order, `place` says where a row stands, `out` turns each into what is sent.
pub async fn list<R, T, L>(
    client: &ApiClient,
    scope: Scope,
    paging: Paging,
    load: L,
    place: Place<R>,
    out: fn(R) -> T,
) -> Result<HttpResponse, ApiError>
where
    L: FnOnce(&mut PgConnection, &PageAsk) -> QueryResult<Vec<R>> + Send + 'static,
    R: 'static,
    T: Serialize + Send + 'static,
{
    let cursors = client.cursors();
    let page = client
        .run(scope, move |conn, ctx| {
            let ask = paging.read(&cursors, ctx.org().id)?;
            let rows = load(conn, &ask)?;
            Ok(Page::of(rows, &ask, ctx, &cursors, place, out))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

impl<T> Page<T> {
    /// The page of `rows` (as read, in creation order), each turned into what is sent.
    fn of<R>(
        rows: Vec<R>,
        ask: &PageAsk,
        ctx: &ApiCtx,
        cursors: &Cursors,
        place: Place<R>,
        out: fn(R) -> T,
    ) -> Page<T> {
        let next_cursor = (rows.len() as i64 == ask.limit)
            .then(|| rows.last().map(place))
            .flatten()
            .map(|(created_at, id)| cursors.encode(ctx.org().id, Cursor { created_at, id }));
        Page {
            data: rows.into_iter().map(out).collect(),
            next_cursor,
        }
    }
}

/// A resource with its ETag, as JSON.
pub fn with_etag<T: Serialize>(status: StatusCode, etag: &str, body: &T) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag.to_string()))
        .json(body)
}

/// The ETag of a resource at `version`.
pub fn etag(version: i32) -> String {
    format!("\"v{version}\"")
}

/// The ETag of a resource known by when it last changed.
pub fn etag_at(updated_at: DateTime<Utc>) -> String {
    format!("\"t{}\"", updated_at.timestamp_micros())
}

/// The `If-Match` an update must carry: the ETag its author read.
pub fn if_match(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or(ApiError::PreconditionRequired)?;
    Ok(value.trim_start_matches("W/").to_string())
}

/// The change time named by an `If-Match` of a resource known by it ([`etag_at`]).
pub fn if_match_at(req: &HttpRequest) -> Result<DateTime<Utc>, ApiError> {
    if_match(req)?
        .trim_matches('"')
        .strip_prefix('t')
        .and_then(|micros| micros.parse().ok())
        .and_then(DateTime::from_timestamp_micros)
        .ok_or(ApiError::PreconditionFailed)
}

/// The version named by an `If-Match` of a versioned resource.
pub fn if_match_version(req: &HttpRequest) -> Result<i32, ApiError> {
    if_match(req)?
        .trim_matches('"')
        .strip_prefix('v')
        .and_then(|v| v.parse().ok())
        .ok_or(ApiError::PreconditionFailed)
}

/// The `Idempotency-Key` a create may carry.
pub fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| (1..=255).contains(&k.len()))
        .ok_or_else(|| {
            ApiError::BadRequest(
                "Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID.".into(),
            )
        })?;
    Ok(Some(key.to_string()))
}

/// What a create answered, kept to answer a retry with the same Idempotency-Key.
pub struct Created {
    pub status: StatusCode,
    pub body: Value,
    pub location: String,
    pub etag: Option<String>,
    pub replayed: bool,
}

impl Created {
    /// A new resource at `location`, answered 201 with `body` (and its ETag, if versioned).
    pub fn new<B: Serialize>(
        location: String,
        etag: Option<String>,
        body: &B,
    ) -> Result<Created, ApiError> {
        Ok(Created {
            status: StatusCode::CREATED,
            location,
            etag,
            body: serde_json::to_value(body).map_err(ApiError::internal)?,
            replayed: false,
        })
    }

    pub fn respond(self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::LOCATION, self.location));
        if let Some(etag) = self.etag {
            response.insert_header((header::ETAG, etag));
        }
        if self.replayed {
            response.insert_header(("Idempotent-Replayed", "true"));
        }
        response.json(self.body)
    }
}

/// Runs `create` once per Idempotency-Key: a retry with the same key and body answers the
/// first result and creates nothing; the same key with another body is refused. The key is
/// written in the create's own transaction, so a create that failed can be retried with it,
/// and of two identical requests at once the second waits for the first and then either
/// answers its result (committed) or is refused as in progress.
pub fn once<F>(
    conn: &mut PgConnection,
    ctx: &ApiCtx,
    key: Option<&str>,
    digest: &str,
    create: F,
) -> Result<Created, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<Created, ApiError>,
{
    let Some(key) = key else {
        return create(conn);
    };
    if let Some(earlier) = stored(conn, ctx.key.id, key)? {
        return earlier.replay(digest);
    }
    let created = create(conn)?;
    let written = diesel::insert_into(api_idempotency_keys::table)
        .values((
            api_idempotency_keys::api_key_id.eq(ctx.key.id),
            api_idempotency_keys::idempotency_key.eq(key),
            api_idempotency_keys::request_hash.eq(digest),
            api_idempotency_keys::response_status.eq(created.status.as_u16() as i16),
            api_idempotency_keys::response_body.eq(&created.body),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if written == 0 {
        // The same key committed meanwhile: this request's work must not stand.
        return Err(ApiError::Conflict(
            "A request with this Idempotency-Key was being made at the same time; repeat it to read its result.".into(),
        ));
    }
    Ok(created)
}

struct Stored {
    request_hash: String,
    status: i16,
    body: Value,
}

impl Stored {
    fn replay(self, digest: &str) -> Result<Created, ApiError> {
        if self.request_hash != digest {
            return Err(ApiError::field(
                "Idempotency-Key",
                "This key was used for a request with another body; use a new key for a new request.",
            ));
        }
        let location = self
            .body
            .get("self")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let etag = self
            .body
            .get("version")
            .and_then(Value::as_i64)
            .and_then(|v| i32::try_from(v).ok())
            .map(etag);
        Ok(Created {
            status: StatusCode::from_u16(self.status as u16).unwrap_or(StatusCode::CREATED),
            body: self.body,
            location,
            etag,
            replayed: true,
        })
    }
}

fn stored(conn: &mut PgConnection, key_id: Uuid, key: &str) -> QueryResult<Option<Stored>> {
    api_idempotency_keys::table
        .find((key_id, key))
        .select((
            api_idempotency_keys::request_hash,
            api_idempotency_keys::response_status,
            api_idempotency_keys::response_body,
        ))
        .first::<(String, i16, Value)>(conn)
        .optional()
        .map(|row| {
            row.map(|(request_hash, status, body)| Stored {
                request_hash,
                status,
                body,
            })
        })
}
