//! Moving stock: receipts and adjustments, transfers, counts, a work order's pick, surplus
//! for the marketplace and receiving a marketplace purchase.

use bigdecimal::BigDecimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{chosen, lines, money, quantity, FORM_LINES};
use crate::inventory::model::MAX_QUANTITY;
use crate::web::forms::{blank, check_text, whole, FieldErrors};

/// One line of a movement form: an item and how many.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StockForm {
    pub item_id: String,
    pub location_id: String,
    pub quantity: String,
    pub unit_cost: String,
    pub reason: String,
}

/// A receipt or adjustment of one item at one location, checked.
#[derive(Debug, Clone)]
pub struct StockChange {
    pub item_id: Uuid,
    pub location_id: Uuid,
    /// Units: positive for a receipt; signed for an adjustment.
    pub quantity: i32,
    pub unit_cost: Option<BigDecimal>,
    pub reason: Option<String>,
}

impl StockForm {
    /// A receipt (at least one unit, an optional unit cost) or, when `signed`, an adjustment
    /// (a non-zero change, with a reason).
    pub fn validate(&self, signed: bool) -> Result<StockChange, FieldErrors> {
        let mut e = FieldErrors::default();
        let item_id = chosen(&mut e, "item_id", &self.item_id, "Choose an item.");
        let location_id = chosen(
            &mut e,
            "location_id",
            &self.location_id,
            "Choose a location.",
        );
        let quantity = if signed {
            let q = if self.quantity.trim().is_empty() {
                e.add("quantity", "Enter the change, e.g. -2 or 5.");
                None
            } else {
                whole(
                    &mut e,
                    "quantity",
                    &self.quantity,
                    -MAX_QUANTITY..=MAX_QUANTITY,
                )
            };
            if q == Some(0) {
                e.add("quantity", "A change of 0 changes nothing.");
            }
            q
        } else {
            quantity(&mut e, "quantity", &self.quantity, 1)
        };
        let unit_cost = money(&mut e, "unit_cost", &self.unit_cost);
        check_text(&mut e, "reason", &self.reason, 1000, signed);
        let (Some(item_id), Some(location_id), Some(quantity), true) =
            (item_id, location_id, quantity, e.is_empty())
        else {
            return Err(e);
        };
        Ok(StockChange {
            item_id,
            location_id,
            quantity,
            unit_cost,
            reason: blank(&self.reason),
        })
    }
}

/// Several items moved from one location to another ("restock the van").
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TransferForm {
    pub from: String,
    pub to: String,
    pub reason: String,
    /// `item_id` and `quantity` of each line, in order (blank lines are skipped).
    pub item_id: Vec<String>,
    pub quantity: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Transfer {
    pub from: Uuid,
    pub to: Uuid,
    pub reason: Option<String>,
    pub lines: Vec<(Uuid, i32)>,
}

impl TransferForm {
    pub fn validate(&self) -> Result<Transfer, FieldErrors> {
        let mut e = FieldErrors::default();
        let from = chosen(
            &mut e,
            "from",
            &self.from,
            "Choose where the stock comes from.",
        );
        let to = chosen(&mut e, "to", &self.to, "Choose where the stock goes.");
        if from.is_some() && from == to {
            e.add(
                "to",
                "Choose a different location from the one the stock comes from.",
            );
        }
        check_text(&mut e, "reason", &self.reason, 1000, false);
        let lines = lines(&mut e, &self.item_id, &self.quantity, 1);
        if lines.is_empty() && e.is_empty() {
            e.add("item_id-0", "Add at least one item to move.");
        }
        let (Some(from), Some(to), true) = (from, to, e.is_empty()) else {
            return Err(e);
        };
        Ok(Transfer {
            from,
            to,
            reason: blank(&self.reason),
            lines,
        })
    }

    /// Rows to show: what was typed, each where it was (messages name rows by position),
    /// padded with blank rows.
    pub fn rows(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = self
            .item_id
            .iter()
            .enumerate()
            .map(|(n, id)| {
                (
                    id.clone(),
                    self.quantity.get(n).cloned().unwrap_or_default(),
                )
            })
            .collect();
        while rows.len() < FORM_LINES {
            rows.push(Default::default());
        }
        rows
    }
}

/// A stock count at one location: what was counted of each item listed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CountForm {
    pub reason: String,
    pub item_id: Vec<String>,
    pub counted: Vec<String>,
}

/// A checked count: each counted item and how many, and why any differ.
#[derive(Debug, Clone)]
pub struct Count {
    pub lines: Vec<(Uuid, i32)>,
    pub reason: Option<String>,
}

impl CountForm {
    /// The counted lines (zero allowed: nothing left; blank: not counted) and the reason for
    /// any difference. A refused count is named `counted-{item id}`.
    pub fn validate(&self) -> Result<Count, FieldErrors> {
        let mut e = FieldErrors::default();
        check_text(&mut e, "reason", &self.reason, 1000, false);
        let mut lines = Vec::new();
        for (n, id) in self.item_id.iter().enumerate() {
            let raw = self.counted.get(n).map(String::as_str).unwrap_or("");
            if raw.trim().is_empty() {
                continue;
            }
            let Ok(item) = Uuid::parse_str(id.trim()) else {
                e.add("reason", "The count sheet is out of date: open it again.");
                continue;
            };
            if let Some(q) = whole(&mut e, &count_field(item), raw, 0..=MAX_QUANTITY) {
                lines.push((item, q));
            }
        }
        if lines.is_empty() && e.is_empty() {
            e.add("reason", "Enter at least one counted quantity.");
        }
        if e.is_empty() {
            Ok(Count {
                lines,
                reason: blank(&self.reason),
            })
        } else {
            Err(e)
        }
    }

    /// What was typed for `item`, when the form comes back.
    pub fn typed(&self, item: &Uuid) -> String {
        let id = item.to_string();
        self.item_id
            .iter()
            .position(|i| *i == id)
            .and_then(|n| self.counted.get(n).cloned())
            .unwrap_or_default()
    }
}

/// The field a count of `item` is refused on.
pub fn count_field(item: Uuid) -> String {
    format!("counted-{item}")
}

/// Taking a part for a work order from stock, or reserving it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FromStockForm {
    /// "item_id|location_id", as the picker offers them.
    pub stock: String,
    pub quantity: String,
    /// "reserve": set aside for when the work starts, instead of issuing now.
    pub mode: String,
    pub version: String,
}

#[derive(Debug, Clone, Copy)]
pub struct FromStock {
    pub item_id: Uuid,
    pub location_id: Uuid,
    pub quantity: i32,
    pub reserve: bool,
}

impl FromStockForm {
    pub fn validate(&self) -> Result<FromStock, FieldErrors> {
        let mut e = FieldErrors::default();
        let picked = self
            .stock
            .split_once('|')
            .and_then(|(i, l)| Some((Uuid::parse_str(i).ok()?, Uuid::parse_str(l).ok()?)));
        if picked.is_none() {
            e.add("stock", "Choose an item and where to take it from.");
        }
        let q = quantity(&mut e, "quantity", &self.quantity, 1);
        let (Some((item_id, location_id)), Some(quantity), true) = (picked, q, e.is_empty()) else {
            return Err(e);
        };
        Ok(FromStock {
            item_id,
            location_id,
            quantity,
            reserve: self.mode == "reserve",
        })
    }
}

/// Listing surplus stock in the marketplace.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SurplusForm {
    pub location_id: String,
    pub quantity: String,
    pub unit_price: String,
    pub condition: String,
}

/// Receiving a marketplace purchase into stock.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PurchaseReceiptForm {
    pub location_id: String,
}
