//! Everything under `/o/{slug}`: one organization's pages, each behind `OrgScope`.

use actix_web::web::{self, ServiceConfig};

use crate::{
    api, attachments, audit, contractors, conversations, dashboard, elevators, imports, inventory,
    maintenance, members, orgs, schedule, service_requests, sites, work_orders,
};

/// Inside an organization.
pub fn organization(cfg: &mut ServiceConfig) {
    cfg.service(
        web::scope("/o/{slug}")
            // Dashboard
            .route("", web::get().to(dashboard::routes::home))
            .route(
                "/help/health-score",
                web::get().to(dashboard::routes::health_help),
            )
            .route("/settings", web::get().to(orgs::settings::show))
            .route("/settings", web::post().to(orgs::settings::update))
            .route("/settings/api-keys", web::get().to(api::keys::routes::show))
            .route(
                "/settings/api-keys",
                web::post().to(api::keys::routes::create),
            )
            .route(
                "/settings/api-keys/{id}/revoke",
                web::post().to(api::keys::routes::revoke),
            )
            .route("/members", web::get().to(members::routes::list))
            .route(
                "/members/invitations",
                web::post().to(members::routes::invite),
            )
            .route(
                "/members/{id}/role",
                web::post().to(members::routes::change_role),
            )
            .route(
                "/members/{id}/remove",
                web::get().to(members::routes::remove_page),
            )
            .route(
                "/members/{id}/remove",
                web::post().to(members::routes::remove),
            )
            .route(
                "/invitations/{id}/revoke",
                web::post().to(members::routes::revoke_invitation),
            )
            // Sites
            .route("/sites", web::get().to(sites::routes::list))
            .route("/sites", web::post().to(sites::routes::create))
            .route("/sites/new", web::get().to(sites::routes::new_form))
            .route("/sites/options", web::get().to(sites::filter::options))
            .route("/sites/export.csv", web::get().to(sites::routes::export))
            .route("/sites/{id}", web::get().to(sites::routes::detail))
            .route("/sites/{id}", web::post().to(sites::routes::update))
            .route("/sites/{id}/edit", web::get().to(sites::routes::edit_form))
            .route(
                "/sites/{id}/archive",
                web::get().to(sites::routes::archive_page),
            )
            .route(
                "/sites/{id}/archive",
                web::post().to(sites::routes::archive),
            )
            .route(
                "/sites/{id}/restore",
                web::post().to(sites::routes::restore),
            )
            .route(
                "/sites/{id}/access-codes",
                web::get().to(sites::routes::show_access_codes),
            )
            .route(
                "/sites/{id}/elevators/new",
                web::get().to(elevators::routes::new_form),
            )
            // Lifts
            .route("/elevators", web::get().to(elevators::routes::list))
            .route("/elevators", web::post().to(elevators::routes::create))
            .route(
                "/elevators/export.csv",
                web::get().to(elevators::routes::export),
            )
            .route(
                "/elevators/options",
                web::get().to(elevators::routes::options),
            )
            .route(
                "/elevators/spec-row",
                web::get().to(elevators::routes::spec_row),
            )
            .route(
                "/elevators/{id}/readings",
                web::get().to(maintenance::routes::readings::readings),
            )
            .route(
                "/elevators/{id}/readings",
                web::post().to(maintenance::routes::readings::record),
            )
            .configure(inventory::routes::configure)
            .route("/maintenance", web::get().to(maintenance::routes::list))
            .route("/maintenance", web::post().to(maintenance::routes::create))
            .route(
                "/maintenance/export.csv",
                web::get().to(maintenance::routes::export),
            )
            .route(
                "/maintenance/new",
                web::get().to(maintenance::routes::new_form),
            )
            .route(
                "/maintenance/forecast",
                web::get().to(maintenance::routes::readings::forecast),
            )
            .route(
                "/maintenance/generate",
                web::post().to(maintenance::routes::visits::generate_now),
            )
            .route(
                "/maintenance/holidays",
                web::get().to(maintenance::routes::visits::holidays),
            )
            .route(
                "/maintenance/holidays",
                web::post().to(maintenance::routes::visits::add_holiday),
            )
            .route(
                "/maintenance/holidays/{day}/delete",
                web::post().to(maintenance::routes::visits::remove_holiday),
            )
            .route(
                "/maintenance/{id}",
                web::get().to(maintenance::routes::detail),
            )
            .route(
                "/maintenance/{id}",
                web::post().to(maintenance::routes::update),
            )
            .route(
                "/maintenance/{id}/edit",
                web::get().to(maintenance::routes::edit_form),
            )
            .route(
                "/maintenance/{id}/pause",
                web::post().to(maintenance::routes::pause),
            )
            .route(
                "/maintenance/{id}/resume",
                web::post().to(maintenance::routes::resume),
            )
            .route(
                "/maintenance/{id}/delete",
                web::post().to(maintenance::routes::delete),
            )
            .route(
                "/maintenance/{id}/visits/{planned_on}",
                web::post().to(maintenance::routes::visits::change),
            )
            .route("/elevators/{id}", web::get().to(elevators::routes::detail))
            .route("/elevators/{id}", web::post().to(elevators::routes::update))
            .route(
                "/elevators/{id}/edit",
                web::get().to(elevators::routes::edit_form),
            )
            .route(
                "/elevators/{id}/status",
                web::post().to(elevators::routes::change_status),
            )
            .route(
                "/elevators/{id}/archive",
                web::get().to(elevators::routes::archive_page),
            )
            .route(
                "/elevators/{id}/archive",
                web::post().to(elevators::routes::archive),
            )
            // Dispatch calendar (the feed is reached with its secret, without a session)
            .route("/schedule", web::get().to(schedule::routes::calendar))
            .route("/schedule/feeds", web::get().to(schedule::routes::feeds))
            .route(
                "/schedule/feeds/{id}",
                web::post().to(schedule::routes::renew_feed),
            )
            .route(
                "/schedule/work-orders/{id}",
                web::get().to(schedule::routes::book_form),
            )
            .route(
                "/schedule/work-orders/{id}",
                web::post().to(schedule::routes::book),
            )
            .route("/schedule/{file}", web::get().to(schedule::routes::feed))
            // Work orders
            .route(
                "/work-orders",
                web::get().to(work_orders::routes::board::board),
            )
            .route(
                "/work-orders",
                web::post().to(work_orders::routes::create::create),
            )
            .route(
                "/work-orders/list",
                web::get().to(work_orders::routes::board::list),
            )
            .route(
                "/work-orders/export.csv",
                web::get().to(work_orders::routes::board::export),
            )
            .route(
                "/work-orders/mine",
                web::get().to(work_orders::routes::board::mine),
            )
            .route(
                "/work-orders/new",
                web::get().to(work_orders::routes::create::new_form),
            )
            .route(
                "/work-orders/{id}",
                web::get().to(work_orders::routes::detail::show),
            )
            .route(
                "/work-orders/{id}/edit",
                web::get().to(work_orders::routes::edit::edit_form),
            )
            .route(
                "/work-orders/{id}/edit",
                web::post().to(work_orders::routes::edit::update),
            )
            .route(
                "/work-orders/{id}/print",
                web::get().to(work_orders::routes::field::print),
            )
            .route(
                "/work-orders/{id}/signature",
                web::get().to(work_orders::routes::field::signature),
            )
            .route(
                "/work-orders/{id}/timer/start",
                web::post().to(work_orders::routes::field::start_timer),
            )
            .route(
                "/work-orders/{id}/timer/stop",
                web::post().to(work_orders::routes::field::stop_timer),
            )
            .route(
                "/work-orders/{id}/move",
                web::post().to(work_orders::routes::detail::move_status),
            )
            .route(
                "/work-orders/{id}/assign",
                web::post().to(work_orders::routes::detail::assign),
            )
            .route(
                "/work-orders/{id}/tasks",
                web::post().to(work_orders::routes::tasks::add),
            )
            .route(
                "/work-orders/{id}/tasks/{task}",
                web::post().to(work_orders::routes::tasks::act),
            )
            .route(
                "/work-orders/{id}/parts",
                web::post().to(work_orders::routes::costs::add_part),
            )
            .route(
                "/work-orders/{id}/parts/{part}/remove",
                web::post().to(work_orders::routes::costs::remove_part),
            )
            .route(
                "/work-orders/{id}/labor",
                web::post().to(work_orders::routes::costs::add_labor),
            )
            .route(
                "/work-orders/{id}/labor/{entry}/remove",
                web::post().to(work_orders::routes::costs::remove_labor),
            )
            .route(
                "/work-orders/{id}/followup",
                web::post().to(work_orders::routes::detail::set_followup),
            )
            .route(
                "/work-orders/{id}/comments",
                web::post().to(work_orders::routes::detail::add_comment),
            )
            // Contractors
            .route("/contractors", web::get().to(contractors::routes::list))
            .route("/contractors", web::post().to(contractors::routes::create))
            .route(
                "/contractors/new",
                web::get().to(contractors::routes::new_form),
            )
            .route(
                "/contractors/{id}",
                web::get().to(contractors::routes::detail),
            )
            .route(
                "/contractors/{id}",
                web::post().to(contractors::routes::update),
            )
            .route(
                "/contractors/{id}/edit",
                web::get().to(contractors::routes::edit_form),
            )
            .route(
                "/contractors/{id}/deactivate",
                web::post().to(contractors::routes::deactivate),
            )
            .route(
                "/contractors/{id}/reactivate",
                web::post().to(contractors::routes::reactivate),
            )
            // Attachments of work orders and fault reports
            .route(
                "/work-orders/{id}/conversation",
                web::post().to(conversations::openers::work_order),
            )
            .route(
                "/work-orders/{id}/attachments",
                web::post().to(attachments::routes::upload_to_work_order),
            )
            .route(
                "/service-requests/{id}/attachments",
                web::post().to(attachments::routes::upload_to_service_request),
            )
            .route(
                "/inventory/items/{id}/photos",
                web::post().to(attachments::routes::upload_to_item),
            )
            .route(
                "/attachments/{id}",
                web::get().to(attachments::routes::file),
            )
            .route(
                "/attachments/{id}/thumbnail",
                web::get().to(attachments::routes::thumbnail),
            )
            .route(
                "/attachments/{id}/remove",
                web::post().to(attachments::routes::remove),
            )
            // Fault reports, tenants and the tenant portal
            .route(
                "/service-requests",
                web::get().to(service_requests::routes::triage::queue),
            )
            .route(
                "/service-requests/{id}",
                web::get().to(service_requests::routes::triage::detail),
            )
            .route(
                "/service-requests/{id}/conversation",
                web::post().to(conversations::openers::service_request),
            )
            .route(
                "/service-requests/{id}/acknowledge",
                web::post().to(service_requests::routes::triage::acknowledge),
            )
            .route(
                "/service-requests/{id}/priority",
                web::post().to(service_requests::routes::triage::set_priority),
            )
            .route(
                "/service-requests/{id}/reject",
                web::post().to(service_requests::routes::triage::reject),
            )
            .route(
                "/service-requests/{id}/convert",
                web::post().to(service_requests::routes::triage::convert),
            )
            .route(
                "/sites/{id}/qr",
                web::get().to(service_requests::routes::qr::site_qr),
            )
            .route(
                "/sites/{id}/report-link",
                web::post().to(service_requests::routes::qr::regenerate_site),
            )
            .route(
                "/elevators/{id}/qr",
                web::get().to(service_requests::routes::qr::lift_qr),
            )
            .route(
                "/elevators/{id}/report-link",
                web::post().to(service_requests::routes::qr::regenerate_lift),
            )
            .route(
                "/tenants",
                web::get().to(service_requests::routes::tenants::tenants_list),
            )
            .route(
                "/tenants",
                web::post().to(service_requests::routes::tenants::tenant_create),
            )
            .route(
                "/tenants/new",
                web::get().to(service_requests::routes::tenants::tenant_new),
            )
            .route(
                "/tenants/{id}",
                web::get().to(service_requests::routes::tenants::tenant_detail),
            )
            .route(
                "/tenants/{id}",
                web::post().to(service_requests::routes::tenants::tenant_update),
            )
            .route(
                "/tenants/{id}/active",
                web::post().to(service_requests::routes::tenants::tenant_set_active),
            )
            .route(
                "/tenants/{id}/invite",
                web::post().to(service_requests::routes::tenants::tenant_invite),
            )
            .route(
                "/portal",
                web::get().to(service_requests::routes::portal::portal),
            )
            .route(
                "/portal/requests",
                web::post().to(service_requests::routes::portal::portal_request),
            )
            .route(
                "/portal/requests/{id}/conversation",
                web::post().to(conversations::openers::portal_request),
            )
            .route(
                "/portal/requests/{id}/rate",
                web::post().to(service_requests::routes::portal::portal_rate),
            )
            // CSV imports
            .route(
                "/imports/{kind}",
                web::get().to(imports::routes::upload_form),
            )
            .route("/imports/{kind}", web::post().to(imports::routes::upload))
            .route(
                "/imports/{kind}/template.csv",
                web::get().to(imports::routes::template),
            )
            .route(
                "/imports/{kind}/{id}",
                web::get().to(imports::routes::preview),
            )
            .route(
                "/imports/{kind}/{id}/confirm",
                web::post().to(imports::routes::confirm),
            )
            .route("/audit", web::get().to(audit::routes::list))
            .route("/audit/verify", web::get().to(audit::routes::verify)),
    );
}
