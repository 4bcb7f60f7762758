//! The audit page: the organization's trail, filtered and paged, and an on-demand chain check.

use crate::web::local_time::filters;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::chain::{self, ChainStatus};
use super::queries::{self, AuditFilter, AuditRow};
use crate::auth::roles::Permission;
use crate::orgs::OrgScope;
use crate::web::forms::optional;
use crate::web::{render, AppError, Htmx, Layout};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditQuery {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub event_type: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: Option<String>,
}

impl AuditQuery {
    fn filter(&self) -> (AuditFilter, Vec<String>) {
        let mut problems = Vec::new();
        let mut date = |raw: &Option<String>, label: &str| {
            optional(raw).and_then(|d| match NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    problems.push(format!(
                        "The {label} date “{d}” is not a date (YYYY-MM-DD) and was ignored."
                    ));
                    None
                }
            })
        };
        let from = date(&self.from, "from");
        let to = date(&self.to, "to");
        let filter = AuditFilter {
            entity_type: optional(&self.entity_type),
            entity_id: optional(&self.entity_id),
            actor: optional(&self.actor),
            event_type: optional(&self.event_type),
            from,
            to,
            before: optional(&self.before).and_then(|b| b.parse().ok()),
        };
        (filter, problems)
    }

    /// This query's filters as a query string, for the "older events" link.
    fn with_before(&self, before: i64) -> String {
        let pairs: Vec<(&str, String)> = [
            ("entity_type", &self.entity_type),
            ("entity_id", &self.entity_id),
            ("actor", &self.actor),
            ("event_type", &self.event_type),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter_map(|(k, v)| optional(v).map(|v| (k, v)))
        .chain([("before", before.to_string())])
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    layout: Layout,
    slug: String,
    query: AuditQuery,
    rows: Vec<AuditRow>,
    older: Option<String>,
    event_types: Vec<String>,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "audit/list.html", block = "results")]
struct AuditResults {
    zone: chrono_tz::Tz,
    slug: String,
    rows: Vec<AuditRow>,
    older: Option<String>,
}

pub async fn list(
    scope: OrgScope,
    htmx: Htmx,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (filter, problems) = query.filter();
    let (rows, more, event_types) = scope
        .run(Permission::ViewAudit, move |conn, _| {
            let (rows, more) = queries::page(conn, &filter)?;
            Ok((rows, more, queries::event_types(conn)?))
        })
        .await?;
    let older = more
        .then(|| rows.last().map(|r| query.with_before(r.seq)))
        .flatten();
    let slug = scope.slug().to_string();
    if htmx.is_fragment() {
        return render(&AuditResults {
            zone: scope.viewer.zone(Some(&slug)),
            slug,
            rows,
            older,
        });
    }
    render(&AuditPage {
        layout: scope.layout("Audit trail", "audit"),
        slug,
        query,
        rows,
        older,
        event_types,
        problems,
    })
}

#[derive(Template)]
#[template(path = "audit/verify.html")]
struct VerifyPage {
    layout: Layout,
    slug: String,
    status: ChainStatus,
}

#[derive(Template)]
#[template(path = "audit/verify.html", block = "status")]
struct VerifyFragment {
    status: ChainStatus,
}

pub async fn verify(scope: OrgScope, htmx: Htmx) -> Result<HttpResponse, AppError> {
    let status = scope
        .run(Permission::ViewAudit, |conn, _| Ok(chain::verify(conn)?))
        .await?;
    if htmx.is_fragment() {
        return render(&VerifyFragment { status });
    }
    render(&VerifyPage {
        layout: scope.layout("Audit chain", "audit"),
        slug: scope.slug().to_string(),
        status,
    })
}

impl AuditPage {
    pub fn zone(&self) -> chrono_tz::Tz {
        self.layout.zone
    }
}

impl AuditResults {
    pub fn zone(&self) -> chrono_tz::Tz {
        self.zone
    }
}
