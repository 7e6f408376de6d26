//! `overshare scan` against the embedded demo API, over real mutual TLS, as a user runs it.

mod common;

use common::{Demo, overshare, stderr, stdout};
use serde_json::Value;
use std::collections::BTreeSet;

const PROFILE_LEAKS: &[&str] = &[
    "date_of_birth",
    "phone",
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

fn finding_keys(report: &Value) -> BTreeSet<(String, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
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
        .find(|f| f["location"]["pattern"] == "/*/user/password")
        .expect("password finding");
    assert_eq!(password["evidence"]["value"], "pbkdf2_sha256$…[redacted]");
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
    assert_eq!(report["summary"]["operations_total"], 11);
    assert_eq!(report["summary"]["operations_tested"], 10);
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
    assert_eq!(report["summary"]["findings"]["medium"], 33);
}

#[tokio::test(flavor = "multi_thread")]
async fn fail_on_threshold_sets_the_exit_code() {
    let demo = Demo::start().await;
    let (output, _) = json_scan(&demo, &["--fail-on", "high"]).await;
    assert_eq!(output.status.code(), Some(0));
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
