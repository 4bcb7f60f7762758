//! Marketplace handlers: browse and search, listing pages, selling, photos, inquiries,
//! purchases and reviews. Anyone may browse; everything else needs an account, and each
//! action checks the viewer's organizations and roles.

use actix_multipart::Multipart;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use futures_util::StreamExt;
use uuid::Uuid;

use super::forms::{
    BrowseQuery, BuyForm, ListingForm, MessageForm, MineQuery, NewListingQuery, PageQuery,
    ReviewForm, StepForm,
};
use super::images::{self, Photo};
use super::lifecycle::{Action, ListingStatus, PartCondition, Party, TransactionStatus};
use super::queries::{self, BuyError, Listing, Purchase, SearchFilter, Sort, StepDetails};
use super::views::{
    BrowsePage, BrowseResults, InboxPage, InquiryPage, ListingFormPage, ListingPage, MinePage,
    OrderRow, OrdersPage, OrgChoice, TransactionPage,
};
use crate::auth::identity::{SignedIn, Viewer};
use crate::auth::roles::Role;
use crate::notifications::{notify, NewNotification};
use crate::web::forms::{check_line, check_text, FieldErrors};
use crate::web::pagination::Pagination;
use crate::web::{markdown, render, render_status, AppError, Htmx};
use crate::AppState;

const PER_PAGE: i64 = 20;
/// A whole upload is cut off past this, whatever its parts claim.
const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Organizations this account may sell or buy for: managers and above, not suspended.
fn trading_orgs(account: &SignedIn) -> Vec<OrgChoice> {
    account
        .memberships
        .iter()
        .filter(|m| m.role >= Role::Manager && !m.suspended)
        .map(|m| OrgChoice {
            slug: m.slug.clone(),
            name: m.name.clone(),
        })
        .collect()
}

fn trading_org_id(account: &SignedIn, slug: &str) -> Option<Uuid> {
    account
        .memberships
        .iter()
        .find(|m| m.slug == slug && m.role >= Role::Manager && !m.suspended)
        .map(|m| m.organization_id)
}

fn role_in(viewer: &Viewer, org_id: Uuid) -> Option<Role> {
    viewer.signed_in().and_then(|a| {
        a.memberships
            .iter()
            .find(|m| m.organization_id == org_id)
            .map(|m| m.role)
    })
}

fn org_ids(account: &SignedIn, minimum: Role) -> Vec<Uuid> {
    account
        .memberships
        .iter()
        .filter(|m| m.role >= minimum)
        .map(|m| m.organization_id)
        .collect()
}

/// Runs one query off the async workers.
async fn query<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&mut PgConnection) -> QueryResult<T> + Send + 'static,
) -> Result<T, AppError> {
    state
        .db
        .run(move |conn| work(conn).map_err(AppError::from))
        .await
}

/// The ids of every organization the viewer belongs to.
fn member_org_ids(viewer: &Viewer) -> Vec<Uuid> {
    viewer
        .signed_in()
        .map(|a| org_ids(a, Role::ReadOnly))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Browsing

pub async fn browse(
    viewer: Viewer,
    state: web::Data<AppState>,
    htmx: Htmx,
    query: web::Query<BrowseQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (filter, problems) = query.filter();
    let page = query.page;
    let keep = query.clone();
    let choices = state.platform_choices();
    let (cards, pagination, manufacturers) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let total = queries::search_count(conn, &filter)?;
            let pagination = Pagination::new("/marketplace", page, PER_PAGE, total).keeping(&keep);
            let cards = queries::search(conn, &filter, pagination.offset(), PER_PAGE)?;
            let manufacturers = if htmx.is_fragment() {
                Vec::new()
            } else {
                choices.get("marketplace makes", || queries::manufacturers(conn))?
            };
            Ok((cards, pagination, manufacturers))
        })
        .await?;
    if htmx.is_fragment() {
        return render(&BrowseResults {
            query,
            cards,
            pagination,
        });
    }
    let sort = query.sort();
    render(&BrowsePage {
        layout: viewer.layout("Parts marketplace").section("marketplace"),
        can_sell: viewer
            .signed_in()
            .is_some_and(|a| !trading_orgs(a).is_empty()),
        query,
        cards,
        pagination,
        manufacturers,
        conditions: PartCondition::ALL,
        sorts: Sort::ALL,
        sort,
        problems,
    })
}

/// What the listing page shows besides the listing itself.
struct ListingExtras {
    listing: Listing,
    seller_name: String,
    images: Vec<queries::ListingImage>,
    rating: queries::RatingSummary,
    others: Vec<queries::ListingCard>,
}

async fn load_listing_page(
    state: &AppState,
    viewer: &Viewer,
    listing_id: Uuid,
    count_view: bool,
) -> Result<ListingExtras, AppError> {
    let member_of = member_org_ids(viewer);
    state
        .db
        .run(move |conn| -> Result<ListingExtras, AppError> {
            let (listing, seller_name, _) = queries::find_listing(conn, listing_id)?;
            let member = member_of.contains(&listing.seller_org_id);
            if listing.status == ListingStatus::Withdrawn && !member {
                return Err(AppError::NotFound);
            }
            if count_view && !member {
                queries::record_view(conn, listing_id)?;
            }
            let others = queries::search(
                conn,
                &SearchFilter {
                    seller_org_id: Some(listing.seller_org_id),
                    exclude_listing: Some(listing.id),
                    ..Default::default()
                },
                0,
                6,
            )?;
            Ok(ListingExtras {
                images: queries::images_of(conn, listing_id)?,
                rating: queries::seller_rating(conn, listing.seller_org_id)?,
                listing,
                seller_name,
                others,
            })
        })
        .await
}

struct ListingForms {
    ask: MessageForm,
    ask_errors: FieldErrors,
    buy: BuyForm,
    buy_errors: FieldErrors,
}

impl Default for ListingForms {
    fn default() -> Self {
        ListingForms {
            ask: MessageForm::default(),
            ask_errors: FieldErrors::default(),
            buy: BuyForm {
                quantity: "1".into(),
                ..Default::default()
            },
            buy_errors: FieldErrors::default(),
        }
    }
}

fn listing_page(
    state: &AppState,
    viewer: &Viewer,
    extras: ListingExtras,
    forms: ListingForms,
) -> ListingPage {
    let role = role_in(viewer, extras.listing.seller_org_id);
    let buyer_orgs = viewer
        .signed_in()
        .map(|a| {
            trading_orgs(a)
                .into_iter()
                .filter(|o| trading_org_id(a, &o.slug) != Some(extras.listing.seller_org_id))
                .collect()
        })
        .unwrap_or_default();
    let title = format!(
        "{} {}",
        extras.listing.part_number, extras.listing.part_name
    );
    ListingPage {
        layout: viewer.layout(title).section("marketplace"),
        status: extras.listing.effective_status(),
        description_html: markdown::render(&extras.listing.description),
        seller_name: extras.seller_name,
        images: extras.images,
        rating: extras.rating,
        others: extras.others,
        signed_in: viewer.signed_in().is_some(),
        is_seller_member: role.is_some(),
        can_manage: role.is_some_and(|r| r >= Role::Manager),
        buyer_orgs,
        ask: forms.ask,
        ask_errors: forms.ask_errors,
        buy: forms.buy,
        buy_errors: forms.buy_errors,
        fee_percent: state.config.platform_fee_percent.normalized().to_string(),
        listing: extras.listing,
    }
}

pub async fn show(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let extras = load_listing_page(&state, &viewer, path.into_inner(), true).await?;
    render(&listing_page(
        &state,
        &viewer,
        extras,
        ListingForms::default(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Selling

fn require_seller(viewer: &Viewer) -> Result<(&SignedIn, Vec<OrgChoice>), AppError> {
    let account = viewer.require_account()?;
    let orgs = trading_orgs(account);
    if orgs.is_empty() {
        return Err(AppError::Forbidden(
            "To sell parts you need to be a manager (or above) in an organization.".into(),
        ));
    }
    Ok((account, orgs))
}

pub async fn new_page(
    viewer: Viewer,
    query: web::Query<NewListingQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, orgs) = require_seller(&viewer)?;
    let chosen = query
        .org
        .clone()
        .filter(|slug| orgs.iter().any(|o| &o.slug == slug))
        .or_else(|| orgs.first().map(|o| o.slug.clone()))
        .unwrap_or_default();
    let mut page = ListingFormPage::new(
        viewer.layout("Sell a part").section("marketplace"),
        ListingForm::new_default(chosen),
        FieldErrors::default(),
    );
    page.seller_orgs = orgs;
    render(&page)
}

pub async fn create(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<ListingForm>,
) -> Result<HttpResponse, AppError> {
    let (account, orgs) = require_seller(&viewer)?;
    let form = form.into_inner();
    let org_id = trading_org_id(account, form.organization.trim());
    let validated = form.validate();
    match (validated, org_id) {
        (Ok(input), Some(org_id)) => {
            let account_id = account.id;
            let id = query(&state, move |conn| {
                queries::insert_listing(conn, org_id, account_id, &input)
            })
            .await?;
            state.platform_choices().forget();
            viewer.flash(
                "success",
                "Your part is listed. Add photos below: listings with photos sell faster.",
            );
            Ok(see_other(&format!("/marketplace/listings/{id}/edit")))
        }
        (validated, org_id) => {
            let mut errors = validated.err().unwrap_or_default();
            if org_id.is_none() {
                errors.add("organization", "Choose one of your organizations.");
            }
            let mut page = ListingFormPage::new(
                viewer.layout("Sell a part").section("marketplace"),
                form,
                errors,
            );
            page.seller_orgs = orgs;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// The listing, if the viewer manages its organization's listings: 404 for outsiders, 403 for
/// members below manager.
async fn managed_listing(
    state: &AppState,
    viewer: &Viewer,
    listing_id: Uuid,
) -> Result<(Listing, Vec<queries::ListingImage>), AppError> {
    viewer.require_account()?;
    let (listing, images) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let (listing, _, _) = queries::find_listing(conn, listing_id)?;
            let images = queries::images_of(conn, listing_id)?;
            Ok((listing, images))
        })
        .await?;
    check_manages(viewer, &listing)?;
    Ok((listing, images))
}

fn check_manages(viewer: &Viewer, listing: &Listing) -> Result<(), AppError> {
    match role_in(viewer, listing.seller_org_id) {
        None => Err(AppError::NotFound),
        Some(role) if role < Role::Manager => Err(AppError::Forbidden(
            "Only managers and above can change their organization's listings.".into(),
        )),
        Some(_) => Ok(()),
    }
}

fn edit_page(
    viewer: &Viewer,
    listing: &Listing,
    images: Vec<queries::ListingImage>,
    form: ListingForm,
    errors: FieldErrors,
    photo_error: Option<String>,
) -> ListingFormPage {
    let mut page = ListingFormPage::new(
        viewer
            .layout(format!("Edit {}", listing.part_number))
            .section("marketplace"),
        form,
        errors,
    );
    page.editing = Some(listing.id);
    page.can_add_photos = (images.len() as i64) < images::MAX_PER_LISTING;
    page.images = images;
    page.photo_error = photo_error;
    page
}

pub async fn edit(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let (listing, images) = managed_listing(&state, &viewer, path.into_inner()).await?;
    let form = ListingForm::from_listing(&listing);
    render(&edit_page(
        &viewer,
        &listing,
        images,
        form,
        FieldErrors::default(),
        None,
    ))
}

pub async fn update(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<ListingForm>,
) -> Result<HttpResponse, AppError> {
    let listing_id = path.into_inner();
    let (listing, images) = managed_listing(&state, &viewer, listing_id).await?;
    let form = form.into_inner();
    match form.validate() {
        Ok(input) => {
            let updated = query(&state, move |conn| {
                queries::update_listing(conn, listing_id, &input)
            })
            .await?;
            state.platform_choices().forget();
            if !updated {
                return Err(AppError::Conflict(
                    "This listing was sold or withdrawn, so it can no longer be edited.".into(),
                ));
            }
            viewer.flash("success", "The listing was saved.");
            Ok(see_other(&format!("/marketplace/listings/{listing_id}")))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &edit_page(&viewer, &listing, images, form, errors, None),
        ),
    }
}

pub async fn renew(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let listing_id = path.into_inner();
    managed_listing(&state, &viewer, listing_id).await?;
    let renewed = query(&state, move |conn| queries::renew(conn, listing_id)).await?;
    if !renewed {
        return Err(AppError::Conflict(
            "Only a listing with parts left can be renewed.".into(),
        ));
    }
    viewer.flash(
        "success",
        format!(
            "The listing is up for another {} days.",
            queries::LISTING_DAYS
        ),
    );
    Ok(see_other("/marketplace/mine"))
}

pub async fn withdraw(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let listing_id = path.into_inner();
    managed_listing(&state, &viewer, listing_id).await?;
    let withdrawn = query(&state, move |conn| queries::withdraw(conn, listing_id)).await?;
    if !withdrawn {
        return Err(AppError::Conflict(
            "This listing is already sold or withdrawn.".into(),
        ));
    }
    viewer.flash(
        "success",
        "The listing was withdrawn; buyers no longer see it. Renew it to put it back up.",
    );
    Ok(see_other("/marketplace/mine"))
}

pub async fn mine(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<MineQuery>,
) -> Result<HttpResponse, AppError> {
    let (account, _) = require_seller(&viewer)?;
    let orgs = org_ids(account, Role::Manager);
    let status = query.status.as_deref().and_then(ListingStatus::parse);
    let page = query.page;
    let (rows, counts, pagination) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            queries::expire_overdue(conn, &orgs)?;
            let total = queries::my_listings_count(conn, &orgs, status)?;
            let mut pagination = Pagination::new("/marketplace/mine", page, PER_PAGE, total);
            if let Some(status) = status {
                pagination = pagination.keeping(&[("status", status.as_str())]);
            }
            let rows = queries::my_listings(conn, &orgs, status, pagination.offset(), PER_PAGE)?;
            Ok((rows, queries::status_counts(conn, &orgs)?, pagination))
        })
        .await?;
    render(&MinePage {
        layout: viewer.layout("My listings").section("marketplace"),
        total: counts.iter().map(|(_, n)| n).sum(),
        rows,
        counts,
        status,
        statuses: ListingStatus::ALL,
        pagination,
    })
}

// ---------------------------------------------------------------------------------------------
// Photos

struct Upload {
    photos: Vec<Photo>,
    problems: Vec<String>,
}

/// Reads every file of the form. Oversized files are read to the end (and dropped) so the
/// browser gets our answer instead of a broken connection.
async fn read_upload(mut multipart: Multipart) -> Result<Vec<(String, Vec<u8>, bool)>, AppError> {
    let mut files = Vec::new();
    let mut total = 0usize;
    while let Some(field) = multipart.next().await {
        let mut field = field
            .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mut bytes = Vec::new();
        let mut oversized = false;
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
            total += chunk.len();
            if total > MAX_UPLOAD_BYTES {
                return Err(AppError::BadRequest(
                    "The upload is too large: send at most five photos of 5 MB each.".into(),
                ));
            }
            if bytes.len() + chunk.len() > images::MAX_BYTES {
                oversized = true;
                bytes.clear();
            } else if !oversized {
                bytes.extend_from_slice(&chunk);
            }
        }
        if name == "photos" {
            if let Some(file_name) = file_name {
                // A file input left empty still sends one part, with no name and no bytes.
                if !(file_name.is_empty() && bytes.is_empty()) {
                    files.push((file_name, bytes, oversized));
                }
            }
        }
    }
    Ok(files)
}

pub async fn upload_photos(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    multipart: Multipart,
) -> Result<HttpResponse, AppError> {
    let listing_id = path.into_inner();
    let (listing, images) = managed_listing(&state, &viewer, listing_id).await?;
    let files = read_upload(multipart).await?;
    let room = images::MAX_PER_LISTING - images.len() as i64;
    let mut problem = None;
    if files.is_empty() {
        problem = Some("Choose at least one photo to upload.".to_string());
    } else if files.len() as i64 > room {
        problem = Some(format!(
            "A listing has at most {} photos; there is room for {room} more.",
            images::MAX_PER_LISTING
        ));
    }
    let upload = if problem.is_none() {
        web::block(move || {
            let mut upload = Upload {
                photos: Vec::new(),
                problems: Vec::new(),
            };
            for (name, bytes, oversized) in files {
                match images::accept(&name, bytes, oversized) {
                    Ok(photo) => upload.photos.push(photo),
                    Err(message) => upload.problems.push(message),
                }
            }
            upload
        })
        .await
        .map_err(AppError::internal)?
    } else {
        Upload {
            photos: Vec::new(),
            problems: Vec::new(),
        }
    };
    if !upload.problems.is_empty() {
        problem = Some(format!(
            "Nothing was uploaded. {} Photos must be JPEG, PNG or WebP files of at most 5 MB.",
            upload.problems.join(" ")
        ));
    }
    if let Some(problem) = problem {
        let form = ListingForm::from_listing(&listing);
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &edit_page(
                &viewer,
                &listing,
                images,
                form,
                FieldErrors::default(),
                Some(problem),
            ),
        );
    }
    let files = state.files.clone();
    let count = upload.photos.len();
    state
        .db
        .run(move |conn| {
            conn.transaction(|conn| -> Result<(), AppError> {
                // Locked, so two uploads at once cannot together pass five photos.
                queries::lock_listing(conn, listing_id)?;
                let existing = queries::images_of(conn, listing_id)?;
                if existing.len() + upload.photos.len() > images::MAX_PER_LISTING as usize {
                    return Err(AppError::Conflict(format!(
                        "A listing has at most {} photos.",
                        images::MAX_PER_LISTING
                    )));
                }
                let first_position = existing.iter().map(|i| i.position + 1).max().unwrap_or(0);
                let mut stored = Vec::new();
                let mut rows = Vec::new();
                for photo in &upload.photos {
                    let id = Uuid::new_v4();
                    let key = format!("marketplace/{listing_id}/{id}.{}", photo.extension());
                    let thumbnail_key = format!("marketplace/{listing_id}/{id}-thumb.jpg");
                    let result = files
                        .put(&key, &photo.bytes)
                        .and_then(|_| files.put(&thumbnail_key, &photo.thumbnail));
                    stored.push(key.clone());
                    stored.push(thumbnail_key.clone());
                    if let Err(e) = result {
                        for key in &stored {
                            let _ = files.delete(key);
                        }
                        return Err(AppError::internal(e));
                    }
                    rows.push(queries::NewImage {
                        id,
                        storage_key: key,
                        thumbnail_key,
                        content_type: photo.kind.content_type(),
                        byte_size: photo.bytes.len() as i32,
                    });
                }
                if let Err(e) = queries::insert_images(conn, listing_id, first_position, &rows) {
                    for key in &stored {
                        let _ = files.delete(key);
                    }
                    return Err(e.into());
                }
                Ok(())
            })
        })
        .await?;
    viewer.flash(
        "success",
        if count == 1 {
            "The photo was added.".to_string()
        } else {
            format!("{count} photos were added.")
        },
    );
    Ok(see_other(&format!(
        "/marketplace/listings/{listing_id}/edit"
    )))
}

pub async fn delete_photo(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (listing_id, image_id) = path.into_inner();
    managed_listing(&state, &viewer, listing_id).await?;
    let removed = query(&state, move |conn| {
        queries::delete_image(conn, listing_id, image_id)
    })
    .await?
    .ok_or(AppError::NotFound)?;
    let _ = state.files.delete(&removed.storage_key);
    let _ = state.files.delete(&removed.thumbnail_key);
    viewer.flash("success", "The photo was removed.");
    Ok(see_other(&format!(
        "/marketplace/listings/{listing_id}/edit"
    )))
}

async fn serve_photo(
    viewer: Viewer,
    state: web::Data<AppState>,
    image_id: Uuid,
    thumbnail: bool,
) -> Result<HttpResponse, AppError> {
    let (image, status, seller_org_id) =
        query(&state, move |conn| queries::find_image(conn, image_id)).await?;
    if status == ListingStatus::Withdrawn && role_in(&viewer, seller_org_id).is_none() {
        return Err(AppError::NotFound);
    }
    let (key, content_type) = if thumbnail {
        (image.thumbnail_key, "image/jpeg".to_string())
    } else {
        (image.storage_key, image.content_type)
    };
    let files = state.files.clone();
    let bytes = web::block(move || files.get(&key))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_DISPOSITION, "inline"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .body(bytes))
}

pub async fn photo(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    serve_photo(viewer, state, path.into_inner(), false).await
}

pub async fn thumbnail(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    serve_photo(viewer, state, path.into_inner(), true).await
}

// ---------------------------------------------------------------------------------------------
// Inquiries

pub async fn ask(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<MessageForm>,
) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?.clone();
    let listing_id = path.into_inner();
    let form = form.into_inner();
    let body = match form.validate() {
        Ok(body) => body,
        Err(ask_errors) => {
            let extras = load_listing_page(&state, &viewer, listing_id, false).await?;
            let forms = ListingForms {
                ask: form,
                ask_errors,
                ..Default::default()
            };
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &listing_page(&state, &viewer, extras, forms),
            );
        }
    };
    let member_of = member_org_ids(&viewer);
    let inquiry_id = state
        .db
        .run(move |conn| {
            conn.transaction(|conn| -> Result<Uuid, AppError> {
                let (listing, _, _) = queries::find_listing(conn, listing_id)?;
                let member = member_of.contains(&listing.seller_org_id);
                if listing.status == ListingStatus::Withdrawn && !member {
                    return Err(AppError::NotFound);
                }
                if member {
                    return Err(AppError::Forbidden(
                        "This is your organization's own listing.".into(),
                    ));
                }
                let (inquiry_id, _) = queries::ask(conn, &listing, account.id, &body)?;
                let mut recipients = queries::org_managers(conn, listing.seller_org_id)?;
                if !recipients.contains(&listing.seller_account_id) {
                    recipients.push(listing.seller_account_id);
                }
                notify(
                    conn,
                    &recipients,
                    &NewNotification {
                        kind: "marketplace_inquiry",
                        title: &format!(
                            "{} asked about {}",
                            account.display_name, listing.part_number
                        ),
                        body: &body.chars().take(300).collect::<String>(),
                        link: &format!("/marketplace/inquiries/{inquiry_id}"),
                        organization_id: Some(listing.seller_org_id),
                    },
                )?;
                Ok(inquiry_id)
            })
        })
        .await?;
    viewer.flash(
        "success",
        "Your question was sent to the seller. You will be notified of the answer.",
    );
    Ok(see_other(&format!("/marketplace/inquiries/{inquiry_id}")))
}

pub async fn inbox(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?;
    let account_id = account.id;
    let orgs = org_ids(account, Role::ReadOnly);
    let page = query.page;
    let (inquiries, pagination) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let total = queries::inbox_count(conn, account_id, &orgs)?;
            let pagination = Pagination::new("/marketplace/inquiries", page, PER_PAGE, total);
            let rows = queries::inbox(conn, account_id, &orgs, pagination.offset(), PER_PAGE)?;
            Ok((rows, pagination))
        })
        .await?;
    render(&InboxPage {
        layout: viewer
            .layout("Marketplace inquiries")
            .section("marketplace"),
        inquiries,
        account_id,
        pagination,
    })
}

/// The thread and messages, if the viewer asked it or belongs to the seller organization.
async fn load_inquiry(
    state: &AppState,
    viewer: &Viewer,
    inquiry_id: Uuid,
) -> Result<(queries::Inquiry, Vec<queries::Message>), AppError> {
    let account_id = viewer.require_account()?.id;
    let (inquiry, messages) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            Ok((
                queries::find_inquiry(conn, inquiry_id)?,
                queries::messages(conn, inquiry_id)?,
            ))
        })
        .await?;
    if inquiry.buyer_account_id != account_id && role_in(viewer, inquiry.seller_org_id).is_none() {
        return Err(AppError::NotFound);
    }
    Ok((inquiry, messages))
}

fn inquiry_page(
    viewer: &Viewer,
    inquiry: queries::Inquiry,
    messages: Vec<queries::Message>,
    form: MessageForm,
    errors: FieldErrors,
) -> InquiryPage {
    let account_id = viewer.signed_in().map(|a| a.id).unwrap_or_default();
    InquiryPage {
        layout: viewer
            .layout(format!("Inquiry about {}", inquiry.part_number))
            .section("marketplace"),
        viewer_is_buyer: inquiry.buyer_account_id == account_id,
        inquiry,
        messages,
        form,
        errors,
    }
}

pub async fn inquiry(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let (inquiry, messages) = load_inquiry(&state, &viewer, path.into_inner()).await?;
    render(&inquiry_page(
        &viewer,
        inquiry,
        messages,
        MessageForm::default(),
        FieldErrors::default(),
    ))
}

pub async fn reply(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<MessageForm>,
) -> Result<HttpResponse, AppError> {
    let inquiry_id = path.into_inner();
    let (inquiry, messages) = load_inquiry(&state, &viewer, inquiry_id).await?;
    let form = form.into_inner();
    let body = match form.validate() {
        Ok(body) => body,
        Err(errors) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &inquiry_page(&viewer, inquiry, messages, form, errors),
            )
        }
    };
    let account = viewer.require_account()?.clone();
    let from_seller = role_in(&viewer, inquiry.seller_org_id).is_some();
    state
        .db
        .run(move |conn| {
            conn.transaction(|conn| -> Result<(), AppError> {
                queries::add_message(conn, inquiry.id, account.id, from_seller, &body)?;
                let (recipients, organization_id, title) = if from_seller {
                    (
                        vec![inquiry.buyer_account_id],
                        None,
                        format!(
                            "{} answered about {}",
                            inquiry.seller_name, inquiry.part_number
                        ),
                    )
                } else {
                    (
                        queries::org_managers(conn, inquiry.seller_org_id)?,
                        Some(inquiry.seller_org_id),
                        format!(
                            "{} wrote about {}",
                            account.display_name, inquiry.part_number
                        ),
                    )
                };
                notify(
                    conn,
                    &recipients,
                    &NewNotification {
                        kind: "marketplace_inquiry",
                        title: &title,
                        body: &body.chars().take(300).collect::<String>(),
                        link: &format!("/marketplace/inquiries/{}", inquiry.id),
                        organization_id,
                    },
                )?;
                Ok(())
            })
        })
        .await?;
    viewer.flash("success", "Your message was sent.");
    Ok(see_other(&format!("/marketplace/inquiries/{inquiry_id}")))
}

// ---------------------------------------------------------------------------------------------
// Buying

pub async fn buy(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<BuyForm>,
) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?.clone();
    let listing_id = path.into_inner();
    let form = form.into_inner();
    let extras = load_listing_page(&state, &viewer, listing_id, false).await?;
    let seller_org_id = extras.listing.seller_org_id;
    if role_in(&viewer, seller_org_id).is_some()
        && trading_orgs(&account)
            .iter()
            .all(|o| trading_org_id(&account, &o.slug) == Some(seller_org_id))
    {
        return Err(AppError::Forbidden(
            "You cannot buy your own organization's listing.".into(),
        ));
    }
    let mut errors = FieldErrors::default();
    let buyer_org_id = match trading_org_id(&account, form.organization.trim()) {
        Some(id) if id == seller_org_id => {
            return Err(AppError::Forbidden(
                "You cannot buy your own organization's listing.".into(),
            ))
        }
        Some(id) => Some(id),
        None => {
            errors.add(
                "organization",
                "Choose the organization you are buying for (you need to be a manager or above in it).",
            );
            None
        }
    };
    let quantity = match form.quantity.trim().parse::<i32>() {
        Ok(q) if q >= 1 => Some(q),
        _ => {
            errors.add(
                "quantity",
                "Enter how many you want, a whole number from 1.",
            );
            None
        }
    };
    let shipping = match form.delivery.as_str() {
        "shipping" if extras.listing.shipping_available => Some(true),
        "pickup" if extras.listing.local_pickup => Some(false),
        _ => {
            errors.add(
                "delivery",
                "Choose shipping or pickup, as the seller offers.",
            );
            None
        }
    };
    let (Some(buyer_org_id), Some(quantity), Some(shipping), true) =
        (buyer_org_id, quantity, shipping, errors.is_empty())
    else {
        let forms = ListingForms {
            buy: form,
            buy_errors: errors,
            ..Default::default()
        };
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &listing_page(&state, &viewer, extras, forms),
        );
    };
    let fee_percent = state.config.platform_fee_percent.clone();
    let part = extras.listing.part_number.clone();
    let purchase = Purchase {
        listing_id,
        buyer_org_id,
        buyer_account_id: account.id,
        quantity,
        shipping,
    };
    let transaction_id = state
        .db
        .run(move |conn| {
            conn.transaction(|conn| -> Result<Uuid, AppError> {
                let (id, amounts) = queries::buy(conn, &purchase, &fee_percent).map_err(|e| match e {
                    BuyError::Unavailable => AppError::Conflict(
                        "Sorry, this part is no longer available in that quantity: someone may have just bought it.".into(),
                    ),
                    BuyError::MethodNotOffered => AppError::Conflict(
                        "The seller no longer offers that way of delivery.".into(),
                    ),
                    BuyError::Database(e) => e.into(),
                })?;
                let recipients = queries::org_managers(conn, seller_org_id)?;
                notify(
                    conn,
                    &recipients,
                    &NewNotification {
                        kind: "marketplace_order",
                        title: &format!("New order: {quantity} × {part}"),
                        body: &format!("Total {}. Record the payment when it arrives.", super::money::display(&amounts.total)),
                        link: &format!("/marketplace/transactions/{id}"),
                        organization_id: Some(seller_org_id),
                    },
                )?;
                Ok(id)
            })
        })
        .await?;
    viewer.flash(
        "success",
        "Your order was placed. The seller will confirm your payment.",
    );
    Ok(see_other(&format!(
        "/marketplace/transactions/{transaction_id}"
    )))
}

// ---------------------------------------------------------------------------------------------
// Purchases and sales

/// Who the viewer may act as on this purchase. The buyer side is the person who bought or a
/// manager of the buying organization; the seller side is a manager of the selling one.
fn acting_parties(viewer: &Viewer, t: &queries::Transaction) -> Vec<Party> {
    let mut parties = Vec::new();
    let buyer_role = role_in(viewer, t.buyer_org_id);
    let is_buyer_account = viewer
        .signed_in()
        .is_some_and(|a| a.id == t.buyer_account_id);
    if buyer_role.is_some_and(|r| r >= Role::Manager) || (buyer_role.is_some() && is_buyer_account)
    {
        parties.push(Party::Buyer);
    }
    if role_in(viewer, t.seller_org_id).is_some_and(|r| r >= Role::Manager) {
        parties.push(Party::Seller);
    }
    parties
}

fn can_see(viewer: &Viewer, t: &queries::Transaction) -> bool {
    role_in(viewer, t.buyer_org_id).is_some() || role_in(viewer, t.seller_org_id).is_some()
}

struct TransactionData {
    view: queries::TransactionView,
    buyer_name: String,
    seller_name: String,
}

async fn load_transaction(
    state: &AppState,
    viewer: &Viewer,
    id: Uuid,
) -> Result<TransactionData, AppError> {
    viewer.require_account()?;
    let data = state
        .db
        .run(move |conn| -> Result<TransactionData, AppError> {
            let view = queries::find_transaction(conn, id)?;
            let t = &view.transaction;
            let names = queries::org_names(conn, &[t.buyer_org_id, t.seller_org_id])?;
            let name_of = |id: Uuid| {
                names
                    .iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default()
            };
            Ok(TransactionData {
                buyer_name: name_of(t.buyer_org_id),
                seller_name: name_of(t.seller_org_id),
                view,
            })
        })
        .await?;
    if !can_see(viewer, &data.view.transaction) {
        return Err(AppError::NotFound);
    }
    Ok(data)
}

fn transaction_page(
    viewer: &Viewer,
    data: TransactionData,
    step: StepForm,
    step_errors: FieldErrors,
    review: ReviewForm,
    review_errors: FieldErrors,
) -> TransactionPage {
    let parties = acting_parties(viewer, &data.view.transaction);
    let status = data.view.transaction.status;
    let mut actions: Vec<Action> = Vec::new();
    for party in &parties {
        for action in Action::available(status, *party) {
            if !actions.contains(&action) {
                actions.push(action);
            }
        }
    }
    TransactionPage {
        layout: viewer
            .layout(format!("Order of {}", data.view.part_number))
            .section("marketplace"),
        acts_as_buyer: parties.contains(&Party::Buyer),
        acts_as_seller: parties.contains(&Party::Seller),
        actions,
        view: data.view,
        buyer_name: data.buyer_name,
        seller_name: data.seller_name,
        step,
        step_errors,
        review,
        review_errors,
    }
}

pub async fn transaction(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let data = load_transaction(&state, &viewer, path.into_inner()).await?;
    render(&transaction_page(
        &viewer,
        data,
        StepForm::default(),
        FieldErrors::default(),
        ReviewForm::default(),
        FieldErrors::default(),
    ))
}

fn step_details(action: Action, form: &StepForm, ships: bool) -> Result<StepDetails, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut details = StepDetails::default();
    let kept = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    match action {
        Action::Pay => {
            check_line(
                &mut errors,
                "payment_reference",
                &form.payment_reference,
                100,
                true,
            );
            check_line(
                &mut errors,
                "payment_method",
                &form.payment_method,
                50,
                false,
            );
            details.payment_reference = kept(&form.payment_reference);
            details.payment_method = kept(&form.payment_method);
        }
        Action::Ship => {
            check_line(
                &mut errors,
                "tracking_number",
                &form.tracking_number,
                100,
                ships,
            );
            details.tracking_number = kept(&form.tracking_number);
        }
        Action::Dispute => {
            check_text(&mut errors, "reason", &form.reason, 5000, true);
            details.dispute_reason = kept(&form.reason);
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(details)
    } else {
        Err(errors)
    }
}

pub async fn step(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    form: web::Form<StepForm>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let action = Action::parse(&action).ok_or(AppError::NotFound)?;
    let data = load_transaction(&state, &viewer, id).await?;
    let t = data.view.transaction.clone();
    let parties = acting_parties(&viewer, &t);
    let Some(party) = parties.iter().copied().find(|p| action.party_may(*p)) else {
        return Err(AppError::Forbidden(format!(
            "“{}” is not yours to do on this order.",
            action.label()
        )));
    };
    if !action.starts_from(t.status) {
        return Err(AppError::Conflict(format!(
            "“{}” is not possible while the order is {}.",
            action.label(),
            t.status.label().to_lowercase()
        )));
    }
    let form = form.into_inner();
    let details = match step_details(action, &form, t.shipping_method == "shipping") {
        Ok(details) => details,
        Err(errors) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &transaction_page(
                    &viewer,
                    data,
                    form,
                    errors,
                    ReviewForm::default(),
                    FieldErrors::default(),
                ),
            )
        }
    };
    let part = data.view.part_number.clone();
    state
        .db
        .run(move |conn| {
            conn.transaction(|conn| -> Result<(), AppError> {
                if !queries::apply_step(conn, &t, action, &details)? {
                    return Err(AppError::Conflict(
                        "This order has changed meanwhile; reload the page to see where it is."
                            .into(),
                    ));
                }
                let (other_org, recipients) = match party {
                    Party::Seller => {
                        let mut r = queries::org_managers(conn, t.buyer_org_id)?;
                        if !r.contains(&t.buyer_account_id) {
                            r.push(t.buyer_account_id);
                        }
                        (t.buyer_org_id, r)
                    }
                    Party::Buyer => (
                        t.seller_org_id,
                        queries::org_managers(conn, t.seller_org_id)?,
                    ),
                };
                let (_, to, _) = action.rule();
                notify(
                    conn,
                    &recipients,
                    &NewNotification {
                        kind: "marketplace_order",
                        title: &format!("Order of {part}: {}", to.label().to_lowercase()),
                        body: "",
                        link: &format!("/marketplace/transactions/{}", t.id),
                        organization_id: Some(other_org),
                    },
                )?;
                Ok(())
            })
        })
        .await?;
    let (_, to, _) = action.rule();
    viewer.flash(
        "success",
        format!("The order is now {}.", to.label().to_lowercase()),
    );
    Ok(see_other(&format!("/marketplace/transactions/{id}")))
}

pub async fn review(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<ReviewForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let data = load_transaction(&state, &viewer, id).await?;
    let t = data.view.transaction.clone();
    let parties = acting_parties(&viewer, &t);
    let as_buyer = match (
        parties.contains(&Party::Buyer),
        parties.contains(&Party::Seller),
    ) {
        (true, _) => true,
        (false, true) => false,
        _ => {
            return Err(AppError::Forbidden(
                "Only the buyer and the seller review an order.".into(),
            ))
        }
    };
    if t.status != TransactionStatus::Completed {
        return Err(AppError::Conflict(
            "Reviews open once the order is completed.".into(),
        ));
    }
    let form = form.into_inner();
    let (rating, text) = match form.validate() {
        Ok(v) => v,
        Err(errors) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &transaction_page(
                    &viewer,
                    data,
                    StepForm::default(),
                    FieldErrors::default(),
                    form,
                    errors,
                ),
            )
        }
    };
    let saved = query(&state, move |conn| {
        queries::review(conn, id, as_buyer, rating, &text)
    })
    .await?;
    if !saved {
        return Err(AppError::Conflict(
            "You have already reviewed this order.".into(),
        ));
    }
    viewer.flash("success", "Thank you for your review.");
    Ok(see_other(&format!("/marketplace/transactions/{id}")))
}

pub async fn orders(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?;
    let orgs = org_ids(account, Role::ReadOnly);
    let page = query.page;
    let mine = orgs.clone();
    let (views, names, pagination) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let total = queries::orders_count(conn, &orgs)?;
            let pagination = Pagination::new("/marketplace/orders", page, PER_PAGE, total);
            let views = queries::orders(conn, &orgs, pagination.offset(), PER_PAGE)?;
            let mut ids: Vec<Uuid> = views
                .iter()
                .flat_map(|v| [v.transaction.buyer_org_id, v.transaction.seller_org_id])
                .collect();
            ids.sort();
            ids.dedup();
            Ok((views, queries::org_names(conn, &ids)?, pagination))
        })
        .await?;
    let name_of = |id: Uuid| {
        names
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let rows = views
        .into_iter()
        .map(|view| {
            let sold = mine.contains(&view.transaction.seller_org_id);
            let other_party = if sold {
                name_of(view.transaction.buyer_org_id)
            } else {
                name_of(view.transaction.seller_org_id)
            };
            OrderRow {
                view,
                sold,
                other_party,
            }
        })
        .collect();
    render(&OrdersPage {
        layout: viewer.layout("Marketplace orders").section("marketplace"),
        rows,
        pagination,
    })
}
