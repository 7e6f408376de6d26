//! The conformance rules on real specs (loaded by overshare-contract) and hand-made exchanges.

use overshare_analyze::analyze_all;
use overshare_contract::{Contract, load_str};
use overshare_exchange::{Exchange, PlannedOperation, Request, Response};
use overshare_finding::{Finding, Severity};
use serde_json::{Value, json};
use std::time::Duration;

const SPEC: &str = r##"
openapi: 3.1.0
info: {title: conformance, version: "1"}
paths:
  /orders/:
    get:
      responses:
        "200":
          description: page
          content:
            application/json:
              schema:
                type: object
                properties:
                  count: {type: integer}
                  results:
                    type: array
                    items: {$ref: "#/components/schemas/Order"}
  /open/:
    get:
      responses:
        "200":
          description: extras allowed, but still undeclared
          content:
            application/json:
              schema:
                type: object
                additionalProperties: true
                properties:
                  id: {type: integer}
  /closed/:
    get:
      responses:
        "200":
          description: closed
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                properties:
                  id: {type: integer}
  /map/:
    get:
      responses:
        "200":
          description: a map of locale to label
          content:
            application/json:
              schema:
                type: object
                additionalProperties:
                  type: object
                  properties:
                    label: {type: string}
  /freeform/:
    get:
      responses:
        "200":
          description: anything
          content:
            application/json:
              schema: {type: object}
  /composed/:
    get:
      responses:
        "200":
          description: allOf + oneOf
          content:
            application/json:
              schema:
                allOf:
                  - $ref: "#/components/schemas/Base"
                  - oneOf:
                      - {type: object, properties: {card_last4: {type: string}}}
                      - {type: object, properties: {iban_last4: {type: string}}}
  /tree/:
    get:
      responses:
        "200":
          description: recursive
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Category"}
  /account/:
    get:
      responses:
        "200":
          description: write-only password
          content:
            application/json:
              schema:
                type: object
                properties:
                  username: {type: string}
                  password: {type: string, writeOnly: true}
                  nickname: {type: [string, "null"]}
  /ping/:
    get:
      responses:
        "200": {description: no body}
        "404":
          description: missing
          content:
            application/json:
              schema: {type: object, properties: {detail: {type: string}}}
components:
  schemas:
    Base:
      type: object
      properties:
        id: {type: integer}
    Order:
      type: object
      properties:
        id: {type: integer}
        user:
          type: object
          properties:
            id: {type: integer}
    Category:
      type: object
      properties:
        name: {type: string}
        children:
          type: array
          items: {$ref: "#/components/schemas/Category"}
"##;

fn contract() -> Contract {
    load_str(SPEC, "conformance.yaml", None).expect("spec loads")
}

fn exchange(
    seq: usize,
    identity: &str,
    path: &str,
    status: u16,
    content_type: &str,
    body: Value,
) -> Exchange {
    let bytes = if body.is_null() {
        Vec::new()
    } else {
        serde_json::to_vec(&body).unwrap()
    };
    Exchange {
        seq,
        identity: Some(identity.to_string()),
        operation: PlannedOperation {
            method: "GET".into(),
            path: path.into(),
            operation_id: None,
        },
        request: Request {
            method: "GET".into(),
            url: format!("https://127.0.0.1:1{path}"),
            headers: Vec::new(),
            body: None,
        },
        outcome: Ok(Response {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            json: (!body.is_null()).then(|| body.clone()),
            body: bytes,
            truncated: false,
            json_error: None,
        }),
        elapsed: Duration::from_millis(1),
        reproduce: None,
        purpose: Default::default(),
    }
}

/// The conformance findings (OVS1xx) of a run; sensitive-data findings have their own tests.
fn conformance(findings: Vec<Finding>) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| f.rule.starts_with("OVS1"))
        .collect()
}

fn json_200(path: &str, body: Value) -> Vec<Finding> {
    conformance(analyze_all(
        &[exchange(0, "a", path, 200, "application/json", body)],
        &contract(),
    ))
}

/// (rule, pattern) of the conformance findings (OVS1xx; the sensitive-data rules have their
/// own tests).
fn patterns(findings: &[Finding]) -> Vec<(&str, &str)> {
    findings
        .iter()
        .filter(|f| f.rule.starts_with("OVS1"))
        .map(|f| (f.rule.as_str(), f.location.pattern.as_deref().unwrap_or("")))
        .collect()
}

#[test]
fn undeclared_nested_property_in_array_is_one_finding_with_folded_pointer() {
    let body = json!({"count": 3, "results": [
        {"id": 1, "user": {"id": 1, "password": "pbkdf2_sha256$1$a$b"}},
        {"id": 2, "user": {"id": 2, "password": "pbkdf2_sha256$1$c$d"}},
        {"id": 3, "user": {"id": 3, "password": "pbkdf2_sha256$1$e$f"}, "internal_note": "x"},
    ]});
    let findings = json_200("/orders/", body);
    assert_eq!(
        patterns(&findings),
        vec![
            ("OVS101", "/results/*/internal_note"),
            ("OVS101", "/results/*/user/password"),
        ]
    );
    let password = &findings[1];
    assert_eq!(
        password.location.json_pointer.as_deref(),
        Some("/results/0/user/password")
    );
    assert_eq!(password.location.field.as_deref(), Some("password"));
    assert_eq!(
        password.evidence.value.as_deref(),
        Some("pbkdf2_sha256$…[redacted credential, 19 chars]")
    );
    assert_eq!(password.severity, Severity::Medium);
    assert_eq!(password.cwe, vec!["CWE-213"]);
    assert_eq!(password.owasp, vec!["API3:2023"]);
}

#[test]
fn undeclared_does_not_depend_on_additional_properties() {
    assert_eq!(
        patterns(&json_200("/open/", json!({"id": 1, "is_staff": true}))),
        vec![("OVS101", "/is_staff")]
    );
    assert_eq!(
        patterns(&json_200("/closed/", json!({"id": 1, "is_staff": true}))),
        vec![("OVS101", "/is_staff")]
    );
}

#[test]
fn map_keys_are_data_but_map_values_are_checked() {
    let body = json!({"en": {"label": "Hi", "translator_email": "t@example.com"}, "fr": {"label": "Salut"}});
    assert_eq!(
        patterns(&json_200("/map/", body)),
        vec![("OVS101", "/*/translator_email")]
    );
}

#[test]
fn free_form_objects_are_not_judged() {
    assert!(json_200("/freeform/", json!({"anything": 1, "goes": [1]})).is_empty());
}

#[test]
fn composition_declares_the_union_of_its_branches() {
    let ok = json_200("/composed/", json!({"id": 1, "card_last4": "4242"}));
    assert!(ok.is_empty(), "{ok:?}");
    let leak = json_200(
        "/composed/",
        json!({"id": 1, "iban_last4": "0000", "card_number": "4242424242424242"}),
    );
    assert_eq!(patterns(&leak), vec![("OVS101", "/card_number")]);
    assert_eq!(
        leak[0].evidence.value.as_deref(),
        Some("4242 …[redacted financial, 16 chars]")
    );
}

#[test]
fn recursive_schemas_are_walked_to_any_depth() {
    let body = json!({"name": "root", "children": [
        {"name": "a", "children": [{"name": "b", "children": [], "owner_id": 7}]}
    ]});
    assert_eq!(
        patterns(&json_200("/tree/", body)),
        vec![("OVS101", "/children/*/children/*/owner_id")]
    );
}

#[test]
fn write_only_property_in_a_response_is_high() {
    let findings = json_200(
        "/account/",
        json!({"username": "u", "password": "hunter2hunter2", "nickname": null}),
    );
    assert_eq!(patterns(&findings), vec![("OVS105", "/password")]);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn body_where_none_is_declared() {
    let findings = json_200(
        "/ping/",
        json!({"status": "ok", "database": "postgres://u:p@db/app"}),
    );
    assert_eq!(patterns(&findings), vec![("OVS102", "")]);
    assert!(
        findings[0].message.contains("`database`"),
        "{}",
        findings[0].message
    );
    assert!(
        !findings[0].message.contains("postgres://"),
        "values are never in messages"
    );
}

#[test]
fn empty_body_where_none_is_declared_is_fine() {
    let findings = analyze_all(
        &[exchange(0, "a", "/ping/", 200, "text/plain", Value::Null)],
        &contract(),
    );
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn unlisted_status_and_content_type() {
    let contract = contract();
    let findings = analyze_all(
        &[
            exchange(
                0,
                "a",
                "/ping/",
                500,
                "text/html",
                json!("<h1>Server Error</h1>"),
            ),
            exchange(
                1,
                "a",
                "/ping/",
                404,
                "text/html",
                json!("<h1>Not Found</h1>"),
            ),
        ],
        &contract,
    );
    let mut got = patterns(&findings);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("OVS103", "status:500"),
            ("OVS104", "content-type:text/html")
        ]
    );
}

#[test]
fn findings_group_identities_and_keep_fingerprints_stable() {
    let body =
        json!({"count": 1, "results": [{"id": 1, "user": {"id": 1, "email": "a@example.com"}}]});
    let exchanges = [
        exchange(
            0,
            "partner-a",
            "/orders/",
            200,
            "application/json",
            body.clone(),
        ),
        exchange(
            1,
            "partner-b",
            "/orders/",
            200,
            "application/json; charset=utf-8",
            body.clone(),
        ),
    ];
    let findings = conformance(analyze_all(&exchanges, &contract()));
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].identities, vec!["partner-a", "partner-b"]);
    assert_eq!(findings[0].identity.as_deref(), Some("partner-a"));
    let again = conformance(analyze_all(&exchanges[1..], &contract()));
    assert_eq!(
        again[0].fingerprint, findings[0].fingerprint,
        "identity does not change the fingerprint"
    );
}
