//! Every error names the file, the JSON pointer and the line where it can, and says what to do.
//! The messages themselves are snapshots (`tests/snapshots/`), reviewed like code.

use overshare_contract::{SpecError, load_file, load_str};
use std::path::Path;

fn fail(rel: &str) -> SpecError {
    let path = Path::new("tests/fixtures").join(rel);
    match load_file(&path) {
        Ok(_) => panic!("{rel} loaded"),
        Err(err) => err,
    }
}

fn fail_str(text: &str, base_dir: Option<&Path>) -> SpecError {
    match load_str(text, "inline.yaml", base_dir) {
        Ok(_) => panic!("loaded:\n{text}"),
        Err(err) => err,
    }
}

#[test]
fn yaml_syntax_error_names_the_line() {
    let err = fail("errors/syntax.yaml");
    assert!(matches!(err, SpecError::Syntax { format: "YAML", .. }));
    assert_eq!(err.line(), Some(9));
    assert_eq!(err.pointer(), None);
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn json_syntax_error_names_the_line() {
    let err = fail("errors/syntax.json");
    assert!(matches!(
        err,
        SpecError::Syntax {
            format: "JSON",
            column: 3,
            ..
        }
    ));
    assert_eq!(err.line(), Some(4));
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn dangling_ref_names_pointer_line_and_a_suggestion() {
    let err = fail("errors/dangling.yaml");
    assert!(matches!(err, SpecError::Ref { .. }));
    assert_eq!(
        err.pointer(),
        Some("/paths/~1users~1/get/responses/200/content/application~1json/schema/$ref")
    );
    assert_eq!(err.line(), Some(12));
    assert_eq!(err.file(), "tests/fixtures/errors/dangling.yaml");
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn dangling_ref_to_the_other_versions_component_map() {
    let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a/:\n    get:\n      \
                responses:\n        '200':\n          description: ok\n          content:\n            \
                application/json:\n              schema: {$ref: '#/definitions/User'}\n\
                components:\n  schemas:\n    User: {type: object}\n";
    let err = fail_str(text, None);
    assert_eq!(err.line(), Some(11));
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn unknown_version_names_the_field_and_value() {
    let err = fail("errors/version.yaml");
    assert!(matches!(err, SpecError::Version { .. }));
    assert_eq!(err.pointer(), Some("/openapi"));
    assert_eq!(err.line(), Some(1));
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn old_swagger_and_missing_version() {
    let err = fail_str("swagger: '1.2'\n", None);
    assert_eq!(err.pointer(), Some("/swagger"));
    insta::assert_snapshot!("swagger_1_2", err.to_string());
    let err = fail_str("info: {title: t}\npaths: {}\n", None);
    assert_eq!(err.pointer(), Some("/openapi"));
    insta::assert_snapshot!("no_version", err.to_string());
    let err = fail_str("- a\n- b\n", None);
    assert_eq!(err.pointer(), Some(""));
    insta::assert_snapshot!("not_an_object", err.to_string());
}

#[test]
fn ref_cycle_is_an_error_not_a_hang() {
    let err = fail("errors/cycle.yaml");
    let SpecError::RefCycle { chain, .. } = &err else {
        panic!("{err}");
    };
    assert_eq!(chain.len(), 3);
    assert_eq!(err.pointer(), Some("/components/schemas/A/$ref"));
    assert_eq!(err.line(), Some(14));
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn parameter_ref_cycle_is_an_error_too() {
    let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a/:\n    get:\n      \
                parameters: [{$ref: '#/components/parameters/P'}]\n      responses: {}\n\
                components:\n  parameters:\n    P: {$ref: '#/components/parameters/Q'}\n    \
                Q: {$ref: '#/components/parameters/P'}\n";
    let err = fail_str(text, None);
    assert!(matches!(err, SpecError::RefCycle { .. }), "{err}");
    assert_eq!(err.pointer(), Some("/paths/~1a~1/get/parameters/0/$ref"));
}

#[test]
fn missing_relative_file_names_the_ref_and_the_path() {
    let err = fail("errors/missing_file.yaml");
    assert!(matches!(err, SpecError::Ref { .. }));
    assert_eq!(err.line(), Some(11));
    let message = err.to_string();
    assert!(
        message.contains("tests/fixtures/errors/nope.yaml"),
        "{message}"
    );
    insta::assert_snapshot!(message);
}

#[test]
fn syntax_error_in_a_referenced_file_names_that_file() {
    let err = fail("errors/bad_ref_file.yaml");
    assert_eq!(err.file(), "tests/fixtures/errors/broken_part.yaml");
    assert_eq!(err.line(), Some(4));
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn relative_file_ref_without_a_base_dir_says_why() {
    let text = std::fs::read_to_string("tests/fixtures/errors/missing_file.yaml").expect("fixture");
    let err = load_str(&text, "https://api.example.com/openapi.yaml", None).expect_err("no base");
    assert_eq!(err.line(), Some(11));
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn remote_and_anchor_refs_are_refused_clearly() {
    let spec = |reference: &str| {
        format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      \
             responses:\n        '200':\n          description: ok\n          content:\n            \
             application/json:\n              schema: {{$ref: '{reference}'}}\n"
        )
    };
    let err = fail_str(
        &spec("https://example.com/schemas.yaml#/User"),
        Some(Path::new(".")),
    );
    insta::assert_snapshot!("remote_ref", err.to_string());
    let err = fail_str(&spec("#user"), None);
    insta::assert_snapshot!("anchor_ref", err.to_string());
}

#[test]
fn bad_parameter_location() {
    let err = fail("errors/bad_param.json");
    assert_eq!(err.pointer(), Some("/paths/~1a~1/get/parameters/0/in"));
    assert_eq!(err.line(), Some(7));
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn wrong_shapes_name_what_was_expected() {
    let err = fail_str(
        "openapi: 3.0.0\npaths:\n  /a/:\n    get:\n      responses: [200]\n",
        None,
    );
    assert_eq!(err.pointer(), Some("/paths/~1a~1/get/responses"));
    assert_eq!(err.line(), Some(5));
    insta::assert_snapshot!("responses_list", err.to_string());
    let err = fail_str(
        "openapi: 3.0.0\npaths:\n  /a/:\n    get:\n      responses:\n        '200':\n          \
         description: ok\n          content:\n            application/json:\n              \
         schema: {type: object, properties: {a: 3}}\n",
        None,
    );
    assert_eq!(
        err.pointer(),
        Some("/paths/~1a~1/get/responses/200/content/application~1json/schema/properties/a")
    );
    insta::assert_snapshot!("schema_number", err.to_string());
}

#[test]
fn unreadable_file() {
    let err = load_file(Path::new("tests/fixtures/does-not-exist.yaml")).expect_err("missing");
    assert!(matches!(err, SpecError::Read { .. }));
    assert_eq!(err.file(), "tests/fixtures/does-not-exist.yaml");
    assert_eq!(err.line(), None);
}

#[test]
fn empty_file() {
    let err = fail_str("  \n", None);
    insta::assert_snapshot!(err.to_string());
}
