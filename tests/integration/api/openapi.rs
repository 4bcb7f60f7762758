//! Every API response the tests see is checked against the OpenAPI document: the operation is
//! documented, its status is, and the body matches the schema both ways (every required field
//! present with its type, no field the document does not name).

use std::sync::OnceLock;

use awc::http::StatusCode;
use serde_json::Value;

use super::{call, make_key};
use crate::harness::{Page, TestApp};

fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        serde_json::to_value(sitesync::api::openapi::document()).expect("document as JSON")
    })
}

fn template_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}')) || t == p)
}

/// Panics unless the answer to `method path` is one the document describes.
pub fn conforms(method: &str, path: &str, status: StatusCode, page: &Page, body: &Value) {
    let doc = document();
    let path = path.split('?').next().unwrap_or(path);
    let found = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .find(|(template, _)| template_matches(template, path));
    let Some((template, item)) = found else {
        // Only an address the API does not have may be missing from its document.
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{method} {path} is not in the OpenAPI document"
        );
        assert_eq!(
            page.header("content-type"),
            Some("application/problem+json")
        );
        return;
    };
    let operation = &item[method.to_lowercase()];
    assert!(
        operation.is_object(),
        "{method} {template} is not in the OpenAPI document"
    );
    let code = status.as_u16().to_string();
    let range = format!("{}XX", status.as_u16() / 100);
    let response = [code.as_str(), range.as_str(), "default"]
        .iter()
        .map(|k| &operation["responses"][*k])
        .find(|r| r.is_object())
        .unwrap_or_else(|| panic!("{method} {template} does not document status {status}"));
    if status.is_client_error() || status.is_server_error() {
        assert_eq!(
            page.header("content-type"),
            Some("application/problem+json"),
            "{method} {path}: {}",
            page.body
        );
    }
    if let Some(schema) = response["content"]
        .as_object()
        .and_then(|c| c.values().next())
        .map(|c| &c["schema"])
    {
        if let Err(problem) = validate(body, schema, "") {
            panic!("{method} {path} ({status}) does not match its schema: {problem}\n{body:#}");
        }
    }
}

fn resolve(schema: &Value) -> &Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            &document()["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn type_fits(kind: &str, value: &Value) -> bool {
    match kind {
        "null" => value.is_null(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// Checks `value` against `schema`; the first mismatch, by its path.
pub fn validate(value: &Value, schema: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(schema);
    if let Some(options) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        return if options.iter().any(|o| validate(value, o, at).is_ok()) {
            Ok(())
        } else {
            Err(format!("{at}: {value} fits none of its options"))
        };
    }
    let kinds: Vec<&str> = match &schema["type"] {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !kinds.is_empty() && !kinds.iter().any(|k| type_fits(k, value)) {
        return Err(format!("{at}: {value} is not {kinds:?}"));
    }
    if let (Some(allowed), Some(text)) = (schema["enum"].as_array(), value.as_str()) {
        if !allowed.iter().any(|a| a.as_str() == Some(text)) {
            return Err(format!("{at}: {text:?} is not one of {allowed:?}"));
        }
    }
    if let (Some("date-time"), Some(text)) = (schema["format"].as_str(), value.as_str()) {
        chrono::DateTime::parse_from_rfc3339(text).map_err(|e| format!("{at}: {text}: {e}"))?;
    }
    if let (Some("uuid"), Some(text)) = (schema["format"].as_str(), value.as_str()) {
        uuid::Uuid::parse_str(text).map_err(|e| format!("{at}: {text}: {e}"))?;
    }
    if let (Some(items), Some(values)) = (schema.get("items"), value.as_array()) {
        for (i, item) in values.iter().enumerate() {
            validate(item, items, &format!("{at}[{i}]"))?;
        }
    }
    if let (Some(properties), Some(object)) = (schema["properties"].as_object(), value.as_object())
    {
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                return Err(format!("{at}.{name} is required but missing"));
            }
        }
        for (name, field) in object {
            let field_schema = properties
                .get(name)
                .ok_or_else(|| format!("{at}.{name} is not in the document"))?;
            validate(field, field_schema, &format!("{at}.{name}"))?;
        }
    }
    Ok(())
}

#[actix_web::test]
async fn the_document_is_openapi_3_1_and_every_route_is_in_it_with_a_readable_reference() {
    let app = TestApp::new().await;
    let doc = call(&app, "GET", "/api/v1/openapi.json", None, &[], None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.json["openapi"]
        .as_str()
        .unwrap_or_default()
        .starts_with("3.1"));
    for path in [
        "/api/v1/sites",
        "/api/v1/elevators/{id}/status",
        "/api/v1/work-orders/{id}/move",
        "/api/v1/fault-reports",
        "/api/v1/contractors/{id}",
    ] {
        assert!(doc.json["paths"][path].is_object(), "{path} documented");
    }
    assert_eq!(
        doc.json["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );
    let reference = app.get("/api/docs").await;
    assert_eq!(reference.status, StatusCode::OK);
    for text in [
        "/api/v1/work-orders",
        "work_orders:write",
        "WorkOrderOut",
        "problem-stale",
    ] {
        assert!(reference.body.contains(text), "reference shows {text}");
    }
}

#[actix_web::test]
async fn the_validator_catches_a_response_that_does_not_match() {
    // The checker must be able to fail, or it proves nothing.
    let schema = serde_json::json!({"$ref": "#/components/schemas/SiteOut"});
    assert!(validate(&serde_json::json!({"id": "x"}), &schema, "").is_err());
    let app = TestApp::new().await;
    app.create_org("acme", "Acme Lifts");
    let admin = app.member("acme", sitesync::auth::roles::Role::Admin).await;
    let key = make_key(&admin, "acme", &["sites:read"], "1000").await;
    let sites = super::get(&app, "/api/v1/sites", &key).await;
    let mut extra = sites.json.clone();
    extra["surprise"] = Value::Bool(true);
    let page_schema = &document()["paths"]["/api/v1/sites"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"];
    assert!(validate(&sites.json, page_schema, "").is_ok());
    assert!(validate(&extra, page_schema, "").is_err());
}
