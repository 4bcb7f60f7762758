//! Lifts in CSV: documented columns, the import plan (matched on site code + unit number) and
//! the export of the current filtered list.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use uuid::Uuid;

use super::forms::{ElevatorForm, ElevatorValues};
use super::queries::{self, Elevator, WriteError};
use crate::imports::{Action, Column, Planned, Row, RowPlan, Table};
use crate::orgs::context::Actor;
use crate::sites::queries as sites;
use crate::web::AppError;

pub const COLUMNS: &[Column] = &[
    Column { name: "site_code", required: true, meaning: "Code of the site the lift is in (the site must exist)" },
    Column { name: "unit_number", required: true, meaning: "Lift name or number, unique within its site; a known site code + unit number updates that lift" },
    Column { name: "manufacturer", required: false, meaning: "KONE, Otis, Schindler, TK Elevator, Mitsubishi, …" },
    Column { name: "model", required: false, meaning: "Model" },
    Column { name: "serial_number", required: false, meaning: "Serial number" },
    Column { name: "registration_number", required: false, meaning: "Registration number" },
    Column { name: "asset_tag", required: false, meaning: "Asset tag" },
    Column { name: "controller_type", required: false, meaning: "Controller" },
    Column { name: "drive_type", required: false, meaning: "gearless, geared, hydraulic or mrl" },
    Column { name: "machine_type", required: false, meaning: "Machine" },
    Column { name: "capacity_kg", required: false, meaning: "Rated load in kg" },
    Column { name: "capacity_persons", required: false, meaning: "Persons" },
    Column { name: "speed_mps", required: false, meaning: "Speed in m/s" },
    Column { name: "floors_served", required: false, meaning: "Floors served" },
    Column { name: "stops", required: false, meaning: "Stops" },
    Column { name: "travel_height_m", required: false, meaning: "Travel in metres" },
    Column { name: "door_type", required: false, meaning: "Door type" },
    Column { name: "door_width_mm", required: false, meaning: "Door width in mm" },
    Column { name: "car_width_mm", required: false, meaning: "Car width in mm" },
    Column { name: "car_depth_mm", required: false, meaning: "Car depth in mm" },
    Column { name: "car_height_mm", required: false, meaning: "Car height in mm" },
    Column { name: "installation_date", required: false, meaning: "YYYY-MM-DD" },
    Column { name: "modernization_date", required: false, meaning: "YYYY-MM-DD" },
    Column { name: "last_major_service", required: false, meaning: "YYYY-MM-DD" },
    Column { name: "last_inspection_date", required: false, meaning: "YYYY-MM-DD" },
    Column { name: "last_inspection_result", required: false, meaning: "passed, failed or conditional (Pass, Pass with defects and Fail are read too)" },
    Column { name: "next_inspection_due", required: false, meaning: "YYYY-MM-DD" },
    Column { name: "inspection_interval_months", required: false, meaning: "Months between inspections, 1 to 120 (12 if blank)" },
    Column { name: "inspection_certificate_number", required: false, meaning: "Certificate number" },
    Column { name: "known_quirks", required: false, meaning: "One quirk per line" },
    Column { name: "specifications", required: false, meaning: "One “name: value” per line" },
];

pub type ElevatorRowPlan = RowPlan<ElevatorValues>;

fn form_of(row: &Row, site_id: Option<Uuid>) -> ElevatorForm {
    let mut form = ElevatorForm::default();
    for column in COLUMNS {
        if let Some(slot) = form.field_mut(column.name) {
            *slot = row.get(column.name);
        }
    }
    form.site_id = site_id.map(|id| id.to_string()).unwrap_or_default();
    form.specifications = row
        .get("specifications")
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    form
}

pub fn plan(conn: &mut PgConnection, table: &Table) -> QueryResult<Vec<ElevatorRowPlan>> {
    let codes: Vec<String> = table
        .rows
        .iter()
        .map(|r| r.get("site_code"))
        .filter(|c| !c.is_empty())
        .collect();
    let site_by_code: HashMap<String, Uuid> = sites::find_by_codes(conn, &codes)?
        .into_iter()
        .map(|(id, code)| (code.to_lowercase(), id))
        .collect();
    let site_ids: Vec<Uuid> = site_by_code.values().copied().collect();
    let existing: HashMap<(Uuid, String), Uuid> = queries::find_units(conn, &site_ids)?
        .into_iter()
        .map(|(id, site_id, unit)| ((site_id, unit.to_lowercase()), id))
        .collect();
    let mut seen = HashSet::new();
    Ok(table
        .rows
        .iter()
        .map(|row| {
            let code = row.get("site_code");
            let unit = row.get("unit_number");
            let label = format!("{code} / {unit}");
            let planned = |action| Planned {
                line: row.line,
                label: label.clone(),
                action,
            };
            let error = |message: String| ElevatorRowPlan::refused(planned(Action::Error(message)));
            let Some(site_id) = site_by_code.get(&code.to_lowercase()).copied() else {
                return error(if code.is_empty() {
                    "site_code is required".into()
                } else {
                    format!("no site has the code “{code}”")
                });
            };
            let key = (site_id, unit.to_lowercase());
            if !seen.insert(key.clone()) {
                return error("this site and unit appear earlier in the file".into());
            }
            match form_of(row, Some(site_id)).validate() {
                Err(errors) => error(errors.summary()),
                Ok(values) => {
                    let target = existing.get(&key).copied();
                    ElevatorRowPlan {
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

pub fn apply(
    conn: &mut PgConnection,
    actor: &Actor,
    plans: Vec<ElevatorRowPlan>,
) -> Result<(usize, usize), AppError> {
    crate::imports::apply(conn, actor, "elevator", plans, |conn, target, values| {
        let elevator = match target {
            Some(id) => queries::update(conn, id, values),
            None => queries::insert(conn, values),
        }
        .map_err(|e| match e {
            WriteError::DuplicateUnit => {
                AppError::Conflict("A unit number in the file is already used at its site.".into())
            }
            WriteError::Database(e) => e.into(),
        })?;
        Ok((elevator.id, elevator.unit_number))
    })
}

fn text(value: &Option<impl ToString>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

pub fn export(rows: &[(Elevator, String, Option<String>)]) -> Result<Vec<u8>, csv::Error> {
    let mut headers: Vec<&str> = vec!["site_name"];
    headers.extend(COLUMNS.iter().map(|c| c.name));
    headers.push("status");
    crate::imports::write(
        &headers,
        rows.iter().map(|(e, site_name, site_code)| {
            vec![
                site_name.clone(),
                text(site_code),
                e.unit_number.clone(),
                text(&e.manufacturer),
                text(&e.model),
                text(&e.serial_number),
                text(&e.registration_number),
                text(&e.asset_tag),
                text(&e.controller_type),
                text(&e.drive_type),
                text(&e.machine_type),
                text(&e.capacity_kg),
                text(&e.capacity_persons),
                text(&e.speed_mps),
                text(&e.floors_served),
                text(&e.stops),
                text(&e.travel_height_m),
                text(&e.door_type),
                text(&e.door_width_mm),
                text(&e.car_width_mm),
                text(&e.car_depth_mm),
                text(&e.car_height_mm),
                text(&e.installation_date),
                text(&e.modernization_date),
                text(&e.last_major_service),
                text(&e.last_inspection_date),
                e.last_inspection_result
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_default(),
                text(&e.next_inspection_due),
                e.inspection_interval_months.to_string(),
                text(&e.inspection_certificate_number),
                e.quirks().join("\n"),
                e.specification_pairs()
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                e.status.as_str().to_string(),
            ]
        }),
    )
}
