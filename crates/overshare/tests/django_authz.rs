//! Issue 5 against the reference target (real Django + DRF behind real nginx mTLS): what the
//! server does with the identity mTLS gives it. Cross-identity access and unfiltered lists on
//! the strict listener, the mTLS edge on both listeners, mass assignment with `--active`, and
//! the promise that a default scan never writes (checked in nginx's access log).

use overshare_target::{DjangoTarget, Listener};
use serde_json::Value;
use std::process::{Command, Output};

const TWO_TENANTS: &[&str] = &["partner-a", "partner-b"];

fn start() -> DjangoTarget {
    DjangoTarget::start().unwrap_or_else(|e| panic!("{e}"))
}

fn scan(target: &DjangoTarget, listener: Listener, extra: &[&str]) -> (Output, Value) {
    let mut args = target.scan_args(listener, &target.design_first_spec(), TWO_TENANTS);
    args.extend(["--format".into(), "json".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let output = Command::new(env!("CARGO_BIN_EXE_overshare"))
        .args(&args)
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .output()
        .expect("overshare runs");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}); stderr:\n{}\n{}",
            String::from_utf8_lossy(&output.stderr),
            target.log()
        )
    });
    (output, report)
}

fn findings<'r>(report: &'r Value, rule: &str) -> Vec<&'r Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn paths(findings: &[&Value]) -> Vec<String> {
    let mut out: Vec<String> = findings
        .iter()
        .map(|f| {
            f["operation"]["path"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn check<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check `{id}` in {}", report["checks"]))
}

#[test]
fn strict_listener_bola_and_unfiltered_list_found_edge_correct_and_nothing_written() {
    let target = start();
    let ca_key = target.ca_key_pem().display().to_string();
    let (output, report) = scan(&target, Listener::Strict, &["--ca-key", &ca_key]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The unfiltered retrieve: each tenant reads the other's invoice, with the object as proof.
    let bola = findings(&report, "OVS301");
    assert_eq!(paths(&bola), ["/api/invoices/{id}/"], "{bola:#?}");
    let message = bola[0]["message"].as_str().unwrap();
    assert!(message.contains("an object that only"), "{message}");
    assert!(message.contains("fields equal"), "{message}");
    assert_eq!(bola[0]["identities"], serde_json::json!(TWO_TENANTS));

    // The unfiltered list: each tenant's tickets list holds the other's (tenant learned from
    // the scoped profile lists).
    let unfiltered = findings(&report, "OVS302");
    assert_eq!(paths(&unfiltered), ["/api/tickets/"], "{unfiltered:#?}");
    let message = unfiltered[0]["message"].as_str().unwrap();
    assert!(
        message.contains("tenant = 2") || message.contains("tenant = 1"),
        "{message}"
    );

    // The correct patterns and the shared catalogue: nothing cross-identity.
    for f in report["findings"].as_array().unwrap() {
        let rule = f["rule"].as_str().unwrap();
        assert!(
            !rule.starts_with("OVS4") && !rule.starts_with("OVS5"),
            "strict listener, no --active: {f}"
        );
    }
    for id in [
        "no-certificate",
        "rogue-ca",
        "expired-certificate",
        "not-yet-valid-certificate",
        "wrong-eku-certificate",
        "forged-identity-headers",
    ] {
        let c = check(&report, id);
        assert_eq!(c["status"], "passed", "{c}");
    }
    assert!(
        check(&report, "no-certificate")["detail"]
            .as_str()
            .unwrap()
            .contains("HTTP 400"),
        "nginx answers 400 without a certificate"
    );
    assert_eq!(check(&report, "mass-assignment")["status"], "skipped");

    // A default scan sends only safe methods: nginx's own log says so.
    let requests = target.requests();
    assert!(
        requests.len() > 50,
        "the scan's requests are logged: {}",
        requests.len()
    );
    let unsafe_requests: Vec<_> = requests.iter().filter(|r| !r.is_safe()).collect();
    assert!(unsafe_requests.is_empty(), "{unsafe_requests:#?}");
}

#[test]
fn lax_listener_forged_identity_header_found_with_the_header_that_worked() {
    let target = start();
    let (_, report) = scan(&target, Listener::Lax, &[]);
    let forged = findings(&report, "OVS403");
    let modes: Vec<&str> = forged
        .iter()
        .map(|f| f["location"]["pattern"].as_str().unwrap())
        .collect();
    assert_eq!(
        modes,
        ["with-certificate", "without-certificate"],
        "{forged:#?}"
    );
    for finding in &forged {
        assert_eq!(finding["severity"], "critical");
        // Narrowed down to the one header nginx passes through on this listener.
        assert_eq!(
            finding["evidence"]["value"], "X-SSL-Client-S-DN-CN",
            "{finding}"
        );
        let reproduce = finding["evidence"]["reproduce"].as_str().unwrap();
        assert!(
            reproduce.contains("-H 'X-SSL-Client-S-DN-CN: partner-b'"),
            "{reproduce}"
        );
        assert!(
            finding["message"]
                .as_str()
                .unwrap()
                .contains("answer as partner-b")
        );
    }
    assert!(
        forged[0]["evidence"]["reproduce"]
            .as_str()
            .unwrap()
            .contains("--cert")
    );
    assert!(
        !forged[1]["evidence"]["reproduce"]
            .as_str()
            .unwrap()
            .contains("--cert")
    );
    assert_eq!(
        check(&report, "forged-identity-headers")["status"],
        "failed"
    );
}

#[test]
fn active_scan_finds_mass_assignment_of_is_staff_and_restores_it() {
    let target = start();
    let (output, report) = scan(&target, Listener::Strict, &["--active"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--active: overshare will write to the target"),
        "{stderr}"
    );
    assert!(stderr.contains("PATCH /api/members/{id}/"), "{stderr}");

    let mass = findings(&report, "OVS501");
    let fields: Vec<&str> = mass
        .iter()
        .map(|f| f["location"]["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["is_staff"], "{mass:#?}");
    let message = mass[0]["message"].as_str().unwrap();
    assert!(message.contains("false → true"), "{message}");
    assert!(
        message.contains("wrote the original value back"),
        "{message}"
    );
    assert_eq!(mass[0]["severity"], "critical");
    assert_eq!(check(&report, "mass-assignment")["status"], "failed");

    // Restored in the database, and only PATCH was written (no POST, no DELETE).
    assert!(!target.is_staff("bob.keller"));
    let writes: Vec<String> = target
        .requests()
        .into_iter()
        .filter(|r| !r.is_safe())
        .map(|r| r.method)
        .collect();
    assert!(!writes.is_empty());
    assert!(writes.iter().all(|m| m == "PATCH"), "{writes:?}");
}

/// Issue 7's end-to-end: `scan --source` attaches the serializer behind a runtime leak, and
/// SARIF then points at the serializer first.
#[test]
fn scan_with_source_points_the_password_leak_at_the_profile_serializer() {
    let target = start();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/target")
        .canonicalize()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sarif_path = dir.path().join("scan.sarif");
    let (_, report) = scan(
        &target,
        Listener::Strict,
        &[
            "--source",
            source.to_str().unwrap(),
            // `--format json` (from `scan`) pairs with the first --output, sarif with the second.
            "--output",
            "/dev/stdout",
            "--format",
            "sarif",
            "--output",
            sarif_path.to_str().unwrap(),
        ],
    );
    let serializers = source.join("accounts/serializers.py");
    let class_line = std::fs::read_to_string(&serializers)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("class UserProfileSerializer"))
        .unwrap() as u64
        + 1;
    let password = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["rule"] == "OVS101"
                && f["operation"]["path"] == "/api/profiles/{id}/"
                && f["location"]["pattern"] == "/user/password"
        })
        .expect("the password leak");
    let sources = password["source"]
        .as_array()
        .expect("source lines attached");
    let serializer = sources
        .iter()
        .find(|s| s["role"] == "serializer")
        .unwrap_or_else(|| panic!("a serializer line in {sources:#?}"));
    assert!(
        serializer["file"]
            .as_str()
            .unwrap()
            .ends_with("accounts/serializers.py")
    );
    assert_eq!(
        serializer["line"].as_u64(),
        Some(class_line),
        "{sources:#?}"
    );
    assert!(sources.iter().any(|s| s["role"] == "view"), "{sources:#?}");
    // The static findings come with the scan.
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "OVS601"),
        "the audit's own findings are in the report"
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["ruleId"] == "OVS101"
                && r["locations"][0]["logicalLocations"][1]["name"] == "/0/user/password"
                && r["locations"][0]["logicalLocations"][0]["name"] == "GET /api/profiles/{id}/"
        })
        .or_else(|| {
            sarif["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| {
                    r["ruleId"] == "OVS101"
                        && r["locations"][0]["logicalLocations"][0]["name"]
                            == "GET /api/profiles/{id}/"
                        && r["message"]["text"]
                            .as_str()
                            .unwrap_or("")
                            .contains("password")
                })
        })
        .expect("the password result in SARIF");
    let first = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(first.ends_with("accounts/serializers.py"), "{first}");
}
