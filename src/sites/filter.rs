//! The "Site" filter of list pages (lifts, work orders). An organization with thousands of
//! sites would send every one of them as an `<option>` with every page: above
//! [`INLINE_SITES`] the page carries only the chosen site, and the whole list is fetched
//! (`GET /o/{slug}/sites/options`) when the user reaches for the control.

use actix_web::{web, HttpResponse};
use askama::Template;
use diesel::PgConnection;
use serde::Deserialize;
use uuid::Uuid;

use super::queries;
use crate::orgs::OrgScope;
use crate::web::choices::Choices;
use crate::web::{render, AppError};

/// Up to this many sites the filter lists them all in the page.
pub const INLINE_SITES: usize = 150;

type SiteOption = (Uuid, String, Option<String>);

/// What a page needs to draw the filter.
#[derive(Debug, Clone, Default)]
pub struct SiteFilter {
    /// Every site, or (when `lazy`) only the chosen one.
    pub sites: Vec<SiteOption>,
    /// The rest is fetched when the control is focused or pointed at.
    pub lazy: bool,
}

impl SiteFilter {
    /// The filter for a page where `selected` (a site id, or empty) is chosen.
    pub fn load(
        conn: &mut PgConnection,
        choices: &Choices,
        selected: &str,
    ) -> diesel::QueryResult<SiteFilter> {
        // Shared, not copied: a large organization's list is thousands of sites.
        let all = choices.shared("sites", || queries::options(conn))?;
        let lazy = all.len() > INLINE_SITES;
        let chosen = Uuid::parse_str(selected).ok();
        Ok(SiteFilter {
            sites: all
                .iter()
                .filter(|(id, _, _)| !lazy || Some(*id) == chosen)
                .cloned()
                .collect(),
            lazy,
        })
    }
}

#[derive(Template)]
#[template(path = "sites/site_options.html")]
struct SiteOptions {
    sites: Vec<SiteOption>,
    selected: String,
}

#[derive(Deserialize)]
pub struct OptionsQuery {
    /// The control sends its own value: the site chosen so far.
    #[serde(default)]
    site: String,
}

/// Every site as the filter's `<option>`s, the chosen one selected (htmx).
pub async fn options(
    scope: OrgScope,
    query: web::Query<OptionsQuery>,
) -> Result<HttpResponse, AppError> {
    let sites = scope
        .read(|conn, ctx| Ok(ctx.choices.get("sites", || queries::options(conn))?))
        .await?;
    render(&SiteOptions {
        sites,
        selected: query.into_inner().site,
    })
}
