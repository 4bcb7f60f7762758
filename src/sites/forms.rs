//! The site form (also fed by CSV rows): text in, checked and typed values out.

use crate::web::listing::Sortable;
use bigdecimal::BigDecimal;
use chrono::Datelike;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema_org::sites;
use crate::web::forms::{blank, check_email, check_line, check_text, decimal, whole, FieldErrors};

pub const SITE_TYPES: &[(&str, &str)] = &[
    ("commercial", "Commercial"),
    ("residential", "Residential"),
    ("mixed", "Mixed use"),
    ("industrial", "Industrial"),
    ("healthcare", "Healthcare"),
    ("education", "Education"),
    ("retail", "Retail"),
    ("hospitality", "Hospitality"),
    ("government", "Government"),
];

pub fn site_type_label(key: &str) -> &str {
    SITE_TYPES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, label)| *label)
        .unwrap_or(key)
}

/// Everything the form sends, as typed; also what it shows again after an error.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SiteForm {
    pub name: String,
    pub code: String,
    pub site_type: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
    pub latitude: String,
    pub longitude: String,
    pub floors_count: String,
    pub year_built: String,
    pub total_area_sqm: String,
    pub occupancy_count: String,
    pub primary_contact_name: String,
    pub primary_contact_phone: String,
    pub primary_contact_email: String,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    pub access_instructions: String,
    pub access_codes: String,
    pub after_hours_access: String,
    pub timezone: String,
    pub key_holder_info: String,
    /// Set on the edit form of someone allowed to see the codes: only then are they replaced.
    pub access_codes_shown: String,
}

/// Checked values, ready to write.
#[derive(Debug, Clone, AsChangeset, Insertable, Serialize)]
#[diesel(table_name = sites)]
#[diesel(treat_none_as_null = true)]
pub struct SiteValues {
    pub name: String,
    pub code: Option<String>,
    pub site_type: String,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: String,
    pub latitude: Option<BigDecimal>,
    pub longitude: Option<BigDecimal>,
    pub floors_count: Option<i32>,
    pub year_built: Option<i32>,
    pub total_area_sqm: Option<BigDecimal>,
    pub occupancy_count: Option<i32>,
    pub primary_contact_name: Option<String>,
    pub primary_contact_phone: Option<String>,
    pub primary_contact_email: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub access_instructions: Option<String>,
    pub after_hours_access: Option<String>,
    pub timezone: String,
    pub key_holder_info: Option<String>,
}

impl SiteForm {
    pub fn validate(&self) -> Result<SiteValues, FieldErrors> {
        let mut e = FieldErrors::default();
        check_line(&mut e, "name", &self.name, 255, true);
        check_line(&mut e, "code", &self.code, 50, false);
        if !SITE_TYPES.iter().any(|(k, _)| *k == self.site_type.trim()) {
            e.add("site_type", "Choose a site type from the list.");
        }
        for (field, value, max) in [
            ("address_line1", &self.address_line1, 255),
            ("address_line2", &self.address_line2, 255),
            ("city", &self.city, 100),
            ("state", &self.state, 100),
            ("postal_code", &self.postal_code, 20),
            ("primary_contact_name", &self.primary_contact_name, 255),
            ("primary_contact_phone", &self.primary_contact_phone, 50),
            ("emergency_contact_name", &self.emergency_contact_name, 255),
            ("emergency_contact_phone", &self.emergency_contact_phone, 50),
        ] {
            check_line(&mut e, field, value, max, false);
        }
        check_line(&mut e, "country", &self.country, 100, true);
        if !self.primary_contact_email.trim().is_empty() {
            check_email(&mut e, "primary_contact_email", &self.primary_contact_email);
        }
        for (field, value) in [
            ("access_instructions", &self.access_instructions),
            ("access_codes", &self.access_codes),
            ("after_hours_access", &self.after_hours_access),
            ("key_holder_info", &self.key_holder_info),
        ] {
            check_text(&mut e, field, value, 5000, false);
        }
        let latitude = decimal(&mut e, "latitude", &self.latitude, -90, 90, 8);
        let longitude = decimal(&mut e, "longitude", &self.longitude, -180, 180, 8);
        if latitude.is_some() != longitude.is_some() && !e.has("latitude") && !e.has("longitude") {
            e.add("longitude", "Give both latitude and longitude, or neither.");
        }
        let this_year = chrono::Utc::now().year();
        let floors_count = whole(&mut e, "floors_count", &self.floors_count, 1..=300);
        let year_built = whole(&mut e, "year_built", &self.year_built, 1800..=this_year + 1);
        let total_area_sqm = decimal(
            &mut e,
            "total_area_sqm",
            &self.total_area_sqm,
            0,
            9_999_999_999,
            2,
        );
        let occupancy_count = whole(
            &mut e,
            "occupancy_count",
            &self.occupancy_count,
            0..=1_000_000,
        );
        let timezone = if self.timezone.trim().is_empty() {
            "Australia/Sydney".to_string()
        } else {
            self.timezone.trim().to_string()
        };
        if timezone.parse::<chrono_tz::Tz>().is_err() {
            e.add(
                "timezone",
                "Enter a time zone name such as Australia/Sydney.",
            );
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(SiteValues {
            name: self.name.trim().to_string(),
            code: blank(&self.code),
            site_type: self.site_type.trim().to_string(),
            address_line1: blank(&self.address_line1),
            address_line2: blank(&self.address_line2),
            city: blank(&self.city),
            state: blank(&self.state),
            postal_code: blank(&self.postal_code),
            country: self.country.trim().to_string(),
            latitude,
            longitude,
            floors_count,
            year_built,
            total_area_sqm,
            occupancy_count,
            primary_contact_name: blank(&self.primary_contact_name),
            primary_contact_phone: blank(&self.primary_contact_phone),
            primary_contact_email: blank(&self.primary_contact_email.to_lowercase()),
            emergency_contact_name: blank(&self.emergency_contact_name),
            emergency_contact_phone: blank(&self.emergency_contact_phone),
            access_instructions: blank(&self.access_instructions),
            after_hours_access: blank(&self.after_hours_access),
            timezone,
            key_holder_info: blank(&self.key_holder_info),
        })
    }
}

/// The site list's filters and sort, as they appear in the URL.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SiteListQuery {
    pub q: String,
    pub site_type: String,
    pub state: String,
    pub city: String,
    /// "1": only sites with lifts not operational.
    pub out_of_service: String,
    /// "1": only sites with an overdue inspection.
    pub overdue: String,
    /// "1": archived sites instead of current ones.
    pub archived: String,
    pub sort: String,
    pub dir: String,
    #[serde(skip_serializing)]
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteSort {
    Name,
    Code,
    Type,
    City,
    Lifts,
    NotOperational,
    NextInspection,
    Health,
}

impl SiteListQuery {
    pub fn sort(&self) -> SiteSort {
        match self.sort.as_str() {
            "code" => SiteSort::Code,
            "type" => SiteSort::Type,
            "city" => SiteSort::City,
            "lifts" => SiteSort::Lifts,
            "not_operational" => SiteSort::NotOperational,
            "next_inspection" => SiteSort::NextInspection,
            "health" => SiteSort::Health,
            _ => SiteSort::Name,
        }
    }

    pub fn flag(value: &str) -> bool {
        matches!(value, "1" | "on" | "true")
    }
}

impl Sortable for SiteListQuery {
    const DEFAULT_SORT: &'static str = "name";

    fn sort_param(&self) -> &str {
        &self.sort
    }

    fn descending(&self) -> bool {
        self.dir == "desc"
    }
}
