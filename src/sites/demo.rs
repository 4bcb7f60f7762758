//! The demo organization's portfolio: sites across several cities and their lifts, with a
//! realistic spread of makes, statuses and inspection dates (some overdue).

use chrono::{Duration, NaiveDate, Utc};
use diesel::prelude::*;

use super::forms::SiteForm;
use super::queries as sites;
use crate::audit::{self, AuditEvent};
use crate::elevators::forms::ElevatorForm;
use crate::elevators::queries::{self as elevators, ChangedBy};
use crate::elevators::status::ElevatorStatus;
use crate::orgs::context::Actor;
use crate::web::AppError;

struct DemoSite {
    name: &'static str,
    code: &'static str,
    kind: &'static str,
    street: &'static str,
    city: &'static str,
    state: &'static str,
    postcode: &'static str,
    latitude: &'static str,
    longitude: &'static str,
    floors: i32,
    lifts: usize,
}

const SITES: &[DemoSite] = &[
    DemoSite {
        name: "Harbour Tower",
        code: "HT-01",
        kind: "commercial",
        street: "1 Harbour Street",
        city: "Sydney",
        state: "NSW",
        postcode: "2000",
        latitude: "-33.8610",
        longitude: "151.2090",
        floors: 42,
        lifts: 6,
    },
    DemoSite {
        name: "Circular Quay Apartments",
        code: "CQ-02",
        kind: "residential",
        street: "20 Alfred Street",
        city: "Sydney",
        state: "NSW",
        postcode: "2000",
        latitude: "-33.8616",
        longitude: "151.2108",
        floors: 28,
        lifts: 3,
    },
    DemoSite {
        name: "Parramatta Health Centre",
        code: "PH-03",
        kind: "healthcare",
        street: "158 Marsden Street",
        city: "Parramatta",
        state: "NSW",
        postcode: "2150",
        latitude: "-33.8136",
        longitude: "151.0034",
        floors: 9,
        lifts: 4,
    },
    DemoSite {
        name: "Collins Place",
        code: "CP-04",
        kind: "commercial",
        street: "45 Collins Street",
        city: "Melbourne",
        state: "VIC",
        postcode: "3000",
        latitude: "-37.8140",
        longitude: "144.9720",
        floors: 35,
        lifts: 5,
    },
    DemoSite {
        name: "Southbank Residences",
        code: "SR-05",
        kind: "residential",
        street: "7 Riverside Quay",
        city: "Southbank",
        state: "VIC",
        postcode: "3006",
        latitude: "-37.8226",
        longitude: "144.9643",
        floors: 31,
        lifts: 3,
    },
    DemoSite {
        name: "Docklands Retail Hub",
        code: "DR-06",
        kind: "retail",
        street: "440 Docklands Drive",
        city: "Docklands",
        state: "VIC",
        postcode: "3008",
        latitude: "-37.8146",
        longitude: "144.9395",
        floors: 3,
        lifts: 2,
    },
    DemoSite {
        name: "Queen Street Mall Plaza",
        code: "QS-07",
        kind: "retail",
        street: "171 Queen Street",
        city: "Brisbane",
        state: "QLD",
        postcode: "4000",
        latitude: "-27.4690",
        longitude: "153.0250",
        floors: 6,
        lifts: 3,
    },
    DemoSite {
        name: "Riverside Hospital",
        code: "RH-08",
        kind: "healthcare",
        street: "98 Wickham Terrace",
        city: "Brisbane",
        state: "QLD",
        postcode: "4000",
        latitude: "-27.4650",
        longitude: "153.0230",
        floors: 12,
        lifts: 4,
    },
    DemoSite {
        name: "Adelaide Civic Offices",
        code: "AC-09",
        kind: "government",
        street: "25 Pirie Street",
        city: "Adelaide",
        state: "SA",
        postcode: "5000",
        latitude: "-34.9260",
        longitude: "138.6020",
        floors: 14,
        lifts: 2,
    },
    DemoSite {
        name: "St Georges Terrace Centre",
        code: "SG-10",
        kind: "commercial",
        street: "240 St Georges Terrace",
        city: "Perth",
        state: "WA",
        postcode: "6000",
        latitude: "-31.9540",
        longitude: "115.8540",
        floors: 38,
        lifts: 4,
    },
    DemoSite {
        name: "Fremantle Maritime Hotel",
        code: "FM-11",
        kind: "hospitality",
        street: "3 Marine Terrace",
        city: "Fremantle",
        state: "WA",
        postcode: "6160",
        latitude: "-32.0560",
        longitude: "115.7440",
        floors: 8,
        lifts: 2,
    },
    DemoSite {
        name: "Hobart Waterfront Campus",
        code: "HW-12",
        kind: "education",
        street: "12 Hunter Street",
        city: "Hobart",
        state: "TAS",
        postcode: "7000",
        latitude: "-42.8810",
        longitude: "147.3330",
        floors: 5,
        lifts: 2,
    },
    DemoSite {
        name: "Canberra Centre North",
        code: "CC-13",
        kind: "mixed",
        street: "148 Bunda Street",
        city: "Canberra",
        state: "ACT",
        postcode: "2601",
        latitude: "-35.2790",
        longitude: "149.1330",
        floors: 7,
        lifts: 2,
    },
];

/// (manufacturer, model, drive, controller)
const MAKES: &[(&str, &str, &str, &str)] = &[
    ("KONE", "MonoSpace 500", "mrl", "KONE KCM831"),
    ("Otis", "Gen2 Comfort", "gearless", "Otis LCB II"),
    ("Schindler", "5500", "mrl", "Schindler Miconic BX"),
    ("TK Elevator", "synergy", "gearless", "TCM MC2"),
    ("Mitsubishi", "NexWay", "gearless", "Mitsubishi ΣAI-2200C"),
    ("KONE", "TranSys", "hydraulic", "KONE Polaris"),
    ("Otis", "SkyRise", "gearless", "Otis Compass 360"),
    ("Schindler", "330A", "hydraulic", "Schindler PORT"),
];

const QUIRKS: &[&str] = &[
    "Door reopens twice when the light curtain is dusty: clean before adjusting",
    "Car levels 10 mm low on floor 3 when fully loaded",
    "Machine room key is with building security, not the concierge",
    "Controller fault log resets on power loss: note codes before isolating",
];

/// Seeds sites and lifts unless the organization already has sites. The caller has entered
/// the demo organization.
pub fn seed(conn: &mut PgConnection, actor: &Actor) -> Result<(), AppError> {
    if sites::count_active(conn)? > 0 {
        return Ok(());
    }
    let today = Utc::now().date_naive();
    let mut lift_number = 0usize;
    for (i, demo) in SITES.iter().enumerate() {
        let (city, state, floors) = (demo.city, demo.state, demo.floors);
        let form = SiteForm {
            name: demo.name.into(),
            code: demo.code.into(),
            site_type: demo.kind.into(),
            address_line1: demo.street.into(),
            city: city.into(),
            state: state.into(),
            postal_code: demo.postcode.into(),
            country: "Australia".into(),
            latitude: demo.latitude.into(),
            longitude: demo.longitude.into(),
            floors_count: floors.to_string(),
            year_built: (1975 + (i as i32 * 4) % 45).to_string(),
            primary_contact_name: format!("{city} building manager"),
            primary_contact_phone: format!("02 5550 {:04}", 1200 + i),
            emergency_contact_name: "Harbour City Lifts 24/7".into(),
            emergency_contact_phone: "1800 555 911".into(),
            access_instructions:
                "Sign in at the loading dock; the lift motor room key is in the key safe.".into(),
            timezone: match state {
                "VIC" => "Australia/Melbourne",
                "QLD" => "Australia/Brisbane",
                "SA" => "Australia/Adelaide",
                "WA" => "Australia/Perth",
                "TAS" => "Australia/Hobart",
                _ => "Australia/Sydney",
            }
            .into(),
            ..Default::default()
        };
        let values = form
            .validate()
            .map_err(|e| AppError::unexpected(format!("demo site: {}", e.summary())))?;
        let site = sites::insert(conn, &values, None).map_err(AppError::unexpected)?;
        audit::record(
            conn,
            actor,
            AuditEvent::new("site_created", "site", site.id)
                .data(serde_json::json!({ "name": site.name })),
        )?;
        for unit in 0..demo.lifts {
            lift_number += 1;
            let (make, model, drive, controller) = MAKES[lift_number % MAKES.len()];
            let installed = NaiveDate::from_ymd_opt(
                1990 + (lift_number as i32 * 7) % 33,
                1 + (lift_number as u32 % 12),
                15,
            );
            // Spread inspections from 40 days overdue to ten months ahead.
            let next_due = today + Duration::days(((lift_number * 37) % 340) as i64 - 40);
            let mut form = ElevatorForm {
                site_id: site.id.to_string(),
                unit_number: format!("Lift {}", unit + 1),
                manufacturer: make.into(),
                model: model.into(),
                drive_type: drive.into(),
                controller_type: controller.into(),
                capacity_kg: [630, 1000, 1275, 1600][lift_number % 4].to_string(),
                capacity_persons: [8, 13, 17, 21][lift_number % 4].to_string(),
                speed_mps: ["1.00", "1.60", "2.50", "0.63"][lift_number % 4].into(),
                floors_served: floors.min(40).to_string(),
                stops: floors.min(40).to_string(),
                door_type: "Centre opening".into(),
                door_width_mm: "900".into(),
                installation_date: installed.map(|d| d.to_string()).unwrap_or_default(),
                last_inspection_date: (next_due - Duration::days(365)).to_string(),
                last_inspection_result: "passed".into(),
                next_inspection_due: next_due.to_string(),
                inspection_certificate_number: format!(
                    "INS-{}-{:05}",
                    state,
                    10_000 + lift_number * 13
                ),
                serial_number: format!("{}{:07}", &make[..1], 4_200_000 + lift_number * 311),
                ..Default::default()
            };
            if lift_number.is_multiple_of(5) {
                form.known_quirks = QUIRKS[lift_number % QUIRKS.len()].into();
            }
            form.specifications = vec![
                ("Rope size".into(), "8 × 10 mm".into()),
                ("Pit depth".into(), "1450 mm".into()),
            ];
            let values = form
                .validate()
                .map_err(|e| AppError::unexpected(format!("demo lift: {}", e.summary())))?;
            let lift = elevators::insert(conn, &values).map_err(AppError::unexpected)?;
            let status = match lift_number % 9 {
                0 => Some((
                    ElevatorStatus::OutOfService,
                    "Brake fault: awaiting replacement brake pads",
                )),
                4 => Some((
                    ElevatorStatus::Degraded,
                    "Door operator noisy; running at reduced speed",
                )),
                7 => Some((ElevatorStatus::Maintenance, "Scheduled rope replacement")),
                _ => None,
            };
            if let Some((status, reason)) = status {
                let by = ChangedBy {
                    account_id: Some(actor.account_id),
                    name: &actor.display_name,
                };
                elevators::set_status(conn, lift.id, status, Some(reason), &by)?;
            }
        }
    }
    Ok(())
}
