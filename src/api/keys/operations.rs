//! Making and revoking keys: validated, audited in the organization's trail.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::queries::{self, ApiKey, KeyInsert};
use super::NewKey;
use crate::api::scopes::Scope;
use crate::audit::{self, AuditEvent};
use crate::orgs::OrgCtx;
use crate::web::forms::{check_line, check_text, FieldErrors};
use crate::web::{local_time, AppError};

/// The hourly limit a new key gets unless another is chosen.
pub const DEFAULT_HOURLY_LIMIT: i32 = 1000;
pub const MAX_HOURLY_LIMIT: i32 = 100_000;

/// The form that makes a key, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct KeyForm {
    pub name: String,
    pub description: String,
    pub scopes: Vec<String>,
    /// A date (YYYY-MM-DD); the key stops working at its start, in the organization's zone.
    pub expires_on: String,
    pub rate_limit_per_hour: String,
}

impl KeyForm {
    pub fn has(&self, scope: &Scope) -> bool {
        self.scopes.iter().any(|name| name == scope.name())
    }
}

/// A key checked and ready to be made.
struct Checked {
    scopes: Vec<String>,
    expires_at: Option<DateTime<Utc>>,
    limit: i32,
}

fn check(form: &KeyForm, zone: &chrono_tz::Tz, now: DateTime<Utc>) -> Result<Checked, FieldErrors> {
    let mut errors = FieldErrors::default();
    check_line(&mut errors, "name", &form.name, 120, true);
    check_text(&mut errors, "description", &form.description, 2000, false);
    let mut scopes = Vec::new();
    for name in &form.scopes {
        match Scope::parse(name) {
            Some(scope) if !scopes.contains(&scope.name().to_string()) => {
                scopes.push(scope.name().to_string())
            }
            Some(_) => {}
            None => errors.add("scopes", "Choose scopes from the list."),
        }
    }
    if scopes.is_empty() && !errors.has("scopes") {
        errors.add("scopes", "Choose at least one thing this key may do.");
    }
    let expires_at = match form.expires_on.trim() {
        "" => None,
        text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => {
                let at = local_time::start_of_day(day, zone);
                if at <= now {
                    errors.add("expires_on", "Choose a day after today, or leave it empty.");
                }
                Some(at)
            }
            Err(_) => {
                errors.add("expires_on", "Enter a date such as 2027-06-30.");
                None
            }
        },
    };
    let limit = match form.rate_limit_per_hour.trim() {
        "" => DEFAULT_HOURLY_LIMIT,
        text => match text.parse::<i32>() {
            Ok(n) if (1..=MAX_HOURLY_LIMIT).contains(&n) => n,
            _ => {
                errors.add(
                    "rate_limit_per_hour",
                    format!("Enter a whole number of requests from 1 to {MAX_HOURLY_LIMIT}."),
                );
                DEFAULT_HOURLY_LIMIT
            }
        },
    };
    if errors.is_empty() {
        Ok(Checked {
            scopes,
            expires_at,
            limit,
        })
    } else {
        Err(errors)
    }
}

/// Makes a key for the organization; the full key is returned once, to be shown once.
pub fn create(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    form: &KeyForm,
    zone: &chrono_tz::Tz,
) -> Result<(ApiKey, String), AppError> {
    let checked = check(form, zone, Utc::now()).map_err(AppError::Rejected)?;
    let key = NewKey::generate();
    let description = form.description.trim();
    let made = queries::insert(
        conn,
        &KeyInsert {
            organization_id: ctx.org.id,
            created_by: Some(ctx.actor.account_id),
            key_prefix: &key.prefix,
            key_hash: &key.hash,
            name: form.name.trim(),
            description: (!description.is_empty()).then_some(description),
            scopes: checked.scopes,
            rate_limit_per_hour: checked.limit,
            expires_at: checked.expires_at,
        },
    )?;
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new("api_key.created", "api_key", made.id).data(json!({
            "name": made.name,
            "prefix": made.key_prefix,
            "scopes": made.scopes,
            "rate_limit_per_hour": made.rate_limit_per_hour,
            "expires_at": made.expires_at,
        })),
    )?;
    Ok((made, key.full))
}

/// Revokes key `id` of the organization: requests with it are refused from now on.
pub fn revoke(conn: &mut PgConnection, ctx: &OrgCtx, id: Uuid) -> Result<ApiKey, AppError> {
    let key = queries::revoke(conn, ctx.org.id, id, Some(ctx.actor.account_id))?
        .ok_or(AppError::NotFound)?;
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new("api_key.revoked", "api_key", key.id)
            .data(json!({ "name": key.name, "prefix": key.key_prefix })),
    )?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_needs_a_name_a_known_scope_and_a_sane_limit() {
        let now = Utc::now();
        let form = KeyForm {
            name: " ".into(),
            scopes: vec!["root:all".into()],
            expires_on: "2001-01-01".into(),
            rate_limit_per_hour: "1000000000".into(),
            ..KeyForm::default()
        };
        let errors = check(&form, &chrono_tz::UTC, now).err().unwrap_or_default();
        for field in ["name", "scopes", "expires_on", "rate_limit_per_hour"] {
            assert!(errors.has(field), "{field} should be refused");
        }
        let form = KeyForm {
            name: "BMS".into(),
            scopes: vec!["sites:read".into(), "sites:read".into()],
            ..KeyForm::default()
        };
        let checked = check(&form, &chrono_tz::UTC, now).ok();
        assert_eq!(
            checked.map(|c| (c.scopes, c.limit)),
            Some((vec!["sites:read".to_string()], 1000))
        );
    }
}
