//! `/people/{id}` (a profile, as its visibility allows) and `/profile` (editing one's own).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::forms::{CertificationForm, EmploymentForm, ProfileForm};
use super::queries::{self, AVAILABILITY, VISIBILITY};
use super::views::{EditPage, ProfilePage};
use crate::auth::identity::Viewer;
use crate::jobs::model::{label_of, TRADES};
use crate::jobs::routes::see_other;
use crate::web::forms::FieldErrors;
use crate::web::{render, render_status, AppError};
use crate::AppState;

/// Whether this viewer may see a profile with `visibility` owned by `owner`: public to all,
/// employers only to signed-in members of any organization, private to its owner alone.
pub fn may_see(viewer: &Viewer, owner: Uuid, visibility: &str) -> bool {
    let account = viewer.signed_in();
    if account.is_some_and(|a| a.id == owner) {
        return true;
    }
    match visibility {
        "public" => true,
        "employers_only" => account.is_some_and(|a| a.memberships.iter().any(|m| !m.suspended)),
        _ => false,
    }
}

pub async fn show(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (profile, name) = state
        .db
        .run(move |conn| Ok::<_, AppError>(queries::find(conn, id)?))
        .await?;
    if !may_see(&viewer, profile.account_id, &profile.profile_visibility) {
        return Err(AppError::NotFound);
    }
    let owner = profile.account_id;
    let (certifications, employment) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            Ok((
                queries::certifications(conn, &[owner])?,
                queries::employment(conn, owner)?,
            ))
        })
        .await?;
    render(&ProfilePage {
        layout: viewer.layout(name.clone()).section("jobs"),
        is_owner: viewer.signed_in().is_some_and(|a| a.id == owner),
        trade: profile
            .primary_trade
            .as_deref()
            .map(|t| label_of(TRADES, t))
            .unwrap_or_default(),
        summary_html: profile.summary_html(),
        profile,
        name,
        certifications,
        employment,
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

async fn refuse(
    viewer: &Viewer,
    state: &AppState,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &edit_page(viewer, state, refused).await?,
    )
}

pub async fn save(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let account_id = viewer.require_account()?.id;
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return refuse(
                &viewer,
                &state,
                Refused {
                    profile: Some((form, errors)),
                    ..Default::default()
                },
            )
            .await
        }
    };
    state
        .db
        .run(move |conn| Ok::<_, AppError>(queries::save_profile(conn, account_id, &input)?))
        .await?;
    viewer.flash("success", "Your profile is saved.");
    Ok(see_other("/profile"))
}

pub async fn add_certification(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<CertificationForm>,
) -> Result<HttpResponse, AppError> {
    let account_id = viewer.require_account()?.id;
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return refuse(
                &viewer,
                &state,
                Refused {
                    certification: Some((form, errors)),
                    ..Default::default()
                },
            )
            .await
        }
    };
    state
        .db
        .run(move |conn| Ok::<_, AppError>(queries::add_certification(conn, account_id, &input)?))
        .await?;
    viewer.flash("success", "The certification is added.");
    Ok(see_other("/profile#certifications"))
}

pub async fn delete_certification(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let account_id = viewer.require_account()?.id;
    let id = path.into_inner();
    let deleted = state
        .db
        .run(move |conn| Ok::<_, AppError>(queries::delete_certification(conn, account_id, id)?))
        .await?;
    if deleted == 0 {
        return Err(AppError::NotFound);
    }
    viewer.flash("success", "The certification is removed.");
    Ok(see_other("/profile#certifications"))
}

pub async fn add_employment(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<EmploymentForm>,
) -> Result<HttpResponse, AppError> {
    let account_id = viewer.require_account()?.id;
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return refuse(
                &viewer,
                &state,
                Refused {
                    job: Some((form, errors)),
                    ..Default::default()
                },
            )
            .await
        }
    };
    state
        .db
        .run(move |conn| Ok::<_, AppError>(queries::add_employment(conn, account_id, &input)?))
        .await?;
    viewer.flash("success", "The position is added.");
    Ok(see_other("/profile#employment"))
}

pub async fn delete_employment(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let account_id = viewer.require_account()?.id;
    let id = path.into_inner();
    let deleted = state
        .db
        .run(move |conn| Ok::<_, AppError>(queries::delete_employment(conn, account_id, id)?))
        .await?;
    if deleted == 0 {
        return Err(AppError::NotFound);
    }
    viewer.flash("success", "The position is removed.");
    Ok(see_other("/profile#employment"))
}
