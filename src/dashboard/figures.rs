//! The dashboard's aggregates over the whole history (tiles, reliability, the trend charts),
//! kept in the organization's `dashboard_figures` row rather than aggregated per view: at a
//! million work orders they take seconds to count, and a manager opens the page many times a
//! day. The page shows when they were counted ("as of").
//!
//! A view finds them fresh (younger than [`FRESH_FOR`]) and shows them; finds them older and
//! shows them while the background worker counts again ([`RefreshFigures`]); or, when there
//! are none or they are older than [`RECOUNT_AFTER`] (nobody looked for a long while), counts
//! them itself, once, and keeps them.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Jsonb, Timestamptz};
use serde::{Deserialize, Serialize};

use super::queries::{self, LiftFigures, Point, Reliability, RequestFigures, WorkOrderFigures};
use crate::background::{enqueue, Job, JobContext, JobError, Kind, NewJob};
use crate::maintenance::compliance::{self, Compliance, Month};

pub const FRESH_FOR: Duration = Duration::minutes(5);
pub const RECOUNT_AFTER: Duration = Duration::hours(1);

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Figures {
    pub requests: RequestFigures,
    pub lifts: LiftFigures,
    pub work_orders: WorkOrderFigures,
    /// Every item "needs attention" would list, of which the page shows the oldest.
    pub attention_total: i64,
    pub weekly: Vec<Point>,
    pub repair_time: Vec<Point>,
    pub manufacturers: Vec<Point>,
    pub reliability: Reliability,
    /// Planned maintenance done on time, and month by month for the chart.
    pub maintenance: Compliance,
    pub maintenance_months: Vec<Month>,
}

/// Figures and when they were counted.
#[derive(Debug, Clone)]
pub struct Kept {
    pub figures: Figures,
    pub counted_at: DateTime<Utc>,
}

/// Counts every figure, in the organization's time zone `tz`.
pub fn count(conn: &mut PgConnection, now: DateTime<Utc>, tz: &str) -> QueryResult<Figures> {
    Ok(Figures {
        requests: queries::request_figures(conn)?,
        lifts: queries::lift_figures(conn, now)?,
        work_orders: queries::work_order_figures(conn, now)?,
        attention_total: queries::attention_total(conn, now)?,
        weekly: queries::weekly_work_orders(conn, now, tz)?,
        repair_time: queries::monthly_repair_time(conn, now, tz)?,
        manufacturers: queries::breakdowns_by_manufacturer(conn, now)?,
        reliability: queries::reliability(conn, queries::Scope::default(), now)?,
        maintenance: compliance::figures(conn, compliance::Of::Organization)?,
        maintenance_months: compliance::monthly(
            conn,
            crate::web::local_time::day(&now, &crate::web::local_time::zone(tz)),
            12,
        )?,
    })
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Jsonb)]
    figures: serde_json::Value,
    #[diesel(sql_type = Timestamptz)]
    counted_at: DateTime<Utc>,
}

/// The kept figures; `None` when there are none or they no longer read as [`Figures`] (a
/// release changed their shape), so they are counted again.
pub fn kept(conn: &mut PgConnection) -> QueryResult<Option<Kept>> {
    let row: Option<Row> =
        diesel::sql_query("SELECT figures, counted_at FROM dashboard_figures WHERE id")
            .get_result(conn)
            .optional()?;
    Ok(row.and_then(|row| {
        serde_json::from_value(row.figures)
            .ok()
            .map(|figures| Kept {
                figures,
                counted_at: row.counted_at,
            })
    }))
}

/// Counts the figures and keeps them; an older count never replaces a newer one.
pub fn recount(conn: &mut PgConnection, now: DateTime<Utc>, tz: &str) -> QueryResult<Kept> {
    // Counting a large history may take longer than a request's statement is allowed to.
    crate::db::migrations::without_statement_timeout(conn)?;
    let figures = count(conn, now, tz)?;
    let json = serde_json::to_value(&figures)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    diesel::sql_query(
        "INSERT INTO dashboard_figures (id, figures, counted_at) VALUES (true, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET figures = excluded.figures, counted_at = excluded.counted_at \
         WHERE dashboard_figures.counted_at < excluded.counted_at",
    )
    .bind::<Jsonb, _>(json)
    .bind::<Timestamptz, _>(now)
    .execute(conn)?;
    Ok(Kept {
        figures,
        counted_at: now,
    })
}

/// The figures a view shows now (see the module notes for when they are counted).
pub fn for_view(
    conn: &mut PgConnection,
    organization_id: uuid::Uuid,
    now: DateTime<Utc>,
    tz: &str,
) -> QueryResult<Kept> {
    match kept(conn)? {
        Some(kept) if now - kept.counted_at < FRESH_FOR => Ok(kept),
        Some(kept) if now - kept.counted_at < RECOUNT_AFTER => {
            RefreshFigures::enqueue(conn, organization_id, now)?;
            Ok(kept)
        }
        _ => recount(conn, now, tz),
    }
}

/// Counts an organization's dashboard figures again, in the background.
pub struct RefreshFigures;

impl RefreshFigures {
    pub const NAME: &'static str = "dashboard_figures";

    /// Once per organization per [`FRESH_FOR`] window, however many views ask.
    fn enqueue(
        conn: &mut PgConnection,
        organization_id: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> QueryResult<bool> {
        let window = now.timestamp() / FRESH_FOR.num_seconds();
        enqueue(
            conn,
            &NewJob {
                kind: Self::NAME,
                organization_id: Some(organization_id),
                payload: serde_json::json!({}),
                unique_key: Some(window.to_string()),
                run_at: now,
                max_attempts: 2,
            },
        )
    }
}

impl Kind for RefreshFigures {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn perform(
        &self,
        conn: &mut PgConnection,
        job: &Job,
        _ctx: &JobContext,
    ) -> Result<(), JobError> {
        let organization_id = job
            .organization_id
            .ok_or_else(|| JobError::Failed("dashboard figures without organization".into()))?;
        let tz = queries::time_zone(conn, organization_id)?;
        recount(conn, Utc::now(), &tz)?;
        Ok(())
    }
}
