//! The contractor form and the contractor list's filters.

use bigdecimal::BigDecimal;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::schema_org::contractors;
use crate::elevators::forms::date;
use crate::web::forms::{blank, check_email, check_line, decimal, FieldErrors};

pub const CONTRACTOR_TYPES: &[(&str, &str)] = &[
    ("employee", "Employee"),
    ("subcontractor", "Subcontractor"),
    ("vendor", "Vendor"),
    ("company", "Company"),
];

pub fn type_label(key: &str) -> &str {
    CONTRACTOR_TYPES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| *l)
        .unwrap_or(key)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ContractorForm {
    pub contractor_type: String,
    pub company_name: String,
    pub company_abn: String,
    pub company_license: String,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub address_line1: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub license_number: String,
    pub license_expiry: String,
    pub insurance_policy: String,
    pub insurance_expiry: String,
    /// Comma-separated.
    pub specializations: String,
    pub trade_types: String,
    pub manufacturer_certifications: String,
    pub hourly_rate: String,
    pub callout_fee: String,
    pub emergency_rate_multiplier: String,
    pub is_preferred: String,
    /// A member of the organization this contractor is (for "my work orders").
    pub account_id: String,
}

#[derive(Debug, Clone, AsChangeset, Insertable, Serialize)]
#[diesel(table_name = contractors)]
#[diesel(treat_none_as_null = true)]
pub struct ContractorValues {
    pub account_id: Option<Uuid>,
    pub contractor_type: String,
    pub company_name: Option<String>,
    pub company_abn: Option<String>,
    pub company_license: Option<String>,
    pub contact_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line1: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub license_number: Option<String>,
    pub license_expiry: Option<NaiveDate>,
    pub insurance_policy: Option<String>,
    pub insurance_expiry: Option<NaiveDate>,
    pub specializations: Vec<String>,
    pub trade_types: Vec<String>,
    pub manufacturer_certifications: Vec<String>,
    pub hourly_rate: Option<BigDecimal>,
    pub callout_fee: Option<BigDecimal>,
    pub emergency_rate_multiplier: BigDecimal,
    pub is_preferred: bool,
}

fn list(errors: &mut FieldErrors, field: &str, value: &str) -> Vec<String> {
    check_line(errors, field, value, 1000, false);
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(100).collect())
        .collect()
}

impl ContractorForm {
    /// `members` are the organization's accounts a contractor may be linked to.
    pub fn validate(&self, members: &[Uuid]) -> Result<ContractorValues, FieldErrors> {
        let mut e = FieldErrors::default();
        if !CONTRACTOR_TYPES
            .iter()
            .any(|(k, _)| *k == self.contractor_type)
        {
            e.add("contractor_type", "Choose a type from the list.");
        }
        check_line(&mut e, "contact_name", &self.contact_name, 255, true);
        for (field, value, max) in [
            ("company_name", &self.company_name, 255),
            ("company_abn", &self.company_abn, 20),
            ("company_license", &self.company_license, 100),
            ("phone", &self.phone, 50),
            ("address_line1", &self.address_line1, 255),
            ("city", &self.city, 100),
            ("state", &self.state, 100),
            ("postal_code", &self.postal_code, 20),
            ("license_number", &self.license_number, 100),
            ("insurance_policy", &self.insurance_policy, 100),
        ] {
            check_line(&mut e, field, value, max, false);
        }
        if !self.email.trim().is_empty() {
            check_email(&mut e, "email", &self.email);
        }
        let license_expiry = date(&mut e, "license_expiry", &self.license_expiry);
        let insurance_expiry = date(&mut e, "insurance_expiry", &self.insurance_expiry);
        let hourly_rate = decimal(&mut e, "hourly_rate", &self.hourly_rate, 0, 99_999, 2);
        let callout_fee = decimal(&mut e, "callout_fee", &self.callout_fee, 0, 99_999, 2);
        let multiplier = if self.emergency_rate_multiplier.trim().is_empty() {
            Some(BigDecimal::from(3) / BigDecimal::from(2))
        } else {
            decimal(
                &mut e,
                "emergency_rate_multiplier",
                &self.emergency_rate_multiplier,
                1,
                9,
                2,
            )
        };
        let account_id = match self.account_id.trim() {
            "" => None,
            raw => match Uuid::parse_str(raw) {
                Ok(id) if members.contains(&id) => Some(id),
                _ => {
                    e.add("account_id", "Choose one of your organization's members.");
                    None
                }
            },
        };
        let specializations = list(&mut e, "specializations", &self.specializations);
        let trade_types = list(&mut e, "trade_types", &self.trade_types);
        let manufacturer_certifications = list(
            &mut e,
            "manufacturer_certifications",
            &self.manufacturer_certifications,
        );
        let (Some(multiplier), true) = (multiplier, e.is_empty()) else {
            return Err(e);
        };
        Ok(ContractorValues {
            account_id,
            contractor_type: self.contractor_type.clone(),
            company_name: blank(&self.company_name),
            company_abn: blank(&self.company_abn),
            company_license: blank(&self.company_license),
            contact_name: self.contact_name.trim().to_string(),
            email: blank(&self.email.to_lowercase()),
            phone: blank(&self.phone),
            address_line1: blank(&self.address_line1),
            city: blank(&self.city),
            state: blank(&self.state),
            postal_code: blank(&self.postal_code),
            license_number: blank(&self.license_number),
            license_expiry,
            insurance_policy: blank(&self.insurance_policy),
            insurance_expiry,
            specializations,
            trade_types,
            manufacturer_certifications,
            hourly_rate,
            callout_fee,
            emergency_rate_multiplier: multiplier,
            is_preferred: matches!(self.is_preferred.as_str(), "1" | "on" | "true"),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ContractorListQuery {
    pub q: String,
    pub contractor_type: String,
    pub specialization: String,
    /// "active" (default), "inactive" or "all".
    pub active: String,
    pub preferred: String,
    /// "1": licence or insurance expires within 30 days (or has expired).
    pub expiring: String,
    #[serde(skip_serializing)]
    pub page: Option<i64>,
}
