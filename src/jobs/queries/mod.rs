//! The job board's Diesel: `listings` (jobs, browsing, the employer's list) and
//! `applications` (applications, their events and the employer's notes).

pub mod applications;
pub mod listings;
