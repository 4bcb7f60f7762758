//! What people type into the marketplace's forms, and the checks on it.

use bigdecimal::BigDecimal;
use serde::{Deserialize, Serialize};

use super::lifecycle::PartCondition;
use super::money;
use super::queries::{ListingInput, SearchFilter, Sort};
use crate::web::forms::{check_line, check_text, optional, FieldErrors};

pub const CURRENCIES: [&str; 3] = ["AUD", "NZD", "USD"];

/// The browse page's address: every filter lives in the URL, so a search can be bookmarked.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct BrowseQuery {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub manufacturer: Option<String>,
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub min_price: Option<String>,
    #[serde(default)]
    pub max_price: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub shipping: Option<String>,
    #[serde(default)]
    pub pickup: Option<String>,
    #[serde(default)]
    pub closed: Option<String>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default, skip_serializing)]
    pub page: Option<i64>,
}

impl BrowseQuery {
    pub fn text(&self, value: &Option<String>) -> String {
        value.clone().unwrap_or_default()
    }

    pub fn checked(value: &Option<String>) -> bool {
        optional(value).is_some()
    }

    pub fn sort(&self) -> Sort {
        optional(&self.sort)
            .and_then(|s| Sort::parse(&s))
            .unwrap_or_default()
    }

    /// The filter to run, and a note for each part of the address that made no sense.
    pub fn filter(&self) -> (SearchFilter, Vec<String>) {
        let mut problems = Vec::new();
        let mut price = |raw: &Option<String>, label: &str| {
            optional(raw).and_then(|p| match money::parse(&p) {
                Ok(v) => Some(v),
                Err(_) => {
                    problems.push(format!(
                        "The {label} price “{p}” is not an amount and was ignored."
                    ));
                    None
                }
            })
        };
        let min_price = price(&self.min_price, "lowest");
        let max_price = price(&self.max_price, "highest");
        let condition = optional(&self.condition).and_then(|c| {
            let parsed = PartCondition::parse(&c);
            if parsed.is_none() {
                problems
                    .push("That condition is not one of the listed ones and was ignored.".into());
            }
            parsed
        });
        let text = optional(&self.q).map(|q| q.chars().take(200).collect::<String>());
        (
            SearchFilter {
                text,
                manufacturer: optional(&self.manufacturer),
                condition,
                min_price,
                max_price,
                state: optional(&self.state),
                city: optional(&self.city),
                shipping: Self::checked(&self.shipping),
                pickup: Self::checked(&self.pickup),
                include_closed: Self::checked(&self.closed),
                sort: self.sort(),
                ..Default::default()
            },
            problems,
        )
    }
}

/// The sell / edit form, kept as typed so a refused form comes back as it was.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListingForm {
    /// The selling organization's slug (new listings only).
    #[serde(default)]
    pub organization: String,
    #[serde(default)]
    pub part_number: String,
    #[serde(default)]
    pub part_name: String,
    #[serde(default)]
    pub manufacturer: String,
    #[serde(default)]
    pub model_compatibility: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub condition: String,
    #[serde(default)]
    pub condition_notes: String,
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub unit_price: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub location_city: String,
    #[serde(default)]
    pub location_state: String,
    #[serde(default)]
    pub location_country: String,
    #[serde(default)]
    pub shipping_available: Option<String>,
    #[serde(default)]
    pub shipping_cost: String,
    #[serde(default)]
    pub local_pickup: Option<String>,
}

fn blank_to_none(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

impl ListingForm {
    pub fn new_default(organization: String) -> ListingForm {
        ListingForm {
            organization,
            condition: PartCondition::UsedTested.as_str().into(),
            quantity: "1".into(),
            currency: "AUD".into(),
            location_country: "Australia".into(),
            shipping_available: Some("on".into()),
            local_pickup: Some("on".into()),
            ..Default::default()
        }
    }

    pub fn ships(&self) -> bool {
        optional(&self.shipping_available).is_some()
    }

    pub fn pickup(&self) -> bool {
        optional(&self.local_pickup).is_some()
    }

    pub fn validate(&self) -> Result<ListingInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        check_line(&mut errors, "part_number", &self.part_number, 100, true);
        if !self.part_number.trim().is_empty()
            && !self.part_number.chars().any(|c| c.is_ascii_alphanumeric())
        {
            errors.add(
                "part_number",
                "A part number needs at least one letter or digit.",
            );
        }
        check_line(&mut errors, "part_name", &self.part_name, 255, true);
        check_line(&mut errors, "manufacturer", &self.manufacturer, 100, false);
        check_line(
            &mut errors,
            "model_compatibility",
            &self.model_compatibility,
            1000,
            false,
        );
        check_text(&mut errors, "description", &self.description, 10_000, false);
        check_text(
            &mut errors,
            "condition_notes",
            &self.condition_notes,
            2000,
            false,
        );
        check_line(
            &mut errors,
            "location_city",
            &self.location_city,
            100,
            false,
        );
        check_line(
            &mut errors,
            "location_state",
            &self.location_state,
            100,
            false,
        );
        check_line(
            &mut errors,
            "location_country",
            &self.location_country,
            100,
            true,
        );
        let condition = PartCondition::parse(self.condition.trim());
        if condition.is_none() {
            errors.add("condition", "Choose the part's condition.");
        }
        let quantity = match self.quantity.trim().parse::<i32>() {
            Ok(q) if (1..=100_000).contains(&q) => Some(q),
            _ => {
                errors.add(
                    "quantity",
                    "Enter how many you have, a whole number from 1.",
                );
                None
            }
        };
        let unit_price = match money::parse(&self.unit_price) {
            Ok(p) if p > money::zero() => Some(p),
            Ok(_) => {
                errors.add("unit_price", "The price must be more than zero.");
                None
            }
            Err(message) => {
                errors.add("unit_price", message);
                None
            }
        };
        let currency = self.currency.trim().to_uppercase();
        if !CURRENCIES.contains(&currency.as_str()) {
            errors.add("currency", "Choose one of the listed currencies.");
        }
        let shipping_cost: Option<BigDecimal> =
            if self.ships() && !self.shipping_cost.trim().is_empty() {
                match money::parse(&self.shipping_cost) {
                    Ok(cost) => Some(cost),
                    Err(message) => {
                        errors.add("shipping_cost", message);
                        None
                    }
                }
            } else {
                None
            };
        if !self.ships() && !self.pickup() {
            errors.add(
                "shipping_available",
                "Offer shipping, local pickup or both.",
            );
        }
        match (condition, quantity, unit_price, errors.is_empty()) {
            (Some(condition), Some(quantity_available), Some(unit_price), true) => {
                Ok(ListingInput {
                    part_number: self.part_number.trim().to_string(),
                    part_name: self.part_name.trim().to_string(),
                    manufacturer: blank_to_none(&self.manufacturer),
                    model_compatibility: self
                        .model_compatibility
                        .split(',')
                        .map(str::trim)
                        .filter(|m| !m.is_empty())
                        .map(str::to_string)
                        .collect(),
                    description: self.description.trim().to_string(),
                    condition,
                    condition_notes: blank_to_none(&self.condition_notes),
                    quantity_available,
                    unit_price,
                    currency,
                    location_city: blank_to_none(&self.location_city),
                    location_state: blank_to_none(&self.location_state),
                    location_country: self.location_country.trim().to_string(),
                    shipping_available: self.ships(),
                    shipping_cost: shipping_cost.or_else(|| self.ships().then(money::zero)),
                    local_pickup: self.pickup(),
                })
            }
            _ => Err(errors),
        }
    }

    pub fn from_listing(listing: &super::queries::Listing) -> ListingForm {
        ListingForm {
            organization: String::new(),
            part_number: listing.part_number.clone(),
            part_name: listing.part_name.clone(),
            manufacturer: listing.manufacturer.clone().unwrap_or_default(),
            model_compatibility: listing.models(),
            description: listing.description.clone(),
            condition: listing.condition.as_str().into(),
            condition_notes: listing.condition_notes.clone().unwrap_or_default(),
            quantity: listing.quantity_available.to_string(),
            unit_price: listing.unit_price.to_string(),
            currency: listing.currency.clone(),
            location_city: listing.location_city.clone().unwrap_or_default(),
            location_state: listing.location_state.clone().unwrap_or_default(),
            location_country: listing.location_country.clone(),
            shipping_available: listing.shipping_available.then(|| "on".into()),
            shipping_cost: listing
                .shipping_cost
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default(),
            local_pickup: listing.local_pickup.then(|| "on".into()),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    pub message: String,
}

impl MessageForm {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::default();
        if check_text(&mut errors, "message", &self.message, 5000, true) {
            Ok(self.message.trim().to_string())
        } else {
            Err(errors)
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BuyForm {
    #[serde(default)]
    pub organization: String,
    #[serde(default)]
    pub quantity: String,
    /// `shipping` or `pickup`.
    #[serde(default)]
    pub delivery: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    pub payment_method: String,
    #[serde(default)]
    pub payment_reference: String,
    #[serde(default)]
    pub tracking_number: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub review: String,
}

impl ReviewForm {
    pub fn validate(&self) -> Result<(i32, String), FieldErrors> {
        let mut errors = FieldErrors::default();
        let rating = match self.rating.trim().parse::<i32>() {
            Ok(r) if (1..=5).contains(&r) => Some(r),
            _ => {
                errors.add("rating", "Choose a rating from 1 to 5 stars.");
                None
            }
        };
        check_text(&mut errors, "review", &self.review, 2000, false);
        match (rating, errors.is_empty()) {
            (Some(rating), true) => Ok((rating, self.review.trim().to_string())),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MineQuery {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewListingQuery {
    #[serde(default)]
    pub org: Option<String>,
}
