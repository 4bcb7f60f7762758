//! Purchase orders: a new order's header and lines, and receiving against one.

use bigdecimal::BigDecimal;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{chosen, lines, money, FORM_LINES};
use crate::inventory::model::MAX_QUANTITY;
use crate::web::forms::{blank, check_line, check_text, whole, FieldErrors};

/// A new purchase order's header and lines.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PurchaseForm {
    pub supplier: String,
    pub location_id: String,
    pub expected_on: String,
    pub notes: String,
    pub item_id: Vec<String>,
    pub quantity: Vec<String>,
    pub unit_cost: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PurchaseValues {
    pub supplier: String,
    pub location_id: Uuid,
    pub expected_on: Option<NaiveDate>,
    pub notes: Option<String>,
    /// Item, quantity and unit cost (none: the item's list cost).
    pub lines: Vec<(Uuid, i32, Option<BigDecimal>)>,
}

impl PurchaseForm {
    pub fn validate(&self) -> Result<PurchaseValues, FieldErrors> {
        let mut e = FieldErrors::default();
        check_line(&mut e, "supplier", &self.supplier, 255, true);
        let location_id = chosen(
            &mut e,
            "location_id",
            &self.location_id,
            "Choose where it will be received.",
        );
        check_text(&mut e, "notes", &self.notes, 2000, false);
        let expected_on = match self.expected_on.trim() {
            "" => None,
            raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(d) if crate::web::forms::plausible_date(&d) => Some(d),
                _ => {
                    e.add("expected_on", "Enter a date like 2026-12-31.");
                    None
                }
            },
        };
        let counted = lines(&mut e, &self.item_id, &self.quantity, 1);
        let mut with_costs = Vec::new();
        let mut seen = 0;
        for (n, id) in self.item_id.iter().enumerate() {
            let q = self.quantity.get(n).map(String::as_str).unwrap_or("");
            if id.trim().is_empty() && q.trim().is_empty() {
                continue;
            }
            let cost = self.unit_cost.get(n).map(String::as_str).unwrap_or("");
            let cost = money(&mut e, &format!("unit_cost-{n}"), cost);
            if let Some((item, q)) = counted.get(seen) {
                with_costs.push((*item, *q, cost));
            }
            seen += 1;
        }
        if counted.is_empty() && e.is_empty() {
            e.add("item_id-0", "Add at least one line.");
        }
        let (Some(location_id), true) = (location_id, e.is_empty()) else {
            return Err(e);
        };
        Ok(PurchaseValues {
            supplier: self.supplier.trim().to_string(),
            location_id,
            expected_on,
            notes: blank(&self.notes),
            lines: with_costs,
        })
    }

    pub fn rows(&self) -> Vec<(String, String, String)> {
        let mut rows: Vec<(String, String, String)> = self
            .item_id
            .iter()
            .enumerate()
            .map(|(n, id)| {
                (
                    id.clone(),
                    self.quantity.get(n).cloned().unwrap_or_default(),
                    self.unit_cost.get(n).cloned().unwrap_or_default(),
                )
            })
            .filter(|(id, q, c)| !id.is_empty() || !q.is_empty() || !c.is_empty())
            .collect();
        while rows.len() < FORM_LINES {
            rows.push(Default::default());
        }
        rows
    }
}

/// Receiving against a purchase order: how many of each line arrived.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReceiveForm {
    pub line_id: Vec<String>,
    pub quantity: Vec<String>,
}

impl ReceiveForm {
    pub fn validate(&self) -> Result<Vec<(Uuid, i32)>, FieldErrors> {
        let mut e = FieldErrors::default();
        let mut out = Vec::new();
        for (n, id) in self.line_id.iter().enumerate() {
            let raw = self.quantity.get(n).map(String::as_str).unwrap_or("");
            if raw.trim().is_empty() {
                continue;
            }
            let line = chosen(&mut e, &format!("quantity-{n}"), id, "Unknown line.");
            let q = whole(&mut e, &format!("quantity-{n}"), raw, 0..=MAX_QUANTITY);
            if let (Some(line), Some(q)) = (line, q) {
                if q > 0 {
                    out.push((line, q));
                }
            }
        }
        if out.is_empty() && e.is_empty() {
            e.add("quantity-0", "Enter how many arrived of at least one line.");
        }
        if e.is_empty() {
            Ok(out)
        } else {
            Err(e)
        }
    }
}
