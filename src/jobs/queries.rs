//! All of the job board's Diesel: listings, applications and their events.

use std::collections::HashMap;

use bigdecimal::BigDecimal;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::dsl::{count_star, now, sql};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Numeric, Text};
use uuid::Uuid;

use super::model::{
    ApplicantView, ApplicationStatus, Audience, EmployerView, EmploymentType, Job, JobStatus,
};
use crate::db::schema_public::{
    accounts, job_application_events, job_applications, job_listings, organizations,
};

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
/// their own organizations.
fn reachable(audience: &Audience) -> JobCondition {
    let mut condition: JobCondition = Box::new(job_listings::visibility.eq("public"));
    if audience.signed_in() {
        condition = Box::new(condition.or(job_listings::visibility.eq("platform")));
    }
    if !audience.member_of.is_empty() {
        condition = Box::new(
            condition.or(job_listings::visibility
                .eq("internal")
                .and(job_listings::organization_id.eq_any(audience.member_of.clone()))),
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

// Applications

pub struct NewApplication<'a> {
    pub id: Uuid,
    pub job: &'a Job,
    pub applicant_id: Uuid,
    pub cover_letter: &'a str,
    pub resume: Option<(&'a str, &'a str, i32)>,
    pub match_score: i32,
    pub match_details: serde_json::Value,
}

/// The application of this account to this job, if any.
pub fn existing_application(
    conn: &mut PgConnection,
    job_id: Uuid,
    applicant_id: Uuid,
) -> QueryResult<Option<Uuid>> {
    job_applications::table
        .filter(job_applications::job_listing_id.eq(job_id))
        .filter(job_applications::applicant_id.eq(applicant_id))
        .select(job_applications::id)
        .first(conn)
        .optional()
}

/// Inserts the application, its first event and the job's counter; `None` when this account
/// already applied (the unique key decides, so two submissions at once still make one).
pub fn insert_application(
    conn: &mut PgConnection,
    new: &NewApplication,
) -> QueryResult<Option<Uuid>> {
    let (key, name, size) = match new.resume {
        Some((key, name, size)) => (Some(key), Some(name), Some(size)),
        None => (None, None, None),
    };
    let inserted = diesel::insert_into(job_applications::table)
        .values((
            job_applications::id.eq(new.id),
            job_applications::job_listing_id.eq(new.job.id),
            job_applications::applicant_id.eq(new.applicant_id),
            job_applications::cover_letter.eq(new.cover_letter),
            job_applications::use_profile.eq(key.is_none()),
            job_applications::resume_file_key.eq(key),
            job_applications::resume_file_name.eq(name),
            job_applications::resume_size.eq(size),
            job_applications::match_score.eq(new.match_score),
            job_applications::match_details.eq(&new.match_details),
            job_applications::status_changed_by.eq(new.applicant_id),
        ))
        .on_conflict((
            job_applications::job_listing_id,
            job_applications::applicant_id,
        ))
        .do_nothing()
        .execute(conn)?;
    if inserted == 0 {
        return Ok(None);
    }
    record_event(
        conn,
        new.id,
        None,
        ApplicationStatus::Submitted,
        new.applicant_id,
    )?;
    diesel::update(job_listings::table.find(new.job.id))
        .set(job_listings::application_count.eq(job_listings::application_count + 1))
        .execute(conn)?;
    Ok(Some(new.id))
}

fn record_event(
    conn: &mut PgConnection,
    application_id: Uuid,
    from: Option<ApplicationStatus>,
    to: ApplicationStatus,
    by: Uuid,
) -> QueryResult<usize> {
    diesel::insert_into(job_application_events::table)
        .values((
            job_application_events::application_id.eq(application_id),
            job_application_events::from_status.eq(from),
            job_application_events::to_status.eq(to),
            job_application_events::changed_by.eq(by),
        ))
        .execute(conn)
}

/// Moves an application and records who did it; `false` when it already was there.
pub fn move_application(
    conn: &mut PgConnection,
    application_id: Uuid,
    from: ApplicationStatus,
    to: ApplicationStatus,
    by: Uuid,
) -> QueryResult<bool> {
    if from == to {
        return Ok(false);
    }
    let moved = diesel::update(
        job_applications::table
            .find(application_id)
            .filter(job_applications::status.eq(from)),
    )
    .set((
        job_applications::status.eq(to),
        job_applications::status_changed_at.eq(now),
        job_applications::status_changed_by.eq(by),
        job_applications::updated_at.eq(now),
    ))
    .execute(conn)?;
    if moved == 0 {
        return Ok(false);
    }
    record_event(conn, application_id, Some(from), to, by)?;
    Ok(true)
}

/// One of the applicant's own applications, with its job.
pub fn own_application(
    conn: &mut PgConnection,
    applicant_id: Uuid,
    application_id: Uuid,
) -> QueryResult<(ApplicantView, Job)> {
    job_applications::table
        .inner_join(job_listings::table)
        .filter(job_applications::id.eq(application_id))
        .filter(job_applications::applicant_id.eq(applicant_id))
        .select((ApplicantView::as_select(), Job::as_select()))
        .first(conn)
}

pub fn own_applications_count(conn: &mut PgConnection, applicant_id: Uuid) -> QueryResult<i64> {
    job_applications::table
        .filter(job_applications::applicant_id.eq(applicant_id))
        .count()
        .get_result(conn)
}

pub fn own_applications(
    conn: &mut PgConnection,
    applicant_id: Uuid,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(ApplicantView, Job)>> {
    job_applications::table
        .inner_join(job_listings::table)
        .filter(job_applications::applicant_id.eq(applicant_id))
        .order((job_applications::created_at.desc(), job_applications::id))
        .offset(offset)
        .limit(limit)
        .select((ApplicantView::as_select(), Job::as_select()))
        .load(conn)
}

/// A status change as the applicant's timeline shows it (when, not who).
#[derive(Debug, Clone, Queryable)]
pub struct StatusEvent {
    pub to_status: ApplicationStatus,
    pub changed_at: DateTime<Utc>,
    pub changed_by_name: String,
}

pub fn events(conn: &mut PgConnection, application_id: Uuid) -> QueryResult<Vec<StatusEvent>> {
    job_application_events::table
        .inner_join(accounts::table)
        .filter(job_application_events::application_id.eq(application_id))
        .order(job_application_events::changed_at)
        .select((
            job_application_events::to_status,
            job_application_events::changed_at,
            accounts::display_name,
        ))
        .load(conn)
}

/// An application of the job, with its applicant's name, for the employer.
pub fn employer_application(
    conn: &mut PgConnection,
    job_id: Uuid,
    application_id: Uuid,
) -> QueryResult<(EmployerView, String, String)> {
    job_applications::table
        .inner_join(accounts::table.on(accounts::id.eq(job_applications::applicant_id)))
        .filter(job_applications::id.eq(application_id))
        .filter(job_applications::job_listing_id.eq(job_id))
        .select((
            EmployerView::as_select(),
            accounts::display_name,
            accounts::email,
        ))
        .first(conn)
}

pub fn employer_applications(
    conn: &mut PgConnection,
    job_id: Uuid,
) -> QueryResult<Vec<(EmployerView, String, String)>> {
    job_applications::table
        .inner_join(accounts::table.on(accounts::id.eq(job_applications::applicant_id)))
        .filter(job_applications::job_listing_id.eq(job_id))
        .order((
            job_applications::match_score.desc(),
            job_applications::created_at,
        ))
        .limit(500)
        .select((
            EmployerView::as_select(),
            accounts::display_name,
            accounts::email,
        ))
        .load(conn)
}

pub fn save_assessment(
    conn: &mut PgConnection,
    application_id: Uuid,
    notes: &str,
    rating: Option<i32>,
) -> QueryResult<usize> {
    diesel::update(job_applications::table.find(application_id))
        .set((
            job_applications::employer_notes.eq(notes),
            job_applications::employer_rating.eq(rating),
            job_applications::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn save_interview(
    conn: &mut PgConnection,
    application_id: Uuid,
    at: DateTime<Utc>,
    place: &str,
) -> QueryResult<usize> {
    diesel::update(job_applications::table.find(application_id))
        .set((
            job_applications::interview_scheduled_at.eq(at),
            job_applications::interview_location.eq(place),
            job_applications::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn save_offer(
    conn: &mut PgConnection,
    application_id: Uuid,
    details: &str,
) -> QueryResult<usize> {
    diesel::update(job_applications::table.find(application_id))
        .set((
            job_applications::offer_details.eq(details),
            job_applications::offer_made_at.eq(now),
            job_applications::updated_at.eq(now),
        ))
        .execute(conn)
}

/// The résumé of an application: (job's organization, applicant, file key, file name).
pub fn resume(
    conn: &mut PgConnection,
    application_id: Uuid,
) -> QueryResult<(Uuid, Uuid, Option<String>, Option<String>)> {
    job_applications::table
        .inner_join(job_listings::table)
        .filter(job_applications::id.eq(application_id))
        .select((
            job_listings::organization_id,
            job_applications::applicant_id,
            job_applications::resume_file_key,
            job_applications::resume_file_name,
        ))
        .first(conn)
}

/// Accounts of an organization who run its hiring, to tell them about new applications.
pub fn hiring_members(conn: &mut PgConnection, organization_id: Uuid) -> QueryResult<Vec<Uuid>> {
    use crate::db::schema_public::memberships;
    let roles: Vec<&str> = crate::auth::roles::Role::ALL
        .iter()
        .filter(|r| **r >= super::model::HIRING_ROLE)
        .map(|r| r.as_str())
        .collect();
    memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::role.eq_any(roles))
        .select(memberships::account_id)
        .load(conn)
}
