//! Recreating an organization from an archive: a new registry row and role (through the
//! provisioning code), the dumped schema restored under the new schema name, the platform rows
//! with accounts matched by email, and the files. The database part is one transaction; the
//! files are written inside it and removed again if it does not commit.

use std::collections::HashMap;
use std::path::Path;

use diesel::prelude::*;
use diesel::sql_types::{Array, Nullable, Text, Uuid as SqlUuid};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::archive::{Archive, Manifest, FORMAT_VERSION, PRIVILEGES};
use super::rows::{self, FILE_KEY_COLUMNS};
use super::{
    known_org_migration, known_public_migration, newer_version, tools, without_time_limits,
    TransferError,
};
use crate::auth::accounts;
use crate::db::bootstrap::Database;
use crate::db::{SchemaLedger, TextRow};
use crate::orgs::naming::Slug;
use crate::orgs::provision::{self, CreateError, NewOrganization};
use crate::orgs::queries::{self, Organization};
use crate::orgs::{migrate, restore};
use crate::storage::FileStore;

/// Stored for accounts created by an import: no password verifies against it (it is not a
/// hash), so the person sets one through "forgot password" before signing in.
const NO_PASSWORD: &str = "!imported";

/// The audit trail is append-only and hash-chained: it keeps the account ids it recorded.
const UNCHANGED_TABLES: &[&str] = &["audit_events"];

type Row = Map<String, Value>;

#[derive(Debug)]
pub struct ImportSummary {
    pub slug: String,
    pub schema_name: String,
    pub accounts_matched: usize,
    pub accounts_created: usize,
    pub platform_rows: usize,
    pub files: usize,
}

/// Imports the archive at `from` into `database` as the organization `slug` (by default the
/// slug it was exported with), its files into `files`.
pub fn import(
    database: &Database,
    files: &dyn FileStore,
    from: &Path,
    slug: Option<&str>,
) -> Result<ImportSummary, TransferError> {
    let archive = Archive::open(from)?;
    check_versions(&archive.manifest)?;
    let slug = slug
        .unwrap_or(&archive.manifest.organization.slug)
        .to_string();
    Slug::parse(&slug).map_err(|e| TransferError::Slug {
        slug: slug.clone(),
        reason: e.to_string(),
    })?;
    let mut conn = database.db.get()?;
    if queries::slug_taken(&mut conn, &slug)? {
        return Err(TransferError::SlugTaken(slug));
    }
    let dump = std::str::from_utf8(archive.get("schema.sql")?)
        .map_err(|_| TransferError::Damaged("schema.sql is not UTF-8 text".into()))?;
    let dump = tools::without_meta_commands(dump);
    let ledger = conn.ledger();
    let mut written = Vec::new();
    let outcome = conn.transaction(|conn| {
        without_time_limits(conn)?;
        let loader = Loader {
            archive: &archive,
            ledger: &ledger,
            files,
        };
        loader.load(conn, &dump, &slug, &mut written)
    });
    match outcome {
        Ok(summary) => {
            restore::analyze(&mut conn, &summary.schema_name)?;
            Ok(summary)
        }
        Err(e) => {
            for key in &written {
                if let Err(removal) = files.delete(key) {
                    tracing::error!(key, error = %removal, "could not remove an imported file");
                }
            }
            Err(e)
        }
    }
}

fn check_versions(manifest: &Manifest) -> Result<(), TransferError> {
    let ours = env!("CARGO_PKG_VERSION");
    let newer = |what: String| Err(TransferError::Newer { what });
    if manifest.format_version > FORMAT_VERSION {
        return newer(format!(
            "archive format {}, this build reads up to {FORMAT_VERSION}",
            manifest.format_version
        ));
    }
    if newer_version(&manifest.sitesync_version, ours) {
        return newer(format!(
            "version {}, this is {ours}",
            manifest.sitesync_version
        ));
    }
    let org = known_org_migration();
    if manifest.org_migration > org {
        return newer(format!(
            "organization tables at migration {}, this build knows up to {org}",
            manifest.org_migration
        ));
    }
    let public = known_public_migration();
    if manifest.public_migration > public {
        return newer(format!(
            "platform tables at migration {}, this build knows up to {public}",
            manifest.public_migration
        ));
    }
    Ok(())
}

/// Old ids and file keys of the archive to the ones they have here.
#[derive(Default)]
struct Renames {
    ids: HashMap<String, String>,
    keys: HashMap<String, String>,
    /// The organization's pages' path before and after (`/o/acme/`, `/o/acme_copy/`), for
    /// links stored in rows (notifications).
    pages: (String, String),
}

impl Renames {
    fn id(&mut self, old: &str, new: &str) {
        self.ids.insert(old.to_string(), new.to_string());
    }

    /// Rewrites every value of `row` that is an old id, file key or link into the
    /// organization's pages.
    fn rewrite(&self, row: &mut Row) {
        let (old_pages, new_pages) = &self.pages;
        for value in row.values_mut() {
            if let Value::String(text) = value {
                if let Some(new) = self.ids.get(text).or_else(|| self.keys.get(text)) {
                    *text = new.clone();
                } else if let Some(rest) = text.strip_prefix(old_pages.as_str()) {
                    *text = format!("{new_pages}{rest}");
                }
            }
        }
    }

    /// A file key with the ids in it renamed: keys are made of ids (`attachments/<org>/<id>.jpg`,
    /// `marketplace/<listing>/<id>-thumb.jpg`), so a renamed row gets its own file.
    fn file_key(&self, key: &str) -> String {
        key.split('/')
            .map(|segment| {
                let renamed = segment.get(..36).and_then(|head| self.ids.get(head));
                match (renamed, segment.get(36..)) {
                    (Some(new), Some(tail)) => format!("{new}{tail}"),
                    _ => segment.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    fn changed(map: &HashMap<String, String>) -> Vec<(&String, &String)> {
        map.iter().filter(|(old, new)| old != new).collect()
    }
}

struct Loader<'a> {
    archive: &'a Archive,
    ledger: &'a SchemaLedger,
    files: &'a dyn FileStore,
}

impl Loader<'_> {
    fn rows(&self, table: &str) -> Result<Vec<Row>, TransferError> {
        let name = format!("rows/{table}.json");
        serde_json::from_slice(self.archive.get(&name)?)
            .map_err(|e| TransferError::Damaged(format!("{name}: {e}")))
    }

    fn load(
        &self,
        conn: &mut PgConnection,
        dump: &str,
        slug: &str,
        written: &mut Vec<String>,
    ) -> Result<ImportSummary, TransferError> {
        let manifest = &self.archive.manifest;
        let archived = self.rows(rows::ORGANIZATIONS.name)?;
        let archived = archived
            .first()
            .ok_or_else(|| TransferError::Damaged("it holds no organization".into()))?;
        let text = |field: &str| archived.get(field).and_then(Value::as_str).unwrap_or("");
        let org = provision::register_in_transaction(
            conn,
            &NewOrganization {
                name: text("name"),
                slug,
                organization_type: text("organization_type"),
            },
        )
        .map_err(|e| match e {
            CreateError::Taken(slug) => TransferError::SlugTaken(slug),
            other => other.into(),
        })?;
        copy_details(conn, &org, archived)?;
        let mut renames = Renames {
            pages: (
                format!("/o/{}/", manifest.organization.slug),
                format!("/o/{slug}/"),
            ),
            ..Renames::default()
        };
        renames.id(&manifest.organization.id.to_string(), &org.id.to_string());
        let (matched, created) = accounts_in(conn, &self.rows(rows::ACCOUNTS.name)?, &mut renames)?;

        let granted: Vec<restore::Privileges> =
            serde_json::from_slice(self.archive.get(PRIVILEGES)?)
                .map_err(|e| TransferError::Damaged(format!("{PRIVILEGES}: {e}")))?;
        restore::restore_schema_in(
            conn,
            dump,
            &manifest.organization.schema_name,
            &org,
            &granted,
        )?;
        // An archive from an older version gets the migrations it lacks.
        migrate::organization_in(conn, self.ledger, &org.handle())?;

        let mut tables = Vec::new();
        for table in rows::DEPENDENT {
            let rows = self.rows(table.name)?;
            renumber(conn, table.name, &rows, &mut renames)?;
            tables.push((table.name, rows));
        }
        for (key, _) in self.archive.under("files/") {
            let new = renames.file_key(key);
            renames.keys.insert(key.to_string(), new);
        }
        let mut platform_rows = 1 + matched + created;
        for (table, mut rows) in tables {
            rows.iter_mut().for_each(|row| renames.rewrite(row));
            if table == "job_listings" {
                unique_job_slugs(conn, &mut rows, slug)?;
            }
            rows::insert(conn, table, &rows)?;
            platform_rows += rows.len();
        }
        renumber_in_schema(conn, &org.schema_name, &renames)?;

        let mut files = 0;
        for (key, bytes) in self.archive.under("files/") {
            let key = renames.keys.get(key).map_or(key, String::as_str);
            // A key that is already here names the same row's file (keys are made of ids).
            if self.files.get(key)?.is_none() {
                written.push(key.to_string());
                self.files.put(key, bytes)?;
            }
            files += 1;
        }
        Ok(ImportSummary {
            slug: org.slug.clone(),
            schema_name: org.schema_name,
            accounts_matched: matched,
            accounts_created: created,
            platform_rows,
            files,
        })
    }
}

/// The organization's own details (contact, address, settings) as exported.
fn copy_details(conn: &mut PgConnection, org: &Organization, archived: &Row) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE organizations o SET contact_email = a.contact_email, \
           contact_phone = a.contact_phone, website_url = a.website_url, \
           address_line1 = a.address_line1, address_line2 = a.address_line2, city = a.city, \
           state = a.state, postal_code = a.postal_code, \
           country = coalesce(a.country, o.country), settings = coalesce(a.settings, o.settings) \
         FROM json_populate_record(NULL::organizations, $1::json) a WHERE o.id = $2",
    )
    .bind::<Text, _>(Value::Object(archived.clone()).to_string())
    .bind::<SqlUuid, _>(org.id)
    .execute(conn)
    .map(|_| ())
}

/// Matches each archived account to one here by email, or creates it without a usable
/// password. Returns how many were matched and how many created.
fn accounts_in(
    conn: &mut PgConnection,
    archived: &[Row],
    renames: &mut Renames,
) -> Result<(usize, usize), TransferError> {
    let (mut matched, mut created) = (0, 0);
    for row in archived {
        let field = |name: &str| row.get(name).and_then(Value::as_str).unwrap_or("");
        let old = field("id");
        if let Some(account) = accounts::find_by_email(conn, field("email"))? {
            renames.id(old, &account.id.to_string());
            matched += 1;
            continue;
        }
        let free = rows::taken_ids(conn, "accounts", &[old.to_string()])?.is_empty();
        let id = match Uuid::parse_str(old) {
            Ok(id) if free => id,
            _ => Uuid::new_v4(),
        };
        diesel::sql_query(
            "INSERT INTO accounts (id, email, password_hash, first_name, last_name, \
               display_name, phone, timezone) \
             SELECT $2, a.email, $3, a.first_name, a.last_name, a.display_name, a.phone, \
               coalesce(a.timezone, 'UTC') \
             FROM json_populate_record(NULL::accounts, $1::json) a",
        )
        .bind::<Text, _>(Value::Object(row.clone()).to_string())
        .bind::<SqlUuid, _>(id)
        .bind::<Text, _>(NO_PASSWORD)
        .execute(conn)?;
        renames.id(old, &id.to_string());
        created += 1;
    }
    Ok((matched, created))
}

/// Gives the rows whose ids are taken here (an organization imported beside its original)
/// new ones; the others keep theirs.
fn renumber(
    conn: &mut PgConnection,
    table: &str,
    rows: &[Row],
    renames: &mut Renames,
) -> QueryResult<()> {
    let ids: Vec<String> = rows
        .iter()
        .filter_map(|row| row.get("id").and_then(Value::as_str).map(str::to_string))
        .collect();
    let taken = rows::taken_ids(conn, table, &ids)?;
    for id in &ids {
        let new = if taken.contains(id) {
            Uuid::new_v4().to_string()
        } else {
            id.clone()
        };
        renames.id(id, &new);
    }
    Ok(())
}

/// Job listings are addressed by a platform-wide slug; one taken here gets the organization's.
fn unique_job_slugs(conn: &mut PgConnection, rows: &mut [Row], org_slug: &str) -> QueryResult<()> {
    let slugs: Vec<String> = rows
        .iter()
        .filter_map(|row| row.get("slug").and_then(Value::as_str).map(str::to_string))
        .collect();
    let taken: Vec<TextRow> =
        diesel::sql_query("SELECT slug::text AS value FROM job_listings WHERE slug = ANY($1)")
            .bind::<Array<Text>, _>(&slugs)
            .load(conn)?;
    let suffix = org_slug.replace('_', "-");
    for row in rows.iter_mut() {
        if let Some(Value::String(slug)) = row.get_mut("slug") {
            if taken.iter().any(|t| &t.value == slug) {
                let base: String = slug.chars().take(250 - suffix.len()).collect();
                *slug = format!("{}-{suffix}", base.trim_end_matches('-'));
            }
        }
    }
    Ok(())
}

/// Points the restored schema's references to renamed platform rows (accounts matched by
/// email, the organization, renumbered listings) and file keys at their new values.
fn renumber_in_schema(conn: &mut PgConnection, schema: &str, renames: &Renames) -> QueryResult<()> {
    rename_values(
        conn,
        schema,
        ("transfer_ids", "uuid"),
        &Renames::changed(&renames.ids),
        None,
    )?;
    rename_values(
        conn,
        schema,
        ("transfer_keys", "varchar"),
        &Renames::changed(&renames.keys),
        Some(FILE_KEY_COLUMNS),
    )
}

/// In every column of `schema` of the type `kind.1` (those named in `only`, when given) that
/// is neither a primary key nor a reference inside the schema, replaces each old value of
/// `pairs` by its new one. `kind` is a temporary table of ours and a type name.
fn rename_values(
    conn: &mut PgConnection,
    schema: &str,
    (temp_table, type_name): (&str, &str),
    pairs: &[(&String, &String)],
    only: Option<&[&str]>,
) -> QueryResult<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    diesel::sql_query(format!(
        "CREATE TEMPORARY TABLE {temp_table} \
         (old_value {type_name} PRIMARY KEY, new_value {type_name} NOT NULL) ON COMMIT DROP"
    ))
    .execute(conn)?;
    let json = serde_json::to_string(pairs).unwrap_or_else(|_| "[]".into());
    diesel::sql_query(format!(
        "INSERT INTO pg_temp.{temp_table} \
         SELECT (p->>0)::{type_name}, (p->>1)::{type_name} FROM json_array_elements($1::json) p"
    ))
    .bind::<Text, _>(json)
    .execute(conn)?;
    let updates: Vec<TextRow> = diesel::sql_query(
        "SELECT format('UPDATE %I.%I AS t SET %I = m.new_value FROM pg_temp.%I m \
                        WHERE t.%I = m.old_value', \
                       n.nspname, c.relname, a.attname, $2::text, a.attname) AS value \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 \
           AND NOT a.attisdropped AND a.attgenerated = '' AND a.atttypid = $3::regtype \
           AND ($4::text[] IS NULL OR a.attname = ANY($4)) AND c.relname <> ALL($5) \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid \
                 AND a.attnum = ANY(k.conkey) \
                 AND (k.contype = 'p' OR (k.contype = 'f' AND k.confrelid IN \
                      (SELECT oid FROM pg_class WHERE relnamespace = n.oid)))) \
         ORDER BY c.relname, a.attname",
    )
    .bind::<Text, _>(schema)
    .bind::<Text, _>(temp_table)
    .bind::<Text, _>(type_name)
    .bind::<Nullable<Array<Text>>, _>(only)
    .bind::<Array<Text>, _>(UNCHANGED_TABLES)
    .load(conn)?;
    for update in updates {
        diesel::sql_query(update.value).execute(conn)?;
    }
    Ok(())
}
