//! A technician's own profile: saving it, adding and removing certifications and positions
//! held; and who may read a profile. Plain functions for the pages and the JSON API alike.

use diesel::PgConnection;
use uuid::Uuid;

use super::forms::{CertificationForm, EmploymentForm, ProfileForm};
use super::queries::{self, Certification, Employment, Profile};
use crate::auth::identity::SignedIn;
use crate::auth::roles::Permission;
use crate::web::forms::FieldErrors;
use crate::web::AppError;

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// Does not exist, or not for this reader: the two are never told apart.
    #[error("not found")]
    NotFound,
    #[error("invalid input: {}", .0.summary())]
    Invalid(FieldErrors),
    #[error(transparent)]
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for ProfileError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => ProfileError::NotFound,
            other => ProfileError::Database(other),
        }
    }
}

impl From<ProfileError> for AppError {
    fn from(error: ProfileError) -> Self {
        match error {
            ProfileError::NotFound => AppError::NotFound,
            ProfileError::Invalid(errors) => AppError::Rejected(errors),
            ProfileError::Database(error) => error.into(),
        }
    }
}

/// Who reads a profile: their account, and whether they are among the employers that
/// "employers only" profiles are shown to (those who hire for an organization, as the
/// permission table's `Hire` says).
#[derive(Debug, Clone, Copy, Default)]
pub struct Reader {
    pub account_id: Option<Uuid>,
    pub employer: bool,
}

impl Reader {
    pub fn of(account: Option<&SignedIn>) -> Reader {
        match account {
            None => Reader::default(),
            Some(account) => Reader {
                account_id: Some(account.id),
                employer: account
                    .memberships
                    .iter()
                    .any(|m| !m.suspended && m.role.can(Permission::Hire)),
            },
        }
    }

    /// Whether a profile with `visibility` owned by `owner` is for this reader: public to
    /// all, employers only to employers, private to its owner alone.
    pub fn may_see(&self, owner: Uuid, visibility: &str) -> bool {
        if self.account_id == Some(owner) {
            return true;
        }
        match visibility {
            "public" => true,
            "employers_only" => self.employer,
            _ => false,
        }
    }
}

/// A profile as its reader may see it: the profile, its owner's name, certifications and
/// positions held.
pub struct ProfileView {
    pub profile: Profile,
    pub name: String,
    pub certifications: Vec<Certification>,
    pub employment: Vec<Employment>,
}

pub fn read_profile(
    conn: &mut PgConnection,
    reader: &Reader,
    id: Uuid,
) -> Result<ProfileView, ProfileError> {
    let (profile, name) = queries::find(conn, id)?;
    if !reader.may_see(profile.account_id, &profile.profile_visibility) {
        return Err(ProfileError::NotFound);
    }
    let owner = profile.account_id;
    Ok(ProfileView {
        certifications: queries::certifications(conn, &[owner])?,
        employment: queries::employment(conn, owner)?,
        profile,
        name,
    })
}

/// Creates or updates the account's own profile.
pub fn save_profile(
    conn: &mut PgConnection,
    account_id: Uuid,
    form: &ProfileForm,
) -> Result<(), ProfileError> {
    let input = form.validate().map_err(ProfileError::Invalid)?;
    queries::save_profile(conn, account_id, &input)?;
    Ok(())
}

pub fn add_certification(
    conn: &mut PgConnection,
    account_id: Uuid,
    form: &CertificationForm,
) -> Result<(), ProfileError> {
    let input = form.validate().map_err(ProfileError::Invalid)?;
    queries::add_certification(conn, account_id, &input)?;
    Ok(())
}

/// Removes one of the account's own certifications; anyone else's is not found.
pub fn remove_certification(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> Result<(), ProfileError> {
    match queries::delete_certification(conn, account_id, id)? {
        0 => Err(ProfileError::NotFound),
        _ => Ok(()),
    }
}

pub fn add_employment(
    conn: &mut PgConnection,
    account_id: Uuid,
    form: &EmploymentForm,
) -> Result<(), ProfileError> {
    let input = form.validate().map_err(ProfileError::Invalid)?;
    queries::add_employment(conn, account_id, &input)?;
    Ok(())
}

/// Removes one of the account's own positions; anyone else's is not found.
pub fn remove_employment(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> Result<(), ProfileError> {
    match queries::delete_employment(conn, account_id, id)? {
        0 => Err(ProfileError::NotFound),
        _ => Ok(()),
    }
}
