//! The CLI surface: help, rules, explain, demo, usage errors.

mod common;

use common::{overshare, stderr, stdout};

#[tokio::test]
async fn scan_help_explains_every_flag_with_an_example() {
    let output = overshare(vec!["scan".into(), "--help".into()]).await;
    assert_eq!(output.status.code(), Some(0));
    let help = stdout(&output);
    for flag in [
        "--config",
        "--spec",
        "--url",
        "--identity",
        "--identity-header",
        "--ca",
        "--param",
        "--concurrency",
        "--rate",
        "--timeout",
        "--max-time",
        "--max-body",
        "--max-decoded",
        "--max-json-depth",
        "--format",
        "--output",
        "--fail-on",
    ] {
        let at = help
            .find(&format!("{flag} "))
            .unwrap_or_else(|| panic!("{flag} in help"));
        let next = help[at + 2..]
            .find("\n  -")
            .map_or(help.len(), |n| at + 2 + n);
        assert!(
            help[at..next].contains("Example"),
            "{flag} has an example: {}",
            &help[at..next]
        );
    }
    assert!(
        help.contains("OVERSHARE_PASSPHRASE_"),
        "passphrase env var documented"
    );
}

#[tokio::test]
async fn rules_lists_and_explain_prints_docs() {
    let output = overshare(vec!["rules".into()]).await;
    let rules = stdout(&output);
    assert!(
        rules.contains("OVS101") && rules.contains("undeclared-property"),
        "{rules}"
    );
    let output = overshare(vec!["explain".into(), "undeclared-property".into()]).await;
    let doc = stdout(&output);
    for section in [
        "## What it finds",
        "## Why it matters",
        "## Example",
        "## Use instead",
    ] {
        assert!(doc.contains(section), "{section} in {doc}");
    }
    let output = overshare(vec!["explain".into(), "OVS999".into()]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("overshare rules"));
}

#[tokio::test]
async fn usage_errors_exit_2() {
    let output = overshare(vec!["scan".into(), "--spec".into(), "x.yaml".into()]).await;
    assert_eq!(output.status.code(), Some(2));
    let output = overshare(vec![
        "scan".into(),
        "--spec".into(),
        "x.yaml".into(),
        "--url".into(),
        "https://127.0.0.1:1".into(),
    ])
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no identity"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn demo_scans_the_embedded_api_and_exits_0() {
    let output = overshare(vec!["demo".into(), "--quiet".into()]).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(text.contains("pbkdf2_sha256$…[redacted"), "{text}");
    assert!(text.contains("GET /api/users/{id}/"), "{text}");
    assert!(
        !text.contains("GET /api/catalogue/"),
        "the catalogue is clean: {text}"
    );
}

#[tokio::test]
async fn demo_writes_json_where_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.json");
    let output = overshare(vec![
        "demo".into(),
        "--quiet".into(),
        "--format".into(),
        "json".into(),
        "--output".into(),
        path.display().to_string(),
    ])
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(report["summary"]["findings"]["critical"].as_u64().unwrap() >= 2);
}
