//! Demo conversations: threads on two of the technician's work orders, on a tenant's fault
//! reports, and a direct exchange, some read and some waiting, so the inbox, the header's count
//! and the read receipts all show something. Written once; later starts leave them be.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::context::Context;
use super::queries::{self, NewThread};
use crate::db::schema_public::{conversation_messages, conversation_participants, conversations};
use crate::db::PooledConn;
use crate::demo::DemoError;
use crate::orgs::{self, OrgHandle};

/// The demo's people, by what they do.
pub struct Cast {
    pub owner: Uuid,
    pub manager: Uuid,
    pub technician: Uuid,
    /// A building tenant's portal login, and their tenants row.
    pub tenant: Option<(Uuid, Uuid)>,
}

/// One message: who, how many hours ago, what.
type Line = (Uuid, i64, &'static str);

struct Facts {
    orders: Vec<(Uuid, String)>,
    reports: Vec<(Uuid, String)>,
}

pub fn ensure(conn: &mut PooledConn, org: &OrgHandle, cast: &Cast) -> Result<(), DemoError> {
    let seeded: i64 = conversations::table
        .filter(conversations::organization_id.eq(org.id))
        .count()
        .get_result(&mut **conn)?;
    if seeded > 0 {
        return Ok(());
    }
    let tenant_row = cast.tenant.map(|(_, row)| row);
    let facts = orgs::enter(conn, org, |conn| {
        read_facts(conn, cast.technician, tenant_row)
    })?;
    conn.transaction(|conn| -> QueryResult<()> {
        let slug = &org.slug;
        let (owner, manager, tech) = (cast.owner, cast.manager, cast.technician);
        let order_lines: [&[Line]; 2] = [
            &[
                (manager, 26, "The building manager says the doors on this lift reopen at every floor since Tuesday's storm. Can you check the **door edge detector** first?"),
                (tech, 25, "Will do. I'll bring a spare light curtain in case the receiver took water."),
                (manager, 3, "The tenant on level 12 says it is getting worse. Please ring them when you arrive: 0412 555 019."),
            ],
            &[
                (owner, 50, "The insurer wants photos of the machine room after this job, please."),
                (tech, 46, "Done and attached to the work order. There was oil on the floor by the pump unit:\n\n- cleaned it up\n- tightened the return line fitting\n\nWorth a check at the next service."),
                (owner, 45, "Thanks Tanvir, noted for the next visit."),
            ],
        ];
        for ((id, subject), lines) in facts.orders.iter().zip(order_lines) {
            let link = format!("/o/{slug}/work-orders/{id}");
            let thread = NewThread {
                context: Context::WorkOrder,
                organization_id: org.id,
                context_id: *id,
                subject,
                member_link: &link,
                party_link: &link,
                created_by: lines[0].0,
            };
            write(conn, &thread, &[], &[owner, manager, tech], lines)?;
        }
        if let Some((tenant, _)) = cast.tenant {
            let report_lines: [&[Line]; 2] = [
                &[
                    (tenant, 48, "The lift in our lobby makes a loud bang when it stops at the ground floor."),
                    (manager, 47, "Thanks for telling us. A technician is booked for tomorrow morning; we'll keep you posted here."),
                    (tenant, 20, "Thank you. It did it twice again this morning."),
                ],
                &[
                    (tenant, 120, "Could we book the service lift for a furniture delivery on Saturday?"),
                    (manager, 118, "Yes, it's booked from 9 to 11 am. The concierge will have the key."),
                ],
            ];
            for ((id, subject), lines) in facts.reports.iter().zip(report_lines) {
                let thread = NewThread {
                    context: Context::ServiceRequest,
                    organization_id: org.id,
                    context_id: *id,
                    subject,
                    member_link: &format!("/o/{slug}/service-requests/{id}"),
                    party_link: &format!("/o/{slug}/portal"),
                    created_by: tenant,
                };
                write(conn, &thread, &[tenant], &[owner, manager], lines)?;
            }
        }
        let direct = queries::direct_between(conn, manager, tech)?;
        queries::join(conn, direct, &[manager, tech], true)?;
        add_lines(
            conn,
            direct,
            &[
                (manager, 30, "Are you free for the quarterly inspection at Harbour Tower on Friday?"),
                (tech, 29, "Yes, from 8 am. I'll need the pit key from the concierge."),
            ],
        )
    })?;
    Ok(())
}

fn read_facts(
    conn: &mut PgConnection,
    technician: Uuid,
    tenant: Option<Uuid>,
) -> Result<Facts, orgs::TenancyError> {
    use crate::db::schema_org::{contractors, service_requests, work_orders};
    let orders = work_orders::table
        .inner_join(
            contractors::table.on(contractors::id
                .nullable()
                .eq(work_orders::assigned_contractor_id)),
        )
        .filter(contractors::account_id.eq(technician))
        .order(work_orders::reported_at.desc())
        .limit(2)
        .select((
            work_orders::id,
            work_orders::work_order_number,
            work_orders::title,
        ))
        .load::<(Uuid, String, String)>(conn)?
        .into_iter()
        .map(|(id, number, title)| (id, format!("{number} {title}")))
        .collect();
    let reports = match tenant {
        Some(tenant) => service_requests::table
            .filter(service_requests::tenant_id.eq(tenant))
            .order(service_requests::created_at.desc())
            .limit(2)
            .select((
                service_requests::id,
                service_requests::reference,
                service_requests::subject,
            ))
            .load::<(Uuid, String, String)>(conn)?
            .into_iter()
            .map(|(id, reference, subject)| (id, format!("{reference} {subject}")))
            .collect(),
        None => Vec::new(),
    };
    Ok(Facts { orders, reports })
}

/// Opens a thread with its parties and members on it, and writes its lines.
fn write(
    conn: &mut PgConnection,
    thread: &NewThread,
    parties: &[Uuid],
    members: &[Uuid],
    lines: &[Line],
) -> QueryResult<()> {
    let id = queries::thread_of(conn, thread)?;
    queries::join(conn, id, parties, true)?;
    queries::join(conn, id, members, false)?;
    add_lines(conn, id, lines)
}

/// Writes the lines as sent hours ago; everyone has read up to the one before last, and the
/// author of the last has read it all (so it is unread for the others).
fn add_lines(conn: &mut PgConnection, id: Uuid, lines: &[Line]) -> QueryResult<()> {
    let now = Utc::now();
    for (author, hours_ago, body) in lines {
        diesel::insert_into(conversation_messages::table)
            .values((
                conversation_messages::conversation_id.eq(id),
                conversation_messages::author_account_id.eq(author),
                conversation_messages::body.eq(body),
                conversation_messages::created_at.eq(now - Duration::hours(*hours_ago)),
            ))
            .execute(conn)?;
    }
    let (Some(last), Some(before_last)) = (lines.last(), lines.iter().rev().nth(1)) else {
        return Ok(());
    };
    let last_at = now - Duration::hours(last.1);
    diesel::update(conversations::table.find(id))
        .set((
            conversations::last_message_at.eq(last_at),
            conversations::message_count.eq(lines.len() as i32),
        ))
        .execute(conn)?;
    let in_thread =
        conversation_participants::table.filter(conversation_participants::conversation_id.eq(id));
    diesel::update(in_thread)
        .set(conversation_participants::last_read_at.eq(now - Duration::hours(before_last.1)))
        .execute(conn)?;
    diesel::update(conversation_participants::table.find((id, last.0)))
        .set(conversation_participants::last_read_at.eq(last_at))
        .execute(conn)?;
    Ok(())
}
