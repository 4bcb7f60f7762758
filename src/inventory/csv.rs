//! The catalogue in CSV: the documented columns, the import plan (new / update by part number
//! / error) and the export. Stock is not imported: it comes in through receipts and counts, so
//! the ledger holds every unit.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use uuid::Uuid;

use super::forms::{ItemForm, ItemValues};
use super::operations::InventoryError;
use super::queries::{self, normalize_part_number, Item};
use crate::imports::{Action, Column, Planned, RowPlan, Table};
use crate::orgs::context::Actor;
use crate::web::AppError;

#[rustfmt::skip]
pub const COLUMNS: &[Column] = &[
    Column { name: "part_number", required: true, meaning: "Part number, unique in your catalogue (spaces, dashes and dots are ignored when matching); rows with a known part number update that item" },
    Column { name: "name", required: true, meaning: "Name" },
    Column { name: "manufacturer", required: false, meaning: "Manufacturer" },
    Column { name: "manufacturer_part_number", required: false, meaning: "The manufacturer's own part number" },
    Column { name: "barcode", required: false, meaning: "Barcode" },
    Column { name: "category", required: false, meaning: "Category, e.g. Doors" },
    Column { name: "subcategory", required: false, meaning: "Subcategory" },
    Column { name: "description", required: false, meaning: "Description" },
    Column { name: "compatible_manufacturers", required: false, meaning: "Lift makes it fits, separated by commas" },
    Column { name: "compatible_models", required: false, meaning: "Lift models it fits, separated by commas" },
    Column { name: "compatible_equipment_types", required: false, meaning: "Equipment types, separated by commas" },
    Column { name: "unit_cost", required: false, meaning: "List cost per unit (default 0)" },
    Column { name: "sale_price", required: false, meaning: "Sale price per unit" },
    Column { name: "minimum_stock", required: false, meaning: "Minimum stock (default 0)" },
    Column { name: "reorder_point", required: false, meaning: "Reorder point (default 0)" },
    Column { name: "reorder_quantity", required: false, meaning: "Reorder quantity (default 0)" },
    Column { name: "specifications", required: false, meaning: "Specifications" },
];

pub type ItemRowPlan = RowPlan<ItemValues>;

fn form_of(row: &crate::imports::Row) -> ItemForm {
    let mut cells = serde_json::Map::new();
    for column in COLUMNS {
        cells.insert(
            column.name.into(),
            serde_json::Value::String(row.get(column.name)),
        );
    }
    serde_json::from_value(serde_json::Value::Object(cells)).unwrap_or_default()
}

pub fn plan(conn: &mut PgConnection, table: &Table) -> QueryResult<Vec<ItemRowPlan>> {
    let parts: Vec<String> = table
        .rows
        .iter()
        .map(|r| normalize_part_number(&r.get("part_number")))
        .filter(|p| !p.is_empty())
        .collect();
    let existing: HashMap<String, Uuid> =
        queries::ids_by_parts(conn, &parts)?.into_iter().collect();
    let mut seen = HashSet::new();
    Ok(table
        .rows
        .iter()
        .map(|row| {
            let form = form_of(row);
            let label = format!(
                "{} — {}",
                form.part_number.trim().chars().take(40).collect::<String>(),
                form.name.trim().chars().take(80).collect::<String>()
            );
            let key = normalize_part_number(&form.part_number);
            let planned = |action| Planned { line: row.line, label: label.clone(), action };
            if !key.is_empty() && !seen.insert(key.clone()) {
                return ItemRowPlan::refused(planned(Action::Error(
                    "this part number (ignoring spaces, dashes and dots) appears earlier in the file".into(),
                )));
            }
            match form.validate() {
                Err(errors) => ItemRowPlan::refused(planned(Action::Error(errors.summary()))),
                Ok(values) => {
                    let target = existing.get(&key).copied();
                    ItemRowPlan {
                        planned: planned(if target.is_some() { Action::Update } else { Action::New }),
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
    plans: Vec<ItemRowPlan>,
) -> Result<(usize, usize), AppError> {
    crate::imports::apply(
        conn,
        actor,
        "inventory_item",
        plans,
        |conn, target, values| {
            let item = match target {
                Some(id) => queries::update_item(conn, id, values),
                None => queries::insert_item(conn, values),
            }
            .map_err(|e| AppError::from(InventoryError::from(e)))?;
            Ok((item.id, item.part_number))
        },
    )
}

pub fn export(items: &[Item]) -> Result<Vec<u8>, csv::Error> {
    let mut headers: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
    headers.extend(["on_hand", "reserved", "average_cost"]);
    crate::imports::write(
        &headers,
        items.iter().map(|i| {
            let form = ItemForm::of(i);
            vec![
                form.part_number,
                form.name,
                form.manufacturer,
                form.manufacturer_part_number,
                form.barcode,
                form.category,
                form.subcategory,
                form.description,
                form.compatible_manufacturers,
                form.compatible_models,
                form.compatible_equipment_types,
                form.unit_cost,
                form.sale_price,
                form.minimum_stock,
                form.reorder_point,
                form.reorder_quantity,
                form.specifications,
                i.on_hand.to_string(),
                i.reserved.to_string(),
                i.average_cost.with_scale(2).to_string(),
            ]
        }),
    )
}
