//! The JSON API: `/api/v1/…` for other systems, and its reference at `/api/docs`. Its own
//! extractor settings answer unreadable parameters as problem details, not as pages.

use actix_web::web::{self, ServiceConfig};

use crate::api::openapi;
use crate::api::problem::ApiError;
use crate::api::resources::{
    contractors, elevators, fault_reports, inventory, schedules, sites, work_order_lines,
    work_order_steps, work_orders,
};

pub fn api(cfg: &mut ServiceConfig) {
    cfg.route("/api/docs", web::get().to(openapi::page));
    cfg.service(
        web::scope("/api/v1")
            .app_data(web::QueryConfig::default().error_handler(|err, _| {
                ApiError::field("query", format!("A parameter could not be read: {err}")).into()
            }))
            .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
            .route("/openapi.json", web::get().to(openapi::json))
            .route("/sites", web::get().to(sites::list))
            .route("/sites/{id}", web::get().to(sites::show))
            .route("/elevators", web::get().to(elevators::list))
            .route("/elevators/{id}", web::get().to(elevators::show))
            .route(
                "/elevators/{id}/status",
                web::post().to(elevators::change_status),
            )
            .route("/work-orders", web::get().to(work_orders::list))
            .route("/work-orders", web::post().to(work_orders::create))
            .route("/work-orders/{id}", web::get().to(work_orders::show))
            .route("/work-orders/{id}", web::patch().to(work_orders::update))
            .route(
                "/work-orders/{id}/move",
                web::post().to(work_order_steps::move_to),
            )
            .route(
                "/work-orders/{id}/assign",
                web::post().to(work_order_steps::assign),
            )
            .route(
                "/work-orders/{id}/tasks",
                web::post().to(work_order_steps::add_task),
            )
            .route(
                "/work-orders/{id}/comments",
                web::post().to(work_order_steps::comment),
            )
            .route(
                "/work-orders/{id}/lines",
                web::get().to(work_order_lines::lines),
            )
            .route(
                "/work-orders/{id}/parts",
                web::post().to(work_order_lines::add_part),
            )
            .route(
                "/work-orders/{id}/labor",
                web::post().to(work_order_lines::add_labor),
            )
            .route("/fault-reports", web::post().to(fault_reports::create))
            .route("/fault-reports/{id}", web::get().to(fault_reports::show))
            .route("/schedules", web::get().to(schedules::list))
            .route("/schedules/{id}", web::get().to(schedules::show))
            .route("/inventory/items/{id}", web::get().to(inventory::item))
            .route("/inventory/movements", web::post().to(inventory::movement))
            .route("/contractors", web::get().to(contractors::list))
            .route("/contractors/{id}", web::get().to(contractors::show))
            .default_service(web::to(|| async {
                Err::<actix_web::HttpResponse, _>(ApiError::NotFound)
            })),
    );
}
