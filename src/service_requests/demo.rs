//! Demo tenants and about thirty requests in every state, some rated.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::queries::{self as sr, RequestInsert};
use crate::db::schema_org::{elevators, service_requests, sites, tenants};
use crate::orgs::context::Actor;
use crate::web::AppError;

const TENANTS: &[(&str, &str, &str)] = &[
    (
        "Harbour Legal",
        "Level 12",
        "reception@harbourlegal.example",
    ),
    ("Quay Dental", "Suite 3.01", "frontdesk@quaydental.example"),
    (
        "Southbank Body Corporate",
        "Building",
        "manager@southbankbc.example",
    ),
    ("Riverside Pharmacy", "Ground", "pharmacy@riverside.example"),
    (
        "Collins Street Architects",
        "Level 20",
        "studio@collinsarch.example",
    ),
];

const SUBJECTS: &[&str] = &[
    "Lift doors closing too fast",
    "Lift 2 making a grinding noise",
    "Button for level 5 not working",
    "Lift stopping short of the floor",
    "Book service lift for furniture delivery",
    "Access card reader in lift not working",
    "Strange smell in the lift car",
    "Lift alarm sounded by mistake",
];

pub fn seed(conn: &mut PgConnection, _actor: &Actor) -> Result<(), AppError> {
    if service_requests::table.count().get_result::<i64>(conn)? > 0 {
        return Ok(());
    }
    let site_ids: Vec<Uuid> = sites::table
        .filter(sites::deleted_at.is_null())
        .order(sites::created_at)
        .select(sites::id)
        .load(conn)?;
    if site_ids.is_empty() {
        return Ok(());
    }
    let mut tenant_ids = Vec::new();
    for (i, (name, unit, email)) in TENANTS.iter().enumerate() {
        let id: Uuid = diesel::insert_into(tenants::table)
            .values((
                tenants::site_id.eq(site_ids[i % site_ids.len()]),
                tenants::name.eq(name),
                tenants::unit_number.eq(unit),
                tenants::primary_contact_name.eq(format!("{name} contact")),
                tenants::primary_contact_email.eq(email),
                tenants::move_in_date
                    .eq((Utc::now() - Duration::days(400 + i as i64 * 90)).date_naive()),
            ))
            .returning(tenants::id)
            .get_result(conn)?;
        tenant_ids.push((id, site_ids[i % site_ids.len()]));
    }
    let statuses = [
        "open",
        "open",
        "acknowledged",
        "in_progress",
        "resolved",
        "resolved",
        "closed",
        "rejected",
    ];
    for n in 0..30usize {
        let (tenant, site) = tenant_ids[n % tenant_ids.len()];
        let lift: Option<Uuid> = elevators::table
            .filter(elevators::site_id.eq(site))
            .select(elevators::id)
            .first(conn)
            .optional()?;
        let created = Utc::now() - Duration::hours((n * 37) as i64 % (24 * 60));
        let reference = sr::next_reference(conn, chrono::Datelike::year(&created))?;
        let request = sr::insert(
            conn,
            &RequestInsert {
                reference,
                status_token: sr::new_token(),
                site_id: site,
                elevator_id: lift,
                tenant_id: (n % 3 != 0).then_some(tenant),
                request_type: if n % 8 == 4 {
                    "move_request"
                } else if n % 8 == 5 {
                    "access_request"
                } else {
                    "issue_report"
                }
                .into(),
                subject: SUBJECTS[n % SUBJECTS.len()].into(),
                description: Some("Reported by a tenant through the lobby QR code.".into()),
                contact_name: Some("Tenant contact".into()),
                contact_email: None,
                contact_phone: None,
                entrapment: false,
                priority: ["normal", "high", "low", "normal"][n % 4].into(),
                submitted_ip: Some("203.0.113.10".into()),
                submitted_by_account: None,
            },
        )?;
        let status = statuses[n % statuses.len()];
        let steps: &[&str] = match status {
            "acknowledged" => &["acknowledged"],
            "in_progress" => &["acknowledged", "in_progress"],
            "resolved" => &["acknowledged", "in_progress", "resolved"],
            "closed" => &["acknowledged", "in_progress", "resolved", "closed"],
            "rejected" => &["rejected"],
            _ => &[],
        };
        for step in steps {
            sr::set_status(
                conn,
                request.id,
                step,
                Some(if *step == "resolved" {
                    "Adjusted the door operator and tested."
                } else {
                    "Update from the building manager."
                }),
            )?;
        }
        diesel::update(service_requests::table.find(request.id))
            .set((
                service_requests::created_at.eq(created),
                service_requests::satisfaction_rating
                    .eq((matches!(status, "resolved" | "closed") && n % 2 == 0)
                        .then_some(3 + (n % 3) as i32)),
                service_requests::rejection_reason.eq((status == "rejected")
                    .then_some("This is the building's responsibility, not a lift fault.")),
            ))
            .execute(conn)?;
    }
    Ok(())
}
