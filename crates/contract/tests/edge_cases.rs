//! Shapes real specs take that the main fixtures do not: YAML anchors, path items in other
//! files, unquoted versions, sparse 2.0 documents.

mod common;

use common::{load, op, response_schema};
use overshare_contract::{Contract, SpecVersion, TypeSet, load_str};
use serde_json::json;

#[test]
fn contract_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Contract>();
}

#[test]
fn yaml_anchors_and_aliases_are_expanded() {
    let text = "\
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /a/:
    get:
      responses:
        '200': &ok
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {n: {type: integer}}}
  /b/:
    get:
      responses:
        '200': *ok
";
    let c = load_str(text, "anchors.yaml", None).expect("loads");
    let b = op(&c, "GET", "/b/");
    assert_eq!(b.line, Some(13));
    let schema = c.schema(response_schema(b, 200));
    assert_eq!(schema.types, TypeSet::OBJECT);
    assert!(schema.properties.contains_key("n"));
}

#[test]
fn path_item_in_another_file_refers_back_into_the_root() {
    let c = load("edge/split.yaml");
    let get = op(&c, "GET", "/things/");
    assert_eq!(get.pointer, "tests/fixtures/edge/paths/things.yaml#/get");
    assert_eq!(get.line, Some(1));
    // `../split.yaml#/...` is the root document again, not a second copy of it
    let thing = c.schema(response_schema(get, 200));
    assert_eq!(thing.origin, "/components/schemas/Thing");
    assert_eq!(thing.name.as_deref(), Some("Thing"));
}

#[test]
fn unquoted_versions_are_read_as_written() {
    let c = load_str(
        "swagger: 2.0\ninfo: {title: t}\npaths: {}\n",
        "s.yaml",
        None,
    )
    .expect("2.0");
    assert_eq!(c.version, SpecVersion::Swagger2);
    let c = load_str("openapi: 3.1\npaths: {}\n", "s.yaml", None).expect("3.1");
    assert_eq!(c.version, SpecVersion::OpenApi31);
}

#[test]
fn sparse_swagger_defaults() {
    let text = r#"{"swagger": "2.0", "paths": {"/x": {"get": {"responses": {
        "200": {"description": "ok", "schema": {"type": "string", "example": "hi"}}}}}}}"#;
    let c = load_str(text, "sparse.json", None).expect("loads");
    assert_eq!(c.base_path, "");
    assert_eq!(c.title, "");
    let get = op(&c, "GET", "/x");
    assert_eq!(get.security, None);
    let content = &get.responses[0].content;
    assert_eq!(content.len(), 1);
    assert_eq!(content[0].media_type, "application/json");
    assert_eq!(
        c.schema(content[0].schema.expect("schema")).examples,
        [json!("hi")]
    );
}

#[test]
fn media_type_without_a_body_in_yaml() {
    let text = "\
openapi: 3.0.0
paths:
  /a/:
    get:
      responses:
        '200':
          description: ok
          content:
            application/octet-stream:
";
    let c = load_str(text, "n.yaml", None).expect("loads");
    let content = &c.operations[0].responses[0].content;
    assert_eq!(content[0].media_type, "application/octet-stream");
    assert_eq!(content[0].schema, None);
}
