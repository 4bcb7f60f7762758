//! A person deleting their own account: what they wrote for others (forum posts, reviews,
//! marketplace messages) stays, handed to a "deleted user" placeholder; everything that is
//! theirs alone (memberships, profile, sessions, applications, résumés) goes.

use diesel::prelude::*;
use diesel::sql_types::Uuid as SqlUuid;
use uuid::Uuid;

use crate::admin::audit::{self, PlatformActor};
use crate::db::references::{self, quoted};
use crate::db::schema_public::{accounts, job_applications, memberships, organizations};

/// The placeholder that keeps what deleted accounts wrote for others; it cannot sign in.
pub const DELETED_USER: Uuid = Uuid::from_u128(0xdead);

#[derive(Debug, thiserror::Error)]
pub enum AccountDeletionError {
    #[error(
        "You are the only owner of {0}. Make someone else an owner there, or delete the \
         organization, before deleting your account."
    )]
    SoleOwner(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Deletes the account in one transaction and returns the store keys of its files, to be
/// removed once that has committed.
pub fn delete_account(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Vec<String>, AccountDeletionError> {
    conn.transaction(|conn| {
        let sole = organizations_only_owned_by(conn, id)?;
        if !sole.is_empty() {
            return Err(AccountDeletionError::SoleOwner(sole.join(", ")));
        }
        let files: Vec<Option<String>> = job_applications::table
            .filter(job_applications::applicant_id.eq(id))
            .select(job_applications::resume_file_key)
            .load(conn)?;
        ensure_placeholder(conn)?;
        // Rows that must survive the account (a post, a review, a purchase) are handed to the
        // placeholder; the catalog says which, so a table added later is covered too.
        for reference in references::to_table(conn, "accounts")? {
            if reference.follows_deletes() {
                continue;
            }
            diesel::sql_query(format!(
                "UPDATE public.{table} SET {column} = $1 WHERE {column} = $2",
                table = quoted(&reference.table),
                column = quoted(&reference.column),
            ))
            .bind::<SqlUuid, _>(DELETED_USER)
            .bind::<SqlUuid, _>(id)
            .execute(conn)?;
        }
        audit::record(
            conn,
            &PlatformActor {
                account_id: None,
                label: "the account holder".into(),
            },
            "account.deleted",
            None,
            &format!("account {id}"),
            "",
        )?;
        diesel::delete(accounts::table.find(id)).execute(conn)?;
        Ok(files.into_iter().flatten().collect())
    })
}

/// Organizations (not deleted) where this account is an owner and nobody else is.
fn organizations_only_owned_by(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<String>> {
    let (others, theirs) = diesel::alias!(memberships as others, memberships as theirs);
    organizations::table
        .inner_join(
            theirs.on(theirs
                .field(memberships::organization_id)
                .eq(organizations::id)),
        )
        .filter(theirs.field(memberships::account_id).eq(id))
        .filter(theirs.field(memberships::role).eq("owner"))
        .filter(organizations::deleted_at.is_null())
        .filter(diesel::dsl::not(diesel::dsl::exists(
            others
                .filter(
                    others
                        .field(memberships::organization_id)
                        .eq(organizations::id),
                )
                .filter(others.field(memberships::role).eq("owner"))
                .filter(others.field(memberships::account_id).ne(id)),
        )))
        .select(organizations::name)
        .order(organizations::name)
        .load(conn)
}

fn ensure_placeholder(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::insert_into(accounts::table)
        .values((
            accounts::id.eq(DELETED_USER),
            accounts::email.eq("deleted-user@accounts.invalid"),
            // Not an argon2 hash, so no password ever matches it.
            accounts::password_hash.eq("!"),
            accounts::first_name.eq("Deleted"),
            accounts::last_name.eq("user"),
            accounts::display_name.eq("deleted user"),
            accounts::timezone.eq("UTC"),
            accounts::is_active.eq(false),
        ))
        .on_conflict(accounts::id)
        .do_nothing()
        .execute(conn)
        .map(drop)
}
