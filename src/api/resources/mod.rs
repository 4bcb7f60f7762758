//! The API's resources, one file each: what is sent (`…Out`), what is accepted (`…In`, unknown
//! fields refused) and the handlers, which call the features' operations and queries.

pub mod contractors;
pub mod elevators;
pub mod fault_reports;
pub mod inventory;
pub mod schedules;
pub mod sites;
pub mod work_order_lines;
pub mod work_order_steps;
pub mod work_orders;
