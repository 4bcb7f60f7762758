//! Seeded contractors and work orders: five years of history, one statement per calendar year
//! so numbers run `WO-<year>-000001…` per year as the app numbers them, and the year counters
//! are left where the next real work order continues.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamptz};

use super::{Progress, SeedError, BENCH_EMAIL};

/// Adds contractors and `count` work orders to the organization the transaction points at.
pub fn fill(
    conn: &mut PgConnection,
    count: usize,
    progress: Option<&Progress>,
) -> Result<(), SeedError> {
    if count == 0 {
        return Ok(());
    }
    let contractors = (count / 20_000).clamp(3, 60);
    diesel::sql_query(CONTRACTORS)
        .bind::<Integer, _>(i32::try_from(contractors).unwrap_or(3))
        .execute(conn)?;
    let now = Utc::now();
    for (year, from, to, n) in years(now, count) {
        if n == 0 {
            continue;
        }
        diesel::sql_query(WORK_ORDERS)
            .bind::<Integer, _>(n)
            .bind::<Timestamptz, _>(from)
            .bind::<Timestamptz, _>(to)
            .bind::<Integer, _>(year)
            .bind::<Text, _>(BENCH_EMAIL)
            .execute(conn)?;
        diesel::sql_query(
            "INSERT INTO work_order_counters (year, last_number) VALUES ($1, $2) \
             ON CONFLICT (year) DO UPDATE SET last_number = excluded.last_number",
        )
        .bind::<Integer, _>(year)
        .bind::<Integer, _>(n)
        .execute(conn)?;
        if let Some(progress) = progress {
            progress.say(format!("work orders of {year}: {n}"));
        }
    }
    conn.batch_execute(DETAILS)?;
    conn.batch_execute(
        "ANALYZE contractors; ANALYZE work_orders; ANALYZE work_order_tasks; \
         ANALYZE work_order_comments",
    )?;
    Ok(())
}

/// The calendar years of the five years up to `now`, each with its share of `count`.
fn years(now: DateTime<Utc>, count: usize) -> Vec<(i32, DateTime<Utc>, DateTime<Utc>, i32)> {
    let start = now - Duration::days(1826);
    let total = (now - start).num_seconds() as f64;
    let mut out = Vec::new();
    let mut given = 0usize;
    for year in start.year()..=now.year() {
        let january = |y: i32| Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).single();
        let (Some(first), Some(next)) = (january(year), january(year + 1)) else {
            continue;
        };
        let from = first.max(start);
        let to = next.min(now);
        let share = (to - from).num_seconds() as f64 / total;
        let n = if year == now.year() {
            count - given
        } else {
            ((count as f64 * share).round() as usize).min(count - given)
        };
        given += n;
        out.push((year, from, to, i32::try_from(n).unwrap_or(i32::MAX)));
    }
    out
}

const CONTRACTORS: &str = "
INSERT INTO contractors (contractor_type, company_name, contact_name, email, phone, city, state,
                         specializations, hourly_rate, callout_fee, is_preferred)
SELECT (ARRAY['employee','employee','subcontractor','company'])[1 + g % 4],
       'Lift Crew ' || g || ' Pty Ltd',
       (ARRAY['Alex','Sam','Jordan','Casey','Morgan','Riley','Taylor','Jamie'])[1 + g % 8] || ' '
         || (ARRAY['Nguyen','Smith','Singh','Brown','Rossi','Walker','Kaur','Lee'])[1 + (g * 3) % 8] || ' ' || g,
       'crew' || g || '@contractors.bench.sitesync.test',
       '+61 4' || lpad(((g * 7919) % 100000000)::text, 8, '0'),
       (ARRAY['Sydney','Melbourne','Brisbane','Perth'])[1 + g % 4],
       (ARRAY['NSW','VIC','QLD','WA'])[1 + g % 4],
       ARRAY[(ARRAY['hydraulic','traction','doors','controllers'])[1 + g % 4]],
       95 + g % 40, 120, g % 5 = 0
FROM generate_series(1, $1) g";

/// `$1` work orders reported between `$2` and `$3` (in order, so numbers follow time), numbered
/// `WO-$4-…`. Old ones are closed; the last two months hold the open board.
const WORK_ORDERS: &str = "
WITH lifts AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(site_id ORDER BY id) AS sites,
                      count(*)::int AS n FROM elevators),
     crews AS (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM contractors),
     author AS (SELECT coalesce((SELECT id FROM accounts WHERE email = $5), gen_random_uuid()) AS id)
INSERT INTO work_orders (elevator_id, site_id, work_order_number, type, priority, status, title,
    description, fault_code, entrapment, reported_at, scheduled_start, due_date,
    assigned_contractor_id, assigned_at, reported_by_name, resolution_notes, parts_cost,
    labor_cost, total_cost, created_by, created_at, updated_at, completed_at, actual_start,
    actual_end)
SELECT lifts.ids[w.lift], lifts.sites[w.lift],
    'WO-' || $4 || '-' || lpad(w.g::text, 6, '0'),
    w.kind, w.priority, w.status,
    initcap(replace(w.kind::text, '_', ' ')) || ': ' ||
      (ARRAY['doors not closing','levelling out','noisy ride','trapped passenger','annual service',
             'brake check','controller fault','car lights out'])[1 + w.g % 8],
    'Reported by the building. ' ||
      (ARRAY['Lift stopped between floors.','Doors reopen repeatedly.','Intermittent fault.',
             'Routine visit as scheduled.'])[1 + w.g % 4],
    CASE WHEN w.kind = 'breakdown' THEN 'E' || (100 + w.g % 400) END,
    w.kind = 'breakdown' AND w.r3 < 0.05,
    w.reported_at,
    CASE WHEN w.status <> 'pending' THEN w.reported_at + interval '4 hours' END,
    w.reported_at + CASE w.priority WHEN 'emergency' THEN interval '4 hours'
        WHEN 'high' THEN interval '1 day' WHEN 'medium' THEN interval '3 days'
        WHEN 'low' THEN interval '10 days' ELSE interval '30 days' END,
    CASE WHEN w.status NOT IN ('pending', 'draft') THEN crews.ids[1 + w.g % crews.n] END,
    CASE WHEN w.status NOT IN ('pending', 'draft') THEN w.reported_at + interval '1 hour' END,
    (ARRAY['Building manager','Concierge','Tenant','Security desk'])[1 + w.g % 4],
    CASE WHEN w.closed THEN 'Fault found and fixed; lift returned to service.' END,
    CASE WHEN w.closed THEN w.parts ELSE 0 END,
    CASE WHEN w.closed THEN w.labour ELSE 0 END,
    CASE WHEN w.closed THEN w.parts + w.labour ELSE 0 END,
    author.id, w.reported_at, least(now(), w.reported_at + interval '2 days'),
    CASE WHEN w.closed THEN least(now(), w.reported_at + w.r3 * interval '10 days') END,
    CASE WHEN w.status IN ('in_progress', 'on_hold') OR w.closed
         THEN w.reported_at + interval '5 hours' END,
    CASE WHEN w.closed THEN least(now(), w.reported_at + w.r3 * interval '10 days') END
FROM (
    SELECT x.*, x.status IN ('completed', 'invoiced') AS closed
    FROM (
        SELECT t.g, t.lift, t.reported_at, t.r3, t.parts, t.labour,
            (ARRAY['breakdown','breakdown','breakdown','breakdown','preventive','preventive',
                   'preventive','inspection','callback','audit'])[1 + (t.g * 7) % 10]::work_order_type AS kind,
            CASE WHEN t.r1 < 0.03 THEN 'emergency' WHEN t.r1 < 0.20 THEN 'high'
                 WHEN t.r1 < 0.70 THEN 'medium' WHEN t.r1 < 0.95 THEN 'low'
                 ELSE 'scheduled' END::work_order_priority AS priority,
            CASE WHEN now() - t.reported_at > interval '60 days' THEN
                     CASE WHEN t.r2 < 0.55 THEN 'invoiced' WHEN t.r2 < 0.91 THEN 'completed'
                          WHEN t.r2 < 0.997 THEN 'cancelled' ELSE 'on_hold' END
                 ELSE
                     CASE WHEN t.r2 < 0.25 THEN 'pending' WHEN t.r2 < 0.45 THEN 'scheduled'
                          WHEN t.r2 < 0.60 THEN 'in_progress' WHEN t.r2 < 0.65 THEN 'on_hold'
                          WHEN t.r2 < 0.95 THEN 'completed' ELSE 'cancelled' END
            END::work_order_status AS status
        FROM (
            SELECT g, 1 + floor(random() * (SELECT n FROM lifts))::int AS lift,
                $2 + ($3 - $2) * ((g - 1 + random()) / $1) AS reported_at,
                random() AS r1, random() AS r2, random() AS r3,
                round((random() * 800)::numeric, 2) AS parts,
                round((90 + random() * 600)::numeric, 2) AS labour
            FROM generate_series(1, $1) g
        ) t
    ) x
) w, lifts, crews, author
WHERE lifts.n > 0";

/// Tasks and comments for the work orders of the last 90 days (the ones people open).
const DETAILS: &str = "
INSERT INTO work_order_tasks (work_order_id, sequence, title, status, completed_at)
SELECT w.id, s, (ARRAY['Isolate and lock out','Inspect and test','Repair or replace',
                       'Return to service'])[s],
       CASE WHEN w.status IN ('completed', 'invoiced') THEN 'completed' ELSE 'pending' END,
       CASE WHEN w.status IN ('completed', 'invoiced') THEN w.completed_at END
FROM work_orders w, generate_series(1, 4) s
WHERE w.reported_at > now() - interval '90 days';
INSERT INTO work_order_comments (work_order_id, author_id, author_name, body, created_at)
SELECT w.id, w.created_by, 'Bench Runner',
       (ARRAY['Attended site; parts on order.','Spoke with the building manager.',
              'Customer confirmed the lift is running.'])[c],
       least(now(), w.reported_at + c * interval '3 hours')
FROM work_orders w, generate_series(1, 3) c
WHERE w.reported_at > now() - interval '90 days';";
