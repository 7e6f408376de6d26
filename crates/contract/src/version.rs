//! Which OpenAPI dialect a document is written in: `swagger: "2.0"`, `openapi: 3.0.x` or
//! `openapi: 3.1.x`. Anything else is refused up front, naming the field and its value, rather
//! than half-read later.

use crate::document::Document;
use crate::error::{Result, SpecError};
use crate::model::SpecVersion;
use crate::normalize::kind;
use crate::refs::location;
use serde_json::Value;

/// The version of `doc`, or an error naming `/openapi` or `/swagger`.
pub fn detect(doc: &Document) -> Result<SpecVersion> {
    let Value::Object(root) = &doc.value else {
        return Err(SpecError::Invalid {
            at: location(doc, ""),
            message: format!(
                "the document is {}, not an OpenAPI object with `openapi` or `swagger` at the top",
                kind(&doc.value)
            ),
        });
    };
    if let Some(value) = root.get("openapi") {
        return openapi(doc, value);
    }
    if let Some(value) = root.get("swagger") {
        return swagger(doc, value);
    }
    Err(SpecError::Version {
        at: location(doc, "/openapi"),
        found: "neither `openapi` nor `swagger` is at the top level, so this is not an OpenAPI \
                document"
            .to_owned(),
        hint: String::new(),
    })
}

fn openapi(doc: &Document, value: &Value) -> Result<SpecVersion> {
    let text = version_text(value);
    if text == "3.0" || text.starts_with("3.0.") {
        return Ok(SpecVersion::OpenApi30);
    }
    if text == "3.1" || text.starts_with("3.1.") {
        return Ok(SpecVersion::OpenApi31);
    }
    let hint = if text.starts_with("3.") {
        "; a document that uses no newer features reads fine as 3.1: try `openapi: 3.1.1`"
    } else if text.starts_with('2') {
        "; a Swagger 2.0 document says `swagger: \"2.0\"` instead"
    } else {
        ""
    };
    Err(unsupported(doc, "/openapi", value, hint))
}

fn swagger(doc: &Document, value: &Value) -> Result<SpecVersion> {
    if version_text(value) == "2.0" {
        return Ok(SpecVersion::Swagger2);
    }
    Err(unsupported(
        doc,
        "/swagger",
        value,
        "; convert older Swagger documents to 2.0 or OpenAPI 3 first",
    ))
}

/// The version as text. An unquoted YAML `3.0` or `2.0` is a number; accept it as written.
fn version_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.to_string(),
        other => other.to_string(),
    }
}

fn unsupported(doc: &Document, ptr: &str, value: &Value, hint: &str) -> SpecError {
    SpecError::Version {
        at: location(doc, ptr),
        found: format!("unsupported version `{}`", version_text(value)),
        hint: hint.to_owned(),
    }
}
