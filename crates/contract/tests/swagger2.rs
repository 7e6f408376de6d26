//! Swagger 2.0 (JSON): basePath, produces/consumes, body and form parameters, definitions,
//! a relative-file `$ref`, recursion, security.

mod common;

use common::{load, named, op, prop, prop_names, response_schema};
use overshare_contract::{Additional, ParamLocation, SpecVersion, StatusKey, TypeSet};
use serde_json::json;

const SPEC: &str = "swagger2/petstore.json";

#[test]
fn document_level_facts() {
    let c = load(SPEC);
    assert_eq!(c.version, SpecVersion::Swagger2);
    assert_eq!(c.title, "Pet shop (2.0)");
    assert_eq!(c.base_path, "/api/v1");
    assert_eq!(c.source, "tests/fixtures/swagger2/petstore.json");
    let ops: Vec<_> = c
        .operations
        .iter()
        .map(|o| format!("{} {}", o.method, o.path))
        .collect();
    assert_eq!(
        ops,
        [
            "GET /users/{id}/",
            "POST /users/",
            "POST /upload/",
            "GET /categories/"
        ]
    );
    let schemes: Vec<_> = c
        .security_schemes
        .iter()
        .map(|s| (s.name.as_str(), s.kind.as_str()))
        .collect();
    assert_eq!(
        schemes,
        [
            ("basicAuth", "basic"),
            ("apiKey", "apiKey"),
            ("oauth", "oauth2")
        ]
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn operation_location_and_extensions() {
    let c = load(SPEC);
    let get = op(&c, "GET", "/users/{id}/");
    assert_eq!(get.pointer, "/paths/~1users~1{id}~1/get");
    assert_eq!(get.line, Some(22));
    assert_eq!(get.operation_id.as_deref(), Some("getUser"));
    assert_eq!(get.summary.as_deref(), Some("One user"));
    assert_eq!(get.extensions.get("x-overshare-owner"), Some(&json!("id")));
}

#[test]
fn parameters_merge_and_carry_examples() {
    let c = load(SPEC);
    let get = op(&c, "GET", "/users/{id}/");
    let names: Vec<_> = get
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.location))
        .collect();
    assert_eq!(
        names,
        [
            ("id", ParamLocation::Path),
            ("fields", ParamLocation::Query),
            ("X-Trace", ParamLocation::Header)
        ]
    );
    let id = &get.parameters[0];
    assert!(id.required);
    assert_eq!(id.examples, [json!(42)]);
    assert!(
        c.schema(id.schema.expect("schema"))
            .types
            .contains(TypeSet::INTEGER)
    );
    // default, then the first enum value
    assert_eq!(get.parameters[1].examples, [json!("basic"), json!("all")]);
    assert!(!get.parameters[1].required);
}

#[test]
fn responses_use_produces_media_types() {
    let c = load(SPEC);
    let get = op(&c, "GET", "/users/{id}/");
    let statuses: Vec<_> = get.responses.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            StatusKey::Code(200),
            StatusKey::Code(404),
            StatusKey::Default
        ]
    );
    let ok = &get.responses[0];
    let media: Vec<_> = ok.content.iter().map(|m| m.media_type.as_str()).collect();
    assert_eq!(media, ["application/json", "application/xml"]);
    assert_eq!(ok.content[0].schema, ok.content[1].schema);
    let (user, _) = named(&c, "User");
    assert_eq!(ok.content[0].schema, Some(user));
    // `$ref` to #/responses/NotFound
    let not_found = get.response_for(404).expect("404");
    assert_eq!(not_found.description, "not found");
    assert_eq!(
        c.schema(response_schema(get, 404)).name.as_deref(),
        Some("Error")
    );
    // no schema: no body declared
    assert!(get.response_for(500).expect("default").content.is_empty());
    assert!(op(&c, "POST", "/upload/").responses[0].content.is_empty());
}

#[test]
fn body_parameter_becomes_request_body() {
    let c = load(SPEC);
    let post = op(&c, "POST", "/users/");
    assert!(post.parameters.is_empty());
    let body = post.request_body.as_ref().expect("body");
    assert!(body.required);
    assert_eq!(body.content.len(), 1);
    assert_eq!(body.content[0].media_type, "application/json");
    assert_eq!(body.content[0].schema, Some(named(&c, "User").0));
}

#[test]
fn form_parameters_become_an_object_body() {
    let c = load(SPEC);
    let upload = op(&c, "POST", "/upload/");
    let body = upload.request_body.as_ref().expect("body");
    assert!(body.required);
    assert_eq!(body.content[0].media_type, "multipart/form-data");
    let schema = c.schema(body.content[0].schema.expect("schema"));
    assert_eq!(prop_names(schema), ["file", "note"]);
    assert_eq!(schema.required, ["file"]);
    assert_eq!(schema.types, TypeSet::OBJECT);
}

#[test]
fn security_requirements() {
    let c = load(SPEC);
    assert_eq!(
        op(&c, "GET", "/users/{id}/").security,
        Some(vec!["basicAuth".to_owned()])
    );
    assert_eq!(op(&c, "POST", "/users/").security, Some(vec![]));
    assert_eq!(
        op(&c, "POST", "/upload/").security,
        Some(vec!["apiKey".to_owned(), "oauth".to_owned()])
    );
}

#[test]
fn definitions_and_their_keywords() {
    let c = load(SPEC);
    let (user_id, user) = named(&c, "User");
    assert_eq!(user.origin, "/definitions/User");
    assert_eq!(prop_names(user), ["id", "username", "email", "address"]);
    assert_eq!(user.required, ["id", "username"]);
    assert_eq!(user.additional, Additional::Forbidden);
    assert!(c.schema(prop(&c, user_id, "id")).read_only);
    assert_eq!(
        c.schema(prop(&c, user_id, "username")).examples,
        [json!("ada")]
    );
    let email = c.schema(prop(&c, user_id, "email"));
    assert!(email.nullable);
    assert_eq!(email.types, TypeSet::STRING.with(TypeSet::NULL));
    assert_eq!(email.format.as_deref(), Some("email"));
}

#[test]
fn relative_file_ref_resolves_next_to_its_file() {
    let c = load(SPEC);
    let (user_id, _) = named(&c, "User");
    let address = c.schema(prop(&c, user_id, "address"));
    assert_eq!(
        address.origin,
        "tests/fixtures/swagger2/common/definitions.json#/Address"
    );
    assert_eq!(address.name.as_deref(), Some("Address"));
    assert_eq!(prop_names(address), ["street", "country"]);
    // `#/Country` inside definitions.json means that file, not the root document
    let country = c.schema(address.properties["country"]);
    assert_eq!(
        country.origin,
        "tests/fixtures/swagger2/common/definitions.json#/Country"
    );
    assert_eq!(country.enum_values, [json!("FR"), json!("DE")]);
}

#[test]
fn recursive_definition_reuses_its_id() {
    let c = load(SPEC);
    let list = c.schema(response_schema(op(&c, "GET", "/categories/"), 200));
    assert_eq!(list.types, TypeSet::ARRAY);
    let category = list.items.expect("items");
    let children = c.schema(prop(&c, category, "children"));
    assert_eq!(children.items, Some(category));
    assert_eq!(c.schema(category).name.as_deref(), Some("Category"));
}
