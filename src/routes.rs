//! Every route of the application, in one place, read top to bottom.

use actix_web::web::{self, ServiceConfig};

use crate::web::AppError;
use crate::{admin, audit, auth, marketplace, members, notifications, orgs, web as pages};

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
