//! OpenAPI 3.1 (YAML): type arrays with "null", `$ref` with siblings, `const`, boolean schemas,
//! `mutualTLS`, `$defs` in another file, and a document with webhooks only.

mod common;

use common::{load, named, op, prop, response_schema};
use overshare_contract::{ParamLocation, SpecVersion, StatusKey, TypeSet};
use serde_json::json;

const SPEC: &str = "openapi31/api.yaml";

#[test]
fn document_level_facts() {
    let c = load(SPEC);
    assert_eq!(c.version, SpecVersion::OpenApi31);
    // a relative server URL is kept as written, minus the trailing `/`
    assert_eq!(c.base_path, "/v1");
    // webhooks are not operations
    assert_eq!(c.operations.len(), 1);
    let schemes: Vec<_> = c
        .security_schemes
        .iter()
        .map(|s| (s.name.as_str(), s.kind.as_str()))
        .collect();
    assert_eq!(schemes, [("clientCert", "mutualTLS"), ("token", "oauth2")]);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn operation_facts() {
    let c = load(SPEC);
    let get = op(&c, "GET", "/profiles/{id}");
    assert_eq!(get.line, Some(42));
    // `- {}` (optional auth) adds no name
    assert_eq!(get.security, Some(vec!["clientCert".to_owned()]));
    let statuses: Vec<_> = get.responses.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [StatusKey::Code(200), StatusKey::Range(4)]);
    assert!(get.response_for(404).expect("4xx").content.is_empty());
    // a parameter with `content` instead of `schema`
    let id = &get.parameters[0];
    assert_eq!((id.name.as_str(), id.location), ("id", ParamLocation::Path));
    assert_eq!(id.schema, Some(named(&c, "Id").0));
}

#[test]
fn ref_siblings() {
    let c = load(SPEC);
    let profile = response_schema(op(&c, "GET", "/profiles/{id}"), 200);
    let (id_schema, _) = named(&c, "Id");
    // `readOnly` next to `$ref`: a schema of its own whose first allOf member is the target
    let id = c.schema(prop(&c, profile, "id"));
    assert!(id.read_only);
    assert_eq!(id.all_of, [id_schema]);
    assert_eq!(id.origin, "/components/schemas/Profile/properties/id");
    // only `description` next to `$ref`: the target itself
    assert_eq!(c.schema(profile).properties["owner"], id_schema);
}

#[test]
fn type_arrays_and_null() {
    let c = load(SPEC);
    let profile = response_schema(op(&c, "GET", "/profiles/{id}"), 200);
    let nickname = c.schema(prop(&c, profile, "nickname"));
    assert!(nickname.nullable);
    assert_eq!(nickname.types, TypeSet::STRING.with(TypeSet::NULL));
    assert_eq!(nickname.examples, [json!("ada"), json!(null)]);
    let age = c.schema(prop(&c, profile, "age"));
    assert!(age.nullable);
    assert!(age.types.contains(TypeSet::INTEGER) && age.types.contains(TypeSet::NULL));
    assert!(!c.schema(profile).nullable);
}

#[test]
fn const_and_boolean_schemas() {
    let c = load(SPEC);
    let profile = response_schema(op(&c, "GET", "/profiles/{id}"), 200);
    assert_eq!(
        c.schema(prop(&c, profile, "kind")).enum_values,
        [json!("person")]
    );
    let tags = c.schema(prop(&c, profile, "tags"));
    assert_eq!(tags.types, TypeSet::ARRAY);
    assert!(c.schema(tags.items.expect("items: true")).types.is_any());
}

#[test]
fn recursion_through_self_and_another_file() {
    let c = load(SPEC);
    let profile = response_schema(op(&c, "GET", "/profiles/{id}"), 200);
    assert_eq!(prop(&c, profile, "parent"), profile);
    let avatar = prop(&c, profile, "avatar");
    assert_eq!(c.schema(avatar).name.as_deref(), Some("Image"));
    assert_eq!(
        c.schema(avatar).origin,
        "tests/fixtures/openapi31/parts.yaml#/$defs/Image"
    );
    assert_eq!(prop(&c, avatar, "thumbnail"), avatar);
}

#[test]
fn webhooks_only_document_has_no_operations() {
    let c = load("openapi31/webhooks_only.yaml");
    assert_eq!(c.version, SpecVersion::OpenApi31);
    assert!(c.operations.is_empty());
    assert!(c.warnings.is_empty());
}
