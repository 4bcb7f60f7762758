//! The API's OpenAPI 3.1 document, generated from the handlers' and types' annotations, and
//! the reference page rendered from that same document.

use actix_web::HttpResponse;
use askama::Template;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr};
use utoipa::{Modify, OpenApi};

use super::resources::{
    contractors, elevators, fault_reports, inventory, schedules, sites, work_order_lines,
    work_order_steps, work_orders,
};
use crate::auth::identity::Viewer;
use crate::web::{render, AppError, Layout};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "SiteSync API",
        version = "1",
        description = "Sites, lifts, work orders, fault reports, contractors, maintenance schedules and \
            stock of one organization, \
            for the systems that connect to it. Authenticate with an API key of the organization: \
            `Authorization: Bearer ss_live_…`. Errors are RFC 9457 problem details."
    ),
    paths(
        sites::list, sites::show,
        elevators::list, elevators::show, elevators::change_status,
        work_orders::list, work_orders::show, work_orders::create, work_orders::update,
        work_order_steps::move_to, work_order_steps::assign, work_order_steps::add_task,
        work_order_steps::comment,
        work_order_lines::lines, work_order_lines::add_part, work_order_lines::add_labor,
        fault_reports::create, fault_reports::show,
        contractors::list, contractors::show,
        schedules::list, schedules::show,
        inventory::item, inventory::movement,
    ),
    modifiers(&BearerKeys),
    tags(
        (name = "Sites"), (name = "Lifts"), (name = "Work orders"),
        (name = "Fault reports"), (name = "Contractors"), (name = "Maintenance"),
        (name = "Inventory"),
    )
)]
pub struct ApiDoc;

struct BearerKeys;

impl Modify for BearerKeys {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ss_live_…")
                    .description(Some("An API key made under Settings → API keys."))
                    .build(),
            ),
        );
    }
}

/// The document as served.
pub fn document() -> Document {
    ApiDoc::openapi()
}

/// `GET /api/v1/openapi.json`
pub async fn json() -> HttpResponse {
    HttpResponse::Ok().json(document())
}

/// One operation as the reference page lists it.
struct Operation {
    method: String,
    path: String,
    summary: String,
    scopes: Vec<String>,
    parameters: Vec<(String, String, bool, String)>,
    request: Option<String>,
}

/// One schema as the reference page lists it: its fields and their types.
struct SchemaDoc {
    name: String,
    fields: Vec<(String, String, bool, String)>,
}

#[derive(Template)]
#[template(path = "api/docs.html")]
struct DocsPage {
    layout: Layout,
    title: String,
    description: String,
    operations: Vec<Operation>,
    schemas: Vec<SchemaDoc>,
}

fn type_of(schema: &RefOr<utoipa::openapi::schema::Schema>) -> String {
    serde_json::to_value(schema)
        .ok()
        .map(|value| describe(&value))
        .unwrap_or_default()
}

/// A schema's type in a few words: `string (date-time)`, `array of WorkOrderOut`, …
fn describe(value: &serde_json::Value) -> String {
    if let Some(reference) = value.get("$ref").and_then(|r| r.as_str()) {
        return reference
            .rsplit('/')
            .next()
            .unwrap_or(reference)
            .to_string();
    }
    if let Some(options) = value.get("oneOf").and_then(|o| o.as_array()) {
        return options
            .iter()
            .map(describe)
            .collect::<Vec<_>>()
            .join(" or ");
    }
    let kind = match value.get("type") {
        Some(serde_json::Value::Array(kinds)) => kinds
            .iter()
            .filter_map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(" or "),
        Some(kind) => kind.as_str().unwrap_or_default().to_string(),
        None => String::from("any"),
    };
    let kind = match value.get("items") {
        Some(items) => format!("{kind} of {}", describe(items)),
        None => kind,
    };
    match (value.get("format"), value.get("enum")) {
        (_, Some(serde_json::Value::Array(values))) => format!(
            "{kind}: {}",
            values
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (Some(format), None) => format!("{kind} ({})", format.as_str().unwrap_or_default()),
        _ => kind,
    }
}

fn operations(doc: &Document) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let methods = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PATCH", &item.patch),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
        ];
        for (method, operation) in methods {
            let Some(operation) = operation else { continue };
            let parameters = operation
                .parameters
                .iter()
                .flatten()
                .map(|p| {
                    (
                        p.name.clone(),
                        p.schema.as_ref().map(type_of).unwrap_or_default(),
                        matches!(p.required, utoipa::openapi::Required::True),
                        p.description.clone().unwrap_or_default(),
                    )
                })
                .collect();
            let request = operation.request_body.as_ref().and_then(|body| {
                body.content
                    .values()
                    .next()
                    .and_then(|c| c.schema.as_ref())
                    .map(type_of)
            });
            let scopes = operation
                .security
                .iter()
                .flatten()
                .filter_map(|s| serde_json::to_value(s).ok())
                .filter_map(|v| v.get("api_key").cloned())
                .filter_map(|v| serde_json::from_value::<Vec<String>>(v).ok())
                .flatten()
                .collect();
            out.push(Operation {
                method: method.to_string(),
                path: path.clone(),
                summary: operation
                    .description
                    .clone()
                    .or_else(|| operation.summary.clone())
                    .unwrap_or_default(),
                scopes,
                parameters,
                request,
            });
        }
    }
    out
}

fn schemas(doc: &Document) -> Vec<SchemaDoc> {
    let Some(components) = &doc.components else {
        return Vec::new();
    };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            let value = serde_json::to_value(schema).ok()?;
            let required: Vec<&str> = value
                .get("required")
                .and_then(|r| r.as_array())
                .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            let fields = value
                .get("properties")?
                .as_object()?
                .iter()
                .map(|(field, schema)| {
                    (
                        field.clone(),
                        describe(schema),
                        required.contains(&field.as_str()),
                        schema
                            .get("description")
                            .and_then(|d| d.as_str())
                            .unwrap_or_default()
                            .to_string(),
                    )
                })
                .collect();
            Some(SchemaDoc {
                name: name.clone(),
                fields,
            })
        })
        .collect()
}

/// `GET /api/docs`: the reference, server-rendered from the document.
pub async fn page(viewer: Viewer) -> Result<HttpResponse, AppError> {
    let doc = document();
    render(&DocsPage {
        layout: viewer.layout("API reference"),
        title: doc.info.title.clone(),
        description: doc.info.description.clone().unwrap_or_default(),
        operations: operations(&doc),
        schemas: schemas(&doc),
    })
}
