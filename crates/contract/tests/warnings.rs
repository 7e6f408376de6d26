//! Things that do not stop a load but that a user should know, each with file, line and pointer.

use overshare_contract::load_str;

#[test]
fn duplicate_keys_odd_statuses_unknown_types_and_old_ref_siblings_are_reported() {
    let text = "\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a/:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/A'
                nullable: true
        ok: {description: not a status}
  /b/:
    get:
      responses: {'200': {description: first}}
  /b/:
    post:
      responses: {'201': {description: created}}
components:
  schemas:
    A: {type: object, properties: {x: {type: wat}}}
";
    let c = load_str(text, "w.yaml", None).expect("loads");
    // the later `/b/` won
    let ops: Vec<_> = c
        .operations
        .iter()
        .map(|o| format!("{} {}", o.method, o.path))
        .collect();
    assert_eq!(ops, ["GET /a/", "POST /b/"]);
    insta::assert_debug_snapshot!(c.warnings);
}

#[test]
fn ref_siblings_in_3_0_are_honoured() {
    let text = "\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a/:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/A'
                nullable: true
components:
  schemas:
    A: {type: object}
";
    let c = load_str(text, "w.yaml", None).expect("loads");
    let schema = c.operations[0].responses[0].content[0]
        .schema
        .expect("schema");
    let schema = c.schema(schema);
    assert!(schema.nullable);
    assert_eq!(c.schema(schema.all_of[0]).name.as_deref(), Some("A"));
    assert_eq!(c.warnings.len(), 1);
    assert!(
        c.warnings[0].starts_with("w.yaml:11: "),
        "{}",
        c.warnings[0]
    );
}

#[test]
fn load_str_with_a_base_dir_follows_relative_files() {
    let text = std::fs::read_to_string("tests/fixtures/openapi30/api.yaml").expect("fixture");
    let c = load_str(
        &text,
        "api.yaml",
        Some(std::path::Path::new("tests/fixtures/openapi30")),
    )
    .expect("loads");
    assert_eq!(c.source, "api.yaml");
    assert!(
        c.schemas
            .iter()
            .any(|s| s.origin == "tests/fixtures/openapi30/schemas/user.yaml#")
    );
}
