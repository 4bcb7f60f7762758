//! Reads and writes of `public.accounts`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use uuid::Uuid;

use crate::db::schema_public::accounts;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub timezone: String,
    pub is_platform_admin: bool,
    pub is_active: bool,
    pub session_generation: i32,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// When the person proved the address is theirs (the link in the confirmation email).
    pub email_verified_at: Option<DateTime<Utc>>,
}

#[derive(Insertable)]
#[diesel(table_name = accounts)]
pub struct AccountInsertForm<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub display_name: &'a str,
    pub timezone: &'a str,
    /// Set for accounts whose address is known good (made by the platform itself); a person
    /// signing up confirms theirs through the emailed link.
    pub email_verified_at: Option<DateTime<Utc>>,
}

#[derive(AsChangeset)]
#[diesel(table_name = accounts)]
pub struct ProfileUpdateForm<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub display_name: &'a str,
    pub phone: Option<&'a str>,
    pub timezone: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Database(#[from] DieselError),
}

pub fn normalize_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

pub fn find_by_email(conn: &mut PgConnection, email: &str) -> QueryResult<Option<Account>> {
    accounts::table
        .filter(accounts::email.eq(normalize_email(email)))
        .select(Account::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Account> {
    accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
}

/// A taken email leaves the caller's transaction usable (no error is raised inside it).
pub fn insert(conn: &mut PgConnection, form: &AccountInsertForm) -> Result<Account, InsertError> {
    diesel::insert_into(accounts::table)
        .values(form)
        .on_conflict_do_nothing()
        .returning(Account::as_returning())
        .get_result(conn)
        .optional()
        .map_err(|e| match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                InsertError::EmailTaken
            }
            other => InsertError::Database(other),
        })?
        .ok_or(InsertError::EmailTaken)
}

pub fn update_profile(
    conn: &mut PgConnection,
    id: Uuid,
    form: &ProfileUpdateForm,
) -> QueryResult<usize> {
    diesel::update(accounts::table.find(id))
        .set((form, accounts::updated_at.eq(Utc::now())))
        .execute(conn)
}

/// Stores a new password hash and starts a new session generation; returns it.
pub fn set_password(conn: &mut PgConnection, id: Uuid, password_hash: &str) -> QueryResult<i32> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::password_hash.eq(password_hash),
            accounts::session_generation.eq(accounts::session_generation + 1),
            accounts::updated_at.eq(Utc::now()),
        ))
        .returning(accounts::session_generation)
        .get_result(conn)
}

pub fn set_active(conn: &mut PgConnection, id: Uuid, active: bool) -> QueryResult<usize> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::is_active.eq(active),
            accounts::session_generation.eq(accounts::session_generation + 1),
            accounts::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
}

pub fn set_platform_admin(conn: &mut PgConnection, email: &str, admin: bool) -> QueryResult<usize> {
    diesel::update(accounts::table.filter(accounts::email.eq(normalize_email(email))))
        .set(accounts::is_platform_admin.eq(admin))
        .execute(conn)
}

pub fn record_sign_in(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::update(accounts::table.find(id))
        .set(accounts::last_login_at.eq(Utc::now()))
        .execute(conn)
}

/// Moves the account to `email`, confirmed (its link was opened); `false` when another
/// account took the address meanwhile.
pub fn change_email(conn: &mut PgConnection, id: Uuid, email: &str) -> QueryResult<bool> {
    let changed = diesel::update(accounts::table.find(id))
        .set((
            accounts::email.eq(email),
            accounts::email_verified_at.eq(diesel::dsl::now),
            accounts::updated_at.eq(Utc::now()),
        ))
        .execute(conn);
    match changed {
        Ok(n) => Ok(n == 1),
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// The address is confirmed (the link in the confirmation email was opened).
pub fn mark_verified(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::update(accounts::table.find(id))
        .filter(accounts::email_verified_at.is_null())
        .set(accounts::email_verified_at.eq(diesel::dsl::now))
        .execute(conn)
}
