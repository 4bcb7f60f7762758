//! What hangs off a work order: its tasks, the parts and labour it used, and its comments.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_org::{
    contractors, work_order_comments, work_order_labor, work_order_parts, work_order_tasks,
};
use crate::work_orders::costs;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = work_order_tasks)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Task {
    pub id: Uuid,
    pub sequence: i32,
    pub title: String,
    pub status: String,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by_name: Option<String>,
    pub completion_notes: Option<String>,
    /// What doing it must leave behind: "nothing", a "trips" or "hours" reading, a "photo".
    pub requires: String,
    pub reading: Option<i64>,
    /// Photos uploaded for this task.
    #[diesel(select_expression = diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM attachments a WHERE a.task_id = work_order_tasks.id \
          AND a.content_type LIKE 'image/%')"
    ))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<diesel::sql_types::BigInt>)]
    pub photos: i64,
}

impl Task {
    /// Where a problem with this task is reported on the page.
    pub fn error_key(&self) -> String {
        format!("task_{}", self.id)
    }

    /// The meter a reading task asks for.
    pub fn meter(&self) -> Option<crate::maintenance::model::Meter> {
        crate::maintenance::model::Requirement::parse(&self.requires).and_then(|r| r.meter())
    }

    /// What the task still lacks before its work order may be completed, if anything.
    pub fn missing(&self) -> Option<String> {
        match self.requires.as_str() {
            "trips" | "hours" if self.reading.is_none() => Some(format!(
                "the {} reading for “{}”",
                if self.requires == "trips" {
                    "trip-counter"
                } else {
                    "running-hours"
                },
                self.title
            )),
            "photo" if self.photos == 0 => Some(format!("a photo for “{}”", self.title)),
            _ => None,
        }
    }
}

/// Records the reading a task asked for.
pub fn set_task_reading(
    conn: &mut PgConnection,
    task_id: Uuid,
    reading: i64,
) -> QueryResult<usize> {
    diesel::update(work_order_tasks::table.find(task_id))
        .set(work_order_tasks::reading.eq(Some(reading)))
        .execute(conn)
}

pub fn tasks(conn: &mut PgConnection, work_order_id: Uuid) -> QueryResult<Vec<Task>> {
    work_order_tasks::table
        .filter(work_order_tasks::work_order_id.eq(work_order_id))
        .order((work_order_tasks::sequence, work_order_tasks::created_at))
        .select(Task::as_select())
        .load(conn)
}

pub fn add_task(conn: &mut PgConnection, work_order_id: Uuid, title: &str) -> QueryResult<Uuid> {
    let next: i32 = work_order_tasks::table
        .filter(work_order_tasks::work_order_id.eq(work_order_id))
        .select(diesel::dsl::max(work_order_tasks::sequence))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0)
        + 1;
    diesel::insert_into(work_order_tasks::table)
        .values((
            work_order_tasks::work_order_id.eq(work_order_id),
            work_order_tasks::sequence.eq(next),
            work_order_tasks::title.eq(title),
        ))
        .returning(work_order_tasks::id)
        .get_result(conn)
}

pub fn task(conn: &mut PgConnection, work_order_id: Uuid, task_id: Uuid) -> QueryResult<Task> {
    work_order_tasks::table
        .filter(work_order_tasks::work_order_id.eq(work_order_id))
        .filter(work_order_tasks::id.eq(task_id))
        .select(Task::as_select())
        .first(conn)
}

pub fn set_task_status(
    conn: &mut PgConnection,
    task_id: Uuid,
    status: &str,
    by: Option<(Uuid, &str)>,
    notes: Option<&str>,
) -> QueryResult<usize> {
    let done = matches!(status, "completed" | "skipped");
    diesel::update(work_order_tasks::table.find(task_id))
        .set((
            work_order_tasks::status.eq(status),
            work_order_tasks::completed_at.eq(done.then(Utc::now)),
            work_order_tasks::completed_by.eq(by.map(|(id, _)| id)),
            work_order_tasks::completed_by_name.eq(by.map(|(_, name)| name)),
            work_order_tasks::completion_notes.eq(notes),
            work_order_tasks::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
}

/// Swaps a task with its neighbour above (`up`) or below.
pub fn move_task(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    task_id: Uuid,
    up: bool,
) -> QueryResult<()> {
    let all = tasks(conn, work_order_id)?;
    let Some(index) = all.iter().position(|t| t.id == task_id) else {
        return Err(diesel::result::Error::NotFound);
    };
    let other = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1).filter(|i| *i < all.len())
    };
    if let Some(other) = other {
        let (a, b) = (&all[index], &all[other]);
        for (id, sequence) in [(a.id, b.sequence), (b.id, a.sequence)] {
            diesel::update(work_order_tasks::table.find(id))
                .set(work_order_tasks::sequence.eq(sequence))
                .execute(conn)?;
        }
        // Equal sequences (from concurrent adds) would not swap; renumber in order instead.
        if a.sequence == b.sequence {
            let mut ids: Vec<Uuid> = all.iter().map(|t| t.id).collect();
            ids.swap(index, other);
            for (n, id) in ids.iter().enumerate() {
                diesel::update(work_order_tasks::table.find(*id))
                    .set(work_order_tasks::sequence.eq(n as i32 + 1))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = work_order_parts)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct PartUsed {
    pub id: Uuid,
    pub part_number: Option<String>,
    pub part_name: String,
    pub manufacturer: Option<String>,
    pub quantity: i32,
    pub unit_cost: BigDecimal,
    pub total_cost: BigDecimal,
    pub source: String,
}

/// A part used on a work order, as it is recorded.
#[derive(Debug, Clone)]
pub struct PartLine {
    pub part_number: Option<String>,
    pub part_name: String,
    pub manufacturer: Option<String>,
    pub quantity: i32,
    pub unit_cost: BigDecimal,
    /// purchased, inventory or customer_supplied
    pub source: String,
    /// The item and location it was taken from, when it came from stock.
    pub stock: Option<(Uuid, Uuid)>,
}

/// A part line taken off a work order, as it was.
#[derive(Debug, Clone, Queryable)]
pub struct RemovedPart {
    pub id: Uuid,
    pub part_name: String,
    pub quantity: i32,
    pub inventory_item_id: Option<Uuid>,
    pub stock_location_id: Option<Uuid>,
}

pub fn parts(conn: &mut PgConnection, work_order_id: Uuid) -> QueryResult<Vec<PartUsed>> {
    work_order_parts::table
        .filter(work_order_parts::work_order_id.eq(work_order_id))
        .order(work_order_parts::created_at)
        .select(PartUsed::as_select())
        .load(conn)
}

pub fn add_part(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    part: &PartLine,
) -> QueryResult<Uuid> {
    diesel::insert_into(work_order_parts::table)
        .values((
            work_order_parts::work_order_id.eq(work_order_id),
            work_order_parts::part_number.eq(&part.part_number),
            work_order_parts::part_name.eq(&part.part_name),
            work_order_parts::manufacturer.eq(&part.manufacturer),
            work_order_parts::quantity.eq(part.quantity),
            work_order_parts::unit_cost.eq(&part.unit_cost),
            work_order_parts::total_cost.eq(costs::part_cost(&part.unit_cost, part.quantity)),
            work_order_parts::source.eq(&part.source),
            work_order_parts::inventory_item_id.eq(part.stock.map(|(item, _)| item)),
            work_order_parts::stock_location_id.eq(part.stock.map(|(_, location)| location)),
        ))
        .returning(work_order_parts::id)
        .get_result(conn)
}

pub fn remove_part(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    part_id: Uuid,
) -> QueryResult<Option<RemovedPart>> {
    diesel::delete(
        work_order_parts::table
            .filter(work_order_parts::work_order_id.eq(work_order_id))
            .filter(work_order_parts::id.eq(part_id)),
    )
    .returning((
        work_order_parts::id,
        work_order_parts::part_name,
        work_order_parts::quantity,
        work_order_parts::inventory_item_id,
        work_order_parts::stock_location_id,
    ))
    .get_result(conn)
    .optional()
}

#[derive(Debug, Clone, Queryable)]
pub struct LaborEntry {
    pub id: Uuid,
    pub contractor_name: String,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
    pub duration_minutes: i32,
    pub labor_type: String,
    pub hourly_rate: BigDecimal,
    pub multiplier: BigDecimal,
    pub total_cost: BigDecimal,
    pub description: Option<String>,
}

impl LaborEntry {
    /// Paid at more than the plain rate (overtime, emergency).
    pub fn multiplied(&self) -> bool {
        self.multiplier > 1
    }
}

/// A stretch of labour on a work order, as it is recorded (times in UTC).
#[derive(Debug, Clone)]
pub struct LaborLine {
    pub contractor_id: Uuid,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// One of [`costs::LABOR_TYPES`].
    pub labor_type: String,
    pub description: Option<String>,
}

pub fn labor(conn: &mut PgConnection, work_order_id: Uuid) -> QueryResult<Vec<LaborEntry>> {
    work_order_labor::table
        .inner_join(contractors::table)
        .filter(work_order_labor::work_order_id.eq(work_order_id))
        .order(work_order_labor::start_time)
        .select((
            work_order_labor::id,
            contractors::contact_name,
            work_order_labor::start_time,
            work_order_labor::end_time,
            work_order_labor::duration_minutes,
            work_order_labor::labor_type,
            work_order_labor::hourly_rate,
            work_order_labor::multiplier,
            work_order_labor::total_cost,
            work_order_labor::description,
        ))
        .load(conn)
}

/// Records labour at the contractor's rate (with the multiplier for its kind); returns its cost.
pub fn add_labor(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    entry: &LaborLine,
) -> QueryResult<BigDecimal> {
    let (rate, emergency): (Option<BigDecimal>, BigDecimal) = contractors::table
        .find(entry.contractor_id)
        .select((
            contractors::hourly_rate,
            contractors::emergency_rate_multiplier,
        ))
        .first(conn)?;
    let rate = rate.unwrap_or_default();
    let minutes = costs::minutes(entry.start, entry.end);
    let multiplier = costs::multiplier(&entry.labor_type, &emergency);
    let total = costs::labor_cost(&rate, minutes, &multiplier);
    diesel::insert_into(work_order_labor::table)
        .values((
            work_order_labor::work_order_id.eq(work_order_id),
            work_order_labor::contractor_id.eq(entry.contractor_id),
            work_order_labor::start_time.eq(entry.start),
            work_order_labor::end_time.eq(entry.end),
            work_order_labor::duration_minutes.eq(minutes as i32),
            work_order_labor::labor_type.eq(&entry.labor_type),
            work_order_labor::hourly_rate.eq(&rate),
            work_order_labor::multiplier.eq(&multiplier),
            work_order_labor::total_cost.eq(&total),
            work_order_labor::description.eq(&entry.description),
        ))
        .execute(conn)?;
    Ok(total)
}

pub fn remove_labor(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    labor_id: Uuid,
) -> QueryResult<usize> {
    diesel::delete(
        work_order_labor::table
            .filter(work_order_labor::work_order_id.eq(work_order_id))
            .filter(work_order_labor::id.eq(labor_id)),
    )
    .execute(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct Comment {
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub fn comments(conn: &mut PgConnection, work_order_id: Uuid) -> QueryResult<Vec<Comment>> {
    work_order_comments::table
        .filter(work_order_comments::work_order_id.eq(work_order_id))
        .order(work_order_comments::created_at)
        .select((
            work_order_comments::author_name,
            work_order_comments::body,
            work_order_comments::created_at,
        ))
        .load(conn)
}

pub fn add_comment(
    conn: &mut PgConnection,
    work_order_id: Uuid,
    author: (Uuid, &str),
    body: &str,
) -> QueryResult<usize> {
    diesel::insert_into(work_order_comments::table)
        .values((
            work_order_comments::work_order_id.eq(work_order_id),
            work_order_comments::author_id.eq(author.0),
            work_order_comments::author_name.eq(author.1),
            work_order_comments::body.eq(body),
        ))
        .execute(conn)
}
