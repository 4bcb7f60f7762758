//! Sites in CSV: the documented columns, the import plan (new / update by code / error) and
//! the export of the current filtered list.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use uuid::Uuid;

use super::forms::{SiteForm, SiteValues};
use super::queries::{self, Site, WriteError};
use crate::imports::{Action, Column, Planned, RowPlan, Table};
use crate::orgs::context::Actor;
use crate::web::AppError;

pub const COLUMNS: &[Column] = &[
    Column { name: "name", required: true, meaning: "Site name" },
    Column { name: "code", required: false, meaning: "Short code, unique in your organization; rows with a known code update that site" },
    Column { name: "site_type", required: false, meaning: "commercial, residential, mixed, industrial, healthcare, education, retail, hospitality or government (default commercial)" },
    Column { name: "address_line1", required: false, meaning: "Street address" },
    Column { name: "address_line2", required: false, meaning: "Second address line" },
    Column { name: "city", required: false, meaning: "City or suburb" },
    Column { name: "state", required: false, meaning: "State" },
    Column { name: "postal_code", required: false, meaning: "Postcode" },
    Column { name: "country", required: false, meaning: "Country (default Australia)" },
    Column { name: "latitude", required: false, meaning: "−90 to 90" },
    Column { name: "longitude", required: false, meaning: "−180 to 180" },
    Column { name: "floors_count", required: false, meaning: "Number of floors" },
    Column { name: "year_built", required: false, meaning: "Year built" },
    Column { name: "total_area_sqm", required: false, meaning: "Floor area in m²" },
    Column { name: "occupancy_count", required: false, meaning: "Number of occupants" },
    Column { name: "primary_contact_name", required: false, meaning: "Main contact" },
    Column { name: "primary_contact_phone", required: false, meaning: "Main contact's phone" },
    Column { name: "primary_contact_email", required: false, meaning: "Main contact's email" },
    Column { name: "emergency_contact_name", required: false, meaning: "Emergency contact" },
    Column { name: "emergency_contact_phone", required: false, meaning: "Emergency phone" },
    Column { name: "access_instructions", required: false, meaning: "How technicians get in" },
    Column { name: "after_hours_access", required: false, meaning: "After-hours arrangements" },
    Column { name: "key_holder_info", required: false, meaning: "Who holds keys" },
    Column { name: "timezone", required: false, meaning: "Time zone, e.g. Australia/Sydney (default)" },
];

pub type SiteRowPlan = RowPlan<SiteValues>;

fn form_of(row: &crate::imports::Row) -> SiteForm {
    let mut cells = serde_json::Map::new();
    for column in COLUMNS {
        cells.insert(
            column.name.into(),
            serde_json::Value::String(row.get(column.name)),
        );
    }
    let mut form: SiteForm =
        serde_json::from_value(serde_json::Value::Object(cells)).unwrap_or_default();
    if form.site_type.is_empty() {
        form.site_type = "commercial".into();
    }
    if form.country.is_empty() {
        form.country = "Australia".into();
    }
    form
}

pub fn plan(conn: &mut PgConnection, table: &Table) -> QueryResult<Vec<SiteRowPlan>> {
    let codes: Vec<String> = table
        .rows
        .iter()
        .map(|r| r.get("code"))
        .filter(|c| !c.is_empty())
        .collect();
    let existing: HashMap<String, Uuid> = queries::find_by_codes(conn, &codes)?
        .into_iter()
        .map(|(id, code)| (code.to_lowercase(), id))
        .collect();
    let mut seen = HashSet::new();
    Ok(table
        .rows
        .iter()
        .map(|row| {
            let form = form_of(row);
            let label = match form.code.trim() {
                "" => form.name.trim().chars().take(80).collect(),
                code => format!(
                    "{code} — {}",
                    form.name.trim().chars().take(80).collect::<String>()
                ),
            };
            let code = form.code.trim().to_lowercase();
            let planned = |action| Planned {
                line: row.line,
                label: label.clone(),
                action,
            };
            if !code.is_empty() && !seen.insert(code.clone()) {
                return SiteRowPlan::refused(planned(Action::Error(
                    "this code appears earlier in the file".into(),
                )));
            }
            match form.validate() {
                Err(errors) => SiteRowPlan::refused(planned(Action::Error(errors.summary()))),
                Ok(values) => {
                    let target = existing.get(&code).copied();
                    SiteRowPlan {
                        planned: planned(if target.is_some() {
                            Action::Update
                        } else {
                            Action::New
                        }),
                        write: Some((target, values)),
                    }
                }
            }
        })
        .collect())
}

/// Writes every planned row (the caller has checked there are no errors), auditing each.
pub fn apply(
    conn: &mut PgConnection,
    actor: &Actor,
    plans: Vec<SiteRowPlan>,
) -> Result<(usize, usize), AppError> {
    crate::imports::apply(conn, actor, "site", plans, |conn, target, values| {
        let site = match target {
            Some(id) => queries::update(conn, id, values),
            None => queries::insert(conn, values, None),
        }
        .map_err(|e| match e {
            WriteError::DuplicateCode => {
                AppError::Conflict("A site code in the file is already used.".into())
            }
            WriteError::Database(e) => e.into(),
        })?;
        Ok((site.id, site.name))
    })
}

fn text(value: &Option<impl ToString>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

pub fn export(sites: &[Site]) -> Result<Vec<u8>, csv::Error> {
    let headers: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
    crate::imports::write(
        &headers,
        sites.iter().map(|s| {
            vec![
                s.name.clone(),
                text(&s.code),
                s.site_type.clone(),
                text(&s.address_line1),
                text(&s.address_line2),
                text(&s.city),
                text(&s.state),
                text(&s.postal_code),
                s.country.clone(),
                text(&s.latitude),
                text(&s.longitude),
                text(&s.floors_count),
                text(&s.year_built),
                text(&s.total_area_sqm),
                text(&s.occupancy_count),
                text(&s.primary_contact_name),
                text(&s.primary_contact_phone),
                text(&s.primary_contact_email),
                text(&s.emergency_contact_name),
                text(&s.emergency_contact_phone),
                text(&s.access_instructions),
                text(&s.after_hours_access),
                text(&s.key_holder_info),
                s.timezone.clone(),
            ]
        }),
    )
}
