//! `overshare scan` against the embedded demo API, over real mutual TLS, as a user runs it.

mod common;

use common::{Demo, overshare, stderr, stdout};
use serde_json::Value;
use std::collections::BTreeSet;

const PROFILE_LEAKS: &[&str] = &[
    "date_of_birth",
    "phone",
    "national_id",
    "salary",
    "tenant",
    "user/date_joined",
    "user/email",
    "user/first_name",
    "user/groups",
    "user/is_active",
    "user/is_staff",
    "user/is_superuser",
    "user/last_login",
    "user/last_name",
    "user/password",
    "user/user_permissions",
];

fn expected_findings() -> BTreeSet<(String, String, String)> {
    let mut expected = BTreeSet::new();
    let mut add = |rule: &str, op: &str, pattern: String| {
        expected.insert((rule.to_string(), op.to_string(), pattern));
    };
    for leak in PROFILE_LEAKS {
        add("OVS101", "GET /api/profiles/", format!("/*/{leak}"));
        add("OVS101", "GET /api/profiles/{id}/", format!("/{leak}"));
    }
    add("OVS101", "GET /api/users/", "/*/activities".into());
    add("OVS101", "GET /api/users/{id}/", "/activities".into());
    add("OVS102", "GET /api/ping/", String::new());
    expected
}

/// (rule, operation, pattern) of the conformance findings (OVS1xx).
fn finding_keys(report: &Value) -> BTreeSet<(String, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("OVS1"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                format!(
                    "{} {}",
                    f["operation"]["method"].as_str().unwrap(),
                    f["operation"]["path"].as_str().unwrap()
                ),
                f["location"]["pattern"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

async fn json_scan(demo: &Demo, extra: &[&str]) -> (std::process::Output, Value) {
    let mut args = demo.scan_args();
    args.extend(["--format".to_string(), "json".to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let output = overshare(args).await;
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {}", stderr(&output)));
    (output, report)
}

#[tokio::test(flavor = "multi_thread")]
async fn scan_finds_exactly_the_undeclared_fields_and_nothing_on_clean_endpoints() {
    let demo = Demo::start().await;
    let (output, report) = json_scan(&demo, &[]).await;

    assert_eq!(finding_keys(&report), expected_findings());
    // Medium findings fail the default --fail-on medium.
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));

    for finding in report["findings"].as_array().unwrap() {
        if finding["rule"] == "OVS281" && finding["operation"]["path"] == "/api/orders/{id}/" {
            continue; // orders are per tenant: each identity requests its own
        }
        assert_eq!(
            finding["identities"],
            serde_json::json!(["partner-a", "partner-b"]),
            "both identities see every leak: {finding}"
        );
    }
    let clean = [
        "/api/catalogue/",
        "/api/secure-profiles/me/",
        "/api/secure-profiles/{id}/",
        "/api/orders/",
        "/api/orders/{id}/",
    ];
    for path in clean {
        let entry = report["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["path"] == path && c["method"] == "GET")
            .unwrap_or_else(|| panic!("coverage for {path}"));
        assert_eq!(entry["status"], "tested", "{path} was requested");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn evidence_is_redacted_and_reproducible_without_secrets() {
    let demo = Demo::start().await;
    let (_, report) = json_scan(&demo, &[]).await;
    let password = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["location"]["pattern"] == "/*/user/password" && f["rule"] == "OVS101")
        .expect("password finding");
    assert!(
        password["evidence"]["value"]
            .as_str()
            .unwrap()
            .starts_with("pbkdf2_sha256$…[redacted credential, "),
        "{password}"
    );
    assert_eq!(password["location"]["json_pointer"], "/0/user/password");
    let reproduce = password["evidence"]["reproduce"].as_str().unwrap();
    assert!(
        reproduce.contains("--cert") && reproduce.contains("--cacert"),
        "{reproduce}"
    );
    assert!(reproduce.ends_with("/api/profiles/"), "{reproduce}");

    let text = report.to_string();
    assert!(
        !text.contains("PRIVATE KEY"),
        "no key material in the report"
    );
    // No full hash anywhere: a pbkdf2 hash has three `$` separators.
    assert!(
        !text.contains("pbkdf2_sha256$870000$"),
        "no hash in the report"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn write_operations_are_skipped_and_detail_ids_come_from_lists() {
    let demo = Demo::start().await;
    let (_, report) = json_scan(&demo, &[]).await;
    let coverage = report["coverage"].as_array().unwrap();
    let post = coverage
        .iter()
        .find(|c| c["method"] == "POST")
        .expect("POST /api/orders/ listed");
    assert_eq!(post["status"], "skipped");
    assert!(post["reason"].as_str().unwrap().contains("--active"));
    // The detail of an order was requested with an id from the identity's own list.
    let finding_free_detail = coverage
        .iter()
        .find(|c| c["path"] == "/api/orders/{id}/")
        .unwrap();
    assert_eq!(finding_free_detail["requests"], 2);
    assert_eq!(report["summary"]["operations_total"], 15);
    assert_eq!(report["summary"]["operations_tested"], 13);
}

#[tokio::test(flavor = "multi_thread")]
async fn report_validates_against_the_shipped_schema() {
    let demo = Demo::start().await;
    let (_, report) = json_scan(&demo, &[]).await;
    let schema: Value = serde_json::from_str(overshare_report::REPORT_SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(finding_keys(&report).len(), 35);
}

const CATALOGUE_ONLY: &str = r#"
openapi: 3.1.0
info: {title: catalogue only, version: "1"}
paths:
  /api/catalogue/:
    get:
      responses:
        "200":
          description: the catalogue
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  properties:
                    public_id: {type: string, format: uuid}
                    name: {type: string}
                    is_staff_pick: {type: boolean}
                    password_policy: {type: string}
                    token_count: {type: integer}
                    checksum: {type: string}
                    price: {type: string}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn fail_on_threshold_sets_the_exit_code() {
    let demo = Demo::start().await;
    let (output, report) = json_scan(&demo, &["--fail-on", "critical"]).await;
    assert!(report["summary"]["findings"]["critical"].as_u64().unwrap() > 0);
    assert_eq!(
        output.status.code(),
        Some(1),
        "criticals fail --fail-on critical"
    );

    // The clean catalogue alone: nothing at any severity, so even --fail-on info passes.
    let spec = demo.dir.path().join("catalogue.yaml");
    std::fs::write(&spec, CATALOGUE_ONLY).unwrap();
    let mut args = demo.scan_args();
    let at = args.iter().position(|a| a == "--spec").unwrap() + 1;
    args[at] = spec.display().to_string();
    args.extend([
        "--fail-on".to_string(),
        "info".to_string(),
        "--format".to_string(),
        "json".to_string(),
    ]);
    let output = overshare(args).await;
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["findings"],
        serde_json::json!([]),
        "the catalogue is clean"
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[tokio::test(flavor = "multi_thread")]
async fn text_report_has_no_colour_when_piped() {
    let demo = Demo::start().await;
    let output = overshare(demo.scan_args()).await;
    let text = stdout(&output);
    assert!(text.contains("GET /api/profiles/{id}/"), "{text}");
    assert!(text.contains("/user/password"), "{text}");
    assert!(!text.contains('\u{1b}'), "no ANSI escapes on a pipe");
}

#[tokio::test(flavor = "multi_thread")]
async fn output_file_gets_the_json_report() {
    let demo = Demo::start().await;
    let path = demo.dir.path().join("report.json");
    let mut args = demo.scan_args();
    args.extend([
        "--format".into(),
        "text".into(),
        "--format".into(),
        "json".into(),
    ]);
    args.extend([
        "--output".into(),
        demo.dir.path().join("report.txt").display().to_string(),
    ]);
    args.extend(["--output".into(), path.display().to_string()]);
    let output = overshare(args).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(report["tool"]["name"], "overshare");
    let text = std::fs::read_to_string(demo.dir.path().join("report.txt")).unwrap();
    assert!(text.contains("Score"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn spec_can_be_fetched_from_the_api_over_mtls() {
    let demo = Demo::start().await;
    let mut args = demo.scan_args();
    let spec_at = args.iter().position(|a| a == "--spec").unwrap() + 1;
    args[spec_at] = format!("{}/api/schema/", demo.server.base_url());
    args.extend(["--format".to_string(), "json".to_string()]);
    let output = overshare(args).await;
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {}", stderr(&output)));
    assert_eq!(finding_keys(&report), expected_findings());
    assert!(report["spec"].as_str().unwrap().ends_with("/api/schema/"));
}

#[tokio::test(flavor = "multi_thread")]
async fn no_planted_secret_or_personal_value_appears_in_any_output_format() {
    let demo = Demo::start().await;
    let formats = ["text", "json", "sarif", "junit", "markdown", "html"];
    let mut args = demo.scan_args();
    for format in formats {
        args.extend(["--format".to_string(), format.to_string()]);
        args.extend([
            "--output".to_string(),
            demo.dir
                .path()
                .join(format!("report.{format}"))
                .display()
                .to_string(),
        ]);
    }
    let output = overshare(args).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let planted = overshare_demo::planted_values();
    assert!(planted.len() > 20, "the demo plants secrets: {planted:?}");
    for format in formats {
        let report =
            std::fs::read_to_string(demo.dir.path().join(format!("report.{format}"))).unwrap();
        assert!(
            report.contains("user.password") || report.contains("/user/password"),
            "{format} report has findings"
        );
        for value in &planted {
            assert!(
                !report.contains(value.as_str()),
                "{format} report leaks `{value}`"
            );
        }
    }
    let terminal = format!("{}{}", stdout(&output), stderr(&output));
    for value in &planted {
        assert!(
            !terminal.contains(value.as_str()),
            "terminal output leaks `{value}`"
        );
    }
}

/// (rule name, operation, pattern) → the least severity it must have.
const SENSITIVE: &[(&str, &str, &str, &str)] = &[
    (
        "django-password-hash",
        "GET /api/profiles/",
        "/*/user/password",
        "critical",
    ),
    (
        "django-password-hash",
        "GET /api/profiles/{id}/",
        "/user/password",
        "critical",
    ),
    (
        "privilege-flag",
        "GET /api/profiles/",
        "/*/user/is_staff",
        "high",
    ),
    (
        "privilege-flag",
        "GET /api/profiles/",
        "/*/user/is_superuser",
        "high",
    ),
    (
        "privilege-flag",
        "GET /api/profiles/{id}/",
        "/user/is_staff",
        "high",
    ),
    (
        "session-key",
        "GET /api/users/",
        "/*/activities/*/session_key",
        "high",
    ),
    (
        "session-key",
        "GET /api/users/{id}/",
        "/activities/*/session_key",
        "high",
    ),
    (
        "date-of-birth",
        "GET /api/profiles/",
        "/*/date_of_birth",
        "medium",
    ),
    ("salary", "GET /api/profiles/", "/*/salary", "medium"),
    (
        "national-id",
        "GET /api/profiles/",
        "/*/national_id",
        "high",
    ),
    (
        "national-id",
        "GET /api/profiles/{id}/",
        "/national_id",
        "high",
    ),
    ("phone-number", "GET /api/profiles/", "/*/phone", "medium"),
    (
        "email-address",
        "GET /api/profiles/",
        "/*/user/email",
        "medium",
    ),
    (
        "ip-address",
        "GET /api/users/",
        "/*/activities/*/ip_address",
        "medium",
    ),
    (
        "user-agent",
        "GET /api/users/",
        "/*/activities/*/user_agent",
        "low",
    ),
    (
        "last-login",
        "GET /api/profiles/",
        "/*/user/last_login",
        "low",
    ),
    ("database-config", "GET /api/ping/", "/database", "medium"),
];

fn rank(severity: &str) -> u8 {
    ["info", "low", "medium", "high", "critical"]
        .iter()
        .position(|s| *s == severity)
        .unwrap() as u8
}

#[tokio::test(flavor = "multi_thread")]
async fn planted_sensitive_fields_are_classified_and_clean_endpoints_stay_clean() {
    let demo = Demo::start().await;
    let (_, report) = json_scan(&demo, &[]).await;
    let findings = report["findings"].as_array().unwrap();
    for (name, op, pattern, least) in SENSITIVE {
        let found = findings.iter().find(|f| {
            f["name"] == *name
                && format!(
                    "{} {}",
                    f["operation"]["method"].as_str().unwrap(),
                    f["operation"]["path"].as_str().unwrap()
                ) == *op
                && f["location"]["pattern"] == *pattern
        });
        let found = found.unwrap_or_else(|| panic!("{name} at {op} {pattern}"));
        let severity = found["severity"].as_str().unwrap();
        assert!(
            rank(severity) >= rank(least),
            "{name} at {pattern}: {severity} < {least}"
        );
        assert!(
            found["cwe"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c.as_str().unwrap().starts_with("CWE-"))
        );
        assert_eq!(found["owasp"], serde_json::json!(["API3:2023"]));
    }
    for clean in [
        "/api/catalogue/",
        "/api/secure-profiles/me/",
        "/api/secure-profiles/{id}/",
    ] {
        let on_clean: Vec<&Value> = findings
            .iter()
            .filter(|f| f["operation"]["path"] == clean)
            .collect();
        assert!(on_clean.is_empty(), "{clean}: {on_clean:#?}");
    }
}

/// Regression: identities were listed in the order responses arrived, which varies run to run.
#[tokio::test(flavor = "multi_thread")]
async fn findings_list_identities_in_the_order_given_not_the_order_answered() {
    let demo = Demo::start().await;
    let mut args = demo.base_args();
    for (name, cert, key) in demo.paths.identities.iter().rev() {
        args.extend([
            "--identity".to_string(),
            format!("{name}={},{}", cert.display(), key.display()),
        ]);
    }
    args.extend([
        "--format".to_string(),
        "json".to_string(),
        "--concurrency".to_string(),
        "16".to_string(),
    ]);
    for _ in 0..3 {
        let output = overshare(args.clone()).await;
        let report: Value = serde_json::from_slice(&output.stdout).expect("report");
        for finding in report["findings"].as_array().unwrap() {
            if finding["identities"].as_array().unwrap().len() == 2 {
                assert_eq!(
                    finding["identities"],
                    serde_json::json!(["partner-b", "partner-a"]),
                    "{finding}"
                );
                assert_eq!(finding["identity"], "partner-b");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn baseline_round_trip_reports_only_new_findings() {
    let demo = Demo::start().await;
    let baseline = demo.dir.path().join("baseline.json");
    // Accept today's state...
    let (output, first) = json_scan(&demo, &["--write-baseline", baseline.to_str().unwrap()]).await;
    assert_eq!(output.status.code(), Some(1));
    let total = first["findings"].as_array().unwrap().len();
    assert!(total > 30);
    // ...then a rescan against it has nothing new, and says how much it left out.
    let (output, again) = json_scan(&demo, &["--baseline", baseline.to_str().unwrap()]).await;
    assert_eq!(again["findings"], serde_json::json!([]), "nothing new");
    assert_eq!(again["summary"]["suppressed"], total);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // A new leak: drop one finding from the baseline, and exactly that one comes back.
    let mut file: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    let removed = file["findings"].as_array_mut().unwrap().remove(0);
    std::fs::write(&baseline, serde_json::to_string(&file).unwrap()).unwrap();
    let (_, third) = json_scan(&demo, &["--baseline", baseline.to_str().unwrap()]).await;
    let new: Vec<&Value> = third["findings"].as_array().unwrap().iter().collect();
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0]["fingerprint"], removed["fingerprint"]);
    assert_eq!(third["summary"]["suppressed"], total - 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_baseline_fails_before_any_request() {
    let demo = Demo::start().await;
    let mut args = demo.scan_args();
    args.extend([
        "--baseline".to_string(),
        "/nonexistent/baseline.json".to_string(),
    ]);
    let output = overshare(args).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("/nonexistent/baseline.json"),
        "{}",
        stderr(&output)
    );
    assert_eq!(demo.server.requests_served(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_lists_every_request_without_secrets() {
    let demo = Demo::start().await;
    let mut args: Vec<String> = demo
        .scan_args()
        .into_iter()
        .filter(|a| a != "--quiet")
        .collect();
    args.push("--verbose".into());
    let output = overshare(args).await;
    let err = stderr(&output);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(" as partner-")).collect();
    assert!(lines.len() >= 20, "{err}");
    assert!(
        lines.iter().any(|l| l.starts_with("GET https://127.0.0.1:")
            && l.contains("/api/profiles/ as partner-a → 200")),
        "{err}"
    );
    assert!(!err.contains("PRIVATE KEY"));
}

#[tokio::test(flavor = "multi_thread")]
async fn sarif_of_the_demo_validates_and_points_into_the_spec() {
    let demo = Demo::start().await;
    let sarif_path = demo.dir.path().join("report.sarif");
    let junit_path = demo.dir.path().join("report.xml");
    let mut args = demo.scan_args();
    args.extend(["--format", "sarif", "--output"].map(String::from));
    args.push(sarif_path.display().to_string());
    args.extend(["--format", "junit", "--output"].map(String::from));
    args.push(junit_path.display().to_string());
    let output = overshare(args).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));

    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    let schema_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../report/tests/schemas/sarif-schema-2.1.0.json"
    );
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let password = results
        .iter()
        .find(|r| r["ruleId"] == "OVS202")
        .expect("the password hash result");
    let location = &password["locations"][0]["physicalLocation"];
    assert!(
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("openapi.yaml"),
        "{location}"
    );
    assert!(
        location["region"]["startLine"].as_u64().unwrap() > 1,
        "points at the operation's line: {location}"
    );
    assert!(password["partialFingerprints"]["overshare/v1"].is_string());

    let status = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../report/tests/schemas/junit.xsd"
        ))
        .arg(&junit_path)
        .status()
        .expect("xmllint is installed by ./scripts/test.sh (Debian libxml2-utils)");
    assert!(
        status.success(),
        "the JUnit report validates against Jenkins' XSD"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_fail_on_level_sets_the_exit_code() {
    let demo = Demo::start().await;
    let (_, report) = json_scan(&demo, &[]).await;
    let counts = &report["summary"]["findings"];
    for level in ["info", "low", "medium", "high", "critical"] {
        let at_or_above: u64 = ["critical", "high", "medium", "low", "info"]
            .iter()
            .take_while(|s| **s != level)
            .chain(std::iter::once(&level))
            .map(|s| counts[*s].as_u64().unwrap())
            .sum();
        let (output, _) = json_scan(&demo, &["--fail-on", level]).await;
        let expected = if at_or_above > 0 { 1 } else { 0 };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "--fail-on {level} with {at_or_above} at or above"
        );
    }
}

fn rule_paths(report: &Value, rule: &str) -> Vec<String> {
    let mut paths: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["operation"]["path"].as_str().unwrap().to_string())
        .collect();
    paths.dedup();
    paths
}

fn check_status(report: &Value, id: &str) -> String {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("check {id}"))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn cross_identity_bola_and_unfiltered_list_found_and_the_edge_holds() {
    let demo = Demo::start().await;
    let (_, report) = json_scan(&demo, &[]).await;
    // The order detail is looked up by id alone; the shipments list is not scoped.
    assert_eq!(rule_paths(&report, "OVS301"), ["/api/orders/{id}/"]);
    assert_eq!(rule_paths(&report, "OVS302"), ["/api/shipments/"]);
    let bola = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "OVS301")
        .unwrap();
    assert!(
        bola["message"]
            .as_str()
            .unwrap()
            .contains("7 of 7 fields equal"),
        "{bola}"
    );
    // The demo's server verifies certificates itself: no certificate, a rogue one and forged
    // headers all get nothing.
    for (id, status) in [
        ("no-certificate", "passed"),
        ("rogue-ca", "passed"),
        ("forged-identity-headers", "passed"),
        ("cross-identity-objects", "failed"),
        ("unfiltered-collections", "failed"),
        ("mass-assignment", "skipped"),
    ] {
        assert_eq!(check_status(&report, id), status, "{id}");
    }
    let authz_or_edge = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let rule = f["rule"].as_str().unwrap();
            rule.starts_with("OVS3") || rule.starts_with("OVS4") || rule.starts_with("OVS5")
        })
        .count();
    assert_eq!(
        authz_or_edge, 2,
        "only the order detail and the shipments list"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_active_finds_mass_assignment_and_restores_the_values() {
    let output = overshare(vec![
        "demo".into(),
        "--active".into(),
        "--format".into(),
        "json".into(),
        "--quiet".into(),
    ])
    .await;
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {}", stderr(&output)));
    let stderr = stderr(&output);
    assert!(
        stderr.contains("PATCH /api/members/{id}/: one extra property"),
        "{stderr}"
    );
    let mut fields: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "OVS501")
        .map(|f| {
            assert!(
                f["message"]
                    .as_str()
                    .unwrap()
                    .contains("wrote the original value back"),
                "{f}"
            );
            f["location"]["field"].as_str().unwrap()
        })
        .collect();
    fields.sort();
    assert_eq!(fields, ["is_staff", "role"]);
    assert_eq!(check_status(&report, "mass-assignment"), "failed");
    let patch = report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["method"] == "PATCH")
        .unwrap();
    assert_eq!(patch["status"], "tested", "{patch}");
    let post = report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["method"] == "POST")
        .unwrap();
    assert!(
        post["reason"]
            .as_str()
            .unwrap()
            .contains("never sends DELETE"),
        "{post}"
    );
}
