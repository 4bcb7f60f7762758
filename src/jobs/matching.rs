//! The match score: how well a technician fits a job, 0–100, with the reasons in words.
//!
//! A pure function of the job's requirements and the candidate's profile, so employers and
//! job seekers see the same number and the tests can state exact answers. Weights: required
//! skills 30, required certifications 25, manufacturer experience 20, years 15, location 10.
//! A part the job does not ask for counts in full; preferred skills and certifications are
//! mentioned but add nothing, so the score stays "how many requirements are met".

use serde::{Deserialize, Serialize};

const SKILLS: u32 = 30;
const CERTIFICATIONS: u32 = 25;
const MANUFACTURERS: u32 = 20;
const YEARS: u32 = 15;
const LOCATION: u32 = 10;

/// What the job asks for.
#[derive(Debug, Clone, Default)]
pub struct Requirements<'a> {
    pub skills: &'a [String],
    pub certifications: &'a [String],
    pub manufacturers: &'a [String],
    pub experience_years: Option<i32>,
    pub location_type: &'a str,
    pub city: Option<&'a str>,
    pub state: Option<&'a str>,
}

/// What the candidate brings. `certifications` holds only certificates still valid.
#[derive(Debug, Clone, Default)]
pub struct Candidate<'a> {
    pub skills: &'a [String],
    pub certifications: &'a [String],
    pub manufacturers: &'a [String],
    pub experience_years: Option<i32>,
    pub preferred_locations: &'a [String],
    pub willing_to_relocate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchScore {
    pub score: i32,
    /// One line per part, e.g. "3 of 4 required skills; missing: hydraulic".
    pub reasons: Vec<String>,
}

impl MatchScore {
    pub fn summary(&self) -> String {
        self.reasons.join(" · ")
    }
}

/// Lower case, with `_`, `-` and runs of spaces read as one space: "Door_Systems" = "door systems".
fn normalize(value: &str) -> String {
    value
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A certificate counts when one name contains the other ("EL1 licence" ~ "EL1 Licence (NSW)").
fn certificate_matches(required: &str, held: &str) -> bool {
    let (required, held) = (normalize(required), normalize(held));
    !required.is_empty()
        && (held.contains(&required) || (!held.is_empty() && required.contains(&held)))
}

/// Points for `matched` of `total`, rounded half up.
fn share(weight: u32, matched: usize, total: usize) -> u32 {
    if total == 0 {
        return weight;
    }
    let (matched, total) = (matched as u32, total as u32);
    (2 * weight * matched + total) / (2 * total)
}

/// Scores one list part; returns points and the reason line.
fn list_part(
    weight: u32,
    required: &[String],
    held: &[String],
    noun: &str,
    same: fn(&str, &str) -> bool,
) -> (u32, Option<String>) {
    let required: Vec<&String> = required.iter().filter(|r| !r.trim().is_empty()).collect();
    if required.is_empty() {
        return (weight, None);
    }
    let missing: Vec<&str> = required
        .iter()
        .filter(|r| !held.iter().any(|h| same(r, h)))
        .map(|r| r.trim())
        .collect();
    let matched = required.len() - missing.len();
    let mut reason = format!("{matched} of {} {noun}", required.len());
    if !missing.is_empty() {
        reason.push_str("; missing: ");
        reason.push_str(&missing.join(", "));
    }
    (share(weight, matched, required.len()), Some(reason))
}

fn same_name(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

pub fn score(job: &Requirements, candidate: &Candidate) -> MatchScore {
    let mut total = 0;
    let mut reasons = Vec::new();
    let parts = [
        list_part(
            SKILLS,
            job.skills,
            candidate.skills,
            "required skills",
            same_name,
        ),
        list_part(
            CERTIFICATIONS,
            job.certifications,
            candidate.certifications,
            "required certifications",
            certificate_matches,
        ),
        list_part(
            MANUFACTURERS,
            job.manufacturers,
            candidate.manufacturers,
            "required manufacturers",
            same_name,
        ),
    ];
    for (points, reason) in parts {
        total += points;
        reasons.extend(reason);
    }

    match job.experience_years.filter(|years| *years > 0) {
        None => total += YEARS,
        Some(required) => {
            let have = candidate.experience_years.unwrap_or(0).max(0);
            total += share(YEARS, have.min(required) as usize, required as usize);
            reasons.push(if have >= required {
                format!("{have} years' experience ({required} required)")
            } else {
                format!("{have} of {required} years' experience")
            });
        }
    }

    let place = job.city.or(job.state).filter(|p| !p.trim().is_empty());
    match (job.location_type, place) {
        ("remote", _) | (_, None) => total += LOCATION,
        (_, Some(place)) => {
            let wanted = |p: &str| {
                [job.city, job.state]
                    .into_iter()
                    .flatten()
                    .any(|j| same_name(j, p))
            };
            if candidate.preferred_locations.iter().any(|p| wanted(p)) {
                total += LOCATION;
                reasons.push(format!("{place} is a preferred location"));
            } else if candidate.willing_to_relocate {
                total += LOCATION / 2;
                reasons.push(format!("would relocate to {place}"));
            } else {
                reasons.push(format!("{place} is not a preferred location"));
            }
        }
    }
    MatchScore {
        score: total.min(100) as i32,
        reasons,
    }
}

/// The score of a technician's standing against a job; no profile scores as an empty one.
pub fn for_job(
    job: &super::model::Job,
    standing: Option<&crate::people::queries::Standing>,
) -> MatchScore {
    let requirements = Requirements {
        skills: &job.required_skills,
        certifications: &job.required_certifications,
        manufacturers: &job.required_manufacturer_experience,
        experience_years: job.required_experience_years,
        location_type: &job.location_type,
        city: job.address_city.as_deref(),
        state: job.address_state.as_deref(),
    };
    match standing {
        None => score(&requirements, &Candidate::default()),
        Some(standing) => {
            let skills = standing.profile.skills();
            score(
                &requirements,
                &Candidate {
                    skills: &skills,
                    certifications: &standing.valid_certifications,
                    manufacturers: &standing.profile.manufacturer_expertise,
                    experience_years: standing.profile.years_experience,
                    preferred_locations: &standing.profile.preferred_locations,
                    willing_to_relocate: standing.profile.willing_to_relocate,
                },
            )
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_job_asking_nothing_matches_everyone_fully() {
        let result = score(&Requirements::default(), &Candidate::default());
        assert_eq!(result.score, 100);
        assert!(result.reasons.is_empty());
    }

    #[test]
    fn three_of_four_skills_and_the_rest_met() {
        let skills = list(&["Traction", "door_systems", "Hydraulic", "Modernization"]);
        let has = list(&["traction", "Door Systems", "modernization", "escalators"]);
        let certs = list(&["EL1 Licence"]);
        let held = list(&["EL1 licence (NSW)"]);
        let makers = list(&["KONE"]);
        let places = list(&["Sydney"]);
        let job = Requirements {
            skills: &skills,
            certifications: &certs,
            manufacturers: &makers,
            experience_years: Some(5),
            location_type: "on_site",
            city: Some("Sydney"),
            state: Some("NSW"),
        };
        let candidate = Candidate {
            skills: &has,
            certifications: &held,
            manufacturers: &makers,
            experience_years: Some(8),
            preferred_locations: &places,
            willing_to_relocate: false,
        };
        let result = score(&job, &candidate);
        // 30 * 3/4 = 22.5 → 23, then 25 + 20 + 15 + 10.
        assert_eq!(result.score, 93);
        assert_eq!(
            result.reasons[0],
            "3 of 4 required skills; missing: Hydraulic"
        );
        assert_eq!(result.reasons[1], "1 of 1 required certifications");
        assert_eq!(result.reasons[3], "8 years' experience (5 required)");
        assert_eq!(result.reasons[4], "Sydney is a preferred location");
    }

    #[test]
    fn nothing_met_but_willing_to_relocate() {
        let skills = list(&["hydraulic", "traction"]);
        let certs = list(&["EL1 Licence", "Working at heights"]);
        let makers = list(&["Otis", "Schindler"]);
        let job = Requirements {
            skills: &skills,
            certifications: &certs,
            manufacturers: &makers,
            experience_years: Some(10),
            location_type: "on_site",
            city: Some("Perth"),
            state: Some("WA"),
        };
        let makers_held = list(&["Otis"]);
        let candidate = Candidate {
            manufacturers: &makers_held,
            experience_years: Some(4),
            willing_to_relocate: true,
            ..Default::default()
        };
        let result = score(&job, &candidate);
        // 0 + 0 + 20/2 = 10 + 15 * 4/10 = 6 + 10/2 = 5.
        assert_eq!(result.score, 21);
        assert_eq!(
            result.reasons,
            vec![
                "0 of 2 required skills; missing: hydraulic, traction",
                "0 of 2 required certifications; missing: EL1 Licence, Working at heights",
                "1 of 2 required manufacturers; missing: Schindler",
                "4 of 10 years' experience",
                "would relocate to Perth",
            ]
        );
    }

    #[test]
    fn remote_jobs_ignore_location_and_state_matches_count() {
        let job = Requirements {
            location_type: "remote",
            city: Some("Hobart"),
            ..Default::default()
        };
        assert_eq!(score(&job, &Candidate::default()).score, 100);
        let places = list(&["vic"]);
        let job = Requirements {
            location_type: "on_site",
            city: Some("Geelong"),
            state: Some("VIC"),
            ..Default::default()
        };
        let candidate = Candidate {
            preferred_locations: &places,
            ..Default::default()
        };
        assert_eq!(score(&job, &candidate).score, 100);
        assert_eq!(score(&job, &Candidate::default()).score, 90);
    }
}
