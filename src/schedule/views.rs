//! Page structs for the calendar templates.

use askama::Template;
use uuid::Uuid;

use super::forms::{CalendarQuery, ScheduleForm};
use super::grid::{Grid, Period, View};
use super::queries::Clash;
use crate::web::forms::FieldErrors;
use crate::web::Layout;
use crate::work_orders::queries::WorkOrder;
use crate::work_orders::views::Filters;

/// Something to say above the calendar after a booking from it.
#[derive(Debug, Clone)]
pub enum Notice {
    Done(String),
    Refused(String),
    /// The person is booked elsewhere then: book anyway?
    Clash {
        work_order_id: Uuid,
        message: String,
        clashes: Vec<Clash>,
        form: Box<ScheduleForm>,
    },
}

/// The calendar itself (grid, side list, notice): swapped whole by filters and bookings.
#[derive(Template)]
#[template(path = "schedule/calendar.html")]
pub struct Calendar {
    pub slug: String,
    pub query: CalendarQuery,
    pub period: Period,
    pub grid: Grid,
    /// The calendar's zone: its name and what it is called now ("AEDT").
    pub zone: String,
    pub zone_abbreviation: String,
    /// Everyone who can be booked, for the cards' forms.
    pub people: Vec<(Uuid, String)>,
    pub can_book: bool,
    pub csrf: String,
    pub notice: Option<Notice>,
    /// The week view's planned maintenance visits not yet raised, one list per day.
    pub planned: Vec<Vec<crate::maintenance::forecast::PlannedVisit>>,
}

impl Calendar {
    pub fn link(
        &self,
        view: impl std::borrow::Borrow<View>,
        date: impl std::borrow::Borrow<chrono::NaiveDate>,
    ) -> String {
        format!(
            "/o/{}/schedule?{}",
            self.slug,
            self.query.with(*view.borrow(), *date.borrow())
        )
    }

    pub fn has_planned(&self) -> bool {
        self.planned.iter().any(|day| !day.is_empty())
    }

    pub fn back(&self) -> String {
        self.query.with(self.period.view, self.period.anchor)
    }

    pub fn is_day(&self) -> bool {
        self.period.view == View::Day
    }

    pub fn week_view(&self) -> View {
        View::Week
    }

    pub fn day_view(&self) -> View {
        View::Day
    }
}

#[derive(Template)]
#[template(path = "schedule/page.html")]
pub struct CalendarPage {
    pub layout: Layout,
    pub slug: String,
    pub filters: Filters,
    pub query: CalendarQuery,
    pub calendar: Calendar,
    pub can_manage_feeds: bool,
}

/// One work order's booking form: without JavaScript, and when a booking was refused.
#[derive(Template)]
#[template(path = "schedule/book.html")]
pub struct BookPage {
    pub layout: Layout,
    pub slug: String,
    pub order: WorkOrder,
    pub site_name: String,
    pub people: Vec<(Uuid, String)>,
    pub form: ScheduleForm,
    pub errors: FieldErrors,
    pub zone_abbreviation: String,
    /// Why it was not saved (someone else changed it, it cannot be booked).
    pub problem: Option<String>,
    pub clashes: Vec<Clash>,
}

/// A person's calendar-feed address.
pub struct FeedRow {
    pub person_id: Uuid,
    pub name: String,
    /// When the current address was made, if there is one.
    pub made: Option<String>,
}

#[derive(Template)]
#[template(path = "schedule/feeds.html")]
pub struct FeedsPage {
    pub layout: Layout,
    pub slug: String,
    pub rows: Vec<FeedRow>,
    pub csrf: String,
    /// Just made: whose, and the address (shown once).
    pub made: Option<(String, String)>,
}
