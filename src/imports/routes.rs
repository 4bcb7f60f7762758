//! `/o/{slug}/imports/{kind}`: upload a CSV file, see what each row would do, then confirm.
//! Nothing is written to sites or lifts until the confirmation, and then all rows go in one
//! transaction — or none, if any row has an error.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use super::{Column, Planned, Table, MAX_BYTES, MAX_ROWS};
use crate::auth::roles::Permission;
use crate::db::schema_org::csv_imports;
use crate::elevators::csv as elevator_csv;
use crate::inventory::csv as item_csv;
use crate::orgs::context::OrgCtx;
use crate::orgs::OrgScope;
use crate::sites::csv as site_csv;
use crate::web::uploads::read_file;
use crate::web::{csv_response, render, render_status, AppError, Layout};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sites,
    Elevators,
    Items,
}

impl Kind {
    fn parse(raw: &str) -> Result<Kind, AppError> {
        match raw {
            "sites" => Ok(Kind::Sites),
            "elevators" => Ok(Kind::Elevators),
            "items" => Ok(Kind::Items),
            _ => Err(AppError::NotFound),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Sites => "sites",
            Kind::Elevators => "elevators",
            Kind::Items => "items",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kind::Sites => "sites",
            Kind::Elevators => "lifts",
            Kind::Items => "catalogue items",
        }
    }

    fn columns(self) -> &'static [Column] {
        match self {
            Kind::Sites => site_csv::COLUMNS,
            Kind::Elevators => elevator_csv::COLUMNS,
            Kind::Items => item_csv::COLUMNS,
        }
    }

    fn section(self) -> &'static str {
        match self {
            Kind::Sites => "sites",
            Kind::Elevators => "elevators",
            Kind::Items => "inventory",
        }
    }

    /// Who may import it: whoever keeps what it fills.
    fn permission(self) -> Permission {
        match self {
            Kind::Sites | Kind::Elevators => Permission::ManageSites,
            Kind::Items => Permission::ManageInventory,
        }
    }

    /// Where the imported rows are listed.
    fn list_path(self) -> &'static str {
        match self {
            Kind::Sites => "sites",
            Kind::Elevators => "elevators",
            Kind::Items => "inventory",
        }
    }
}

#[derive(Template)]
#[template(path = "imports/upload.html")]
struct UploadPage {
    layout: Layout,
    slug: String,
    kind: Kind,
    columns: &'static [Column],
    error: Option<String>,
    max_rows: usize,
    max_megabytes: usize,
}

fn upload_page(scope: &OrgScope, kind: Kind, error: Option<String>) -> UploadPage {
    UploadPage {
        layout: scope.layout(format!("Import {}", kind.title()), kind.section()),
        slug: scope.slug().to_string(),
        kind,
        columns: kind.columns(),
        error,
        max_rows: MAX_ROWS,
        max_megabytes: MAX_BYTES / 1024 / 1024,
    }
}

pub async fn upload_form(
    scope: OrgScope,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let kind = Kind::parse(&path.1)?;
    scope.require(kind.permission())?;
    render(&upload_page(&scope, kind, None))
}

/// A file with just the header row, to fill in.
pub async fn template(
    scope: OrgScope,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let kind = Kind::parse(&path.1)?;
    scope.require(kind.permission())?;
    let headers: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
    let body = super::write(&headers, Vec::<Vec<String>>::new()).map_err(AppError::internal)?;
    Ok(csv_response(
        &format!("{}-template.csv", kind.as_str()),
        body,
    ))
}

pub async fn upload(
    scope: OrgScope,
    path: web::Path<(String, String)>,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    let kind = Kind::parse(&path.1)?;
    scope.require(kind.permission())?;
    let refuse = |message: String| {
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &upload_page(&scope, kind, Some(message)),
        )
    };
    let upload = match read_file(form, "file", MAX_BYTES).await {
        Ok(Some(upload)) if !upload.bytes.is_empty() => upload,
        Ok(_) => return refuse("Choose a CSV file to upload.".into()),
        Err(AppError::PayloadTooLarge(message)) => return refuse(message),
        Err(e) => return Err(e),
    };
    let table = match super::parse(&upload.bytes) {
        Ok(table) => table,
        Err(message) => return refuse(message),
    };
    let missing: Vec<&str> = kind
        .columns()
        .iter()
        .filter(|c| c.required && !table.headers.iter().any(|h| h == c.name))
        .map(|c| c.name)
        .collect();
    if !missing.is_empty() {
        return refuse(format!(
            "The file has no column named {}.",
            missing.join(", ")
        ));
    }
    // Validated as UTF-8 by `parse`.
    let content = String::from_utf8_lossy(&upload.bytes).into_owned();
    let filename = upload.filename;
    let id = scope
        .run(kind.permission(), move |conn, ctx| {
            Ok(diesel::insert_into(csv_imports::table)
                .values((
                    csv_imports::kind.eq(kind.as_str()),
                    csv_imports::filename.eq(filename),
                    csv_imports::content.eq(content),
                    csv_imports::created_by.eq(ctx.actor.account_id),
                ))
                .returning(csv_imports::id)
                .get_result::<Uuid>(conn)?)
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            "Location",
            format!("/o/{}/imports/{}/{id}", scope.slug(), kind.as_str()),
        ))
        .finish())
}

#[derive(Template)]
#[template(path = "imports/preview.html")]
struct PreviewPage {
    layout: Layout,
    slug: String,
    kind: Kind,
    id: Uuid,
    filename: String,
    rows: Vec<Planned>,
    new: usize,
    updates: usize,
    errors: usize,
    applied: bool,
    message: Option<String>,
}

/// The stored upload of this import (not yet applied unless `applied`).
fn load(conn: &mut PgConnection, kind: Kind, id: Uuid) -> Result<(String, String, bool), AppError> {
    let (filename, content, applied): (String, String, Option<chrono::DateTime<Utc>>) =
        csv_imports::table
            .find(id)
            .filter(csv_imports::kind.eq(kind.as_str()))
            .select((
                csv_imports::filename,
                csv_imports::content,
                csv_imports::applied_at,
            ))
            .first(conn)?;
    Ok((filename, content, applied.is_some()))
}

fn table_of(content: &str) -> Result<Table, AppError> {
    super::parse(content.as_bytes()).map_err(AppError::BadRequest)
}

/// What each row would do, and — when applying — the writes themselves.
enum Plans {
    Sites(Vec<site_csv::SiteRowPlan>),
    Elevators(Vec<elevator_csv::ElevatorRowPlan>),
    Items(Vec<item_csv::ItemRowPlan>),
}

impl Plans {
    fn of(conn: &mut PgConnection, kind: Kind, table: &Table) -> QueryResult<Plans> {
        Ok(match kind {
            Kind::Sites => Plans::Sites(site_csv::plan(conn, table)?),
            Kind::Elevators => Plans::Elevators(elevator_csv::plan(conn, table)?),
            Kind::Items => Plans::Items(item_csv::plan(conn, table)?),
        })
    }

    fn rows(&self) -> Vec<Planned> {
        match self {
            Plans::Sites(plans) => plans.iter().map(|p| p.planned.clone()).collect(),
            Plans::Elevators(plans) => plans.iter().map(|p| p.planned.clone()).collect(),
            Plans::Items(plans) => plans.iter().map(|p| p.planned.clone()).collect(),
        }
    }

    fn apply(self, conn: &mut PgConnection, ctx: &OrgCtx) -> Result<(usize, usize), AppError> {
        match self {
            Plans::Sites(plans) => site_csv::apply(conn, &ctx.actor, plans),
            Plans::Elevators(plans) => elevator_csv::apply(conn, &ctx.actor, plans),
            Plans::Items(plans) => item_csv::apply(conn, &ctx.actor, plans),
        }
    }
}

fn preview_page(
    scope: &OrgScope,
    kind: Kind,
    id: Uuid,
    filename: String,
    rows: Vec<Planned>,
    applied: bool,
    message: Option<String>,
) -> PreviewPage {
    let count = |f: fn(&super::Action) -> bool| rows.iter().filter(|r| f(&r.action)).count();
    PreviewPage {
        layout: scope.layout(format!("Import {}", kind.title()), kind.section()),
        slug: scope.slug().to_string(),
        kind,
        id,
        filename,
        new: count(|a| matches!(a, super::Action::New)),
        updates: count(|a| matches!(a, super::Action::Update)),
        errors: count(|a| matches!(a, super::Action::Error(_))),
        rows,
        applied,
        message,
    }
}

pub async fn preview(
    scope: OrgScope,
    path: web::Path<(String, String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (_, kind, id) = path.into_inner();
    let kind = Kind::parse(&kind)?;
    let (filename, rows, applied) = scope
        .run(kind.permission(), move |conn, _| {
            let (filename, content, applied) = load(conn, kind, id)?;
            let rows = Plans::of(conn, kind, &table_of(&content)?)?.rows();
            Ok((filename, rows, applied))
        })
        .await?;
    render(&preview_page(
        &scope, kind, id, filename, rows, applied, None,
    ))
}

pub async fn confirm(
    scope: OrgScope,
    path: web::Path<(String, String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (_, kind, id) = path.into_inner();
    let kind = Kind::parse(&kind)?;
    // Planned again inside the transaction: the data may have changed since the preview.
    let outcome = scope
        .run(kind.permission(), move |conn, ctx| {
            let (filename, content, applied) = load(conn, kind, id)?;
            if applied {
                return Err(AppError::Conflict(
                    "This file has already been imported.".into(),
                ));
            }
            let plans = Plans::of(conn, kind, &table_of(&content)?)?;
            let rows = plans.rows();
            if rows.iter().any(Planned::is_error) {
                return Ok(Err((filename, rows)));
            }
            let counts = plans.apply(conn, ctx)?;
            diesel::update(csv_imports::table.find(id))
                .set(csv_imports::applied_at.eq(Utc::now()))
                .execute(conn)?;
            Ok(Ok(counts))
        })
        .await?;
    match outcome {
        Ok((created, updated)) => {
            scope.viewer.flash(
                "success",
                format!("Imported {created} new and updated {updated} {}.", kind.title()),
            );
            Ok(HttpResponse::SeeOther()
                .insert_header(("Location", format!("/o/{}/{}", scope.slug(), kind.list_path())))
                .finish())
        }
        Err((filename, rows)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &preview_page(
                &scope,
                kind,
                id,
                filename,
                rows,
                false,
                Some("Nothing was imported: fix or remove the rows with errors, then upload the file again.".into()),
            ),
        ),
    }
}
