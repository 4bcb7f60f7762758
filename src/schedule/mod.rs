//! The dispatch calendar: who does what when, a week or a day at a time, booked by dragging or
//! by a form, and each person's bookings as a calendar feed for their phone. Booking itself is
//! a work-order rule (`work_orders::operations::schedule`).

pub mod forms;
pub mod grid;
pub mod ical;
pub mod operations;
pub mod queries;
pub mod routes;
pub mod views;
