//! The profile, certification and employment forms.

use serde::Deserialize;

use super::queries::{
    CertificationInput, EmploymentInput, Profile, ProfileInput, AVAILABILITY, VISIBILITY,
};
use crate::jobs::forms::{check_date, check_list, join_list};
use crate::jobs::model::TRADES;
use crate::web::forms::whole;
use crate::web::forms::{check_line, check_text, optional, FieldErrors};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    pub headline: String,
    pub summary: String,
    pub years_experience: String,
    pub career_start_date: String,
    pub primary_trade: String,
    pub specializations: String,
    pub manufacturer_expertise: String,
    pub equipment_types: String,
    pub availability_status: String,
    pub preferred_job_types: String,
    pub preferred_locations: String,
    pub willing_to_relocate: Option<String>,
    pub profile_visibility: String,
}

impl ProfileForm {
    pub fn from_profile(profile: Option<&Profile>) -> ProfileForm {
        let Some(p) = profile else {
            return ProfileForm {
                availability_status: "open_to_opportunities".into(),
                profile_visibility: "public".into(),
                primary_trade: "elevators".into(),
                ..Default::default()
            };
        };
        ProfileForm {
            headline: p.headline.clone(),
            summary: p.summary.clone(),
            years_experience: p
                .years_experience
                .map(|y| y.to_string())
                .unwrap_or_default(),
            career_start_date: p
                .career_start_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            primary_trade: p.primary_trade.clone().unwrap_or_default(),
            specializations: join_list(&p.specializations),
            manufacturer_expertise: join_list(&p.manufacturer_expertise),
            equipment_types: join_list(&p.equipment_types),
            availability_status: p.availability_status.clone(),
            preferred_job_types: join_list(&p.preferred_job_types),
            preferred_locations: join_list(&p.preferred_locations),
            willing_to_relocate: p.willing_to_relocate.then(|| "on".into()),
            profile_visibility: p.profile_visibility.clone(),
        }
    }

    pub fn validate(&self) -> Result<ProfileInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        check_line(&mut errors, "headline", &self.headline, 255, true);
        check_text(&mut errors, "summary", &self.summary, 10_000, false);
        let years = whole(
            &mut errors,
            "years_experience",
            &self.years_experience,
            0..=70,
        );
        let career_start_date =
            check_date(&mut errors, "career_start_date", &self.career_start_date);
        let trade = optional(&Some(self.primary_trade.clone()));
        if trade
            .as_deref()
            .is_some_and(|t| !TRADES.iter().any(|(v, _)| *v == t))
        {
            errors.add("primary_trade", "Choose one of the listed trades.");
        }
        if !AVAILABILITY
            .iter()
            .any(|(v, _)| *v == self.availability_status)
        {
            errors.add("availability_status", "Choose one of the listed options.");
        }
        if !VISIBILITY
            .iter()
            .any(|(v, _)| *v == self.profile_visibility)
        {
            errors.add("profile_visibility", "Choose who may see your profile.");
        }
        let specializations = check_list(&mut errors, "specializations", &self.specializations);
        let manufacturer_expertise = check_list(
            &mut errors,
            "manufacturer_expertise",
            &self.manufacturer_expertise,
        );
        let equipment_types = check_list(&mut errors, "equipment_types", &self.equipment_types);
        let preferred_job_types = check_list(
            &mut errors,
            "preferred_job_types",
            &self.preferred_job_types,
        );
        let preferred_locations = check_list(
            &mut errors,
            "preferred_locations",
            &self.preferred_locations,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ProfileInput {
            headline: self.headline.trim().to_string(),
            summary: self.summary.trim().to_string(),
            years_experience: years,
            career_start_date,
            primary_trade: trade,
            specializations,
            manufacturer_expertise,
            equipment_types,
            availability_status: self.availability_status.clone(),
            preferred_job_types,
            preferred_locations,
            willing_to_relocate: self.willing_to_relocate.is_some(),
            profile_visibility: self.profile_visibility.clone(),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CertificationForm {
    pub name: String,
    pub issuing_authority: String,
    pub certificate_number: String,
    pub issued_date: String,
    pub expiry_date: String,
}

impl CertificationForm {
    pub fn validate(&self) -> Result<CertificationInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        check_line(&mut errors, "name", &self.name, 255, true);
        check_line(
            &mut errors,
            "issuing_authority",
            &self.issuing_authority,
            255,
            false,
        );
        check_line(
            &mut errors,
            "certificate_number",
            &self.certificate_number,
            100,
            false,
        );
        let issued = check_date(&mut errors, "issued_date", &self.issued_date);
        if issued.is_none() && !errors.has("issued_date") {
            errors.add("issued_date", "Enter the date it was issued.");
        }
        let expiry = check_date(&mut errors, "expiry_date", &self.expiry_date);
        if let (Some(issued), Some(expiry)) = (issued, expiry) {
            if expiry < issued {
                errors.add("expiry_date", "It cannot expire before it was issued.");
            }
        }
        match issued {
            Some(issued_date) if errors.is_empty() => Ok(CertificationInput {
                name: self.name.trim().to_string(),
                issuing_authority: optional(&Some(self.issuing_authority.clone())),
                certificate_number: optional(&Some(self.certificate_number.clone())),
                issued_date,
                expiry_date: expiry,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EmploymentForm {
    pub company_name: String,
    pub title: String,
    pub description: String,
    pub start_date: String,
    pub end_date: String,
    pub is_current: Option<String>,
    pub location: String,
}

impl EmploymentForm {
    pub fn validate(&self) -> Result<EmploymentInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        check_line(&mut errors, "company_name", &self.company_name, 255, true);
        check_line(&mut errors, "title", &self.title, 255, true);
        check_text(&mut errors, "description", &self.description, 5_000, false);
        check_line(&mut errors, "location", &self.location, 255, false);
        let start = check_date(&mut errors, "start_date", &self.start_date);
        if start.is_none() && !errors.has("start_date") {
            errors.add("start_date", "Enter when you started.");
        }
        let end = check_date(&mut errors, "end_date", &self.end_date);
        if let (Some(start), Some(end)) = (start, end) {
            if end < start {
                errors.add("end_date", "The end cannot be before the start.");
            }
        }
        let is_current = self.is_current.is_some();
        match start {
            Some(start_date) if errors.is_empty() => Ok(EmploymentInput {
                company_name: self.company_name.trim().to_string(),
                title: self.title.trim().to_string(),
                description: self.description.trim().to_string(),
                start_date,
                end_date: if is_current { None } else { end },
                is_current,
                location: optional(&Some(self.location.clone())),
                employment_type: None,
            }),
            _ => Err(errors),
        }
    }
}
