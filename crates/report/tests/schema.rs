//! The JSON form against its schema: what we write validates, what breaks the contract doesn't.

mod common;

use jsonschema::Validator;
use overshare_report::{REPORT_SCHEMA, ReportError, from_json, to_json};
use serde_json::{Value, json};

fn schema() -> Value {
    serde_json::from_str(REPORT_SCHEMA).expect("schema is JSON")
}

fn validator() -> Validator {
    jsonschema::draft202012::new(&schema()).expect("schema compiles")
}

fn sample_json() -> Value {
    serde_json::from_str(&to_json(&common::sample_report())).unwrap()
}

/// Assert `instance` is invalid, naming the mutation when it is not.
fn assert_invalid(instance: &Value, what: &str) {
    assert!(
        !validator().is_valid(instance),
        "{what} should not validate"
    );
}

fn first_finding(v: &mut Value) -> &mut serde_json::Map<String, Value> {
    v["findings"][0].as_object_mut().unwrap()
}

#[test]
fn schema_is_a_valid_draft_2020_12_schema() {
    jsonschema::draft202012::meta::validate(&schema()).expect("meta-schema valid");
    // `validator_for` picks the draft from `$schema`, as a consumer would.
    jsonschema::validator_for(&schema()).expect("compiles from $schema");
}

#[test]
fn sample_and_clean_reports_validate() {
    let validator = validator();
    for report in [common::sample_report(), common::clean_report()] {
        let instance: Value = serde_json::from_str(&to_json(&report)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    assert_eq!(sample_json()["findings"].as_array().unwrap().len(), 6);
}

#[test]
fn bad_severity_is_rejected() {
    let mut v = sample_json();
    first_finding(&mut v).insert("severity".into(), json!("urgent"));
    assert_invalid(&v, "severity `urgent`");
}

#[test]
fn missing_fingerprint_is_rejected() {
    let mut v = sample_json();
    first_finding(&mut v).remove("fingerprint");
    assert_invalid(&v, "a finding without fingerprint");
}

/// Breaks one known key of a valid report.
type Mutation = fn(&mut Value);

#[test]
fn malformed_known_keys_are_rejected() {
    let mutations: [(&str, Mutation); 8] = [
        ("short fingerprint", |v| {
            v["findings"][0]["fingerprint"] = json!("abc123")
        }),
        ("rule OVS12", |v| v["findings"][0]["rule"] = json!("OVS12")),
        ("category `leak`", |v| {
            v["findings"][0]["category"] = json!("leak")
        }),
        ("confidence `certain`", |v| {
            v["findings"][0]["confidence"] = json!("certain")
        }),
        ("score 101", |v| v["summary"]["score"] = json!(101)),
        ("grade E", |v| v["summary"]["grade"] = json!("E")),
        ("coverage status `done`", |v| {
            v["coverage"][0]["status"] = json!("done")
        }),
        ("missing summary.findings.info", |v| {
            v["summary"]["findings"]
                .as_object_mut()
                .unwrap()
                .remove("info");
        }),
    ];
    for (what, mutate) in mutations {
        let mut v = sample_json();
        mutate(&mut v);
        assert_invalid(&v, what);
    }
}

#[test]
fn unknown_keys_are_allowed_for_forward_compatibility() {
    let mut v = sample_json();
    first_finding(&mut v).insert("epss".into(), json!(0.3));
    v.as_object_mut()
        .unwrap()
        .insert("baseline".into(), json!({"suppressed": 2}));
    assert!(validator().is_valid(&v));
}

#[test]
fn json_round_trips_and_keeps_contract_order() {
    let report = common::sample_report();
    let json = to_json(&report);
    assert!(json.ends_with("}\n"));
    assert_eq!(from_json(&json).unwrap(), report);
    let value = sample_json();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys[..3], ["report_version", "tool", "target"]);
}

#[test]
fn other_major_versions_are_refused() {
    let mut v = sample_json();
    v["report_version"] = json!("2.0");
    let err = from_json(&v.to_string()).unwrap_err();
    assert!(
        matches!(err, ReportError::UnsupportedVersion { .. }),
        "{err}"
    );
    v["report_version"] = json!("1.7");
    assert!(from_json(&v.to_string()).is_ok());
    assert!(matches!(from_json("[]").unwrap_err(), ReportError::Json(_)));
}
