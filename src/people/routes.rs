//! `/people/{id}` (a profile, as its visibility allows) and `/profile` (editing one's own).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::PgConnection;
use uuid::Uuid;

use super::forms::{CertificationForm, EmploymentForm, ProfileForm};
use super::operations::{self, ProfileError, Reader};
use super::queries::{self, AVAILABILITY, VISIBILITY};
use super::views::{EditPage, ProfilePage};
use crate::auth::identity::Viewer;
use crate::jobs::model::{label_of, TRADES};
use crate::web::forms::FieldErrors;
use crate::web::see_other;
use crate::web::{render, render_status, AppError};
use crate::AppState;

pub async fn show(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let reader = Reader::of(viewer.signed_in());
    let view = state
        .db
        .run(move |conn| Ok::<_, AppError>(operations::read_profile(conn, &reader, id)?))
        .await?;
    let profile = view.profile;
    render(&ProfilePage {
        layout: viewer.layout(view.name.clone()).section("jobs"),
        is_owner: viewer
            .signed_in()
            .is_some_and(|a| a.id == profile.account_id),
        trade: profile
            .primary_trade
            .as_deref()
            .map(|t| label_of(TRADES, t))
            .unwrap_or_default(),
        summary_html: profile.summary_html(),
        profile,
        name: view.name,
        certifications: view.certifications,
        employment: view.employment,
    })
}

/// The edit page with whichever form was refused kept as typed.
#[derive(Default)]
struct Refused {
    profile: Option<(ProfileForm, FieldErrors)>,
    certification: Option<(CertificationForm, FieldErrors)>,
    job: Option<(EmploymentForm, FieldErrors)>,
}

async fn edit_page(
    viewer: &Viewer,
    state: &AppState,
    refused: Refused,
) -> Result<EditPage, AppError> {
    let account_id = viewer.require_account()?.id;
    let (profile, certifications, employment) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            Ok((
                queries::profile_of(conn, account_id)?,
                queries::certifications(conn, &[account_id])?,
                queries::employment(conn, account_id)?,
            ))
        })
        .await?;
    let (form, errors) = refused.profile.unwrap_or_else(|| {
        (
            ProfileForm::from_profile(profile.as_ref()),
            FieldErrors::default(),
        )
    });
    let (certification, certification_errors) = refused.certification.unwrap_or_default();
    let (job, job_errors) = refused.job.unwrap_or_default();
    Ok(EditPage {
        layout: viewer.layout("Your technician profile").section("jobs"),
        profile_id: profile.map(|p| p.id),
        form,
        errors,
        certifications,
        certification,
        certification_errors,
        employment,
        job,
        job_errors,
        trades: TRADES,
        availability: AVAILABILITY,
        visibility: VISIBILITY,
    })
}

pub async fn edit(viewer: Viewer, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    render(&edit_page(&viewer, &state, Refused::default()).await?)
}

/// Runs a change to the signed-in account's own profile, then sends them to `back` with
/// `done`; refused input brings the edit page back (422) with the form `refused` makes.
async fn change(
    viewer: Viewer,
    state: web::Data<AppState>,
    work: impl FnOnce(&mut PgConnection, Uuid) -> Result<(), ProfileError> + Send + 'static,
    refused: impl FnOnce(FieldErrors) -> Refused,
    done: &'static str,
    back: &'static str,
) -> Result<HttpResponse, AppError> {
    let account_id = viewer.require_account()?.id;
    let outcome = state
        .db
        .run(move |conn| match work(conn, account_id) {
            Ok(()) => Ok(Ok(())),
            Err(ProfileError::Invalid(errors)) => Ok(Err(errors)),
            Err(other) => Err(AppError::from(other)),
        })
        .await?;
    match outcome {
        Ok(()) => {
            viewer.flash("success", done);
            Ok(see_other(back))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &edit_page(&viewer, &state, refused(errors)).await?,
        ),
    }
}

pub async fn save(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let submitted = form.clone();
    change(
        viewer,
        state,
        move |conn, account| operations::save_profile(conn, account, &submitted),
        |errors| Refused {
            profile: Some((form, errors)),
            ..Default::default()
        },
        "Your profile is saved.",
        "/profile",
    )
    .await
}

pub async fn add_certification(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<CertificationForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let submitted = form.clone();
    change(
        viewer,
        state,
        move |conn, account| operations::add_certification(conn, account, &submitted),
        |errors| Refused {
            certification: Some((form, errors)),
            ..Default::default()
        },
        "The certification is added.",
        "/profile#certifications",
    )
    .await
}

pub async fn delete_certification(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    change(
        viewer,
        state,
        move |conn, account| operations::remove_certification(conn, account, id),
        |_| Refused::default(),
        "The certification is removed.",
        "/profile#certifications",
    )
    .await
}

pub async fn add_employment(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<EmploymentForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let submitted = form.clone();
    change(
        viewer,
        state,
        move |conn, account| operations::add_employment(conn, account, &submitted),
        |errors| Refused {
            job: Some((form, errors)),
            ..Default::default()
        },
        "The position is added.",
        "/profile#employment",
    )
    .await
}

pub async fn delete_employment(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    change(
        viewer,
        state,
        move |conn, account| operations::remove_employment(conn, account, id),
        |_| Refused::default(),
        "The position is removed.",
        "/profile#employment",
    )
    .await
}
