//! The sensitive-data analyzer: classification of every field, declared or not.

use overshare_analyze::analyze_all;
use overshare_contract::load_str;
use overshare_exchange::{Exchange, PlannedOperation, Request, Response};
use overshare_finding::{Finding, Severity};
use serde_json::{Value, json};
use std::time::Duration;

const SPEC: &str = r##"
openapi: 3.1.0
info: {title: sensitive, version: "1"}
paths:
  /me/:
    get:
      responses:
        "200":
          description: the caller, with fields the authors chose to expose
          content:
            application/json:
              schema:
                type: object
                properties:
                  username: {type: string}
                  email: {type: string}
                  password: {type: string}
  /legacy/:
    get:
      responses:
        "200": {description: documented without a body}
"##;

fn scan(path: &str, body: Value) -> Vec<Finding> {
    let contract = load_str(SPEC, "sensitive.yaml", None).expect("spec");
    let exchange = Exchange {
        seq: 0,
        identity: Some("a".into()),
        operation: PlannedOperation {
            method: "GET".into(),
            path: path.into(),
            operation_id: None,
        },
        request: Request {
            method: "GET".into(),
            url: format!("https://127.0.0.1:1{path}"),
            headers: vec![],
            body: None,
        },
        outcome: Ok(Response {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(&body).unwrap(),
            json: Some(body),
            truncated: false,
            json_error: None,
        }),
        elapsed: Duration::ZERO,
        reproduce: None,
        purpose: Default::default(),
    };
    analyze_all([&exchange], &contract)
        .into_iter()
        .filter(|f| f.rule.starts_with("OVS2"))
        .collect()
}

fn by_pattern<'f>(findings: &'f [Finding], pattern: &str) -> &'f Finding {
    findings
        .iter()
        .find(|f| f.location.pattern.as_deref() == Some(pattern))
        .unwrap_or_else(|| panic!("{pattern} in {findings:#?}"))
}

const HASH: &str =
    "pbkdf2_sha256$870000$Jb0cQ7XyWm2dRvL4aZkE9p$GQzk6j0n6Zy8x3f0pQ2b5mC9s1tV7wH4uR8eL2dN6aA=";

#[test]
fn declared_personal_field_is_reported_one_severity_lower_and_says_why() {
    let findings = scan(
        "/me/",
        json!({"username": "alice", "email": "alice@example.com"}),
    );
    let email = by_pattern(&findings, "/email");
    assert_eq!(email.name, "email-address");
    assert_eq!(
        email.severity,
        Severity::Low,
        "medium, lowered because the spec declares it"
    );
    assert!(
        email.message.contains("chose to expose it"),
        "{}",
        email.message
    );
    assert!(!email.message.contains("alice@example.com"));
    assert_eq!(
        email.evidence.value.as_deref(),
        Some("…[redacted personal, 17 chars]")
    );
}

#[test]
fn declared_password_hash_keeps_full_severity() {
    let findings = scan("/me/", json!({"username": "alice", "password": HASH}));
    let hash = by_pattern(&findings, "/password");
    assert_eq!(hash.severity, Severity::Critical);
    assert!(
        hash.message.contains("never acceptable"),
        "{}",
        hash.message
    );
    assert!(hash.cwe.iter().any(|c| c == "CWE-522"), "{:?}", hash.cwe);
    assert_eq!(hash.owasp, vec!["API3:2023"]);
}

#[test]
fn undeclared_body_counts_as_undeclared_fields() {
    let findings = scan(
        "/legacy/",
        json!({"debug": true, "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}),
    );
    let secret = by_pattern(&findings, "/aws_secret_access_key");
    assert!(secret.severity >= Severity::High, "{secret:#?}");
    assert!(
        secret.message.contains("does not declare"),
        "{}",
        secret.message
    );
}

#[test]
fn one_finding_per_field_across_array_elements() {
    let users: Vec<Value> = (0..50)
        .map(|i| json!({"ssn": format!("536-22-{:04}", 1000 + i)}))
        .collect();
    let findings = scan("/legacy/", json!({"users": users}));
    let ssn: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.name == "national-id")
        .collect();
    assert_eq!(ssn.len(), 1, "{findings:#?}");
    assert_eq!(ssn[0].location.pattern.as_deref(), Some("/users/*/ssn"));
    assert!(ssn[0].severity >= Severity::High);
}

#[test]
fn look_alike_names_stay_clean() {
    let body = json!({"is_staff_pick": true, "password_policy": "min 12 characters", "token_count": 3,
                      "checksum": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                      "public_id": "0f8fad5b-d9cb-469f-a165-70867728950e", "secretary_name": "Pat"});
    let findings = scan("/legacy/", body);
    assert!(
        findings.iter().all(|f| f.severity < Severity::Medium),
        "{findings:#?}"
    );
}

/// Every rule, built in or data, has a doc in the fixed sections `overshare explain` prints.
#[test]
fn every_rule_has_a_doc_in_the_fixed_sections() {
    let classifier = overshare_classify::Classifier::builtin();
    let catalogue = overshare_analyze::catalogue(&classifier);
    assert!(catalogue.len() > 50, "{}", catalogue.len());
    for rule in catalogue {
        for section in [
            "## What it finds",
            "## Why it matters",
            "## Example",
            "## Use instead",
            "## References",
        ] {
            assert!(
                rule.doc.contains(section),
                "{} {} has no `{section}`",
                rule.id,
                rule.name
            );
        }
        assert!(!rule.summary.is_empty(), "{} has no summary", rule.id);
        assert!(
            rule.doc.contains("https://cwe.mitre.org/"),
            "{} links no CWE",
            rule.id
        );
    }
}
