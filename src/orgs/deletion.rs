//! Deleting an organization: scheduled (suspended at once), restorable for a grace period,
//! then purged by the background worker — its schema, its role, its files and every platform
//! row that names it — leaving a tombstone in the registry and entries in the platform audit.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::Uuid as SqlUuid;
use uuid::Uuid;

use super::naming::quote_ident;
use crate::admin::audit::{self, PlatformActor};
use crate::background::{Job, JobContext, JobError, Kind, NewJob};
use crate::db::references::{self, quoted};
use crate::db::schema_public::{conversations, job_applications, job_listings};
use crate::db::schema_public::{marketplace_listings, marketplace_transactions, organizations};
use crate::marketplace::lifecycle::ListingStatus;
use crate::storage::{FileStore, LocalStore, StorageError};

/// How long a scheduled deletion can still be undone.
pub fn grace_period() -> Duration {
    Duration::days(30)
}

#[derive(Debug, thiserror::Error)]
pub enum DeletionError {
    #[error("no organization with the web address {0:?}")]
    NotFound(String),
    #[error("{name} is already scheduled for deletion on {on}")]
    AlreadyScheduled { name: String, on: String },
    #[error("{0} is not scheduled for deletion")]
    NotScheduled(String),
    #[error("the platform rows of the organization could not all be removed: {0}")]
    Entangled(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Files(#[from] StorageError),
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organizations)]
struct Target {
    id: Uuid,
    name: String,
    slug: String,
    schema_name: String,
    role_name: String,
    purge_after: Option<DateTime<Utc>>,
}

fn target(conn: &mut PgConnection, slug: &str) -> Result<Target, DeletionError> {
    organizations::table
        .filter(organizations::slug.eq(slug))
        .filter(organizations::deleted_at.is_null())
        .select(Target::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| DeletionError::NotFound(slug.to_string()))
}

/// Suspends the organization now and schedules its purge after the grace period.
pub fn schedule(
    conn: &mut PgConnection,
    slug: &str,
    actor: &PlatformActor,
) -> Result<DateTime<Utc>, DeletionError> {
    conn.transaction(|conn| {
        let org = target(conn, slug)?;
        if let Some(on) = org.purge_after {
            return Err(DeletionError::AlreadyScheduled {
                name: org.name,
                on: on.format("%Y-%m-%d").to_string(),
            });
        }
        let now = Utc::now();
        let purge_after = now + grace_period();
        diesel::update(organizations::table.find(org.id))
            .set((
                organizations::suspended_at.eq(diesel::dsl::sql::<
                    diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
                >("coalesce(suspended_at, now())")),
                organizations::deletion_requested_at.eq(now),
                organizations::purge_after.eq(purge_after),
                organizations::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            "organization.deletion_scheduled",
            Some(org.id),
            &format!("{} ({})", org.name, org.slug),
            &format!("purge after {}", purge_after.to_rfc3339()),
        )?;
        Ok(purge_after)
    })
}

/// Undoes a scheduled deletion within the grace period: the organization is active again.
pub fn restore(
    conn: &mut PgConnection,
    slug: &str,
    actor: &PlatformActor,
) -> Result<(), DeletionError> {
    conn.transaction(|conn| {
        let org = target(conn, slug)?;
        if org.purge_after.is_none() {
            return Err(DeletionError::NotScheduled(org.name));
        }
        diesel::update(organizations::table.find(org.id))
            .set((
                organizations::suspended_at.eq(None::<DateTime<Utc>>),
                organizations::deletion_requested_at.eq(None::<DateTime<Utc>>),
                organizations::purge_after.eq(None::<DateTime<Utc>>),
                organizations::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            "organization.deletion_cancelled",
            Some(org.id),
            &format!("{} ({})", org.name, org.slug),
            "",
        )?;
        Ok(())
    })
}

/// Purges the organization if its grace period is over; `false` when it is not due (restored
/// meanwhile, or already purged). Files go after the database work commits, so a failure
/// leaves everything in place to try again.
pub fn purge(
    conn: &mut PgConnection,
    organization_id: Uuid,
    files: &dyn FileStore,
) -> Result<bool, DeletionError> {
    let folders = conn.transaction(|conn| -> Result<Option<Vec<String>>, DeletionError> {
        let due: Option<Target> = organizations::table
            .find(organization_id)
            .filter(organizations::deleted_at.is_null())
            .filter(organizations::purge_after.le(Utc::now()))
            .select(Target::as_select())
            .for_update()
            .first(conn)
            .optional()?;
        let Some(org) = due else {
            return Ok(None);
        };
        let folders = file_folders(conn, org.id)?;
        delete_platform_rows(conn, org.id)?;
        drop_schema_and_role(conn, &org)?;
        diesel::update(organizations::table.find(org.id))
            .set((
                organizations::name.eq("Deleted organization"),
                organizations::contact_email.eq(None::<String>),
                organizations::contact_phone.eq(None::<String>),
                organizations::website_url.eq(None::<String>),
                organizations::address_line1.eq(None::<String>),
                organizations::address_line2.eq(None::<String>),
                organizations::city.eq(None::<String>),
                organizations::state.eq(None::<String>),
                organizations::postal_code.eq(None::<String>),
                organizations::settings.eq(serde_json::json!({})),
                organizations::deleted_at.eq(Utc::now()),
                organizations::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &PlatformActor {
                account_id: None,
                label: "the platform, after the grace period".into(),
            },
            "organization.purged",
            Some(org.id),
            &format!("{} ({})", org.name, org.slug),
            &format!(
                "schema {} and role {} dropped",
                org.schema_name, org.role_name
            ),
        )?;
        Ok(Some(folders))
    })?;
    let Some(folders) = folders else {
        return Ok(false);
    };
    for folder in folders {
        files.delete_folder(&folder)?;
    }
    Ok(true)
}

/// The store folders holding the organization's files: its attachments and signatures, its
/// marketplace listings' photos, its conversations' files, the résumés sent to its jobs.
fn file_folders(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<String>> {
    let mut folders = vec![format!("attachments/{id}"), format!("signatures/{id}")];
    // A listing someone bought from stays with its purchase, photos included.
    let listings: Vec<Uuid> = marketplace_listings::table
        .filter(marketplace_listings::seller_org_id.eq(id))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            marketplace_transactions::table
                .filter(marketplace_transactions::listing_id.eq(marketplace_listings::id)),
        )))
        .select(marketplace_listings::id)
        .load(conn)?;
    folders.extend(listings.iter().map(|l| format!("marketplace/{l}")));
    let talks: Vec<Uuid> = conversations::table
        .filter(conversations::organization_id.eq(id))
        .select(conversations::id)
        .load(conn)?;
    folders.extend(talks.iter().map(|c| format!("conversations/{c}")));
    let resumes: Vec<Option<String>> = job_applications::table
        .inner_join(job_listings::table)
        .filter(job_listings::organization_id.eq(id))
        .select(job_applications::resume_file_key)
        .load(conn)?;
    folders.extend(resumes.into_iter().flatten());
    Ok(folders)
}

/// Records as much another party's as the organization's own: the platform audit, and
/// purchases (the other side's history of what it bought or sold). They stay, naming the
/// tombstone, and so do the rows they point at (the listing a purchase was of, withdrawn).
const SHARED: &[&str] = &["platform_audit", "marketplace_transactions"];

/// Deletes every other platform row that names the organization. Tables are tried in rounds,
/// since some rows point at others (an inquiry at a listing): each round deletes what no
/// longer has anything pointing at it.
fn delete_platform_rows(conn: &mut PgConnection, id: Uuid) -> Result<(), DeletionError> {
    diesel::update(marketplace_listings::table)
        .filter(marketplace_listings::seller_org_id.eq(id))
        .filter(
            marketplace_listings::status.eq_any([ListingStatus::Active, ListingStatus::Reserved]),
        )
        .set(marketplace_listings::status.eq(ListingStatus::Withdrawn))
        .execute(conn)?;
    let mut pending = Vec::new();
    for reference in references::to_table(conn, "organizations")? {
        if SHARED.contains(&reference.table.as_str()) {
            continue;
        }
        let table = quoted(&reference.table);
        let mut sql = format!(
            "DELETE FROM public.{table} WHERE {} = $1",
            quoted(&reference.column)
        );
        for keeper in references::to_table(conn, &reference.table)? {
            if SHARED.contains(&keeper.table.as_str()) {
                sql.push_str(&format!(
                    " AND NOT EXISTS (SELECT 1 FROM public.{} k WHERE k.{} = {table}.id)",
                    quoted(&keeper.table),
                    quoted(&keeper.column)
                ));
            }
        }
        pending.push((reference, sql));
    }
    while !pending.is_empty() {
        let before = pending.len();
        let mut blocked = Vec::new();
        let mut last_error = String::new();
        for (reference, sql) in pending {
            let attempt = conn
                .transaction(|conn| diesel::sql_query(&sql).bind::<SqlUuid, _>(id).execute(conn));
            if let Err(e) = attempt {
                last_error = format!("{}.{}: {e}", reference.table, reference.column);
                blocked.push((reference, sql));
            }
        }
        if blocked.len() == before {
            return Err(DeletionError::Entangled(last_error));
        }
        pending = blocked;
    }
    Ok(())
}

fn drop_schema_and_role(conn: &mut PgConnection, org: &Target) -> Result<(), DeletionError> {
    let (Some(schema), Some(role)) = (quote_ident(&org.schema_name), quote_ident(&org.role_name))
    else {
        return Err(DeletionError::Entangled(format!(
            "unexpected schema or role name {} / {}",
            org.schema_name, org.role_name
        )));
    };
    for statement in [
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        format!("DROP OWNED BY {role}"),
        format!("DROP ROLE {role}"),
    ] {
        diesel::sql_query(statement).execute(conn)?;
    }
    Ok(())
}

/// The worker's side: finds organizations whose grace period ended and purges each.
pub struct PurgeOrganizations;

impl Kind for PurgeOrganizations {
    fn name(&self) -> &'static str {
        "purge_organization"
    }

    fn schedule(&self, conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
        let due: Vec<Uuid> = organizations::table
            .filter(organizations::deleted_at.is_null())
            .filter(organizations::purge_after.le(now))
            .select(organizations::id)
            .load(conn)?;
        let mut enqueued = 0;
        for id in due {
            let job = NewJob {
                kind: self.name(),
                organization_id: None,
                payload: serde_json::json!({ "organization": id }),
                unique_key: Some(format!("purge:{id}")),
                run_at: now,
                max_attempts: 5,
            };
            if crate::background::enqueue(conn, &job)? {
                enqueued += 1;
            }
        }
        Ok(enqueued)
    }

    fn perform(
        &self,
        conn: &mut PgConnection,
        job: &Job,
        ctx: &JobContext,
    ) -> Result<(), JobError> {
        let id: Uuid = job.field("organization")?;
        let files = LocalStore::new(&ctx.config.data_dir.join("files"));
        match purge(conn, id, &files) {
            Ok(purged) => {
                tracing::info!(organization = %id, purged, "organization purge");
                Ok(())
            }
            Err(e) => Err(JobError::Failed(e.to_string())),
        }
    }
}

impl From<DeletionError> for crate::web::AppError {
    fn from(error: DeletionError) -> Self {
        use crate::web::AppError;
        match error {
            DeletionError::NotFound(_) => AppError::NotFound,
            DeletionError::AlreadyScheduled { .. } | DeletionError::NotScheduled(_) => {
                AppError::Conflict(error.to_string())
            }
            DeletionError::Database(e) => e.into(),
            other => AppError::internal(other),
        }
    }
}
