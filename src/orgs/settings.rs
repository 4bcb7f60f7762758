//! `/o/{slug}/settings`: the organization's name, contacts and regional settings.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::provision::ORGANIZATION_TYPES;
use super::OrgScope;
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::db::schema_public::organizations;
use crate::web::forms::{check_email, check_line, FieldErrors};
use crate::web::{local_time, render, render_status, AppError, Layout};

pub const CURRENCIES: &[&str] = &[
    "AUD", "NZD", "USD", "CAD", "GBP", "EUR", "SGD", "HKD", "JPY", "INR", "ZAR",
];
pub const DATE_FORMATS: &[&str] = &["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD"];

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub organization_type: String,
    #[serde(default)]
    pub contact_email: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub website_url: String,
    #[serde(default)]
    pub address_line1: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub timezone: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub date_format: String,
}

impl SettingsForm {
    fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::default();
        check_line(&mut errors, "name", &self.name, 255, true);
        if !ORGANIZATION_TYPES
            .iter()
            .any(|(k, _)| *k == self.organization_type)
        {
            errors.add("organization_type", "Choose one of the listed kinds.");
        }
        if !self.contact_email.trim().is_empty() {
            check_email(&mut errors, "contact_email", &self.contact_email);
        }
        check_line(&mut errors, "contact_phone", &self.contact_phone, 50, false);
        if check_line(&mut errors, "website_url", &self.website_url, 500, false) {
            let url = self.website_url.trim();
            if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
                errors.add(
                    "website_url",
                    "Enter a full web address starting with https://.",
                );
            }
        }
        check_line(
            &mut errors,
            "address_line1",
            &self.address_line1,
            255,
            false,
        );
        check_line(&mut errors, "city", &self.city, 100, false);
        check_line(&mut errors, "state", &self.state, 100, false);
        check_line(&mut errors, "postal_code", &self.postal_code, 20, false);
        check_line(&mut errors, "country", &self.country, 100, true);
        if self.timezone.parse::<chrono_tz::Tz>().is_err() {
            errors.add("timezone", "Choose a time zone from the list.");
        }
        if !CURRENCIES.contains(&self.currency.as_str()) {
            errors.add("currency", "Choose a currency from the list.");
        }
        if !DATE_FORMATS.contains(&self.date_format.as_str()) {
            errors.add("date_format", "Choose a date format from the list.");
        }
        errors
    }
}

#[derive(Template)]
#[template(path = "orgs/settings.html")]
struct SettingsPage {
    layout: Layout,
    slug: String,
    form: SettingsForm,
    errors: FieldErrors,
    organization_types: &'static [(&'static str, &'static str)],
    timezones: &'static [&'static str],
    currencies: &'static [&'static str],
    date_formats: &'static [&'static str],
}

fn page(scope: &OrgScope, form: SettingsForm, errors: FieldErrors) -> SettingsPage {
    SettingsPage {
        layout: scope.layout("Organization settings", "settings"),
        slug: scope.slug().to_string(),
        form,
        errors,
        organization_types: ORGANIZATION_TYPES,
        timezones: crate::auth::views::timezones(),
        currencies: CURRENCIES,
        date_formats: DATE_FORMATS,
    }
}

type Row = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    serde_json::Value,
);

fn load(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<SettingsForm> {
    let row: Row = organizations::table
        .find(id)
        .select((
            organizations::name,
            organizations::organization_type,
            organizations::contact_email,
            organizations::contact_phone,
            organizations::website_url,
            organizations::address_line1,
            organizations::city,
            organizations::state,
            organizations::postal_code,
            organizations::country,
            organizations::settings,
        ))
        .first(conn)?;
    let setting = |key: &str, default: &str| {
        row.10
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(default)
            .to_string()
    };
    Ok(SettingsForm {
        timezone: setting("timezone", "Australia/Sydney"),
        currency: setting("currency", "AUD"),
        date_format: setting("date_format", "DD/MM/YYYY"),
        name: row.0,
        organization_type: row.1,
        contact_email: row.2.unwrap_or_default(),
        contact_phone: row.3.unwrap_or_default(),
        website_url: row.4.unwrap_or_default(),
        address_line1: row.5.unwrap_or_default(),
        city: row.6.unwrap_or_default(),
        state: row.7.unwrap_or_default(),
        postal_code: row.8.unwrap_or_default(),
        country: row.9,
    })
}

pub async fn show(scope: OrgScope) -> Result<HttpResponse, AppError> {
    let form = scope
        .run(Permission::ManageSettings, |conn, ctx| {
            Ok(load(conn, ctx.org.id)?)
        })
        .await?;
    render(&page(&scope, form, FieldErrors::default()))
}

fn blank_to_none(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

pub async fn update(
    scope: OrgScope,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let errors = form.validate();
    if !errors.is_empty() {
        scope.require(Permission::ManageSettings)?;
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&scope, form, errors),
        );
    }
    let saved = form.clone();
    scope
        .run(Permission::ManageSettings, move |conn, ctx| {
            let id = ctx.org.id;
            let before = load(conn, id)?;
            let mut settings: serde_json::Value = organizations::table
                .find(id)
                .select(organizations::settings)
                .first(conn)?;
            if let Some(map) = settings.as_object_mut() {
                map.insert("timezone".into(), json!(saved.timezone));
                map.insert("currency".into(), json!(saved.currency));
                map.insert("date_format".into(), json!(saved.date_format));
            }
            diesel::update(organizations::table.find(id))
                .set((
                    organizations::name.eq(saved.name.trim()),
                    organizations::organization_type.eq(&saved.organization_type),
                    organizations::contact_email
                        .eq(blank_to_none(&saved.contact_email.to_lowercase())),
                    organizations::contact_phone.eq(blank_to_none(&saved.contact_phone)),
                    organizations::website_url.eq(blank_to_none(&saved.website_url)),
                    organizations::address_line1.eq(blank_to_none(&saved.address_line1)),
                    organizations::city.eq(blank_to_none(&saved.city)),
                    organizations::state.eq(blank_to_none(&saved.state)),
                    organizations::postal_code.eq(blank_to_none(&saved.postal_code)),
                    organizations::country.eq(saved.country.trim()),
                    organizations::settings.eq(&settings),
                    organizations::updated_at.eq(Utc::now()),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("organization_settings_updated", "organization", id).change(
                    serde_json::to_value(&before).ok(),
                    serde_json::to_value(&saved).ok(),
                ),
            )?;
            Ok(())
        })
        .await?;
    scope.viewer.flash("success", "Settings saved.");
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", format!("/o/{}/settings", scope.slug())))
        .finish())
}

/// The organization's own time zone, for what has no site: its settings' `timezone`, else
/// [`local_time::FALLBACK`]. Kept a short while with the organization's filter choices (and
/// forgotten with them when a setting changes).
pub fn default_zone(
    conn: &mut PgConnection,
    choices: &crate::web::choices::Choices,
    org_id: uuid::Uuid,
) -> QueryResult<chrono_tz::Tz> {
    let name: Option<String> = choices.get("timezone", || {
        organizations::table
            .find(org_id)
            .select(crate::db::static_sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Text>,
            >("settings->>'timezone'"))
            .first(conn)
    })?;
    Ok(name
        .as_deref()
        .and_then(local_time::known_zone)
        .unwrap_or(local_time::FALLBACK))
}
