//! Reads and writes of `public.api_keys` and the hourly request counts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use super::KeyGrant;
use crate::api::scopes::Scopes;
use crate::db::schema_public::{api_keys, organizations};
use crate::orgs::OrgHandle;

/// A key as its settings page lists it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct ApiKey {
    pub id: Uuid,
    pub key_prefix: String,
    pub name: String,
    pub description: Option<String>,
    pub scopes: Vec<String>,
    pub rate_limit_per_hour: i32,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl ApiKey {
    /// Its status as the settings page shows it: a label and the badge's class.
    pub fn state(&self, now: &DateTime<Utc>) -> (&'static str, &'static str) {
        if self.revoked_at.is_some() {
            ("Revoked", "badge-bad")
        } else if self.expires_at.is_some_and(|at| at <= *now) {
            ("Expired", "badge-warn")
        } else {
            ("Active", "badge-ok")
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = api_keys)]
pub struct KeyInsert<'a> {
    pub organization_id: Uuid,
    pub created_by: Option<Uuid>,
    pub key_prefix: &'a str,
    pub key_hash: &'a str,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub scopes: Vec<String>,
    pub rate_limit_per_hour: i32,
    pub expires_at: Option<DateTime<Utc>>,
}

pub fn insert(conn: &mut PgConnection, key: &KeyInsert) -> QueryResult<ApiKey> {
    diesel::insert_into(api_keys::table)
        .values(key)
        .returning(ApiKey::as_returning())
        .get_result(conn)
}

/// An organization's keys, newest first, revoked ones last.
pub fn for_organization(
    conn: &mut PgConnection,
    organization_id: Uuid,
) -> QueryResult<Vec<ApiKey>> {
    api_keys::table
        .filter(api_keys::organization_id.eq(organization_id))
        .order((
            api_keys::revoked_at.is_not_null(),
            api_keys::created_at.desc(),
        ))
        .select(ApiKey::as_select())
        .load(conn)
}

/// Revokes key `id` of the organization; 0 when it is not theirs or already revoked.
pub fn revoke(
    conn: &mut PgConnection,
    organization_id: Uuid,
    id: Uuid,
    by: Option<Uuid>,
) -> QueryResult<Option<ApiKey>> {
    diesel::update(
        api_keys::table
            .filter(api_keys::id.eq(id))
            .filter(api_keys::organization_id.eq(organization_id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set((
        api_keys::revoked_at.eq(diesel::dsl::now),
        api_keys::revoked_by.eq(by),
        api_keys::is_active.eq(false),
    ))
    .returning(ApiKey::as_returning())
    .get_result(conn)
    .optional()
}

type GrantRow = (
    Uuid,
    String,
    String,
    String,
    Vec<String>,
    i32,
    bool,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    (Uuid, String, String, String, String),
    Option<DateTime<Utc>>,
);

/// The key with this prefix and the organization it acts as, in one indexed query.
pub fn grant(conn: &mut PgConnection, prefix: &str) -> QueryResult<Option<KeyGrant>> {
    let row: Option<GrantRow> = api_keys::table
        .inner_join(organizations::table)
        .filter(api_keys::key_prefix.eq(prefix))
        .filter(organizations::deleted_at.is_null())
        .select((
            api_keys::id,
            api_keys::key_prefix,
            api_keys::name,
            api_keys::key_hash,
            api_keys::scopes,
            api_keys::rate_limit_per_hour,
            api_keys::is_active,
            api_keys::revoked_at,
            api_keys::expires_at,
            (
                organizations::id,
                organizations::slug,
                organizations::name,
                organizations::schema_name,
                organizations::role_name,
            ),
            organizations::suspended_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(
            id,
            prefix,
            name,
            hash,
            scopes,
            limit,
            active,
            revoked_at,
            expires_at,
            org,
            suspended,
        )| {
            KeyGrant {
                id,
                prefix,
                name,
                hash,
                scopes: Scopes::from_names(&scopes),
                rate_limit_per_hour: limit,
                org: OrgHandle {
                    id: org.0,
                    slug: org.1,
                    name: org.2,
                    schema_name: org.3,
                    role_name: org.4,
                },
                revoked: revoked_at.is_some() || !active,
                expires_at,
                org_suspended: suspended.is_some(),
            }
        },
    ))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = Integer)]
    requests: i32,
}

/// Adds `requests` of key `id` in the hour starting at `hour`, and returns the hour's count so
/// far, in one statement that is its own transaction. It commits without waiting for the
/// disk (`set_config` of `synchronous_commit`, local to that transaction): a crash may lose a
/// few counts, which is harmless, and the key's row lock is held only for the statement.
/// The key's `last_used_at` is refreshed at most once a minute, so a busy key does not rewrite
/// its row on every request.
pub fn count_requests(
    conn: &mut PgConnection,
    id: Uuid,
    hour: DateTime<Utc>,
    requests: i32,
) -> QueryResult<i32> {
    diesel::sql_query(
        "WITH quick AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true)), \
         touched AS ( \
             UPDATE api_keys SET last_used_at = now() \
             WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') \
         ) \
         INSERT INTO api_key_usage (api_key_id, hour_start, requests) \
         SELECT $1, $2, $3 FROM quick \
         ON CONFLICT (api_key_id, hour_start) \
         DO UPDATE SET requests = api_key_usage.requests + EXCLUDED.requests \
         RETURNING requests",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<Timestamptz, _>(hour)
    .bind::<Integer, _>(requests)
    .get_result::<Count>(conn)
    .map(|count| count.requests)
}
