//! The public report form, the tenant form, and the triage actions.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::operations::{Rating, Report, TenantValues};
use super::queries::REQUEST_TYPES;
use crate::elevators::forms::date;
use crate::web::forms::{blank, check_email, check_line, check_text, FieldErrors};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportForm {
    pub elevator_id: String,
    pub request_type: String,
    pub subject: String,
    pub description: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub trapped: String,
    /// Hidden from people; a bot that fills every field fills this one too.
    pub website: String,
}

impl ReportForm {
    /// The report as typed; whether its lift is one of the site's is the operation's check.
    pub fn validate(&self) -> Result<Report, FieldErrors> {
        let mut e = FieldErrors::default();
        let trapped = matches!(self.trapped.as_str(), "1" | "yes" | "on");
        let elevator_id = match self.elevator_id.trim() {
            "" => None,
            raw => match Uuid::parse_str(raw) {
                Ok(id) => Some(id),
                Err(_) => {
                    e.add("elevator_id", "Choose a lift from the list.");
                    None
                }
            },
        };
        if !REQUEST_TYPES.iter().any(|(k, _)| *k == self.request_type) {
            e.add("request_type", "Choose what kind of request this is.");
        }
        let subject_required = !trapped;
        check_line(&mut e, "subject", &self.subject, 200, subject_required);
        check_text(&mut e, "description", &self.description, 4000, false);
        check_line(&mut e, "contact_name", &self.contact_name, 120, false);
        check_line(&mut e, "contact_phone", &self.contact_phone, 40, false);
        if !self.contact_email.trim().is_empty() {
            check_email(&mut e, "contact_email", &self.contact_email);
        }
        if !e.is_empty() {
            return Err(e);
        }
        let subject = match self.subject.trim() {
            "" => "Someone is trapped in the lift".to_string(),
            s => s.to_string(),
        };
        Ok(Report {
            elevator_id,
            request_type: self.request_type.clone(),
            subject,
            description: blank(&self.description),
            contact_name: blank(&self.contact_name),
            contact_email: blank(&self.contact_email.to_lowercase()),
            contact_phone: blank(&self.contact_phone),
            trapped,
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TenantForm {
    pub site_id: String,
    pub name: String,
    pub unit_number: String,
    pub floor: String,
    pub primary_contact_name: String,
    pub primary_contact_email: String,
    pub primary_contact_phone: String,
    pub move_in_date: String,
    pub move_out_date: String,
}

impl TenantForm {
    pub fn validate(&self) -> Result<TenantValues, FieldErrors> {
        let mut e = FieldErrors::default();
        let site_id = Uuid::parse_str(self.site_id.trim()).ok();
        if site_id.is_none() {
            e.add("site_id", "Choose the building.");
        }
        check_line(&mut e, "name", &self.name, 255, true);
        check_line(&mut e, "unit_number", &self.unit_number, 50, false);
        check_line(&mut e, "floor", &self.floor, 50, false);
        check_line(
            &mut e,
            "primary_contact_name",
            &self.primary_contact_name,
            255,
            false,
        );
        check_line(
            &mut e,
            "primary_contact_phone",
            &self.primary_contact_phone,
            50,
            false,
        );
        if !self.primary_contact_email.trim().is_empty() {
            check_email(&mut e, "primary_contact_email", &self.primary_contact_email);
        }
        let move_in_date = date(&mut e, "move_in_date", &self.move_in_date);
        let move_out_date = date(&mut e, "move_out_date", &self.move_out_date);
        if let (Some(a), Some(b)) = (move_in_date, move_out_date) {
            if b < a {
                e.add("move_out_date", "Moving out comes after moving in.");
            }
        }
        let (Some(site_id), true) = (site_id, e.is_empty()) else {
            return Err(e);
        };
        Ok(TenantValues {
            site_id,
            name: self.name.trim().to_string(),
            unit_number: blank(&self.unit_number),
            floor: blank(&self.floor),
            primary_contact_name: blank(&self.primary_contact_name),
            primary_contact_email: blank(&self.primary_contact_email.to_lowercase()),
            primary_contact_phone: blank(&self.primary_contact_phone),
            move_in_date,
            move_out_date,
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TriageForm {
    pub priority: String,
    pub reason: String,
}

impl TriageForm {
    /// Why a request is declined: plain text of up to 2000 characters.
    pub fn reason(&self) -> Result<String, String> {
        let reason = self.reason.trim();
        if reason.is_empty()
            || reason.chars().count() > 2000
            || reason.chars().any(|c| c.is_control() && c != '\n')
        {
            return Err("Give a reason of up to 2000 characters for declining the request.".into());
        }
        Ok(reason.to_string())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RatingForm {
    pub rating: String,
    pub feedback: String,
}

impl RatingForm {
    pub fn validate(&self) -> Result<Rating, String> {
        let stars: i32 = match self.rating.trim().parse() {
            Ok(n) if (1..=5).contains(&n) => n,
            _ => return Err("Choose a rating from 1 to 5.".into()),
        };
        let feedback = self.feedback.trim();
        if feedback.chars().count() > 2000
            || feedback
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r')
        {
            return Err("Feedback is at most 2000 characters of plain text.".into());
        }
        Ok(Rating {
            stars,
            feedback: blank(feedback),
        })
    }
}
