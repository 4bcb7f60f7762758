//! Every route of the application, in one place, read top to bottom.

use actix_web::web::{self, ServiceConfig};

use crate::web::AppError;
use crate::{admin, audit, auth, jobs, members, notifications, orgs, people, web as pages};

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
        // Inside an organization
        .service(
            web::scope("/o/{slug}")
                .route("", web::get().to(orgs::routes::home))
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
