//! `/o/{slug}/schedule`: the dispatch calendar, booking from it (a drag or a card's form), one
//! work order's booking form, and each person's calendar feed.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use chrono::Utc;
use chrono_tz::Tz;
use diesel::PgConnection;
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{CalendarQuery, ScheduleForm};
use super::grid::View;
use super::ical;
use super::operations::{self, FeedScope};
use super::queries;
use super::views::{BookPage, Calendar, CalendarPage, FeedRow, FeedsPage, Notice};
use crate::auth::roles::Permission;
use crate::contractors::queries as contractors;
use crate::orgs::{self, queries as registry, OrgCtx, OrgScope};
use crate::sites::queries as sites;
use crate::web::forms::FieldErrors;
use crate::web::{local_time, render, render_status, see_other, AppError, Htmx};
use crate::work_orders::operations::schedule::{schedule, ScheduleError, Scheduled};
use crate::work_orders::operations::Acting;
use crate::work_orders::queries as wo;
use crate::work_orders::views::Filters;
use crate::AppState;

/// Everyone who can be booked: the active contractors (kept with the filter choices).
fn people(conn: &mut PgConnection, ctx: &OrgCtx) -> Result<Vec<(Uuid, String)>, AppError> {
    Ok(ctx
        .choices
        .get("contractors", || contractors::options(conn))?
        .into_iter()
        .map(|(id, name, _)| (id, name))
        .collect())
}

/// The calendar's zone: the chosen site's, else the organization's.
fn calendar_zone(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    query: &CalendarQuery,
) -> Result<Tz, AppError> {
    if let Some(site) = query.site_id() {
        match sites::find(conn, site) {
            Ok(site) => return Ok(local_time::zone(&site.timezone)),
            Err(diesel::result::Error::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(crate::orgs::settings::default_zone(
        conn,
        &ctx.choices,
        ctx.org.id,
    )?)
}

/// The calendar for `query`: one statement for every booking and waiting work order (people
/// and the zone come from the organization's kept choices).
fn load(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    query: &CalendarQuery,
    csrf: String,
    notice: Option<Notice>,
) -> Result<Calendar, AppError> {
    let zone = calendar_zone(conn, ctx, query)?;
    let everyone = people(conn, ctx)?;
    let now = Utc::now();
    let (period, grid) = operations::calendar(conn, &zone, &everyone, query, now)?;
    // Visits the maintenance schedules will raise, shown faint before they are work orders.
    let planned = match (period.view, period.days.first(), period.days.last()) {
        (View::Week, Some(first), Some(last)) => {
            let visits =
                crate::maintenance::forecast::planned(conn, *first, *last, query.site_id())?;
            period
                .days
                .iter()
                .map(|day| {
                    visits
                        .iter()
                        .filter(|v| v.due_on == *day)
                        .cloned()
                        .collect()
                })
                .collect()
        }
        _ => Vec::new(),
    };
    Ok(Calendar {
        planned,
        slug: ctx.org.slug.clone(),
        query: query.clone(),
        zone: zone.name().to_string(),
        zone_abbreviation: local_time::abbreviation(&now, &zone),
        period,
        grid,
        people: everyone,
        can_book: ctx.role.can(Permission::ManageWorkOrders),
        csrf,
        notice,
    })
}

pub async fn calendar(
    scope: OrgScope,
    htmx: Htmx,
    query: web::Query<CalendarQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let fragment = htmx.is_fragment();
    let csrf = scope.viewer.csrf_token();
    let (calendar, filters) = {
        let query = query.clone();
        scope
            .read(move |conn, ctx| {
                let calendar = load(conn, ctx, &query, csrf.clone(), None)?;
                let filters = if fragment {
                    None
                } else {
                    Some(Filters::load(conn, &ctx.choices, &query.site)?)
                };
                Ok((calendar, filters))
            })
            .await?
    };
    if fragment {
        return render(&calendar);
    }
    render(&CalendarPage {
        layout: scope.layout("Schedule", "schedule"),
        slug: scope.slug().to_string(),
        filters: filters.unwrap_or_default(),
        query,
        calendar,
        can_manage_feeds: scope.can(Permission::ManageWorkOrders),
    })
}

/// The calendar query a form came back with, cleaned (it is printed into links).
fn back_query(back: &str) -> CalendarQuery {
    serde_urlencoded::from_str(back).unwrap_or_default()
}

fn parse_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

#[derive(Deserialize)]
pub struct BookQuery {
    #[serde(default)]
    back: String,
}

/// One work order's booking form, in its site's zone, filled with its booking so far.
pub async fn book_form(
    scope: OrgScope,
    path: web::Path<(String, String)>,
    query: web::Query<BookQuery>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path.1)?;
    let back = back_query(&query.back).query_string();
    let page = book_page(
        &scope,
        id,
        None,
        FieldErrors::default(),
        None,
        Vec::new(),
        back,
    )
    .await?;
    render(&page)
}

/// The booking form for work order `id`: `typed` as the person typed it, else the booking so
/// far in the site's zone.
async fn book_page(
    scope: &OrgScope,
    id: Uuid,
    typed: Option<ScheduleForm>,
    errors: FieldErrors,
    problem: Option<String>,
    clashes: Vec<queries::Clash>,
    back: String,
) -> Result<BookPage, AppError> {
    let (order, site, people) = scope
        .run(Permission::ManageWorkOrders, move |conn, ctx| {
            let order = wo::find(conn, id)?;
            let site = sites::find(conn, order.site_id)?;
            Ok((order, site, people(conn, ctx)?))
        })
        .await?;
    let zone = local_time::zone(&site.timezone);
    let mut form = typed.unwrap_or_else(|| ScheduleForm {
        assignee: order
            .assigned_contractor_id
            .map(|c| c.to_string())
            .unwrap_or_default(),
        date: order
            .scheduled_start
            .map(|s| local_time::day(&s, &zone).to_string())
            .unwrap_or_default(),
        time: order
            .scheduled_start
            .map(|s| local_time::time(&s, &zone))
            .unwrap_or_default(),
        minutes: order
            .scheduled_start
            .zip(order.scheduled_end)
            .map(|(s, e)| (e - s).num_minutes().to_string())
            .unwrap_or_default(),
        zone: zone.name().to_string(),
        back,
        ..ScheduleForm::default()
    });
    if problem.is_some() || form.version.is_empty() {
        // Shown as it is now: a second try starts from this version.
        form.version = order.version.to_string();
    }
    let form_zone = form.zone().unwrap_or(zone);
    Ok(BookPage {
        layout: scope.layout(format!("Schedule {}", order.work_order_number), "schedule"),
        slug: scope.slug().to_string(),
        zone_abbreviation: local_time::abbreviation(
            &order.scheduled_start.unwrap_or_else(Utc::now),
            &form_zone,
        ),
        site_name: site.name,
        order,
        people,
        form,
        errors,
        problem,
        clashes,
    })
}

/// How a booking went, before it is answered.
enum Outcome {
    Booked(Scheduled, String),
    Clash(String, Vec<queries::Clash>),
}

/// Books a work order: from a card's form (answered with the calendar, or the booking form
/// again when refused) or a drag (htmx: answered with the calendar and what happened).
pub async fn book(
    scope: OrgScope,
    htmx: Htmx,
    path: web::Path<(String, String)>,
    form: web::Form<ScheduleForm>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path.1)?;
    let mut form = form.into_inner();
    form.back = back_query(&form.back).query_string();
    let seen: i32 = form.version.trim().parse().map_err(|_| {
        AppError::BadRequest(
            "The form is missing the work order's version; reload the page.".into(),
        )
    })?;
    let outcome = match form.slot() {
        Err(errors) => Err(AppError::Rejected(errors)),
        Ok(slot) => {
            scope
                .run(
                    Permission::ManageWorkOrders,
                    move |conn, ctx| match schedule(conn, &Acting::member(ctx), id, seen, &slot) {
                        Ok(done) => {
                            let who = slot
                                .assignee
                                .map(|a| contractors::find(conn, a))
                                .transpose()?
                                .map(|c| c.contact_name)
                                .unwrap_or_default();
                            Ok(Outcome::Booked(done, who))
                        }
                        Err(ScheduleError::Clash { person, clashes }) => Ok(Outcome::Clash(
                            format!("{person} is already booked at that time."),
                            clashes,
                        )),
                        Err(ScheduleError::WorkOrder(e)) => Err(e.into()),
                    },
                )
                .await
        }
    };
    if htmx.is_fragment() {
        return answer_drag(&scope, id, form, outcome).await;
    }
    match outcome {
        Ok(Outcome::Booked(done, who)) => {
            let zone = form.zone().unwrap_or(local_time::FALLBACK);
            scope
                .viewer
                .flash("success", booked_message(&done, &who, &zone));
            Ok(see_other(format!(
                "/o/{}/schedule?{}",
                scope.slug(),
                form.back
            )))
        }
        Ok(Outcome::Clash(message, clashes)) => {
            let back = form.back.clone();
            let page = book_page(
                &scope,
                id,
                Some(form),
                FieldErrors::default(),
                None,
                clashes,
                back,
            )
            .await?;
            let mut page = page;
            page.problem = Some(message);
            render_status(StatusCode::CONFLICT, &page)
        }
        Err(AppError::Rejected(errors)) => {
            let back = form.back.clone();
            let page = book_page(&scope, id, Some(form), errors, None, Vec::new(), back).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppError::Conflict(message)) => {
            let back = form.back.clone();
            let page = book_page(
                &scope,
                id,
                Some(form),
                FieldErrors::default(),
                Some(message),
                Vec::new(),
                back,
            )
            .await?;
            render_status(StatusCode::CONFLICT, &page)
        }
        Err(other) => Err(other),
    }
}

fn booked_message(done: &Scheduled, who: &str, zone: &Tz) -> String {
    let mut message = format!(
        "{} booked for {who}, {}.",
        done.work_order_number,
        local_time::date_time(&done.start, zone)
    );
    if !done.clashes.is_empty() {
        message.push_str(" It overlaps another booking of theirs.");
    }
    message
}

/// The answer to a drag: the calendar again, with what happened above it.
async fn answer_drag(
    scope: &OrgScope,
    id: Uuid,
    form: ScheduleForm,
    outcome: Result<Outcome, AppError>,
) -> Result<HttpResponse, AppError> {
    let zone = form.zone().unwrap_or(local_time::FALLBACK);
    let (status, notice) = match outcome {
        Ok(Outcome::Booked(done, who)) => (
            StatusCode::OK,
            Notice::Done(booked_message(&done, &who, &zone)),
        ),
        Ok(Outcome::Clash(message, clashes)) => (
            StatusCode::CONFLICT,
            Notice::Clash {
                work_order_id: id,
                message,
                clashes,
                form: Box::new(form.clone()),
            },
        ),
        Err(AppError::Rejected(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Notice::Refused(errors.summary()),
        ),
        Err(AppError::Conflict(message)) => (StatusCode::CONFLICT, Notice::Refused(message)),
        Err(other) => return Err(other),
    };
    let query = back_query(&form.back);
    let csrf = scope.viewer.csrf_token();
    let calendar = scope
        .run(Permission::View, move |conn, ctx| {
            load(conn, ctx, &query, csrf, Some(notice))
        })
        .await?;
    render_status(status, &calendar)
}

/// The people whose feeds the viewer may see, with when each address was made.
fn feed_rows(conn: &mut PgConnection, ctx: &OrgCtx) -> Result<Vec<FeedRow>, AppError> {
    let scope = operations::feed_scope(conn, ctx.role, ctx.actor.account_id)?;
    let zone = crate::orgs::settings::default_zone(conn, &ctx.choices, ctx.org.id)?;
    let made: std::collections::HashMap<Uuid, chrono::DateTime<Utc>> =
        queries::feeds_made(conn)?.into_iter().collect();
    let mut people = people(conn, ctx)?;
    if let FeedScope::Own(own) = scope {
        if !people.iter().any(|(id, _)| *id == own) {
            people.push((own, contractors::find(conn, own)?.contact_name));
        }
    }
    Ok(people
        .into_iter()
        .filter(|(id, _)| scope.covers(*id))
        .map(|(id, name)| FeedRow {
            person_id: id,
            name,
            made: made.get(&id).map(|at| local_time::date_time(at, &zone)),
        })
        .collect())
}

pub async fn feeds(scope: OrgScope) -> Result<HttpResponse, AppError> {
    let rows = scope.read(feed_rows).await?;
    render(&FeedsPage {
        layout: scope.layout("Calendar feeds", "schedule"),
        slug: scope.slug().to_string(),
        rows,
        csrf: scope.viewer.csrf_token(),
        made: None,
    })
}

/// Makes a new feed address for a person and shows it, once.
pub async fn renew_feed(
    scope: OrgScope,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let person = parse_id(&path.1)?;
    let (name, token, rows) = scope
        .read(move |conn, ctx| {
            let (contractor, token) = operations::renew_feed(conn, &ctx.actor, ctx.role, person)?;
            Ok((contractor.contact_name, token, feed_rows(conn, ctx)?))
        })
        .await?;
    let url = format!(
        "{}/o/{}/schedule/{person}.ics?token={token}",
        state.config.link_base(),
        scope.slug()
    );
    render(&FeedsPage {
        layout: scope.layout("Calendar feeds", "schedule"),
        slug: scope.slug().to_string(),
        rows,
        csrf: scope.viewer.csrf_token(),
        made: Some((name, url)),
    })
}

#[derive(Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    token: String,
}

/// `/o/{slug}/schedule/{contractor_id}.ics?token=…`: a person's bookings for their phone's
/// calendar. No session: the secret in the address is the key; anything wrong is not found.
pub async fn feed(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, file) = path.into_inner();
    let person = file
        .strip_suffix(".ics")
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or(AppError::NotFound)?;
    if orgs::naming::Slug::parse(&slug).is_err() {
        return Err(AppError::NotFound);
    }
    let token = query.into_inner().token;
    let base = state.config.link_base();
    let (name, events) = state
        .db
        .run_pooled(move |conn| {
            let org = registry::find_by_slug(conn, &slug)?
                .filter(|org| org.suspended_at.is_none())
                .ok_or(AppError::NotFound)?;
            orgs::enter(conn, &org.handle(), |conn| {
                operations::read_feed(conn, person, token.trim())
            })
            .map(|(contractor, events)| {
                (
                    format!("{} · {}", contractor.contact_name, org.name),
                    (events, org.slug),
                )
            })
        })
        .await?;
    let (events, slug) = events;
    let host = base
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("sitesync")
        .to_string();
    let body = ical::feed(
        &name,
        &host,
        &events,
        |event| format!("{base}/o/{slug}/work-orders/{}", event.id),
        Utc::now(),
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "inline; filename=\"schedule.ics\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}
