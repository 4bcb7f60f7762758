//! Job listings: finding, browsing (with what an audience may see), writing and their status.

use std::collections::HashMap;

use bigdecimal::BigDecimal;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::dsl::{count_star, now, sql};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Numeric, Text};
use uuid::Uuid;

use crate::db::schema_public::{job_applications, job_listings, organizations};
use crate::jobs::model::{ApplicationStatus, Audience, EmploymentType, Job, JobStatus};

/// What a job form writes; the organization, author, slug and status are set apart.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = job_listings, treat_none_as_null = true)]
pub struct JobInput {
    pub title: String,
    pub description: String,
    pub employment_type: EmploymentType,
    pub trade: String,
    pub required_experience_years: Option<i32>,
    pub required_certifications: Vec<String>,
    pub required_skills: Vec<String>,
    pub required_manufacturer_experience: Vec<String>,
    pub preferred_certifications: Vec<String>,
    pub preferred_skills: Vec<String>,
    pub location_type: String,
    pub address_city: Option<String>,
    pub address_state: Option<String>,
    pub address_country: String,
    pub salary_min: Option<BigDecimal>,
    pub salary_max: Option<BigDecimal>,
    pub salary_type: Option<String>,
    pub salary_currency: String,
    pub show_salary: bool,
    pub benefits: Vec<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub hours_per_week: Option<i32>,
    pub visibility: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Stores `expired` on every active job past its expiry. Every read of jobs calls this first,
/// so stored and shown status agree without a background worker.
pub fn expire_due(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::update(
        job_listings::table
            .filter(job_listings::status.eq(JobStatus::Active))
            .filter(job_listings::expires_at.le(now)),
    )
    .set((
        job_listings::status.eq(JobStatus::Expired),
        job_listings::updated_at.eq(now),
    ))
    .execute(conn)
}

#[derive(Debug, Clone)]
pub struct OrgName {
    pub name: String,
    pub slug: String,
}

pub fn organization_names(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, OrgName>> {
    let rows: Vec<(Uuid, String, String)> = organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((organizations::id, organizations::name, organizations::slug))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, slug)| (id, OrgName { name, slug }))
        .collect())
}

pub fn find_by_slug(conn: &mut PgConnection, slug: &str) -> QueryResult<Option<Job>> {
    job_listings::table
        .filter(job_listings::slug.eq(slug))
        .select(Job::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Job> {
    job_listings::table
        .find(id)
        .select(Job::as_select())
        .first(conn)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Newest,
    Salary,
}

/// The browse page's filters, already checked.
#[derive(Debug, Clone, Default)]
pub struct BrowseFilter {
    pub text: Option<String>,
    pub trade: Option<String>,
    pub employment_type: Option<EmploymentType>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub location_type: Option<String>,
    pub salary_at_least: Option<BigDecimal>,
    pub salary_type: String,
    pub manufacturer: Option<String>,
    pub posted_within_days: Option<i64>,
    pub sort: Option<Sort>,
}

type JobCondition = Box<dyn BoxableExpression<job_listings::table, Pg, SqlType = Bool>>;

/// Open jobs this audience may see: public ones, platform ones when signed in, internal ones of
/// the organizations whose staff they are.
fn reachable(audience: &Audience) -> JobCondition {
    let mut condition: JobCondition = Box::new(job_listings::visibility.eq("public"));
    if audience.signed_in() {
        condition = Box::new(condition.or(job_listings::visibility.eq("platform")));
    }
    if !audience.staff_of.is_empty() {
        condition = Box::new(
            condition.or(job_listings::visibility
                .eq("internal")
                .and(job_listings::organization_id.eq_any(audience.staff_of.clone()))),
        );
    }
    condition
}

fn browse_query(
    filter: &BrowseFilter,
    audience: &Audience,
) -> job_listings::BoxedQuery<'static, Pg> {
    let mut query = job_listings::table
        .filter(job_listings::status.eq(JobStatus::Active))
        .filter(
            job_listings::expires_at
                .is_null()
                .or(job_listings::expires_at.gt(now)),
        )
        .filter(reachable(audience))
        // A suspended organization's jobs are hidden until it is reinstated. The suspended
        // organizations are read once per statement, so the job indexes keep their plans.
        .filter(sql::<Bool>(
            "organization_id <> ALL (ARRAY(SELECT o.id FROM organizations o \
             WHERE o.suspended_at IS NOT NULL))",
        ))
        .into_boxed();
    if let Some(text) = &filter.text {
        // The stored document the `idx_job_search` index covers.
        query = query.filter(
            sql::<Bool>("search_document @@ websearch_to_tsquery('english', ")
                .bind::<Text, _>(text.clone())
                .sql(")"),
        );
    }
    if let Some(trade) = &filter.trade {
        query = query.filter(job_listings::trade.eq(trade.clone()));
    }
    if let Some(kind) = filter.employment_type {
        query = query.filter(job_listings::employment_type.eq(kind));
    }
    if let Some(state) = &filter.state {
        query = query.filter(job_listings::address_state.eq(state.clone()));
    }
    if let Some(city) = &filter.city {
        query = query.filter(job_listings::address_city.ilike(crate::db::contains_pattern(city)));
    }
    if let Some(location_type) = &filter.location_type {
        query = query.filter(job_listings::location_type.eq(location_type.clone()));
    }
    if let Some(amount) = &filter.salary_at_least {
        // A hidden salary is never used to answer a filter: that would reveal it.
        query = query
            .filter(job_listings::show_salary.eq(true))
            .filter(job_listings::salary_type.eq(filter.salary_type.clone()))
            .filter(
                job_listings::salary_max
                    .ge(amount.clone())
                    .or(job_listings::salary_max
                        .is_null()
                        .and(job_listings::salary_min.ge(amount.clone()))),
            );
    }
    if let Some(manufacturer) = &filter.manufacturer {
        query = query.filter(
            sql::<Bool>("required_manufacturer_experience @> ARRAY[")
                .bind::<Text, _>(manufacturer.clone())
                .sql("]::text[]"),
        );
    }
    if let Some(days) = filter.posted_within_days {
        query = query.filter(job_listings::published_at.ge(Utc::now() - Duration::days(days)));
    }
    query
}

pub fn browse_count(
    conn: &mut PgConnection,
    filter: &BrowseFilter,
    audience: &Audience,
) -> QueryResult<i64> {
    browse_query(filter, audience).count().get_result(conn)
}

pub fn browse(
    conn: &mut PgConnection,
    filter: &BrowseFilter,
    audience: &Audience,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Job>> {
    let query = browse_query(filter, audience);
    let query = match filter.sort.unwrap_or(Sort::Newest) {
        Sort::Newest => query.order((job_listings::published_at.desc(), job_listings::id)),
        Sort::Salary => query
            .order(sql::<Nullable<Numeric>>(
                "CASE WHEN show_salary THEN coalesce(salary_max, salary_min) END DESC NULLS LAST",
            ))
            .then_order_by((job_listings::published_at.desc(), job_listings::id)),
    };
    query
        .offset(offset)
        .limit(limit)
        .select(Job::as_select())
        .load(conn)
}

/// Manufacturers that open jobs ask for, for the filter's choices.
pub fn manufacturers_in_demand(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT DISTINCT unnest(required_manufacturer_experience) AS name FROM job_listings \
         WHERE status = 'active' AND visibility = 'public' ORDER BY 1 LIMIT 50",
    )
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.name).collect())
}

/// A slug from the title, made unique with `-2`, `-3`, … when taken.
pub fn unique_slug(conn: &mut PgConnection, title: &str) -> QueryResult<String> {
    let mut base: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-");
    base.truncate(80);
    let base = base.trim_end_matches('-').to_string();
    let base = if base.is_empty() {
        "job".to_string()
    } else {
        base
    };
    let taken: Vec<String> = job_listings::table
        .filter(
            job_listings::slug
                .eq(&base)
                .or(job_listings::slug.like(format!("{base}-%"))),
        )
        .select(job_listings::slug)
        .load(conn)?;
    if !taken.contains(&base) {
        return Ok(base);
    }
    let next = (2..)
        .find(|n| !taken.contains(&format!("{base}-{n}")))
        .unwrap_or(2);
    Ok(format!("{base}-{next}"))
}

pub fn insert(
    conn: &mut PgConnection,
    input: &JobInput,
    organization_id: Uuid,
    posted_by: Uuid,
    publish: bool,
) -> QueryResult<Job> {
    let slug = unique_slug(conn, &input.title)?;
    let (status, published_at) = if publish {
        (JobStatus::Active, Some(Utc::now()))
    } else {
        (JobStatus::Draft, None)
    };
    diesel::insert_into(job_listings::table)
        .values((
            input,
            job_listings::organization_id.eq(organization_id),
            job_listings::posted_by.eq(posted_by),
            job_listings::slug.eq(slug),
            job_listings::status.eq(status),
            job_listings::published_at.eq(published_at),
        ))
        .returning(Job::as_returning())
        .get_result(conn)
}

pub fn update(conn: &mut PgConnection, id: Uuid, input: &JobInput) -> QueryResult<Job> {
    diesel::update(job_listings::table.find(id))
        .set((input, job_listings::updated_at.eq(now)))
        .returning(Job::as_returning())
        .get_result(conn)
}

/// Moves a job; the first publication stamps `published_at`.
pub fn set_status(conn: &mut PgConnection, job: &Job, status: JobStatus) -> QueryResult<usize> {
    let published_at = match (status, job.published_at) {
        (JobStatus::Active, None) => Some(Utc::now()),
        (_, existing) => existing,
    };
    diesel::update(job_listings::table.find(job.id))
        .set((
            job_listings::status.eq(status),
            job_listings::published_at.eq(published_at),
            job_listings::updated_at.eq(now),
        ))
        .execute(conn)
}

/// The jobs of organizations the account hires for, newest first.
pub fn employer_jobs_count(conn: &mut PgConnection, organization_ids: &[Uuid]) -> QueryResult<i64> {
    job_listings::table
        .filter(job_listings::organization_id.eq_any(organization_ids))
        .count()
        .get_result(conn)
}

pub fn employer_jobs(
    conn: &mut PgConnection,
    organization_ids: &[Uuid],
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Job>> {
    job_listings::table
        .filter(job_listings::organization_id.eq_any(organization_ids))
        .order((job_listings::created_at.desc(), job_listings::id))
        .offset(offset)
        .limit(limit)
        .select(Job::as_select())
        .load(conn)
}

/// Applications per job and status for these jobs, in one grouped query.
pub fn counts_by_status(
    conn: &mut PgConnection,
    job_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, HashMap<ApplicationStatus, i64>>> {
    let rows: Vec<(Uuid, ApplicationStatus, i64)> = job_applications::table
        .filter(job_applications::job_listing_id.eq_any(job_ids))
        .group_by((job_applications::job_listing_id, job_applications::status))
        .select((
            job_applications::job_listing_id,
            job_applications::status,
            count_star(),
        ))
        .load(conn)?;
    let mut counts: HashMap<Uuid, HashMap<ApplicationStatus, i64>> = HashMap::new();
    for (job, status, n) in rows {
        counts.entry(job).or_default().insert(status, n);
    }
    Ok(counts)
}
