//! SARIF: the sample report's log (snapshot), validity against the official SARIF 2.1.0 schema,
//! and what code scanning relies on (rule indexes, locations, fingerprints, severities).

mod common;

use jsonschema::Validator;
use overshare_report::sarif::FINGERPRINT_KEY;
use overshare_report::{RenderContext, Report, to_sarif};
use serde_json::Value;

const SCHEMA: &str = include_str!("schemas/sarif-schema-2.1.0.json");

/// The official schema (draft-04, picked from its `$schema`), checking `format`s too.
fn validator() -> Validator {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the SARIF schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn sarif(report: &Report, ctx: &RenderContext) -> Value {
    serde_json::from_str(&to_sarif(report, ctx)).expect("to_sarif writes JSON")
}

fn assert_valid(log: &Value, what: &str) {
    let validator = validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

fn result_for<'a>(log: &'a Value, rule: &str) -> &'a Value {
    results(log)
        .iter()
        .find(|r| r["ruleId"] == rule)
        .unwrap_or_else(|| panic!("no result for {rule}"))
}

#[test]
fn representative_report() {
    insta::assert_snapshot!(to_sarif(
        &common::sample_report(),
        &common::sample_context()
    ));
}

#[test]
fn output_validates_against_the_official_schema() {
    let ctx = common::sample_context();
    let cases = [
        ("sample", sarif(&common::sample_report(), &ctx)),
        ("clean", sarif(&common::clean_report(), &ctx)),
        (
            "sample, empty context",
            sarif(&common::sample_report(), &RenderContext::default()),
        ),
        ("hostile", sarif(&common::hostile_report(), &ctx)),
        ("huge", sarif(&common::huge_report(30, 5, 40), &ctx)),
    ];
    for (what, log) in &cases {
        assert_valid(log, what);
    }
}

#[test]
fn the_validator_does_reject_broken_logs() {
    // Guards the test above against a schema that accepts anything.
    let mut log = sarif(&common::sample_report(), &common::sample_context());
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(
        !validator().is_valid(&log),
        "level `fatal` should not validate"
    );
    let mut log = sarif(&common::sample_report(), &common::sample_context());
    log["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert!(!validator().is_valid(&log), "a driver without name");
}

#[test]
fn header_names_the_schema_version_and_tool() {
    let log = sarif(&common::sample_report(), &common::sample_context());
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "overshare");
    assert_eq!(driver["version"], "0.1.0");
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
}

#[test]
fn every_catalogue_rule_is_listed_and_every_rule_index_resolves() {
    let log = sarif(&common::sample_report(), &common::sample_context());
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    // The catalogue in its order (OVS105 never fired), then OVS150, which only a finding names.
    assert_eq!(
        ids,
        ["OVS101", "OVS105", "OVS110", "OVS201", "OVS401", "OVS150"]
    );
    for result in results(&log) {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    let stand_in = &rules[5];
    assert_eq!(stand_in["name"], "spec-example-drift");
    assert!(!stand_in["help"]["text"].as_str().unwrap().is_empty());
}

#[test]
fn rules_carry_help_levels_tags_and_security_severity() {
    let log = sarif(&common::sample_report(), &common::sample_context());
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let cross = rules.iter().find(|r| r["id"] == "OVS201").unwrap();
    assert_eq!(cross["name"], "cross-identity-read");
    assert_eq!(
        cross["shortDescription"]["text"],
        "Another identity's object is readable"
    );
    assert_eq!(
        cross["fullDescription"]["text"],
        "An object created by one identity that another identity can read."
    );
    let help = cross["help"]["markdown"].as_str().unwrap();
    assert!(help.contains("## Why it matters"), "{help}");
    assert_eq!(cross["help"]["text"], cross["help"]["markdown"]);
    assert_eq!(cross["defaultConfiguration"]["level"], "error");
    assert_eq!(cross["properties"]["security-severity"], "9.5");
    assert_eq!(
        cross["properties"]["tags"],
        serde_json::json!(["security", "authz", "CWE-639", "API1:2023"])
    );
    let levels: Vec<(&str, &str, &str)> = rules
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["defaultConfiguration"]["level"].as_str().unwrap(),
                r["properties"]["security-severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            ("OVS101", "warning", "5.5"),
            ("OVS105", "error", "8.0"),
            ("OVS110", "warning", "5.5"),
            ("OVS201", "error", "9.5"),
            ("OVS401", "warning", "5.5"),
            ("OVS150", "note", "0.0"),
        ]
    );
}

#[test]
fn results_follow_the_findings_with_their_own_level() {
    let report = common::sample_report();
    let log = sarif(&report, &common::sample_context());
    let rule_ids: Vec<&str> = results(&log)
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    let finding_rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rule_ids, finding_rules);
    for (result, finding) in results(&log).iter().zip(&report.findings) {
        assert_eq!(
            result["partialFingerprints"][FINGERPRINT_KEY],
            finding.fingerprint.as_str()
        );
        assert_eq!(result["properties"]["severity"], finding.severity.as_str());
        assert_eq!(result["message"]["text"], finding.message);
    }
    // OVS101 is medium by default, this finding is high: the result says error.
    let password = result_for(&log, "OVS101");
    assert_eq!(password["level"], "error");
    assert_eq!(password["properties"]["security-severity"], "8.0");
    assert_eq!(result_for(&log, "OVS150")["level"], "note");
}

#[test]
fn results_are_located_in_the_source_then_the_spec() {
    let log = sarif(&common::sample_report(), &common::sample_context());
    let password = &result_for(&log, "OVS101")["locations"];
    assert_eq!(password.as_array().unwrap().len(), 2);
    // The serializer first: code scanning annotates the first location, where the fix goes.
    let source = &password[0]["physicalLocation"];
    assert_eq!(source["artifactLocation"]["uri"], "app/serializers.py");
    assert_eq!(source["region"]["startLine"], 12);
    let spec = &password[1]["physicalLocation"];
    assert_eq!(spec["artifactLocation"]["uri"], "openapi.yaml");
    assert_eq!(spec["region"]["startLine"], 14);
    let logical = password[0]["logicalLocations"].as_array().unwrap();
    assert_eq!(logical[0]["name"], "GET /api/profiles/");
    assert_eq!(logical[0]["kind"], "function");
    assert_eq!(logical[1]["name"], "/0/user/password");
    assert_eq!(
        logical[1]["fullyQualifiedName"],
        "GET /api/profiles/ /0/user/password"
    );

    // A static finding: its source, with the column.
    let static_ = &result_for(&log, "OVS401")["locations"];
    assert_eq!(static_.as_array().unwrap().len(), 1);
    let region = &static_[0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(8), Some(5))
    );
    // The audit's exact range and snippet, when the finding has them.
    assert_eq!(region["endLine"], 8);
    assert_eq!(region["endColumn"], 23);
    assert_eq!(region["snippet"]["text"], "fields = \"__all__\"");

    // No line for `GET /api/orders/{id}/` and no source: line 1 of the spec, so code scanning
    // keeps the result.
    let drift = &result_for(&log, "OVS150")["locations"][0];
    assert_eq!(
        drift["physicalLocation"]["artifactLocation"]["uri"],
        "openapi.yaml"
    );
    assert_eq!(drift["physicalLocation"]["region"]["startLine"], 1);
    assert_eq!(
        drift["logicalLocations"][0]["name"],
        "GET /api/orders/{id}/"
    );
}

#[test]
fn without_a_spec_path_results_keep_logical_locations_only() {
    let ctx = RenderContext {
        spec_path: None,
        ..common::sample_context()
    };
    let log = sarif(&common::sample_report(), &ctx);
    let drift = &result_for(&log, "OVS150")["locations"];
    assert_eq!(drift.as_array().unwrap().len(), 1);
    assert!(drift[0].get("physicalLocation").is_none());
    assert_eq!(
        drift[0]["logicalLocations"][0]["name"],
        "GET /api/orders/{id}/"
    );
    // The source location does not need the spec.
    let password = &result_for(&log, "OVS101")["locations"];
    assert_eq!(
        password[0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/serializers.py"
    );
    assert_valid(&log, "no spec path");
}

#[test]
fn result_properties_carry_redacted_evidence_and_reproduce() {
    let log = sarif(&common::sample_report(), &common::sample_context());
    let p = &result_for(&log, "OVS101")["properties"];
    assert_eq!(p["confidence"], "high");
    assert_eq!(
        p["identities"],
        serde_json::json!(["partner-a", "partner-b"])
    );
    assert_eq!(p["json_pointer"], "/0/user/password");
    assert_eq!(p["evidence"], "pbkdf2_sha256$…[redacted]");
    assert!(
        p["reproduce"]
            .as_str()
            .unwrap()
            .starts_with("curl --cert partner-a.crt")
    );
    // A static finding has no identities, pointer or evidence: the keys are absent, not null.
    let p = result_for(&log, "OVS401")["properties"]
        .as_object()
        .unwrap();
    for key in ["identities", "json_pointer", "evidence", "reproduce"] {
        assert!(!p.contains_key(key), "{key}");
    }
}

#[test]
fn invocation_reports_failed_identities_errors_and_interruption() {
    let mut report = common::sample_report();
    let log = sarif(&report, &common::sample_context());
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["level"], "error");
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("legacy")
    );
    assert_eq!(notes[1]["level"], "warning");
    report.interrupted = true;
    let log = sarif(&report, &common::sample_context());
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
}

#[test]
fn same_report_same_bytes() {
    let ctx = common::sample_context();
    let first = to_sarif(&common::sample_report(), &ctx);
    // A context built again has a HashMap with another iteration order: no effect.
    assert_eq!(
        first,
        to_sarif(&common::sample_report(), &common::sample_context())
    );
    assert!(first.ends_with("}\n"));
}
