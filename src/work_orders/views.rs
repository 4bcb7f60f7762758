//! Page structs for the work-order templates.

use crate::web::listing::Sortable;
use askama::Template;
use chrono::{DateTime, Utc};
use diesel::PgConnection;
use uuid::Uuid;

use super::costs::LABOR_TYPES;
use super::forms::{
    AssignForm, LaborForm, MoveForm, NewWorkOrderForm, PartForm, WorkOrderQuery, PART_SOURCES,
};
use super::queries::{Card, Comment, LaborEntry, PartUsed, Task, WorkOrder};
use super::status::{unmet_condition, Priority, WorkOrderStatus, WorkOrderType, RESOLUTION_TYPES};
use crate::audit::queries::AuditRow;
use crate::contractors::queries::Contractor;
use crate::elevators::queries::Elevator;
use crate::elevators::status::{ElevatorStatus, InspectionResult};
use crate::sites::filter::SiteFilter;
use crate::sites::queries::Site;
use crate::web::choices::Choices;
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::Layout;

/// Choices for the filters of the board and the list.
#[derive(Default)]
pub struct Filters {
    pub sites: SiteFilter,
    pub contractors: Vec<(Uuid, String, Option<String>)>,
}

impl Filters {
    /// The choices, with `site` (an id, or empty) the site chosen so far.
    pub fn load(
        conn: &mut PgConnection,
        choices: &Choices,
        site: &str,
    ) -> diesel::QueryResult<Filters> {
        Ok(Filters {
            sites: SiteFilter::load(conn, choices, site)?,
            contractors: choices
                .get("contractors", || crate::contractors::queries::options(conn))?,
        })
    }

    pub fn priorities(&self) -> &'static [Priority] {
        Priority::ALL
    }

    pub fn types(&self) -> &'static [WorkOrderType] {
        WorkOrderType::ALL
    }

    pub fn statuses(&self) -> &'static [WorkOrderStatus] {
        WorkOrderStatus::ALL
    }
}

pub struct BoardColumns {
    pub columns: Vec<(WorkOrderStatus, Vec<Card>, i64)>,
    pub now: DateTime<Utc>,
}

/// The board itself: swapped whole when filters change.
#[derive(Template)]
#[template(path = "work_orders/board.html")]
pub struct Board {
    pub slug: String,
    pub board: BoardColumns,
    pub query: WorkOrderQuery,
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "work_orders/board_page.html")]
pub struct BoardPage {
    pub layout: Layout,
    pub slug: String,
    pub filters: Filters,
    pub query: WorkOrderQuery,
    pub board: Board,
    pub can_create: bool,
}

/// After a move from the board: the columns concerned, swapped in by id (htmx out-of-band).
#[derive(Template)]
#[template(path = "work_orders/columns_update.html")]
pub struct ColumnsUpdate {
    pub slug: String,
    pub board: BoardColumns,
    pub csrf: String,
}

/// After a refused move: the card as it is now, and why.
#[derive(Template)]
#[template(path = "work_orders/card_refresh.html")]
pub struct CardRefresh {
    pub slug: String,
    pub card: Card,
    pub message: String,
    pub now: DateTime<Utc>,
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "work_orders/list.html", block = "results")]
pub struct ListResults {
    pub slug: String,
    pub rows: Vec<Card>,
    pub pagination: Pagination,
    pub query: WorkOrderQuery,
    pub now: DateTime<Utc>,
}

#[derive(Template)]
#[template(path = "work_orders/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub slug: String,
    pub filters: Filters,
    pub query: WorkOrderQuery,
    pub rows: Vec<Card>,
    pub pagination: Pagination,
    pub now: DateTime<Utc>,
    pub can_create: bool,
}

#[derive(Template)]
#[template(path = "work_orders/mine.html")]
pub struct MinePage {
    pub layout: Layout,
    pub slug: String,
    pub linked: bool,
    pub rows: Vec<Card>,
    pub now: DateTime<Utc>,
}

pub struct NewChoices {
    pub sites: Vec<(Uuid, String, Option<String>)>,
    pub contractors: Vec<(Uuid, String, Option<String>)>,
}

impl NewChoices {
    pub fn load(conn: &mut PgConnection) -> diesel::QueryResult<NewChoices> {
        Ok(NewChoices {
            sites: crate::sites::queries::options(conn)?,
            contractors: crate::contractors::queries::options(conn)?,
        })
    }
}

#[derive(Template)]
#[template(path = "work_orders/new.html")]
pub struct NewPage {
    pub layout: Layout,
    pub slug: String,
    pub form: NewWorkOrderForm,
    pub errors: FieldErrors,
    pub choices: NewChoices,
    pub elevator_label: Option<String>,
    pub parent_number: Option<String>,
}

impl NewPage {
    pub fn priorities(&self) -> &'static [Priority] {
        Priority::ALL
    }

    pub fn types(&self) -> &'static [WorkOrderType] {
        WorkOrderType::ALL
    }
}

/// The edit page of a work order.
#[derive(Template)]
#[template(path = "work_orders/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub slug: String,
    pub order: WorkOrder,
    pub form: NewWorkOrderForm,
    pub errors: FieldErrors,
    /// The lifts at the work order's site: (id, unit).
    pub lifts: Vec<(Uuid, String)>,
    pub tz: chrono_tz::Tz,
    /// Why the change was not saved (someone else changed it meanwhile).
    pub message: Option<String>,
}

impl EditPage {
    pub fn priorities(&self) -> &'static [Priority] {
        Priority::ALL
    }

    pub fn types(&self) -> &'static [WorkOrderType] {
        WorkOrderType::ALL
    }

    /// The due time the priority gives, as the hint shows it.
    pub fn current_due(&self) -> String {
        self.order
            .due_date
            .map(|d| {
                d.with_timezone(&self.tz)
                    .format("%d %b %Y %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|| "none".into())
    }
}

/// What the detail page shows.
pub struct DetailData {
    pub order: WorkOrder,
    pub site: Site,
    pub elevator: Option<Elevator>,
    pub contractor: Option<Contractor>,
    pub tasks: Vec<Task>,
    pub parts: Vec<PartUsed>,
    pub labor: Vec<LaborEntry>,
    pub comments: Vec<Comment>,
    pub timeline: Vec<AuditRow>,
    pub children: Vec<(Uuid, String, WorkOrderStatus)>,
    pub parent: Option<(Uuid, String)>,
    pub contractor_options: Vec<(Uuid, String, Option<String>)>,
    pub tz: chrono_tz::Tz,
    pub can_work: bool,
    pub gallery: crate::attachments::views::Gallery,
    pub field: super::field_view::FieldView,
}

/// The detail page's forms as the person left them, to show again after an error.
#[derive(Default, Clone)]
pub struct DetailForms {
    pub move_form: MoveForm,
    pub assign: AssignForm,
    pub task_title: String,
    pub part: PartForm,
    pub labor: LaborForm,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "work_orders/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub slug: String,
    pub data: DetailData,
    pub forms: DetailForms,
    pub errors: FieldErrors,
    pub message: Option<String>,
    pub can_manage: bool,
    pub now: DateTime<Utc>,
}

impl DetailPage {
    /// A time in the site's zone, as people there read it.
    pub fn local(&self, at: &DateTime<Utc>) -> String {
        crate::web::local_time::date_time(at, &self.data.tz)
    }

    pub fn local_opt(&self, at: &Option<DateTime<Utc>>) -> String {
        at.as_ref()
            .map(|t| self.local(t))
            .unwrap_or_else(|| "—".into())
    }

    /// The moves this work order can make now.
    pub fn next_moves(&self) -> Vec<WorkOrderStatus> {
        let order = &self.data.order;
        order
            .status
            .next_moves()
            .into_iter()
            .filter(|to| {
                unmet_condition(
                    order.status,
                    *to,
                    order.priority,
                    order.completed_at,
                    self.now,
                )
                .is_none()
            })
            .collect()
    }

    pub fn is_reopen(&self, to: &WorkOrderStatus) -> bool {
        self.data.order.status.is_reopen(*to)
    }

    pub fn inspection_results(&self) -> &'static [InspectionResult] {
        InspectionResult::ALL
    }

    pub fn resolution_types(&self) -> &'static [(&'static str, &'static str)] {
        RESOLUTION_TYPES
    }

    pub fn lift_statuses(&self) -> &'static [ElevatorStatus] {
        ElevatorStatus::ALL
    }

    pub fn is_breakdown(&self) -> bool {
        matches!(
            self.data.order.work_type,
            WorkOrderType::Breakdown | WorkOrderType::Callback
        ) && self.data.order.elevator_id.is_some()
    }

    pub fn labor_types(&self) -> &'static [(&'static str, &'static str)] {
        LABOR_TYPES
    }

    pub fn part_sources(&self) -> &'static [(&'static str, &'static str)] {
        PART_SOURCES
    }

    pub fn markdown(&self, text: &str) -> String {
        crate::web::markdown::render(text)
    }

    /// Whether the assign form has `contractor` chosen: as typed, or who is assigned.
    pub fn is_assigned(&self, contractor: &Uuid) -> bool {
        match self.forms.assign.contractor_id.as_str() {
            "" => self.data.order.assigned_contractor_id.as_ref() == Some(contractor),
            typed => typed == contractor.to_string(),
        }
    }

    pub fn is_callback(&self) -> bool {
        self.data.order.work_type == WorkOrderType::Callback
    }

    pub fn tasks_done(&self) -> usize {
        self.data
            .tasks
            .iter()
            .filter(|t| matches!(t.status.as_str(), "completed" | "skipped"))
            .count()
    }
}

/// The printable sheet of a work order (`/o/{slug}/work-orders/{id}/print`).
#[derive(Template)]
#[template(path = "work_orders/print.html")]
pub struct PrintPage {
    pub layout: Layout,
    pub slug: String,
    pub data: DetailData,
    pub now: DateTime<Utc>,
}

impl PrintPage {
    pub fn local(&self, at: &DateTime<Utc>) -> String {
        crate::web::local_time::date_time(at, &self.data.tz)
    }

    pub fn local_opt(&self, at: &Option<DateTime<Utc>>) -> String {
        at.as_ref()
            .map(|t| self.local(t))
            .unwrap_or_else(|| "—".into())
    }
}

pub fn hours(minutes: &i32) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}
