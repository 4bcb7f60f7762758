//! What the inventory forms send, checked field by field into typed values. A refused form
//! comes back with what was typed and a message per field. Stock movements' forms are in
//! [`stock`], purchase orders' in [`purchases`].

use bigdecimal::BigDecimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{LocationType, MAX_PART_NUMBER, MAX_PRICE, MAX_QUANTITY};
use crate::web::forms::{blank, check_line, check_text, decimal, whole, FieldErrors};
use crate::web::listing::Sortable;

mod purchases;
mod stock;

pub use purchases::{PurchaseForm, PurchaseValues, ReceiveForm};
pub use stock::{
    count_field, Count, CountForm, FromStock, FromStockForm, PurchaseReceiptForm, StockChange,
    StockForm, SurplusForm, Transfer, TransferForm,
};

/// A quantity: a whole number of units from `min` to [`MAX_QUANTITY`].
pub fn quantity(errors: &mut FieldErrors, field: &str, value: &str, min: i32) -> Option<i32> {
    if value.trim().is_empty() {
        errors.add(field, "Enter how many.");
        return None;
    }
    whole(errors, field, value, min..=MAX_QUANTITY)
}

/// An id chosen from a list; `None` (with `message`) when blank or not an id.
pub fn chosen(errors: &mut FieldErrors, field: &str, value: &str, message: &str) -> Option<Uuid> {
    match Uuid::parse_str(value.trim()) {
        Ok(id) => Some(id),
        Err(_) => {
            errors.add(field, message);
            None
        }
    }
}

fn money(errors: &mut FieldErrors, field: &str, value: &str) -> Option<BigDecimal> {
    decimal(errors, field, value, 0, MAX_PRICE, 2)
}

/// A comma-separated list ("Otis, Schindler"), each entry trimmed, at most 30 of 100 characters.
fn list(errors: &mut FieldErrors, field: &str, value: &str) -> Vec<String> {
    let entries: Vec<String> = value
        .split([',', '\n'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect();
    if entries.len() > 30 || entries.iter().any(|e| e.chars().count() > 100) {
        errors.add(
            field,
            "List at most 30 entries of 100 characters, separated by commas.",
        );
    }
    if entries.iter().any(|e| e.chars().any(char::is_control)) {
        errors.add(field, "This contains characters that are not allowed.");
    }
    entries
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ItemForm {
    pub part_number: String,
    pub manufacturer_part_number: String,
    pub barcode: String,
    pub name: String,
    pub description: String,
    pub category: String,
    pub subcategory: String,
    pub manufacturer: String,
    pub compatible_manufacturers: String,
    pub compatible_models: String,
    pub compatible_equipment_types: String,
    pub unit_cost: String,
    pub sale_price: String,
    pub minimum_stock: String,
    pub reorder_point: String,
    pub reorder_quantity: String,
    pub specifications: String,
}

/// An item's checked values, as written.
#[derive(Debug, Clone, Serialize)]
pub struct ItemValues {
    pub part_number: String,
    pub manufacturer_part_number: Option<String>,
    pub barcode: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub manufacturer: Option<String>,
    pub compatible_manufacturers: Vec<String>,
    pub compatible_models: Vec<String>,
    pub compatible_equipment_types: Vec<String>,
    pub unit_cost: BigDecimal,
    pub sale_price: Option<BigDecimal>,
    pub minimum_stock: i32,
    pub reorder_point: i32,
    pub reorder_quantity: i32,
    pub specifications: Option<String>,
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

impl ItemForm {
    /// The form filled with an item as it is.
    pub fn of(item: &crate::inventory::queries::Item) -> ItemForm {
        ItemForm {
            part_number: item.part_number.clone(),
            manufacturer_part_number: text(&item.manufacturer_part_number),
            barcode: text(&item.barcode),
            name: item.name.clone(),
            description: text(&item.description),
            category: text(&item.category),
            subcategory: text(&item.subcategory),
            manufacturer: text(&item.manufacturer),
            compatible_manufacturers: item.makes(),
            compatible_models: item.models(),
            compatible_equipment_types: item.equipment(),
            unit_cost: item.unit_cost.to_string(),
            sale_price: item
                .sale_price
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            minimum_stock: item.minimum_stock.to_string(),
            reorder_point: item.reorder_point.to_string(),
            reorder_quantity: item.reorder_quantity.to_string(),
            specifications: text(&item.specifications),
        }
    }

    pub fn validate(&self) -> Result<ItemValues, FieldErrors> {
        let mut e = FieldErrors::default();
        if check_line(
            &mut e,
            "part_number",
            &self.part_number,
            MAX_PART_NUMBER,
            true,
        ) && !self.part_number.chars().any(|c| c.is_ascii_alphanumeric())
        {
            e.add(
                "part_number",
                "A part number needs at least one letter or digit.",
            );
        }
        check_line(
            &mut e,
            "manufacturer_part_number",
            &self.manufacturer_part_number,
            100,
            false,
        );
        check_line(&mut e, "barcode", &self.barcode, 100, false);
        check_line(&mut e, "name", &self.name, 255, true);
        check_text(&mut e, "description", &self.description, 5000, false);
        check_line(&mut e, "category", &self.category, 100, false);
        check_line(&mut e, "subcategory", &self.subcategory, 100, false);
        check_line(&mut e, "manufacturer", &self.manufacturer, 100, false);
        check_text(&mut e, "specifications", &self.specifications, 5000, false);
        let compatible_manufacturers = list(
            &mut e,
            "compatible_manufacturers",
            &self.compatible_manufacturers,
        );
        let compatible_models = list(&mut e, "compatible_models", &self.compatible_models);
        let compatible_equipment_types = list(
            &mut e,
            "compatible_equipment_types",
            &self.compatible_equipment_types,
        );
        let unit_cost = money(&mut e, "unit_cost", &self.unit_cost);
        let sale_price = money(&mut e, "sale_price", &self.sale_price);
        let counts = ["minimum_stock", "reorder_point", "reorder_quantity"].map(|field| {
            let value = match field {
                "minimum_stock" => &self.minimum_stock,
                "reorder_point" => &self.reorder_point,
                _ => &self.reorder_quantity,
            };
            whole(&mut e, field, value, 0..=MAX_QUANTITY).unwrap_or(0)
        });
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ItemValues {
            part_number: self.part_number.trim().to_string(),
            manufacturer_part_number: blank(&self.manufacturer_part_number),
            barcode: blank(&self.barcode),
            name: self.name.trim().to_string(),
            description: blank(&self.description),
            category: blank(&self.category),
            subcategory: blank(&self.subcategory),
            manufacturer: blank(&self.manufacturer),
            compatible_manufacturers,
            compatible_models,
            compatible_equipment_types,
            unit_cost: unit_cost.unwrap_or_default(),
            sale_price,
            minimum_stock: counts[0],
            reorder_point: counts[1],
            reorder_quantity: counts[2],
            specifications: blank(&self.specifications),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LocationForm {
    pub name: String,
    pub location_type: String,
    pub contractor_id: String,
    pub account_id: String,
    pub site_id: String,
    pub address: String,
    pub notes: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LocationValues {
    pub name: String,
    pub location_type: LocationType,
    pub contractor_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub site_id: Option<Uuid>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

impl LocationForm {
    pub fn of(location: &crate::inventory::queries::Location) -> LocationForm {
        let id = |v: Option<Uuid>| v.map(|v| v.to_string()).unwrap_or_default();
        LocationForm {
            name: location.name.clone(),
            location_type: location.location_type.as_str().into(),
            contractor_id: id(location.contractor_id),
            account_id: id(location.account_id),
            site_id: id(location.site_id),
            address: text(&location.address),
            notes: text(&location.notes),
        }
    }

    /// Checks the fields; whether the contractor, member and site are the organization's own
    /// is the operation's business.
    pub fn validate(&self) -> Result<LocationValues, FieldErrors> {
        let mut e = FieldErrors::default();
        check_line(&mut e, "name", &self.name, 100, true);
        check_text(&mut e, "address", &self.address, 1000, false);
        check_text(&mut e, "notes", &self.notes, 2000, false);
        let location_type = LocationType::parse(&self.location_type);
        if location_type.is_none() {
            e.add("location_type", "Choose the kind of location.");
        }
        let mut optional = |field: &str, value: &str| match value.trim() {
            "" => None,
            raw => chosen(&mut e, field, raw, "Choose one from the list."),
        };
        let contractor_id = optional("contractor_id", &self.contractor_id);
        let account_id = optional("account_id", &self.account_id);
        let site_id = optional("site_id", &self.site_id);
        if location_type == Some(LocationType::Site) && site_id.is_none() {
            e.add("site_id", "Choose the site this store is at.");
        }
        let (Some(location_type), true) = (location_type, e.is_empty()) else {
            return Err(e);
        };
        let van = location_type == LocationType::Van;
        Ok(LocationValues {
            name: self.name.trim().to_string(),
            location_type,
            contractor_id: contractor_id.filter(|_| van),
            account_id: account_id.filter(|_| van),
            site_id: site_id.filter(|_| {
                matches!(
                    location_type,
                    LocationType::Site | LocationType::Consignment
                )
            }),
            address: blank(&self.address),
            notes: blank(&self.notes),
        })
    }
}

/// An item with stock that nothing was issued of for this long is a slow mover.
pub const SLOW_DAYS: i32 = 180;

/// The catalogue's filters, sort and page.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ItemListQuery {
    pub q: String,
    pub category: String,
    pub manufacturer: String,
    /// A lift model the item must fit.
    pub model: String,
    pub location: String,
    /// "1": only items at or below their reorder point.
    pub low: String,
    /// "1": archived items too.
    pub archived: String,
    /// "1": only slow movers (stock on hand, nothing issued in [`SLOW_DAYS`] days).
    pub slow: String,
    pub sort: String,
    pub dir: String,
    pub page: Option<i64>,
}

impl Sortable for ItemListQuery {
    const DEFAULT_SORT: &'static str = "part_number";

    fn sort_param(&self) -> &str {
        &self.sort
    }

    fn descending(&self) -> bool {
        self.dir == "desc"
    }
}

/// How many rows a transfer or count form offers.
pub const FORM_LINES: usize = 8;

/// The lines of a multi-line form: each non-blank one checked, named `field-N` when refused.
fn lines(e: &mut FieldErrors, ids: &[String], counts: &[String], min: i32) -> Vec<(Uuid, i32)> {
    let mut out = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let count = counts.get(n).map(String::as_str).unwrap_or("");
        if id.trim().is_empty() && count.trim().is_empty() {
            continue;
        }
        let item = chosen(e, &format!("item_id-{n}"), id, "Choose an item.");
        let q = quantity(e, &format!("quantity-{n}"), count, min);
        if let (Some(item), Some(q)) = (item, q) {
            if out.iter().any(|(seen, _)| *seen == item) {
                e.add(
                    &format!("item_id-{n}"),
                    "This item is already on an earlier line.",
                );
            }
            out.push((item, q));
        }
    }
    out
}
