//! The lift form (also fed by CSV rows), the status change form, and the lift list's query.

use crate::web::listing::Sortable;
use std::collections::BTreeMap;

use bigdecimal::BigDecimal;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::status::{ElevatorStatus, InspectionResult, DRIVE_TYPES};
use crate::db::schema_org::elevators;
use crate::web::forms::{blank, check_line, check_text, decimal, whole, FieldErrors};

/// What the lift form sends. Specifications arrive as repeated `spec_key`/`spec_value` pairs,
/// so the form is read from the raw pairs rather than a fixed struct.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ElevatorForm {
    pub site_id: String,
    pub unit_number: String,
    pub serial_number: String,
    pub registration_number: String,
    pub asset_tag: String,
    pub manufacturer: String,
    pub model: String,
    pub controller_type: String,
    pub drive_type: String,
    pub machine_type: String,
    pub capacity_kg: String,
    pub capacity_persons: String,
    pub speed_mps: String,
    pub floors_served: String,
    pub stops: String,
    pub travel_height_m: String,
    pub door_type: String,
    pub door_width_mm: String,
    pub car_width_mm: String,
    pub car_depth_mm: String,
    pub car_height_mm: String,
    pub installation_date: String,
    pub modernization_date: String,
    pub last_major_service: String,
    pub last_inspection_date: String,
    pub last_inspection_result: String,
    pub next_inspection_due: String,
    /// Months between inspections; blank means the usual 12.
    pub inspection_interval_months: String,
    pub inspection_certificate_number: String,
    /// One quirk per line.
    pub known_quirks: String,
    pub specifications: Vec<(String, String)>,
}

impl ElevatorForm {
    pub fn from_pairs(pairs: &[(String, String)]) -> ElevatorForm {
        let mut form = ElevatorForm::default();
        let mut keys = Vec::new();
        let mut values = Vec::new();
        for (name, value) in pairs {
            let value = value.clone();
            match name.as_str() {
                "spec_key" => keys.push(value),
                "spec_value" => values.push(value),
                other => {
                    if let Some(slot) = form.field_mut(other) {
                        *slot = value;
                    }
                }
            }
        }
        form.specifications = keys.into_iter().zip(values).collect();
        form
    }

    /// The text field called `name`, for forms and CSV columns alike.
    pub fn field_mut(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "site_id" => &mut self.site_id,
            "unit_number" => &mut self.unit_number,
            "serial_number" => &mut self.serial_number,
            "registration_number" => &mut self.registration_number,
            "asset_tag" => &mut self.asset_tag,
            "manufacturer" => &mut self.manufacturer,
            "model" => &mut self.model,
            "controller_type" => &mut self.controller_type,
            "drive_type" => &mut self.drive_type,
            "machine_type" => &mut self.machine_type,
            "capacity_kg" => &mut self.capacity_kg,
            "capacity_persons" => &mut self.capacity_persons,
            "speed_mps" => &mut self.speed_mps,
            "floors_served" => &mut self.floors_served,
            "stops" => &mut self.stops,
            "travel_height_m" => &mut self.travel_height_m,
            "door_type" => &mut self.door_type,
            "door_width_mm" => &mut self.door_width_mm,
            "car_width_mm" => &mut self.car_width_mm,
            "car_depth_mm" => &mut self.car_depth_mm,
            "car_height_mm" => &mut self.car_height_mm,
            "installation_date" => &mut self.installation_date,
            "modernization_date" => &mut self.modernization_date,
            "last_major_service" => &mut self.last_major_service,
            "last_inspection_date" => &mut self.last_inspection_date,
            "last_inspection_result" => &mut self.last_inspection_result,
            "next_inspection_due" => &mut self.next_inspection_due,
            "inspection_interval_months" => &mut self.inspection_interval_months,
            "inspection_certificate_number" => &mut self.inspection_certificate_number,
            "known_quirks" => &mut self.known_quirks,
            _ => return None,
        })
    }

    /// The specification rows to show: those entered, plus one blank row to add another.
    pub fn spec_rows(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = self
            .specifications
            .iter()
            .filter(|(k, v)| !k.trim().is_empty() || !v.trim().is_empty())
            .cloned()
            .collect();
        rows.push((String::new(), String::new()));
        rows
    }
}

/// Checked values, ready to write (`site_id` is checked against the org by the caller).
#[derive(Debug, Clone, AsChangeset, Insertable, Serialize)]
#[diesel(table_name = elevators)]
#[diesel(treat_none_as_null = true)]
pub struct ElevatorValues {
    pub site_id: Uuid,
    pub unit_number: String,
    pub serial_number: Option<String>,
    pub registration_number: Option<String>,
    pub asset_tag: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub controller_type: Option<String>,
    pub drive_type: Option<String>,
    pub machine_type: Option<String>,
    pub capacity_kg: Option<i32>,
    pub capacity_persons: Option<i32>,
    pub speed_mps: Option<BigDecimal>,
    pub floors_served: Option<i32>,
    pub stops: Option<i32>,
    pub travel_height_m: Option<BigDecimal>,
    pub door_type: Option<String>,
    pub door_width_mm: Option<i32>,
    pub car_width_mm: Option<i32>,
    pub car_depth_mm: Option<i32>,
    pub car_height_mm: Option<i32>,
    pub installation_date: Option<NaiveDate>,
    pub modernization_date: Option<NaiveDate>,
    pub last_major_service: Option<NaiveDate>,
    pub last_inspection_date: Option<NaiveDate>,
    pub last_inspection_result: Option<InspectionResult>,
    pub next_inspection_due: Option<NaiveDate>,
    pub inspection_interval_months: i32,
    pub inspection_certificate_number: Option<String>,
    pub known_quirks: Vec<String>,
    pub specifications: serde_json::Value,
}

/// Months between inspections when the form leaves it blank (the column's default too).
pub const DEFAULT_INSPECTION_INTERVAL: i32 = 12;

/// A date (YYYY-MM-DD, or DD/MM/YYYY as people type it) between 1900 and 2100.
pub fn date(errors: &mut FieldErrors, field: &str, value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y"))
        .ok()
        .filter(|d| (1900..=2100).contains(&chrono::Datelike::year(d)));
    if parsed.is_none() {
        errors.add(field, "Enter a date like 2026-03-31.");
    }
    parsed
}

impl ElevatorForm {
    pub fn validate(&self) -> Result<ElevatorValues, FieldErrors> {
        let mut e = FieldErrors::default();
        let site_id = Uuid::parse_str(self.site_id.trim()).ok();
        if site_id.is_none() {
            e.add("site_id", "Choose the site this lift is in.");
        }
        check_line(&mut e, "unit_number", &self.unit_number, 50, true);
        for (field, value, max) in [
            ("serial_number", &self.serial_number, 100),
            ("registration_number", &self.registration_number, 100),
            ("asset_tag", &self.asset_tag, 100),
            ("manufacturer", &self.manufacturer, 100),
            ("model", &self.model, 100),
            ("controller_type", &self.controller_type, 100),
            ("machine_type", &self.machine_type, 100),
            ("door_type", &self.door_type, 50),
            (
                "inspection_certificate_number",
                &self.inspection_certificate_number,
                100,
            ),
        ] {
            check_line(&mut e, field, value, max, false);
        }
        let drive_type = blank(&self.drive_type);
        if drive_type
            .as_deref()
            .is_some_and(|d| !DRIVE_TYPES.iter().any(|(k, _)| *k == d))
        {
            e.add("drive_type", "Choose a drive type from the list.");
        }
        let last_inspection_result = blank(&self.last_inspection_result);
        let last_inspection_result = match last_inspection_result
            .as_deref()
            .map(InspectionResult::read)
        {
            None => None,
            Some(Some(result)) => Some(result),
            Some(None) => {
                e.add(
                    "last_inspection_result",
                    "Choose passed, failed or passed with conditions.",
                );
                None
            }
        };
        let inspection_interval_months = whole(
            &mut e,
            "inspection_interval_months",
            &self.inspection_interval_months,
            1..=120,
        )
        .unwrap_or(DEFAULT_INSPECTION_INTERVAL);
        let capacity_kg = whole(&mut e, "capacity_kg", &self.capacity_kg, 1..=100_000);
        let capacity_persons = whole(&mut e, "capacity_persons", &self.capacity_persons, 1..=1000);
        let speed_mps = decimal(&mut e, "speed_mps", &self.speed_mps, 0, 20, 2);
        let floors_served = whole(&mut e, "floors_served", &self.floors_served, 1..=300);
        let stops = whole(&mut e, "stops", &self.stops, 1..=300);
        let travel_height_m = decimal(&mut e, "travel_height_m", &self.travel_height_m, 0, 1000, 2);
        let door_width_mm = whole(&mut e, "door_width_mm", &self.door_width_mm, 1..=10_000);
        let car_width_mm = whole(&mut e, "car_width_mm", &self.car_width_mm, 1..=20_000);
        let car_depth_mm = whole(&mut e, "car_depth_mm", &self.car_depth_mm, 1..=20_000);
        let car_height_mm = whole(&mut e, "car_height_mm", &self.car_height_mm, 1..=20_000);
        let installation_date = date(&mut e, "installation_date", &self.installation_date);
        let modernization_date = date(&mut e, "modernization_date", &self.modernization_date);
        let last_major_service = date(&mut e, "last_major_service", &self.last_major_service);
        let last_inspection_date = date(&mut e, "last_inspection_date", &self.last_inspection_date);
        let next_inspection_due = date(&mut e, "next_inspection_due", &self.next_inspection_due);
        check_text(&mut e, "known_quirks", &self.known_quirks, 5000, false);
        let known_quirks: Vec<String> = self
            .known_quirks
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let mut specifications = BTreeMap::new();
        for (key, value) in &self.specifications {
            let (key, value) = (key.trim(), value.trim());
            if key.is_empty() && value.is_empty() {
                continue;
            }
            if key.is_empty() {
                e.add("specifications", "Every specification needs a name.");
            } else if key.chars().count() > 100 || value.chars().count() > 500 {
                e.add(
                    "specifications",
                    "Specification names are at most 100 characters, values 500.",
                );
            } else if key.chars().chain(value.chars()).any(char::is_control) {
                e.add(
                    "specifications",
                    "Specifications cannot contain control characters.",
                );
            } else {
                specifications.insert(
                    key.to_string(),
                    serde_json::Value::String(value.to_string()),
                );
            }
        }
        if specifications.len() > 100 {
            e.add("specifications", "At most 100 specifications.");
        }
        let (Some(site_id), true) = (site_id, e.is_empty()) else {
            return Err(e);
        };
        Ok(ElevatorValues {
            site_id,
            unit_number: self.unit_number.trim().to_string(),
            serial_number: blank(&self.serial_number),
            registration_number: blank(&self.registration_number),
            asset_tag: blank(&self.asset_tag),
            manufacturer: blank(&self.manufacturer),
            model: blank(&self.model),
            controller_type: blank(&self.controller_type),
            drive_type,
            machine_type: blank(&self.machine_type),
            capacity_kg,
            capacity_persons,
            speed_mps,
            floors_served,
            stops,
            travel_height_m,
            door_type: blank(&self.door_type),
            door_width_mm,
            car_width_mm,
            car_depth_mm,
            car_height_mm,
            installation_date,
            modernization_date,
            last_major_service,
            last_inspection_date,
            last_inspection_result,
            next_inspection_due,
            inspection_interval_months,
            inspection_certificate_number: blank(&self.inspection_certificate_number),
            known_quirks,
            specifications: serde_json::Value::Object(specifications.into_iter().collect()),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    pub status: String,
    pub reason: String,
}

impl StatusForm {
    pub fn validate(&self) -> Result<(ElevatorStatus, Option<String>), FieldErrors> {
        let mut e = FieldErrors::default();
        let status = ElevatorStatus::parse(self.status.trim());
        check_text(&mut e, "reason", &self.reason, 2000, false);
        match status {
            None => e.add("status", "Choose a status from the list."),
            Some(s) if s.needs_reason() && self.reason.trim().is_empty() => e.add(
                "reason",
                format!("Say why the lift is {}.", s.label().to_lowercase()),
            ),
            Some(_) => {}
        }
        match (status, e.is_empty()) {
            (Some(status), true) => Ok((status, blank(&self.reason))),
            _ => Err(e),
        }
    }
}

/// The lift list's filters and sort, as they appear in the URL.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ElevatorListQuery {
    pub q: String,
    pub status: String,
    pub manufacturer: String,
    pub drive_type: String,
    pub site: String,
    /// "overdue", "30", "60" or "90" (due within that many days).
    pub inspection: String,
    pub sort: String,
    pub dir: String,
    #[serde(skip_serializing)]
    pub page: Option<i64>,
}

impl ElevatorListQuery {
    pub fn site_id(&self) -> Option<Uuid> {
        Uuid::parse_str(self.site.trim()).ok()
    }
}

impl Sortable for ElevatorListQuery {
    const DEFAULT_SORT: &'static str = "site";

    fn sort_param(&self) -> &str {
        &self.sort
    }

    fn descending(&self) -> bool {
        self.dir == "desc"
    }
}
