//! Every route of the application, in one place, read top to bottom.

use actix_web::web::{self, ServiceConfig};

use crate::web::AppError;
use crate::{
    admin, audit, auth, contractors, dashboard, elevators, forum, imports, jobs, marketplace,
    members, notifications, orgs, people, service_requests, sites, web as pages, work_orders,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.route("/", web::get().to(pages::pages::home))
        .route("/healthz", web::get().to(pages::pages::healthz))
        .route("/static/{path:.*}", web::get().to(pages::assets::serve))
        .route("/static/{path:.*}", web::head().to(pages::assets::serve))
        // Accounts
        .route("/signin", web::get().to(auth::routes::signin_page))
        .route("/signin", web::post().to(auth::routes::signin))
        .route("/signout", web::post().to(auth::routes::signout))
        .route("/signup", web::get().to(auth::routes::signup_page))
        .route("/signup", web::post().to(auth::routes::signup))
        .route(
            "/signup/organization",
            web::get().to(auth::routes::signup_org_page),
        )
        .route(
            "/signup/organization",
            web::post().to(auth::routes::signup_org),
        )
        .route(
            "/signup/organization/slug",
            web::get().to(auth::routes::slug_check),
        )
        .route("/account", web::get().to(auth::routes::account_page))
        .route(
            "/account/profile",
            web::post().to(auth::routes::update_profile),
        )
        .route(
            "/account/password",
            web::post().to(auth::routes::change_password),
        )
        .route(
            "/invitations/{token}",
            web::get().to(members::routes::invitation),
        )
        .route(
            "/invitations/{token}",
            web::post().to(members::routes::accept_with_signup),
        )
        .route(
            "/invitations/{token}/accept",
            web::post().to(members::routes::accept),
        )
        .route("/notifications", web::get().to(notifications::routes::list))
        .route(
            "/notifications/bell",
            web::get().to(notifications::routes::bell),
        )
        .route(
            "/notifications/read-all",
            web::post().to(notifications::routes::mark_all_read),
        )
        .route(
            "/notifications/{id}/open",
            web::post().to(notifications::routes::open),
        )
        // Jobs and technician profiles (fixed paths before `/jobs/{slug}`)
        .route("/jobs", web::get().to(jobs::routes::browse))
        .route("/jobs/new", web::get().to(jobs::routes::new_page))
        .route("/jobs/new", web::post().to(jobs::routes::create))
        .route("/jobs/manage", web::get().to(jobs::routes::manage))
        .route("/jobs/{slug}", web::get().to(jobs::routes::show))
        .route("/jobs/{slug}/edit", web::get().to(jobs::routes::edit_page))
        .route("/jobs/{slug}/edit", web::post().to(jobs::routes::update))
        .route(
            "/jobs/{slug}/status",
            web::post().to(jobs::routes::change_status),
        )
        .route(
            "/jobs/{slug}/apply",
            web::get().to(jobs::applying::apply_page_handler),
        )
        .route("/jobs/{slug}/apply", web::post().to(jobs::applying::apply))
        .route(
            "/jobs/{slug}/applications",
            web::get().to(jobs::pipeline::board),
        )
        .route(
            "/jobs/{slug}/applications/{id}",
            web::get().to(jobs::pipeline::show),
        )
        .route(
            "/jobs/{slug}/applications/{id}/status",
            web::post().to(jobs::pipeline::move_application),
        )
        .route(
            "/jobs/{slug}/applications/{id}/notes",
            web::post().to(jobs::pipeline::assess),
        )
        .route(
            "/jobs/{slug}/applications/{id}/interview",
            web::post().to(jobs::pipeline::schedule_interview),
        )
        .route(
            "/jobs/{slug}/applications/{id}/offer",
            web::post().to(jobs::pipeline::make_offer),
        )
        .route("/applications", web::get().to(jobs::applying::mine))
        .route(
            "/applications/{id}",
            web::get().to(jobs::applying::show_mine),
        )
        .route(
            "/applications/{id}/withdraw",
            web::post().to(jobs::applying::withdraw),
        )
        .route(
            "/applications/{id}/resume",
            web::get().to(jobs::applying::resume),
        )
        .route("/people/{id}", web::get().to(people::routes::show))
        .route("/profile", web::get().to(people::routes::edit))
        .route("/profile", web::post().to(people::routes::save))
        .route(
            "/profile/certifications",
            web::post().to(people::routes::add_certification),
        )
        .route(
            "/profile/certifications/{id}/delete",
            web::post().to(people::routes::delete_certification),
        )
        .route(
            "/profile/employment",
            web::post().to(people::routes::add_employment),
        )
        .route(
            "/profile/employment/{id}/delete",
            web::post().to(people::routes::delete_employment),
        )
        // Public fault reports (no sign-in)
        .route(
            "/report/{slug}/status/{token}",
            web::get().to(service_requests::routes::status_page),
        )
        .route(
            "/report/{slug}/{token}",
            web::get().to(service_requests::routes::report_form),
        )
        .route(
            "/report/{slug}/{token}",
            web::post().to(service_requests::routes::report),
        )
        // Platform administration
        .route(
            "/admin/organizations",
            web::get().to(admin::routes::organizations),
        )
        .route(
            "/admin/organizations/{id}/suspend",
            web::post().to(admin::routes::suspend),
        )
        .route(
            "/admin/organizations/{id}/unsuspend",
            web::post().to(admin::routes::unsuspend),
        )
        // Forum
        .route("/forum", web::get().to(forum::routes::index))
        .route("/forum/search", web::get().to(forum::routes::search))
        .route("/forum/similar", web::get().to(forum::routes::similar))
        .route(
            "/forum/moderation",
            web::get().to(forum::routes::moderation),
        )
        .route(
            "/forum/categories/new",
            web::get().to(forum::routes::new_category),
        )
        .route(
            "/forum/categories",
            web::post().to(forum::routes::create_category),
        )
        .route(
            "/forum/categories/{id}/edit",
            web::get().to(forum::routes::edit_category),
        )
        .route(
            "/forum/categories/{id}/edit",
            web::post().to(forum::routes::update_category),
        )
        .route(
            "/forum/categories/{id}/reorder",
            web::post().to(forum::routes::reorder_category),
        )
        .route(
            "/forum/categories/{id}/moderators",
            web::post().to(forum::routes::add_moderator),
        )
        .route(
            "/forum/categories/{id}/moderators/{account_id}/remove",
            web::post().to(forum::routes::remove_moderator),
        )
        .route("/forum/c/{slug}", web::get().to(forum::routes::category))
        .route(
            "/forum/c/{slug}/watch",
            web::post().to(forum::routes::watch_category),
        )
        .route(
            "/forum/c/{slug}/new",
            web::get().to(forum::routes::new_thread),
        )
        .route(
            "/forum/c/{slug}/threads",
            web::post().to(forum::routes::create_thread),
        )
        .route("/forum/t/{id}", web::get().to(forum::routes::thread))
        .route(
            "/forum/t/{id}/replies",
            web::post().to(forum::routes::reply),
        )
        .route(
            "/forum/t/{id}/watch",
            web::post().to(forum::routes::watch_thread),
        )
        .route(
            "/forum/t/{id}/accept",
            web::post().to(forum::routes::accept),
        )
        .route(
            "/forum/t/{id}/moderate",
            web::post().to(forum::routes::moderate_thread),
        )
        .route(
            "/forum/t/{id}/move",
            web::post().to(forum::routes::move_thread),
        )
        .route(
            "/forum/posts/{id}/edit",
            web::get().to(forum::routes::edit_post_page),
        )
        .route(
            "/forum/posts/{id}/edit",
            web::post().to(forum::routes::edit_post),
        )
        .route(
            "/forum/posts/{id}/delete",
            web::post().to(forum::routes::delete_post),
        )
        .route(
            "/forum/posts/{id}/vote",
            web::post().to(forum::routes::vote),
        )
        .route(
            "/forum/posts/{id}/flag",
            web::post().to(forum::routes::flag),
        )
        .route(
            "/forum/posts/{id}/review",
            web::post().to(forum::routes::review),
        )
        // Marketplace
        .service(
            web::scope("/marketplace")
                .route("", web::get().to(marketplace::routes::browse))
                .route("/mine", web::get().to(marketplace::routes::mine))
                .route("/orders", web::get().to(marketplace::routes::orders))
                .route("/inquiries", web::get().to(marketplace::routes::inbox))
                .route(
                    "/inquiries/{id}",
                    web::get().to(marketplace::routes::inquiry),
                )
                .route(
                    "/inquiries/{id}",
                    web::post().to(marketplace::routes::reply),
                )
                .route("/listings", web::post().to(marketplace::routes::create))
                .route(
                    "/listings/new",
                    web::get().to(marketplace::routes::new_page),
                )
                .route("/listings/{id}", web::get().to(marketplace::routes::show))
                .route(
                    "/listings/{id}/edit",
                    web::get().to(marketplace::routes::edit),
                )
                .route(
                    "/listings/{id}/edit",
                    web::post().to(marketplace::routes::update),
                )
                .route(
                    "/listings/{id}/renew",
                    web::post().to(marketplace::routes::renew),
                )
                .route(
                    "/listings/{id}/withdraw",
                    web::post().to(marketplace::routes::withdraw),
                )
                .route(
                    "/listings/{id}/photos",
                    web::post().to(marketplace::routes::upload_photos),
                )
                .route(
                    "/listings/{id}/photos/{photo}/delete",
                    web::post().to(marketplace::routes::delete_photo),
                )
                .route(
                    "/listings/{id}/inquiries",
                    web::post().to(marketplace::routes::ask),
                )
                .route(
                    "/listings/{id}/buy",
                    web::post().to(marketplace::routes::buy),
                )
                .route("/photos/{id}", web::get().to(marketplace::routes::photo))
                .route(
                    "/photos/{id}/thumbnail",
                    web::get().to(marketplace::routes::thumbnail),
                )
                .route(
                    "/transactions/{id}",
                    web::get().to(marketplace::routes::transaction),
                )
                .route(
                    "/transactions/{id}/review",
                    web::post().to(marketplace::routes::review),
                )
                .route(
                    "/transactions/{id}/{action}",
                    web::post().to(marketplace::routes::step),
                ),
        )
        // Inside an organization
        .service(
            web::scope("/o/{slug}")
                // Dashboard
                .route("", web::get().to(dashboard::routes::home))
                .route(
                    "/help/health-score",
                    web::get().to(dashboard::routes::health_help),
                )
                .route("/settings", web::get().to(orgs::settings::show))
                .route("/settings", web::post().to(orgs::settings::update))
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
                // Work orders
                .route("/work-orders", web::get().to(work_orders::routes::board))
                .route("/work-orders", web::post().to(work_orders::routes::create))
                .route(
                    "/work-orders/list",
                    web::get().to(work_orders::routes::list),
                )
                .route(
                    "/work-orders/export.csv",
                    web::get().to(work_orders::routes::export),
                )
                .route(
                    "/work-orders/mine",
                    web::get().to(work_orders::routes::mine),
                )
                .route(
                    "/work-orders/new",
                    web::get().to(work_orders::routes::new_form),
                )
                .route(
                    "/work-orders/{id}",
                    web::get().to(work_orders::routes::detail),
                )
                .route(
                    "/work-orders/{id}/move",
                    web::post().to(work_orders::routes::move_status),
                )
                .route(
                    "/work-orders/{id}/assign",
                    web::post().to(work_orders::routes::assign),
                )
                .route(
                    "/work-orders/{id}/tasks",
                    web::post().to(work_orders::routes::add_task),
                )
                .route(
                    "/work-orders/{id}/tasks/{task}",
                    web::post().to(work_orders::routes::task_action),
                )
                .route(
                    "/work-orders/{id}/parts",
                    web::post().to(work_orders::routes::add_part),
                )
                .route(
                    "/work-orders/{id}/parts/{part}/remove",
                    web::post().to(work_orders::routes::remove_part),
                )
                .route(
                    "/work-orders/{id}/labor",
                    web::post().to(work_orders::routes::add_labor),
                )
                .route(
                    "/work-orders/{id}/labor/{entry}/remove",
                    web::post().to(work_orders::routes::remove_labor),
                )
                .route(
                    "/work-orders/{id}/followup",
                    web::post().to(work_orders::routes::set_followup),
                )
                .route(
                    "/work-orders/{id}/comments",
                    web::post().to(work_orders::routes::add_comment),
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
                // Fault reports, tenants and the tenant portal
                .route(
                    "/service-requests",
                    web::get().to(service_requests::routes::queue),
                )
                .route(
                    "/service-requests/{id}",
                    web::get().to(service_requests::routes::detail),
                )
                .route(
                    "/service-requests/{id}/acknowledge",
                    web::post().to(service_requests::routes::acknowledge),
                )
                .route(
                    "/service-requests/{id}/priority",
                    web::post().to(service_requests::routes::set_priority),
                )
                .route(
                    "/service-requests/{id}/reject",
                    web::post().to(service_requests::routes::reject),
                )
                .route(
                    "/service-requests/{id}/convert",
                    web::post().to(service_requests::routes::convert),
                )
                .route(
                    "/sites/{id}/qr",
                    web::get().to(service_requests::routes::site_qr),
                )
                .route(
                    "/sites/{id}/report-link",
                    web::post().to(service_requests::routes::regenerate_site),
                )
                .route(
                    "/elevators/{id}/qr",
                    web::get().to(service_requests::routes::lift_qr),
                )
                .route(
                    "/elevators/{id}/report-link",
                    web::post().to(service_requests::routes::regenerate_lift),
                )
                .route(
                    "/tenants",
                    web::get().to(service_requests::routes::tenants_list),
                )
                .route(
                    "/tenants",
                    web::post().to(service_requests::routes::tenant_create),
                )
                .route(
                    "/tenants/new",
                    web::get().to(service_requests::routes::tenant_new),
                )
                .route(
                    "/tenants/{id}",
                    web::get().to(service_requests::routes::tenant_detail),
                )
                .route(
                    "/tenants/{id}",
                    web::post().to(service_requests::routes::tenant_update),
                )
                .route(
                    "/tenants/{id}/active",
                    web::post().to(service_requests::routes::tenant_set_active),
                )
                .route(
                    "/tenants/{id}/invite",
                    web::post().to(service_requests::routes::tenant_invite),
                )
                .route("/portal", web::get().to(service_requests::routes::portal))
                .route(
                    "/portal/requests",
                    web::post().to(service_requests::routes::portal_request),
                )
                .route(
                    "/portal/requests/{id}/rate",
                    web::post().to(service_requests::routes::portal_rate),
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

/// Unreadable form bodies become our 400 page, not actix's plain-text error.
pub fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(2 * 1024 * 1024)
        .error_handler(|err, _| {
            AppError::BadRequest(format!("The form could not be read: {err}")).into()
        })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        AppError::BadRequest(format!("The address has an unreadable parameter: {err}")).into()
    })
}

/// A path segment that does not parse (a malformed id) names nothing: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into())
}
