//! `overshare audit`, as a user runs it: the reference target's source and nginx config, every
//! planted flaw at its line, the correct patterns clean, in the formats CI reads.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/target")
        .canonicalize()
        .expect("tests/target")
}

fn overshare(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_overshare"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("overshare runs")
}

fn audit_json() -> Value {
    let dir = target_dir();
    let output = overshare(&[
        "audit",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON report")
}

/// The 1-based line of the first line of `file` (under tests/target) containing `needle`.
fn line_of(file: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(target_dir().join(file)).unwrap();
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` in {file}")) as u64
        + 1
}

/// (rule, file under tests/target, line) of each finding's first source location.
fn located(report: &Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let source = &f["source"][0];
            let file = source["file"].as_str().unwrap();
            let file =
                file[file.find("tests/target/").expect("under the target") + 13..].to_string();
            (
                f["rule"].as_str().unwrap().to_string(),
                file,
                source["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_planted_flaw_is_found_at_its_line_and_the_correct_patterns_are_clean() {
    let report = audit_json();
    let found = located(&report);
    let expect = [
        (
            "OVS601",
            "accounts/serializers.py",
            line_of("accounts/serializers.py", "fields = \"__all__\""),
        ),
        (
            "OVS603",
            "accounts/serializers.py",
            line_of("accounts/serializers.py", "        depth = 1"),
        ),
        (
            "OVS604",
            "accounts/serializers.py",
            line_of(
                "accounts/serializers.py",
                "activities = UserActivitySerializer",
            ),
        ),
        (
            "OVS606",
            "accounts/serializers.py",
            line_of("accounts/serializers.py", "\"password\", \"is_staff\"]"),
        ),
        (
            "OVS607",
            "accounts/views.py",
            line_of("accounts/views.py", "users.values()"),
        ),
        (
            "OVS608",
            "billing/views.py",
            line_of("billing/views.py", "Invoice.objects.all()"),
        ),
        (
            "OVS608",
            "accounts/views.py",
            line_of("accounts/views.py", "SupportTicket.objects.all()"),
        ),
        (
            "OVS610",
            "accounts/views.py",
            line_of("accounts/views.py", "[AllowAny]"),
        ),
        (
            "OVS611",
            "accounts/middleware.py",
            line_of(
                "accounts/middleware.py",
                "request.META.get(\"HTTP_X_SSL_CLIENT_S_DN_CN\"",
            ),
        ),
        (
            "OVS612",
            "accounts/middleware.py",
            line_of(
                "accounts/middleware.py",
                "request.META.get(\"HTTP_X_SSL_CLIENT_VERIFY\"",
            ),
        ),
        (
            "OVS651",
            "nginx.conf.in",
            line_of("nginx.conf.in", "        ssl_verify_client optional;"),
        ),
    ];
    for (rule, file, line) in expect {
        assert!(
            found
                .iter()
                .any(|(r, f, l)| r == rule && f == file && *l == line),
            "{rule} at {file}:{line} not in {found:#?}"
        );
    }
    // The correct patterns: the secure serializer's lines, the object permission, the catalogue.
    let secure = line_of(
        "accounts/serializers.py",
        "class SecureUserProfileSerializer",
    );
    for (rule, file, line) in &found {
        assert!(
            !file.starts_with("catalogue/"),
            "{rule} in the catalogue: {file}:{line}"
        );
        assert!(
            file != "accounts/permissions.py",
            "{rule} on the object permission"
        );
        assert!(
            !(file == "accounts/serializers.py" && (secure..secure + 8).contains(line)),
            "{rule} on SecureUserProfileSerializer"
        );
    }
    // The fix for `__all__` lists the model's non-sensitive fields.
    let all_fields = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["rule"] == "OVS601"
                && f["message"]
                    .as_str()
                    .unwrap()
                    .contains("UserProfileSerializer")
        })
        .unwrap();
    assert!(
        all_fields["remediation"]
            .as_str()
            .unwrap()
            .contains("fields = [\"id\", \"display_name\", \"job_title\"]"),
        "{all_fields}"
    );
}

#[test]
fn the_header_rule_needs_both_the_python_line_and_the_lax_server() {
    let report = audit_json();
    let header = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "OVS652")
        .collect::<Vec<_>>();
    assert_eq!(
        header.len(),
        1,
        "only the lax server lets the client send it: {header:#?}"
    );
    let roles: Vec<&str> = header[0]["source"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["role"].as_str().unwrap())
        .collect();
    assert!(
        roles.contains(&"middleware") && roles.contains(&"proxy"),
        "{roles:?}"
    );
    // The lax server's listen line is among the places to look.
    let lax = line_of("nginx.conf.in", "listen 127.0.0.1:@LAX_PORT@ ssl;");
    let proxy_lines: Vec<u64> = header[0]["source"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["role"] == "proxy")
        .map(|s| s["line"].as_u64().unwrap())
        .collect();
    assert!(proxy_lines.contains(&lax), "{proxy_lines:?} has {lax}");
    let strict = line_of("nginx.conf.in", "listen 127.0.0.1:@STRICT_PORT@ ssl;");
    assert!(
        !proxy_lines.contains(&strict),
        "the strict server sets the header"
    );
    assert!(
        header[0]["remediation"]
            .as_str()
            .unwrap()
            .contains("proxy_set_header X-SSL-Client-S-DN-CN $ssl_client_s_dn_cn;")
    );
}

#[test]
fn sarif_locates_the_source_with_ranges_and_validates() {
    let dir = target_dir();
    let output = overshare(&[
        "audit",
        dir.to_str().unwrap(),
        "--format",
        "sarif",
        "--quiet",
    ]);
    let log: Value = serde_json::from_slice(&output.stdout).expect("SARIF");
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../report/tests/schemas/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let depth = results
        .iter()
        .find(|r| r["ruleId"] == "OVS603")
        .expect("OVS603 result");
    let region = &depth["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        region["startLine"].as_u64(),
        Some(line_of("accounts/serializers.py", "        depth = 1"))
    );
    assert_eq!(region["snippet"]["text"], "depth = 1");
    assert!(region["endColumn"].as_u64() > region["startColumn"].as_u64());
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(
        rules.iter().any(|r| r["id"] == "OVS652"),
        "proxy rules are in the catalogue"
    );
}

#[test]
fn rules_and_explain_know_the_audit_rules() {
    let listed = String::from_utf8(overshare(&["rules", "--no-config"]).stdout).unwrap();
    for id in ["OVS601", "OVS616", "OVS651", "OVS654", "OVS301", "OVS501"] {
        assert!(listed.contains(id), "{id} in `overshare rules`");
    }
    let explained = overshare(&["explain", "serializer-all-fields", "--no-config"]);
    assert_eq!(explained.status.code(), Some(0));
    let text = String::from_utf8(explained.stdout).unwrap();
    for section in [
        "## What it finds",
        "## Why it matters",
        "## Example",
        "## Use instead",
    ] {
        assert!(text.contains(section), "{section}");
    }
}

#[test]
fn a_missing_path_is_a_usage_error_naming_it() {
    let output = overshare(&["audit", "/nonexistent/overshare-src"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/overshare-src"), "{stderr}");
}
