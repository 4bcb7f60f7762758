//! Routes outside any organization: accounts and invitations, the public fault-report form
//! and platform administration.

use actix_web::web::{self, ServiceConfig};

use crate::{
    admin, auth, background, conversations, live, mail, members, notifications, service_requests,
    web as pages,
};

/// The home page, the health check and static files.
pub fn front(cfg: &mut ServiceConfig) {
    cfg.route("/", web::get().to(pages::pages::home))
        .route("/healthz", web::get().to(pages::pages::healthz))
        .route("/static/{path:.*}", web::get().to(pages::assets::serve))
        .route("/static/{path:.*}", web::head().to(pages::assets::serve));
}

/// Signing up and in, the account, invitations, notifications and conversations.
pub fn accounts(cfg: &mut ServiceConfig) {
    cfg.route("/signin", web::get().to(auth::routes::signin_page))
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
        .route(
            "/password/forgot",
            web::get().to(auth::recovery::routes::forgot_page),
        )
        .route(
            "/password/forgot",
            web::post().to(auth::recovery::routes::forgot),
        )
        .route(
            "/password/reset/{token}",
            web::get().to(auth::recovery::routes::reset_page),
        )
        .route(
            "/password/reset/{token}",
            web::post().to(auth::recovery::routes::reset),
        )
        .route(
            "/account/confirm/{token}",
            web::get().to(auth::recovery::routes::confirm_page),
        )
        .route(
            "/account/confirm/{token}",
            web::post().to(auth::recovery::routes::confirm),
        )
        .route("/account/email", web::post().to(auth::routes::change_email))
        .route(
            "/account/confirmation",
            web::post().to(auth::recovery::routes::resend_confirmation),
        )
        .route("/account", web::get().to(auth::routes::account_page))
        .route(
            "/account/delete",
            web::post().to(auth::deletion_routes::delete),
        )
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
        .route(
            "/account/notifications",
            web::get().to(notifications::preferences::page),
        )
        .route(
            "/account/notifications",
            web::post().to(notifications::preferences::save),
        )
        .route(
            "/unsubscribe/{token}",
            web::get().to(notifications::preferences::confirm_page),
        )
        .route(
            "/unsubscribe/{token}",
            web::post().to(notifications::preferences::unsubscribe),
        )
        .route("/events", web::get().to(live::routes::events))
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
        .route("/messages", web::get().to(conversations::routes::inbox))
        .route("/messages", web::post().to(conversations::routes::create))
        .route(
            "/messages/unread",
            web::get().to(conversations::routes::count),
        )
        .route(
            "/messages/new",
            web::get().to(conversations::routes::compose),
        )
        .route(
            "/messages/{id}",
            web::get().to(conversations::routes::thread),
        )
        .route(
            "/messages/{id}",
            web::post().to(conversations::routes::reply),
        )
        .route(
            "/messages/{id}/latest",
            web::get().to(conversations::routes::latest),
        )
        .route(
            "/messages/{id}/files/{file_id}",
            web::get().to(conversations::routes::file),
        )
        .route(
            "/messages/{id}/files/{file_id}/thumbnail",
            web::get().to(conversations::routes::thumbnail),
        );
}

/// The public report form behind each QR code (no sign-in).
pub fn fault_reports(cfg: &mut ServiceConfig) {
    cfg.route(
        "/report/{slug}/status/{token}",
        web::get().to(service_requests::routes::report::status_page),
    )
    .route(
        "/report/{slug}/{token}",
        web::get().to(service_requests::routes::report::report_form),
    )
    .route(
        "/report/{slug}/{token}",
        web::post().to(service_requests::routes::report::report),
    );
}

/// Platform administration.
pub fn administration(cfg: &mut ServiceConfig) {
    cfg.route(
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
    .route(
        "/admin/organizations/{id}/delete",
        web::post().to(admin::routes::delete),
    )
    .route(
        "/admin/organizations/{id}/restore",
        web::post().to(admin::routes::restore),
    )
    .route("/admin/mail", web::get().to(mail::routes::list))
    .route("/admin/mail/{id}", web::get().to(mail::routes::detail))
    .route(
        "/admin/mail/{id}/html",
        web::get().to(mail::routes::html_part),
    )
    .route(
        "/admin/mail/{id}/retry",
        web::post().to(mail::routes::retry),
    )
    .route("/admin/jobs", web::get().to(background::routes::list))
    .route(
        "/admin/jobs/{id}/retry",
        web::post().to(background::routes::retry),
    );
}
