//! The job form, the browse filters and the employer's application forms: input as typed,
//! checked into what the queries take.

use std::str::FromStr;

use bigdecimal::{BigDecimal, RoundingMode};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{
    EmploymentType, Job, JobStatus, LOCATION_TYPES, SALARY_TYPES, TRADES, VISIBILITIES,
};
use super::queries::listings::{BrowseFilter, JobInput, Sort};
use crate::web::forms::{
    check_line, check_text, optional, plausible_date, whole, FieldErrors, YEARS,
};

pub const STATES: &[&str] = &["ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA"];

/// Comma- or line-separated words as a list, trimmed, without blanks or repeats.
pub fn split_list(raw: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for item in raw
        .split([',', '\n'])
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        if !items.iter().any(|i| i.eq_ignore_ascii_case(item)) {
            items.push(item.to_string());
        }
    }
    items
}

pub fn join_list(items: &[String]) -> String {
    items.join(", ")
}

/// Checks a list field: at most 20 items of at most 100 characters each.
pub fn check_list(errors: &mut FieldErrors, field: &str, raw: &str) -> Vec<String> {
    if !check_text(errors, field, raw, 2500, false) {
        return Vec::new();
    }
    let items = split_list(raw);
    if items.len() > 20 {
        errors.add(field, "List at most 20 items.");
    } else if items.iter().any(|i| i.chars().count() > 100) {
        errors.add(field, "Keep each item under 100 characters.");
    }
    items
}

/// A date (`YYYY-MM-DD`) within the forms' years, or `None` when blank.
pub fn check_date(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(date) if plausible_date(&date) => Some(date),
        _ => {
            errors.add(
                field,
                format!(
                    "Enter a date as YYYY-MM-DD, from {} to {}.",
                    YEARS.start(),
                    YEARS.end()
                ),
            );
            None
        }
    }
}

/// An amount of money, rounded half up to cents; `None` when blank.
pub fn check_money(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<BigDecimal> {
    let raw = raw.trim().replace([',', '$'], "");
    if raw.is_empty() {
        return None;
    }
    match BigDecimal::from_str(&raw) {
        Ok(amount) if (BigDecimal::from(0)..BigDecimal::from(100_000_000)).contains(&amount) => {
            Some(amount.with_scale_round(2, RoundingMode::HalfUp))
        }
        _ => {
            errors.add(field, "Enter an amount such as 95000 or 52.50.");
            None
        }
    }
}

fn check_choice(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    choices: &[(&str, &str)],
) -> String {
    if choices.iter().any(|(value, _)| *value == raw) {
        raw.to_string()
    } else {
        errors.add(field, "Choose one of the listed options.");
        String::new()
    }
}

/// The job form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct JobForm {
    pub organization: String,
    pub title: String,
    pub description: String,
    pub employment_type: String,
    pub trade: String,
    pub required_experience_years: String,
    pub required_certifications: String,
    pub required_skills: String,
    pub required_manufacturer_experience: String,
    pub preferred_certifications: String,
    pub preferred_skills: String,
    pub location_type: String,
    pub address_city: String,
    pub address_state: String,
    pub address_country: String,
    pub salary_min: String,
    pub salary_max: String,
    pub salary_type: String,
    pub salary_currency: String,
    pub show_salary: Option<String>,
    pub benefits: String,
    pub start_date: String,
    pub end_date: String,
    pub hours_per_week: String,
    pub visibility: String,
    pub expires_on: String,
    /// Which button: "publish" or "draft".
    pub action: Option<String>,
}

impl JobForm {
    pub fn blank(organization: Option<Uuid>) -> JobForm {
        JobForm {
            organization: organization.map(|o| o.to_string()).unwrap_or_default(),
            employment_type: "full_time".into(),
            trade: "elevators".into(),
            location_type: "on_site".into(),
            address_country: "Australia".into(),
            salary_type: "annual".into(),
            salary_currency: "AUD".into(),
            show_salary: Some("on".into()),
            visibility: "public".into(),
            ..Default::default()
        }
    }

    pub fn from_job(job: &Job) -> JobForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let number = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
        let amount = |v: &Option<BigDecimal>| v.as_ref().map(|a| a.to_string()).unwrap_or_default();
        let date = |v: Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
        JobForm {
            organization: job.organization_id.to_string(),
            title: job.title.clone(),
            description: job.description.clone(),
            employment_type: job.employment_type.as_str().into(),
            trade: job.trade.clone(),
            required_experience_years: number(job.required_experience_years),
            required_certifications: join_list(&job.required_certifications),
            required_skills: join_list(&job.required_skills),
            required_manufacturer_experience: join_list(&job.required_manufacturer_experience),
            preferred_certifications: join_list(&job.preferred_certifications),
            preferred_skills: join_list(&job.preferred_skills),
            location_type: job.location_type.clone(),
            address_city: text(&job.address_city),
            address_state: text(&job.address_state),
            address_country: job.address_country.clone(),
            salary_min: amount(&job.salary_min),
            salary_max: amount(&job.salary_max),
            salary_type: text(&job.salary_type),
            salary_currency: job.salary_currency.clone(),
            show_salary: job.show_salary.then(|| "on".into()),
            benefits: join_list(&job.benefits),
            start_date: date(job.start_date),
            end_date: date(job.end_date),
            hours_per_week: number(job.hours_per_week),
            visibility: job.visibility.clone(),
            // The last day it is open: it expires at the end of that day (UTC).
            expires_on: job
                .expires_at
                .map(|at| (at - chrono::Duration::seconds(1)).date_naive().to_string())
                .unwrap_or_default(),
            action: None,
        }
    }

    pub fn publishing(&self) -> bool {
        self.action.as_deref() == Some("publish")
    }

    /// The organization chosen among `allowed` (those the account hires for).
    pub fn organization(&self, allowed: &[Uuid], errors: &mut FieldErrors) -> Option<Uuid> {
        match Uuid::parse_str(self.organization.trim()) {
            Ok(id) if allowed.contains(&id) => Some(id),
            _ => {
                errors.add("organization", "Choose the organization this job is with.");
                None
            }
        }
    }

    pub fn validate(&self, errors: &mut FieldErrors) -> Option<JobInput> {
        check_line(errors, "title", &self.title, 200, true);
        check_text(errors, "description", &self.description, 20_000, true);
        let employment_type = EmploymentType::parse(&self.employment_type);
        if employment_type.is_none() {
            errors.add("employment_type", "Choose one of the listed options.");
        }
        let trade = check_choice(errors, "trade", &self.trade, TRADES);
        let location_type =
            check_choice(errors, "location_type", &self.location_type, LOCATION_TYPES);
        let visibility = check_choice(errors, "visibility", &self.visibility, VISIBILITIES);
        let salary_type = if self.salary_type.trim().is_empty() {
            None
        } else {
            Some(check_choice(
                errors,
                "salary_type",
                &self.salary_type,
                SALARY_TYPES,
            ))
        };
        let years = whole(
            errors,
            "required_experience_years",
            &self.required_experience_years,
            0..=60,
        );
        let hours = whole(errors, "hours_per_week", &self.hours_per_week, 1..=80);
        let salary_min = check_money(errors, "salary_min", &self.salary_min);
        let salary_max = check_money(errors, "salary_max", &self.salary_max);
        if let (Some(min), Some(max)) = (&salary_min, &salary_max) {
            if min > max {
                errors.add("salary_max", "The maximum must not be below the minimum.");
            }
        }
        let currency = self.salary_currency.trim().to_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            errors.add(
                "salary_currency",
                "Use a three-letter currency code such as AUD.",
            );
        }
        for (field, value, max) in [
            ("address_city", &self.address_city, 100),
            ("address_state", &self.address_state, 100),
            ("address_country", &self.address_country, 100),
        ] {
            check_line(errors, field, value, max, false);
        }
        let start_date = check_date(errors, "start_date", &self.start_date);
        let end_date = check_date(errors, "end_date", &self.end_date);
        if let (Some(start), Some(end)) = (start_date, end_date) {
            if end < start {
                errors.add(
                    "end_date",
                    "The end date must not be before the start date.",
                );
            }
        }
        let expires_on = check_date(errors, "expires_on", &self.expires_on);
        let expires_at: Option<DateTime<Utc>> = expires_on
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d: NaiveDateTime| Utc.from_utc_datetime(&d));
        if expires_on.is_some_and(|d| d < Utc::now().date_naive()) {
            errors.add("expires_on", "The expiry date must be today or later.");
        }
        let lists = [
            check_list(
                errors,
                "required_certifications",
                &self.required_certifications,
            ),
            check_list(errors, "required_skills", &self.required_skills),
            check_list(
                errors,
                "required_manufacturer_experience",
                &self.required_manufacturer_experience,
            ),
            check_list(
                errors,
                "preferred_certifications",
                &self.preferred_certifications,
            ),
            check_list(errors, "preferred_skills", &self.preferred_skills),
            check_list(errors, "benefits", &self.benefits),
        ];
        if !errors.is_empty() {
            return None;
        }
        let [required_certifications, required_skills, required_manufacturer_experience, preferred_certifications, preferred_skills, benefits] =
            lists;
        let country =
            optional(&Some(self.address_country.clone())).unwrap_or_else(|| "Australia".into());
        Some(JobInput {
            title: self.title.trim().to_string(),
            description: self.description.trim().to_string(),
            employment_type: employment_type?,
            trade,
            required_experience_years: years,
            required_certifications,
            required_skills,
            required_manufacturer_experience,
            preferred_certifications,
            preferred_skills,
            location_type,
            address_city: optional(&Some(self.address_city.clone())),
            address_state: optional(&Some(self.address_state.clone())),
            address_country: country,
            salary_min,
            salary_max,
            salary_type,
            salary_currency: currency,
            show_salary: self.show_salary.is_some(),
            benefits,
            start_date,
            end_date,
            hours_per_week: hours,
            visibility,
            expires_at,
        })
    }
}

/// The browse page's query string; every filter lives in the URL.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BrowseQuery {
    pub q: String,
    pub trade: String,
    #[serde(rename = "type")]
    pub employment_type: String,
    pub state: String,
    pub city: String,
    pub location: String,
    pub salary: String,
    pub per: String,
    pub manufacturer: String,
    pub posted: String,
    pub sort: String,
    #[serde(skip_serializing)]
    pub page: Option<i64>,
}

impl BrowseQuery {
    /// The filter, and a note for each part that could not be read (and was ignored).
    pub fn filter(&self) -> (BrowseFilter, Vec<String>) {
        let mut problems = Vec::new();
        let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        let mut errors = FieldErrors::default();
        let salary_at_least = check_money(&mut errors, "salary", &self.salary);
        if errors.has("salary") {
            problems.push(format!(
                "“{}” is not an amount, so the salary filter was ignored.",
                self.salary
            ));
        }
        let per = if SALARY_TYPES.iter().any(|(v, _)| *v == self.per) {
            self.per.clone()
        } else {
            "annual".to_string()
        };
        let posted_within_days = match self.posted.as_str() {
            "7" => Some(7),
            "30" => Some(30),
            _ => None,
        };
        let filter = BrowseFilter {
            text: text(&self.q).map(|q| q.chars().take(200).collect()),
            trade: text(&self.trade).filter(|t| TRADES.iter().any(|(v, _)| v == t)),
            employment_type: EmploymentType::parse(&self.employment_type),
            state: text(&self.state).filter(|s| STATES.contains(&s.as_str())),
            city: text(&self.city).map(|c| c.chars().take(100).collect()),
            location_type: text(&self.location)
                .filter(|l| LOCATION_TYPES.iter().any(|(v, _)| v == l)),
            salary_at_least,
            salary_type: per,
            manufacturer: text(&self.manufacturer).map(|m| m.chars().take(100).collect()),
            posted_within_days,
            sort: Some(if self.sort == "salary" {
                Sort::Salary
            } else {
                Sort::Newest
            }),
        };
        (filter, problems)
    }

    pub fn has_filters(&self) -> bool {
        [
            &self.q,
            &self.trade,
            &self.employment_type,
            &self.state,
            &self.city,
            &self.location,
            &self.salary,
            &self.manufacturer,
            &self.posted,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct StatusForm {
    pub status: String,
}

impl StatusForm {
    pub fn job_status(&self) -> Option<JobStatus> {
        JobStatus::parse(&self.status)
    }
}

/// The employer's private notes and rating.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AssessmentForm {
    pub employer_notes: String,
    pub employer_rating: String,
}

impl AssessmentForm {
    pub fn validate(&self, errors: &mut FieldErrors) -> Option<i32> {
        check_text(
            errors,
            "employer_notes",
            &self.employer_notes,
            10_000,
            false,
        );
        whole(errors, "employer_rating", &self.employer_rating, 1..=5)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InterviewForm {
    pub interview_at: String,
    pub interview_location: String,
}

impl InterviewForm {
    /// The time is read as UTC+10 (Sydney standard time) when no zone is given: the board is
    /// Australian, and a wrong hour is better than a refused form.
    pub fn validate(&self, errors: &mut FieldErrors) -> Option<DateTime<Utc>> {
        check_line(
            errors,
            "interview_location",
            &self.interview_location,
            500,
            true,
        );
        let at = NaiveDateTime::parse_from_str(self.interview_at.trim(), "%Y-%m-%dT%H:%M")
            .ok()
            .filter(plausible_date)
            .and_then(|local| {
                chrono::FixedOffset::east_opt(10 * 3600)
                    .and_then(|zone| zone.from_local_datetime(&local).single())
            })
            .map(|at| at.with_timezone(&Utc));
        if at.is_none() {
            errors.add("interview_at", "Enter the date and time of the interview.");
        }
        at
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OfferForm {
    pub offer_details: String,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_money() {
        assert_eq!(
            split_list("Traction, hydraulic\nTRACTION,, doors "),
            vec!["Traction", "hydraulic", "doors"]
        );
        let mut errors = FieldErrors::default();
        assert_eq!(
            check_money(&mut errors, "a", "$95,000.005")
                .unwrap()
                .to_string(),
            "95000.01"
        );
        assert!(check_money(&mut errors, "b", "-3").is_none());
        assert!(errors.has("b"));
    }

    #[test]
    fn a_valid_form_gives_input_and_a_bad_one_errors() {
        let mut form = JobForm::blank(None);
        form.title = "Lift technician".into();
        form.description = "Service **traction** lifts.".into();
        form.salary_min = "90000".into();
        form.salary_max = "80000".into();
        let mut errors = FieldErrors::default();
        assert!(form.validate(&mut errors).is_none());
        assert!(errors.has("salary_max"));
        form.salary_max = "110000".into();
        let mut errors = FieldErrors::default();
        let input = form.validate(&mut errors).unwrap();
        assert_eq!(input.salary_max.unwrap().to_string(), "110000.00");
    }
}
