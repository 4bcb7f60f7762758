//! Seeded organizations: created through `orgs::provision`, then filled server-side.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use super::{
    Progress, SeedError, SeedOptions, BENCH_EMAIL, EMAIL_DOMAIN, LARGE_PREFIX, SMALL_PREFIX,
};
use crate::db::PooledConn;
use crate::orgs::provision::{self, NewOrganization};
use crate::orgs::{self, As};

/// One organization to create and how much goes in it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub slug: String,
    name: String,
    sites: usize,
    lifts: usize,
    work_orders: usize,
    large: bool,
}

impl Plan {
    pub fn large(n: usize, options: &SeedOptions) -> Plan {
        Plan {
            slug: format!("{LARGE_PREFIX}{n}"),
            name: format!("Bench Large Lifts {n}"),
            sites: options.large_sites,
            lifts: options.large_lifts,
            work_orders: options.large_work_orders,
            large: true,
        }
    }

    pub fn small(n: usize, options: &SeedOptions) -> Plan {
        Plan {
            slug: format!("{SMALL_PREFIX}{n:05}"),
            name: format!("Bench Small Building Services {n}"),
            sites: options.small_sites,
            lifts: options.small_lifts,
            work_orders: options.small_work_orders,
            large: false,
        }
    }

    pub fn is_large(&self) -> bool {
        self.large
    }
}

/// The plans whose organization does not exist yet.
pub fn missing(conn: &mut PgConnection, plans: Vec<Plan>) -> QueryResult<Vec<Plan>> {
    use crate::db::schema_public::organizations::dsl as o;
    let existing: Vec<String> = o::organizations
        .filter(o::slug.like("bench\\_%"))
        .select(o::slug)
        .load(conn)?;
    let existing: std::collections::HashSet<String> = existing.into_iter().collect();
    Ok(plans
        .into_iter()
        .filter(|plan| !existing.contains(&plan.slug))
        .collect())
}

/// Creates the organization (its own transaction, as in production), then fills it in a second.
pub fn create_and_fill(
    conn: &mut PooledConn,
    plan: &Plan,
    progress: &Progress,
) -> Result<Timings, SeedError> {
    let started = std::time::Instant::now();
    let org = provision::create(
        conn,
        &NewOrganization {
            name: &plan.name,
            slug: &plan.slug,
            organization_type: if plan.large {
                "service_company"
            } else {
                "building_owner"
            },
        },
    )
    .map_err(|e| SeedError::Other(e.to_string()))?;
    let provisioned = started.elapsed();
    // As the platform: the load below switches a trigger off, which the organization's own
    // role may not do.
    orgs::enter_acting(
        conn,
        &org.handle(),
        As::Platform,
        |conn| -> Result<(), SeedError> {
            // The per-row summary trigger would rewrite a site row for every lift inserted; one
            // UPDATE after the load gives the same summary. The lock this takes is this schema's.
            conn.batch_execute("ALTER TABLE elevators DISABLE TRIGGER elevators_site_summary")?;
            diesel::sql_query(SITES)
                .bind::<Integer, _>(to_i32(plan.sites))
                .execute(conn)?;
            if plan.sites > 0 {
                diesel::sql_query(LIFTS)
                    .bind::<Integer, _>(to_i32(plan.lifts))
                    .execute(conn)?;
                conn.batch_execute(STATUS_HISTORY)?;
            }
            conn.batch_execute("ALTER TABLE elevators ENABLE TRIGGER elevators_site_summary")?;
            conn.batch_execute(SITE_SUMMARY)?;
            if plan.large {
                progress.say(format!(
                    "{}: {} sites, {} lifts",
                    plan.slug, plan.sites, plan.lifts
                ));
            }
            super::work_orders::fill(conn, plan.work_orders, plan.large.then_some(progress))?;
            conn.batch_execute(
                "ANALYZE sites; ANALYZE elevators; ANALYZE elevator_status_history",
            )?;
            Ok(())
        },
    )?;
    Ok(Timings {
        provisioned,
        filled: started.elapsed() - provisioned,
    })
}

/// Where one organization's time went: `provision::create` (role, schema, org migrations, one
/// transaction) and then its rows.
pub struct Timings {
    pub provisioned: std::time::Duration,
    pub filled: std::time::Duration,
}

fn to_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The bench account owns every large organization; each small one gets an owner of its own.
/// All share the bench account's password hash.
pub fn ensure_memberships(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO accounts (email, password_hash, first_name, last_name, display_name, \
           email_verified_at) \
         SELECT 'owner.' || o.slug || '@' || $1, b.password_hash, 'Owner', o.slug, 'Owner of ' || o.name, now() \
         FROM organizations o, accounts b \
         WHERE o.slug LIKE 'bench\\_s%' AND b.email = $2 \
         ON CONFLICT (email) DO NOTHING",
    )
    .bind::<Text, _>(EMAIL_DOMAIN)
    .bind::<Text, _>(BENCH_EMAIL)
    .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO memberships (account_id, organization_id, role) \
         SELECT a.id, o.id, 'owner' FROM organizations o \
         JOIN accounts a ON a.email = CASE WHEN o.slug LIKE 'bench\\_large\\_%' THEN $2 \
                                           ELSE 'owner.' || o.slug || '@' || $1 END \
         WHERE o.slug LIKE 'bench\\_%' \
         ON CONFLICT (account_id, organization_id) DO NOTHING",
    )
    .bind::<Text, _>(EMAIL_DOMAIN)
    .bind::<Text, _>(BENCH_EMAIL)
    .execute(conn)?;
    Ok(())
}

/// `$1` sites with names, codes and addresses spread over eight cities; created over 5 years,
/// about one in a hundred archived.
const SITES: &str = "
INSERT INTO sites (name, code, site_type, address_line1, city, state, postal_code, floors_count,
                   year_built, occupancy_count, primary_contact_name, primary_contact_phone,
                   created_at, updated_at, deleted_at)
SELECT
    (ARRAY['Harbour','Central','Park','River','Hill','Bay','Market','Station','Garden','Queen',
           'King','George','Bridge','Ocean','Valley','North','South','East','West','Lake'])[1 + (g * 7) % 20]
        || ' ' || (ARRAY['Tower','Plaza','House','Centre','Court','Apartments','Building','Hospital',
                         'Campus','Exchange','Arcade','Chambers'])[1 + (g * 11) % 12] || ' ' || g,
    'S' || lpad(g::text, 5, '0'),
    (ARRAY['commercial','residential','mixed','industrial','healthcare','education','retail',
           'hospitality','government'])[1 + (g * 5) % 9],
    (1 + (g * 37) % 400) || ' ' || (ARRAY['George','Pitt','Collins','Queen','Elizabeth','Flinders',
           'Hay','Murray','Adelaide','Bourke'])[1 + (g * 3) % 10] || ' Street',
    (ARRAY['Sydney','Melbourne','Brisbane','Perth','Adelaide','Hobart','Canberra','Darwin'])[1 + g % 8],
    (ARRAY['NSW','VIC','QLD','WA','SA','TAS','ACT','NT'])[1 + g % 8],
    (ARRAY['2000','3000','4000','6000','5000','7000','2600','0800'])[1 + g % 8],
    2 + (g * 13) % 48,
    1950 + (g * 17) % 75,
    50 + (g * 29) % 3000,
    'Facilities desk ' || g,
    '+61 2 9' || lpad(((g * 7919) % 1000000)::text, 6, '0'),
    created, created,
    CASE WHEN g % 100 = 99 THEN created + interval '200 days' END
FROM (SELECT g, now() - random() * interval '1826 days' AS created
      FROM generate_series(1, $1) g) s";

/// `$1` lifts over the sites, skewed so a few sites have many lifts; mostly operational,
/// inspections due from two months ago to a year ahead.
const LIFTS: &str = "
WITH site_ids AS (SELECT array_agg(id ORDER BY code) AS ids, count(*)::int AS n FROM sites)
INSERT INTO elevators (site_id, unit_number, serial_number, registration_number, manufacturer,
                       model, drive_type, capacity_kg, capacity_persons, speed_mps, floors_served,
                       stops, installation_date, status, status_changed_at, status_reason,
                       last_inspection_date, last_inspection_result, next_inspection_due,
                       health_score, created_at, updated_at)
SELECT
    site_ids.ids[1 + floor(power(r1, 2) * site_ids.n)::int % site_ids.n],
    'L' || g,
    'SN' || lpad(((g * 104729) % 100000000)::text, 8, '0'),
    'REG-' || g,
    (ARRAY['KONE','Otis','Schindler','TK Elevator','Mitsubishi','Fujitec','Hitachi','Sigma'])[1 + g % 8],
    (ARRAY['MonoSpace 500','Gen2','3300','Synergy','NexWay','XIOR','UAX','Premier'])[1 + (g * 3) % 8],
    (ARRAY['gearless','geared','hydraulic','mrl'])[1 + (g * 7) % 4],
    (ARRAY[630, 800, 1000, 1275, 1600, 2000])[1 + g % 6],
    (ARRAY[8, 10, 13, 17, 21, 26])[1 + g % 6],
    (ARRAY[1.0, 1.6, 2.5, 4.0])[1 + g % 4],
    2 + g % 40, 2 + g % 40,
    (current_date - (365 * 30 * random())::int),
    CASE WHEN r2 < 0.85 THEN 'operational' WHEN r2 < 0.90 THEN 'degraded'
         WHEN r2 < 0.93 THEN 'maintenance' WHEN r2 < 0.96 THEN 'out_of_service'
         ELSE 'decommissioned' END::elevator_status,
    created + (now() - created) * random(),
    CASE WHEN r2 >= 0.85 THEN 'Seeded status' END,
    due - 365,
    (ARRAY['passed','passed','passed','conditional'])[1 + g % 4]::inspection_result,
    due,
    40 + (g * 31) % 61,
    created, created
FROM (SELECT g, random() AS r1, random() AS r2,
             now() - random() * interval '1826 days' AS created,
             current_date + (floor(random() * 425)::int - 60) AS due
      FROM generate_series(1, $1) g) lift, site_ids";

const STATUS_HISTORY: &str = "
INSERT INTO elevator_status_history (elevator_id, from_status, to_status, reason, changed_by_name, changed_at)
SELECT id, NULL, 'operational', 'Commissioned', 'Seed', created_at FROM elevators;
INSERT INTO elevator_status_history (elevator_id, from_status, to_status, reason, changed_by_name, changed_at)
SELECT id, 'operational', status, status_reason, 'Seed', status_changed_at FROM elevators
WHERE status <> 'operational';";

/// The same summary `refresh_site_lift_summary` keeps, for every site at once.
const SITE_SUMMARY: &str = "
UPDATE sites s SET
    lift_count = summary.lifts,
    lifts_not_operational = summary.not_operational,
    next_inspection_due = summary.next_due
FROM (
    SELECT site.id,
           count(e.id) AS lifts,
           count(e.id) FILTER (WHERE e.status IN ('degraded', 'out_of_service', 'maintenance')) AS not_operational,
           min(e.next_inspection_due) FILTER (WHERE e.status <> 'decommissioned') AS next_due
    FROM sites site
    LEFT JOIN elevators e ON e.site_id = site.id AND e.deleted_at IS NULL
    GROUP BY site.id
) summary
WHERE s.id = summary.id;";
