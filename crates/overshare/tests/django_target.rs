//! `overshare scan` against the reference target: a real Django + DRF + drf-spectacular app
//! under gunicorn, behind a real nginx doing mutual TLS (`tests/target/`, started by
//! `overshare-target`). Each test starts a target of its own, on its own ports.
//!
//! The target needs `./tests/target/install.sh` (run by `./scripts/test.sh`); without it these
//! tests fail with the target's log and say so.

use overshare_target::{DjangoTarget, Listener};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

/// (rule, "METHOD /path", location.pattern)
type Key = (String, String, String);

/// What the design-first spec does not declare and the two tenants' scan must report: every
/// undeclared property the conformance analyzer can see, and nothing on the secure profiles,
/// invoices, plans (catalogue) or health endpoints.
const DESIGN_FIRST_FINDINGS: &[(&str, &str, &str)] = &[
    // `.values()` of the User model.
    ("OVS101", "GET /api/directory/", "/*/date_joined"),
    ("OVS101", "GET /api/directory/", "/*/email"),
    ("OVS101", "GET /api/directory/", "/*/is_active"),
    ("OVS101", "GET /api/directory/", "/*/is_staff"),
    ("OVS101", "GET /api/directory/", "/*/is_superuser"),
    ("OVS101", "GET /api/directory/", "/*/last_login"),
    ("OVS101", "GET /api/directory/", "/*/password"),
    // The writable member serializer: `is_staff` undeclared, `password` declared writeOnly.
    ("OVS101", "GET /api/members/", "/*/is_staff"),
    ("OVS101", "GET /api/members/{id}/", "/is_staff"),
    ("OVS105", "GET /api/members/", "/*/password"),
    ("OVS105", "GET /api/members/{id}/", "/password"),
    // fields = '__all__', depth = 1: personal fields, the whole tenant, the whole user.
    ("OVS101", "GET /api/profiles/", "/*/date_of_birth"),
    ("OVS101", "GET /api/profiles/", "/*/home_address"),
    ("OVS101", "GET /api/profiles/", "/*/phone"),
    ("OVS101", "GET /api/profiles/", "/*/salary"),
    ("OVS101", "GET /api/profiles/", "/*/tenant"),
    ("OVS101", "GET /api/profiles/", "/*/user/date_joined"),
    ("OVS101", "GET /api/profiles/", "/*/user/email"),
    ("OVS101", "GET /api/profiles/", "/*/user/groups"),
    ("OVS101", "GET /api/profiles/", "/*/user/is_active"),
    ("OVS101", "GET /api/profiles/", "/*/user/is_staff"),
    ("OVS101", "GET /api/profiles/", "/*/user/is_superuser"),
    ("OVS101", "GET /api/profiles/", "/*/user/last_login"),
    ("OVS101", "GET /api/profiles/", "/*/user/password"),
    ("OVS101", "GET /api/profiles/", "/*/user/user_permissions"),
    ("OVS101", "GET /api/profiles/{id}/", "/date_of_birth"),
    ("OVS101", "GET /api/profiles/{id}/", "/home_address"),
    ("OVS101", "GET /api/profiles/{id}/", "/phone"),
    ("OVS101", "GET /api/profiles/{id}/", "/salary"),
    ("OVS101", "GET /api/profiles/{id}/", "/tenant"),
    ("OVS101", "GET /api/profiles/{id}/", "/user/date_joined"),
    ("OVS101", "GET /api/profiles/{id}/", "/user/email"),
    ("OVS101", "GET /api/profiles/{id}/", "/user/groups"),
    ("OVS101", "GET /api/profiles/{id}/", "/user/is_active"),
    ("OVS101", "GET /api/profiles/{id}/", "/user/is_staff"),
    ("OVS101", "GET /api/profiles/{id}/", "/user/is_superuser"),
    ("OVS101", "GET /api/profiles/{id}/", "/user/last_login"),
    ("OVS101", "GET /api/profiles/{id}/", "/user/password"),
    (
        "OVS101",
        "GET /api/profiles/{id}/",
        "/user/user_permissions",
    ),
    // The tenant settings view (it trusts the CN header) with the webhook secret.
    ("OVS101", "GET /api/tenant/", "/webhook_secret"),
    // The nested reverse relation (sign-ins: IP, user agent, session key).
    ("OVS101", "GET /api/users/", "/*/activities"),
    ("OVS101", "GET /api/users/{id}/", "/activities"),
];

/// What the spec drf-spectacular generates lets through: it documents every field the
/// serializers return, so only its gaps show. Its two `Nested` components (depth = 1) collide
/// and `tenant` is documented with the User's fields; the APIView and the function view get
/// "No response body".
const CODE_FIRST_FINDINGS: &[(&str, &str, &str)] = &[
    ("OVS101", "GET /api/profiles/", "/*/tenant/client_cn"),
    ("OVS101", "GET /api/profiles/", "/*/tenant/name"),
    ("OVS101", "GET /api/profiles/", "/*/tenant/service_user"),
    ("OVS101", "GET /api/profiles/", "/*/tenant/slug"),
    ("OVS101", "GET /api/profiles/", "/*/tenant/webhook_secret"),
    ("OVS101", "GET /api/profiles/", "/*/tenant/webhook_url"),
    ("OVS101", "GET /api/profiles/{id}/", "/tenant/client_cn"),
    ("OVS101", "GET /api/profiles/{id}/", "/tenant/name"),
    ("OVS101", "GET /api/profiles/{id}/", "/tenant/service_user"),
    ("OVS101", "GET /api/profiles/{id}/", "/tenant/slug"),
    (
        "OVS101",
        "GET /api/profiles/{id}/",
        "/tenant/webhook_secret",
    ),
    ("OVS101", "GET /api/profiles/{id}/", "/tenant/webhook_url"),
    ("OVS102", "GET /api/directory/", ""),
    ("OVS102", "GET /api/health/", ""),
];

/// Endpoints that must be requested by both identities and produce no finding.
const CLEAN_OPERATIONS: &[&str] = &[
    "GET /api/health/",
    "GET /api/secure-profiles/",
    "GET /api/secure-profiles/me/",
    "GET /api/secure-profiles/{id}/",
    "GET /api/invoices/",
    "GET /api/invoices/{id}/",
    "GET /api/plans/",
    "GET /api/plans/{public_id}/",
];

const TWO_TENANTS: &[&str] = &["partner-a", "partner-b"];

fn start() -> DjangoTarget {
    DjangoTarget::start().unwrap_or_else(|e| panic!("{e}"))
}

/// Runs the real binary, as a user would.
fn overshare(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_overshare"))
        .args(args)
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .output()
        .expect("overshare runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A JSON scan of the strict listener with `identities` and `spec`.
fn json_scan(target: &DjangoTarget, spec: &Path, identities: &[&str]) -> (Output, Value) {
    let mut args = target.scan_args(Listener::Strict, spec, identities);
    args.extend(["--format".into(), "json".into()]);
    let output = overshare(&args);
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}); stderr:\n{}\n{}",
            stderr(&output),
            target.log()
        )
    });
    (output, report)
}

fn operation(value: &Value) -> String {
    format!(
        "{} {}",
        value["method"].as_str().unwrap_or_default(),
        value["path"].as_str().unwrap_or_default()
    )
}

/// The conformance findings (OVS1xx); sensitive-data findings have their own test.
fn finding_keys(report: &Value) -> BTreeSet<Key> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["rule"].as_str().unwrap_or_default().starts_with("OVS1"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                operation(&f["operation"]),
                f["location"]["pattern"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

fn keys(table: &[(&str, &str, &str)]) -> BTreeSet<Key> {
    table
        .iter()
        .map(|(r, o, p)| (r.to_string(), o.to_string(), p.to_string()))
        .collect()
}

/// Equal sets, or a panic that lists what is missing and what is unexpected.
fn assert_same_findings(actual: &BTreeSet<Key>, expected: &BTreeSet<Key>) {
    let missing: Vec<_> = expected.difference(actual).collect();
    let unexpected: Vec<_> = actual.difference(expected).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "findings differ\nmissing: {missing:#?}\nunexpected: {unexpected:#?}"
    );
}

#[test]
fn design_first_scan_of_two_tenants_finds_exactly_the_undeclared_fields() {
    let target = start();
    let (output, report) = json_scan(&target, &target.design_first_spec(), TWO_TENANTS);

    assert_same_findings(&finding_keys(&report), &keys(DESIGN_FIRST_FINDINGS));
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
    let conformance = report["findings"].as_array().unwrap().iter();
    for finding in conformance.filter(|f| f["rule"].as_str().unwrap().starts_with("OVS1")) {
        assert_eq!(
            finding["identities"],
            serde_json::json!(TWO_TENANTS),
            "both tenants see every leak: {finding}"
        );
    }
    for identity in report["identities"].as_array().unwrap() {
        assert_eq!(identity["status"], "ok", "{identity}");
    }

    // The secure, billing, catalogue and health endpoints were requested, and are clean.
    let coverage = report["coverage"].as_array().unwrap();
    for clean in CLEAN_OPERATIONS {
        let entry = coverage
            .iter()
            .find(|c| operation(c) == *clean)
            .unwrap_or_else(|| panic!("coverage for {clean}"));
        assert_eq!(entry["status"], "tested", "{entry}");
        assert_eq!(
            entry["identities"],
            serde_json::json!(TWO_TENANTS),
            "{entry}"
        );
    }
    let skipped: BTreeSet<String> = coverage
        .iter()
        .filter(|c| c["status"] == "skipped")
        .map(operation)
        .collect();
    let writes = ["PATCH /api/members/{id}/", "POST /api/members/"];
    assert_eq!(skipped, writes.iter().map(|s| s.to_string()).collect());
}

#[test]
fn code_first_spec_reports_the_bodies_spectacular_did_not_document() {
    let target = start();
    let spec = target.code_first_spec();
    let text = std::fs::read_to_string(&spec).expect("code-first spec");
    assert!(text.starts_with("openapi: 3.0.3"), "{text}");
    assert!(text.contains("No response body"), "{text}");
    let log = target.log();
    assert!(
        log.contains("unable to guess serializer"),
        "spectacular's warnings are kept:\n{log}"
    );

    let (output, report) = json_scan(&target, &spec, TWO_TENANTS);
    let found = finding_keys(&report);
    assert_same_findings(&found, &keys(CODE_FIRST_FINDINGS));
    let undeclared_bodies: BTreeSet<&str> = found
        .iter()
        .filter(|(rule, _, _)| rule == "OVS102")
        .map(|(_, op, _)| op.as_str())
        .collect();
    assert_eq!(
        undeclared_bodies,
        BTreeSet::from(["GET /api/directory/", "GET /api/health/"])
    );
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
    assert_eq!(report["summary"]["operations_tested"], 18);
}

#[test]
fn no_client_certificate_is_reported_as_nginx_requiring_one() {
    let target = start();
    let mut args = target.scan_args(Listener::Strict, &target.design_first_spec(), &[]);
    args.extend(["--identity-header".into(), "anon=X-Probe: 1".into()]);
    let output = overshare(&args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("`anon`"), "names the identity: {err}");
    assert!(
        err.contains("requires a client certificate and none was sent"),
        "{err}"
    );
}

#[test]
fn rogue_ca_identity_is_reported_as_rejected_by_the_server() {
    let target = start();
    let args = target.scan_args(Listener::Strict, &target.design_first_spec(), &["rogue"]);
    let output = overshare(&args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("`rogue`"), "names the identity: {err}");
    assert!(err.contains("rejected the client certificate"), "{err}");
}

/// (rule name, operation, pattern, least severity) the classifier must report on the target.
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
        "django-password-hash",
        "GET /api/directory/",
        "/*/password",
        "critical",
    ),
    (
        "django-password-hash",
        "GET /api/members/",
        "/*/password",
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
        "GET /api/directory/",
        "/*/is_superuser",
        "high",
    ),
    ("privilege-flag", "GET /api/members/", "/*/is_staff", "high"),
    ("secret", "GET /api/tenant/", "/webhook_secret", "high"),
    (
        "secret",
        "GET /api/profiles/",
        "/*/tenant/webhook_secret",
        "high",
    ),
    (
        "session-key",
        "GET /api/users/",
        "/*/activities/*/session_key",
        "high",
    ),
    (
        "permissions",
        "GET /api/profiles/",
        "/*/user/user_permissions",
        "medium",
    ),
    (
        "date-of-birth",
        "GET /api/profiles/",
        "/*/date_of_birth",
        "medium",
    ),
    ("salary", "GET /api/profiles/", "/*/salary", "medium"),
    ("phone-number", "GET /api/profiles/", "/*/phone", "medium"),
    (
        "home-address",
        "GET /api/profiles/",
        "/*/home_address",
        "medium",
    ),
    ("email-address", "GET /api/directory/", "/*/email", "medium"),
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
    ("last-login", "GET /api/directory/", "/*/last_login", "low"),
];

fn rank(severity: &str) -> usize {
    ["info", "low", "medium", "high", "critical"]
        .iter()
        .position(|s| *s == severity)
        .unwrap_or_else(|| panic!("severity {severity}"))
}

#[test]
fn planted_sensitive_fields_are_classified_and_the_catalogue_stays_clean() {
    let target = start();
    let (_, report) = json_scan(&target, &target.design_first_spec(), TWO_TENANTS);
    let findings = report["findings"].as_array().unwrap();
    for (name, op, pattern, least) in SENSITIVE {
        let found = findings
            .iter()
            .find(|f| {
                f["name"] == *name
                    && operation(&f["operation"]) == *op
                    && f["location"]["pattern"] == *pattern
            })
            .unwrap_or_else(|| panic!("{name} at {op} {pattern}"));
        let severity = found["severity"].as_str().unwrap();
        assert!(
            rank(severity) >= rank(least),
            "{name} at {op} {pattern}: {severity} < {least}"
        );
    }
    let noisy: Vec<&Value> = findings
        .iter()
        .filter(|f| {
            f["operation"]["path"]
                .as_str()
                .unwrap()
                .starts_with("/api/plans/")
        })
        .filter(|f| rank(f["severity"].as_str().unwrap()) >= rank("medium"))
        .collect();
    assert!(
        noisy.is_empty(),
        "the catalogue has look-alike names only: {noisy:#?}"
    );
    let secure: Vec<&Value> = findings
        .iter()
        .filter(|f| {
            f["operation"]["path"]
                .as_str()
                .unwrap()
                .starts_with("/api/secure-profiles/")
        })
        .collect();
    assert!(
        secure.is_empty(),
        "the correct pattern produces no finding: {secure:#?}"
    );
}
