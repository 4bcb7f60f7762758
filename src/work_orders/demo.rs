//! Demo contractors and about 150 work orders over the past twelve months, in every status,
//! type and priority, with tasks, parts and labour — enough for the board and charts to show
//! a real shape.

use bigdecimal::BigDecimal;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use std::str::FromStr;
use uuid::Uuid;

use super::queries::{self as wo, WorkOrderInsert};
use super::queries::{LaborLine, PartLine};
use super::status::{Priority, WorkOrderStatus, WorkOrderType};
use crate::audit::{self, AuditEvent};
use crate::contractors::forms::ContractorForm;
use crate::contractors::queries as contractors;
use crate::db::schema_org::{elevators, work_orders};
use crate::orgs::context::Actor;
use crate::web::AppError;

struct DemoContractor {
    name: &'static str,
    company: &'static str,
    kind: &'static str,
    rate: &'static str,
    multiplier: &'static str,
    specializations: &'static str,
    license_days: i64,
    preferred: bool,
}

const CONTRACTORS: &[DemoContractor] = &[
    DemoContractor {
        name: "Tanvir Ahmed",
        company: "",
        kind: "employee",
        rate: "95.00",
        multiplier: "1.50",
        specializations: "traction, MRL, KONE",
        license_days: 400,
        preferred: true,
    },
    DemoContractor {
        name: "Grace Liu",
        company: "",
        kind: "employee",
        rate: "98.00",
        multiplier: "1.50",
        specializations: "hydraulic, doors",
        license_days: 20,
        preferred: true,
    },
    DemoContractor {
        name: "Sam Okafor",
        company: "Okafor Lift Services",
        kind: "subcontractor",
        rate: "120.00",
        multiplier: "1.75",
        specializations: "controllers, Otis, Schindler",
        license_days: 200,
        preferred: false,
    },
    DemoContractor {
        name: "Mia Rossi",
        company: "Rossi Door Systems",
        kind: "company",
        rate: "110.00",
        multiplier: "2.00",
        specializations: "doors, door operators",
        license_days: -5,
        preferred: false,
    },
    DemoContractor {
        name: "Jack Nguyen",
        company: "",
        kind: "employee",
        rate: "92.00",
        multiplier: "1.50",
        specializations: "inspections, safety gear",
        license_days: 300,
        preferred: false,
    },
    DemoContractor {
        name: "Hoist & Rope Co",
        company: "Hoist & Rope Co",
        kind: "vendor",
        rate: "135.00",
        multiplier: "1.50",
        specializations: "ropes, sheaves",
        license_days: 150,
        preferred: false,
    },
];

const TITLES: &[(&str, WorkOrderType, &str)] = &[
    (
        "Lift stuck between floors",
        WorkOrderType::Breakdown,
        "E-101",
    ),
    ("Doors not closing fully", WorkOrderType::Breakdown, "DR-23"),
    ("Noisy door operator", WorkOrderType::Breakdown, "DR-07"),
    ("Monthly maintenance visit", WorkOrderType::Preventive, ""),
    ("Quarterly safety gear test", WorkOrderType::Inspection, ""),
    ("Annual statutory inspection", WorkOrderType::Inspection, ""),
    (
        "Car levelling out by 15 mm",
        WorkOrderType::Breakdown,
        "LV-02",
    ),
    (
        "Hall button not lighting",
        WorkOrderType::Breakdown,
        "BT-11",
    ),
    ("Controller fault code F32", WorkOrderType::Breakdown, "F32"),
    ("Replace car lighting", WorkOrderType::Preventive, ""),
    (
        "Rope inspection and lubrication",
        WorkOrderType::Preventive,
        "",
    ),
    (
        "Install destination dispatch panel",
        WorkOrderType::Installation,
        "",
    ),
    ("Modernise controller", WorkOrderType::Modernization, ""),
    ("Compliance audit of logbooks", WorkOrderType::Audit, ""),
];

const PARTS: &[(&str, &str, &str, &str)] = &[
    ("KM602450", "Door operator belt", "KONE", "42.50"),
    ("59311032", "Roller guide shoe insert", "Schindler", "18.90"),
    ("GAA24350BK1", "Brake pad set", "Otis", "236.00"),
    ("ENC-1024", "Motor encoder", "TK Elevator", "489.00"),
    ("LC-24V", "Car LED light strip", "Generic", "65.00"),
];

/// Seeds the demo work orders unless there are some already. The caller has entered the
/// demo organization.
/// `technician` is the demo technician's account, linked to the first contractor so they
/// see "my work orders".
pub fn seed(
    conn: &mut PgConnection,
    actor: &Actor,
    technician: Option<Uuid>,
) -> Result<(), AppError> {
    if work_orders::table.count().get_result::<i64>(conn)? > 0 {
        return Ok(());
    }
    let today = Utc::now().date_naive();
    let mut contractor_ids = Vec::new();
    for (i, c) in CONTRACTORS.iter().enumerate() {
        let form = ContractorForm {
            contractor_type: c.kind.into(),
            contact_name: c.name.into(),
            company_name: c.company.into(),
            email: format!(
                "{}@contractors.example",
                c.name.split(' ').next().unwrap_or("tech").to_lowercase()
            ),
            phone: format!("0400 555 {:03}", 100 + i),
            hourly_rate: c.rate.into(),
            emergency_rate_multiplier: c.multiplier.into(),
            specializations: c.specializations.into(),
            license_number: format!("LIC-{:05}", 30_000 + i * 17),
            license_expiry: (today + Duration::days(c.license_days)).to_string(),
            insurance_policy: format!("POL-{:06}", 500_000 + i * 31),
            insurance_expiry: (today + Duration::days(c.license_days + 90)).to_string(),
            is_preferred: if c.preferred {
                "1".into()
            } else {
                String::new()
            },
            ..Default::default()
        };
        let values = form
            .validate(&[])
            .map_err(|e| AppError::unexpected(format!("demo contractor: {}", e.summary())))?;
        contractor_ids.push(contractors::insert(conn, &values)?.id);
    }
    if let Some(technician) = technician {
        diesel::update(crate::db::schema_org::contractors::table.find(contractor_ids[0]))
            .set(crate::db::schema_org::contractors::account_id.eq(technician))
            .execute(conn)?;
    }
    let lifts: Vec<(Uuid, Uuid)> = elevators::table
        .filter(elevators::deleted_at.is_null())
        .order(elevators::created_at)
        .select((elevators::id, elevators::site_id))
        .load(conn)?;
    if lifts.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    for n in 0..150usize {
        let (title, work_type, fault) = TITLES[(n * 7) % TITLES.len()];
        let (elevator_id, site_id) = lifts[(n * 13) % lifts.len()];
        // The first thirty are this week's open work; the rest spread over twelve months.
        let (age_days, status) = if n < 30 {
            let status = [
                WorkOrderStatus::Pending,
                WorkOrderStatus::Scheduled,
                WorkOrderStatus::InProgress,
                WorkOrderStatus::Pending,
                WorkOrderStatus::OnHold,
                WorkOrderStatus::Scheduled,
                WorkOrderStatus::InProgress,
                WorkOrderStatus::Draft,
                WorkOrderStatus::Pending,
                WorkOrderStatus::Completed,
            ][n % 10];
            ((n % 7) as i64, status)
        } else {
            let age = 3 + ((n * n * 37) % 360) as i64;
            let status = match n % 12 {
                0 => WorkOrderStatus::Cancelled,
                1..=3 if age > 30 => WorkOrderStatus::Invoiced,
                _ => WorkOrderStatus::Completed,
            };
            (age, status)
        };
        let reported = now - Duration::days(age_days) - Duration::minutes((n * 97 % 1440) as i64);
        let priority = match (work_type, n % 6) {
            (WorkOrderType::Breakdown, 0) => Priority::Emergency,
            (WorkOrderType::Breakdown, 1 | 2) => Priority::High,
            (WorkOrderType::Inspection | WorkOrderType::Preventive, _) => Priority::Scheduled,
            (_, 3) => Priority::Low,
            _ => Priority::Medium,
        };
        let entrapment = work_type == WorkOrderType::Breakdown && n % 17 == 0;
        let priority = if entrapment {
            Priority::Emergency
        } else {
            priority
        };
        let tz = chrono_tz::Australia::Sydney;
        let contractor = (n % 8 != 0).then(|| contractor_ids[n % contractor_ids.len()]);
        let number = wo::next_number(conn, wo::year_of(reported))?;
        let order = wo::insert(
            conn,
            WorkOrderInsert {
                elevator_id: Some(elevator_id),
                site_id,
                work_order_number: number,
                work_type,
                priority,
                status,
                title: title.into(),
                description: Some(format!("{title}. Reported by building management.")),
                fault_code: (!fault.is_empty()).then(|| fault.to_string()),
                reported_symptoms: (work_type == WorkOrderType::Breakdown)
                    .then(|| "Occupants report the fault on the lobby intercom.".to_string()),
                affected_floors: None,
                entrapment,
                scheduled_start: None,
                scheduled_end: None,
                due_date: priority.default_due(reported, &tz),
                due_date_manual: false,
                assigned_contractor_id: contractor,
                assigned_at: contractor.map(|_| reported + Duration::minutes(20)),
                assigned_by: contractor.map(|_| actor.account_id),
                reported_by_name: Some("Building manager".into()),
                reported_by_phone: None,
                reported_by_email: None,
                parent_work_order_id: None,
                callback_reported_trouble: None,
                callback_reported_at: None,
                created_by: actor.account_id,
            },
        )?;
        let response = Duration::minutes(30 + ((n * 53) % 600) as i64);
        let started = reported + response;
        let finished = started + Duration::minutes(45 + ((n * 31) % 240) as i64);
        let done = matches!(
            status,
            WorkOrderStatus::Completed | WorkOrderStatus::Invoiced
        );
        diesel::update(work_orders::table.find(order.id))
            .set((
                work_orders::reported_at.eq(reported),
                work_orders::created_at.eq(reported),
                work_orders::actual_start.eq(matches!(status, WorkOrderStatus::InProgress | WorkOrderStatus::OnHold).then_some(started).or(done.then_some(started))),
                work_orders::actual_end.eq(done.then_some(finished)),
                work_orders::completed_at.eq(done.then_some(finished)),
                work_orders::resolution_notes.eq(done.then_some("Fault found and corrected; lift tested over all floors and returned to service.")),
                work_orders::resolution_type.eq(done.then_some(["repaired", "adjusted", "replaced"][n % 3])),
                work_orders::cancellation_reason.eq((status == WorkOrderStatus::Cancelled).then_some("Duplicate of an earlier report")),
            ))
            .execute(conn)?;
        for (i, task) in [
            "Isolate and make safe",
            "Diagnose fault",
            "Repair and test",
            "Return to service",
        ]
        .iter()
        .enumerate()
        {
            let task_id = wo::add_task(conn, order.id, task)?;
            if done || (status == WorkOrderStatus::InProgress && i < 2) {
                wo::set_task_status(
                    conn,
                    task_id,
                    "completed",
                    Some((actor.account_id, &actor.display_name)),
                    None,
                )?;
            }
        }
        if done || status == WorkOrderStatus::InProgress {
            let (number, name, make, cost) = PARTS[n % PARTS.len()];
            wo::add_part(
                conn,
                order.id,
                &PartLine {
                    part_number: Some(number.into()),
                    part_name: name.into(),
                    manufacturer: Some(make.into()),
                    quantity: 1 + (n % 3) as i32,
                    unit_cost: BigDecimal::from_str(cost).unwrap_or_default(),
                    source: "purchased".into(),
                    stock: None,
                },
            )?;
            if let Some(contractor_id) = contractor {
                wo::add_labor(
                    conn,
                    order.id,
                    &LaborLine {
                        contractor_id,
                        start: started,
                        end: finished,
                        labor_type: if priority == Priority::Emergency {
                            "emergency"
                        } else {
                            "regular"
                        }
                        .into(),
                        description: None,
                    },
                )?;
            }
            wo::recompute_costs(conn, order.id)?;
        }
        audit::record(
            conn,
            actor,
            AuditEvent::new("work_order_created", "work_order", order.id)
                .data(serde_json::json!({ "number": order.work_order_number, "title": title })),
        )?;
    }
    Ok(())
}
