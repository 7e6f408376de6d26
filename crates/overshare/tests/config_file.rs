//! `overshare.toml`: a scan driven by a config file against the embedded demo API, over real
//! mutual TLS; precedence of flags over the file; discovery; `--no-config`; and the errors a
//! wrong file gets (exit 2, file, line and column).

mod common;

use common::{Demo, overshare, overshare_env, overshare_in, stderr};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// A variable name no test machine sets, for the `env:` header.
const KEY_VAR: &str = "OVERSHARE_TEST_CONFIG_API_KEY";
const KEY_VALUE: &str = "cfg-test-3b1f9c0e2d7a4c55";

/// The demo's setup as a config file. Every path is relative to the file's directory (the
/// demo's PKI directory), so the scan works from any working directory.
fn demo_config(demo: &Demo) -> String {
    let relative = |path: &Path| {
        path.strip_prefix(demo.dir.path())
            .expect("inside the demo dir")
            .display()
            .to_string()
    };
    let mut text = format!(
        "spec = \"{}\"\nurl = \"{}\"\nca = \"{}\"\n\n[[output]]\nformat = \"json\"\n",
        relative(&demo.paths.spec),
        demo.server.base_url(),
        relative(&demo.paths.ca),
    );
    for (i, (name, cert, key)) in demo.paths.identities.iter().enumerate() {
        text.push_str(&format!(
            "\n[[identity]]\nname = \"{name}\"\ncert = \"{}\"\nkey = \"{}\"\nrole = \"partner\"\n",
            relative(cert),
            relative(key)
        ));
        if i == 0 {
            text.push_str(&format!(
                "headers = {{ \"X-Api-Key\" = \"env:{KEY_VAR}\" }}\n"
            ));
        }
    }
    text
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("file written");
    path.display().to_string()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn key_env() -> Vec<(String, String)> {
    vec![(KEY_VAR.to_string(), KEY_VALUE.to_string())]
}

fn report(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {}", stderr(output)))
}

/// (operation, pattern) of every OVS101 finding.
fn ovs101(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "OVS101")
        .map(|f| {
            (
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

#[tokio::test(flavor = "multi_thread")]
async fn a_scan_from_the_config_file_alone_finds_what_the_flags_find() {
    let demo = Demo::start().await;
    let config = write(demo.dir.path(), "scan.toml", &demo_config(&demo));
    // Run from elsewhere: the file's relative paths must resolve against its own directory.
    let elsewhere = tempfile::tempdir().unwrap();
    let args = strings(&["scan", "--config", &config, "--quiet"]);
    let from_file = overshare_in(Some(elsewhere.path()), args, key_env()).await;
    assert_eq!(from_file.status.code(), Some(1), "{}", stderr(&from_file));
    let file_report = report(&from_file);

    let mut flags = demo.scan_args();
    flags.extend(strings(&["--no-config", "--format", "json"]));
    let flag_report = report(&overshare(flags).await);

    assert!(ovs101(&file_report).len() > 30, "{file_report}");
    assert_eq!(ovs101(&file_report), ovs101(&flag_report));
    let identities: Vec<&str> = file_report["identities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        identities,
        ["partner-a", "partner-b"],
        "both, in file order"
    );

    // The header from `env:` was sent (it is in the primary's reproduce command), redacted.
    let reproduce = file_report["findings"][0]["evidence"]["reproduce"]
        .as_str()
        .unwrap();
    assert!(reproduce.contains("-H 'X-Api-Key: "), "{reproduce}");
    let everything = format!("{file_report}{}", stderr(&from_file));
    assert!(!everything.contains(KEY_VALUE), "the env secret leaks");
}

/// Only /api/ping/: its findings are medium, none critical.
const PING_ONLY: &str = r#"
openapi: 3.1.0
info: {title: ping only, version: "1"}
paths:
  /api/ping/:
    get:
      responses:
        "200":
          description: The service is up. No body.
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_flag_overrides_the_files_value() {
    let demo = Demo::start().await;
    write(demo.dir.path(), "ping.yaml", PING_ONLY);
    let config = demo_config(&demo)
        .replace("openapi.yaml", "ping.yaml")
        .replacen("\n\n", "\nfail_on = \"info\"\n\n", 1);
    let config = write(demo.dir.path(), "ping.toml", &config);
    let args = strings(&["scan", "--config", &config, "--quiet"]);

    let file_only = overshare_env(args.clone(), key_env()).await;
    let findings = &report(&file_only)["summary"]["findings"];
    assert!(findings["medium"].as_u64().unwrap() > 0, "{findings}");
    assert_eq!(findings["critical"], 0, "{findings}");
    assert_eq!(
        file_only.status.code(),
        Some(1),
        "the file's fail_on = info"
    );

    let mut overridden = args;
    overridden.extend(strings(&["--fail-on", "critical"]));
    let output = overshare_env(overridden, key_env()).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // And the file's value is honoured where it differs from the default (medium → exit 1).
    let critical = std::fs::read_to_string(&config)
        .unwrap()
        .replace("fail_on = \"info\"", "fail_on = \"critical\"");
    write(demo.dir.path(), "ping.toml", &critical);
    let output = overshare_env(
        strings(&["scan", "--config", &config, "--quiet"]),
        key_env(),
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[tokio::test(flavor = "multi_thread")]
async fn overshare_toml_in_the_working_directory_is_found_and_announced() {
    let demo = Demo::start().await;
    write(demo.dir.path(), "overshare.toml", &demo_config(&demo));
    let dir = Some(demo.dir.path());

    let output = overshare_in(dir, strings(&["scan"]), key_env()).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("using config overshare.toml"),
        "{}",
        stderr(&output)
    );
    assert!(!ovs101(&report(&output)).is_empty());

    let quiet = overshare_in(dir, strings(&["scan", "--quiet"]), key_env()).await;
    assert!(
        !stderr(&quiet).contains("using config"),
        "{}",
        stderr(&quiet)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_config_ignores_overshare_toml() {
    let demo = Demo::start().await;
    write(
        demo.dir.path(),
        "overshare.toml",
        "fail_on = \"nonsense\"\n",
    );
    let dir = Some(demo.dir.path());

    let found = overshare_in(dir, demo.scan_args(), Vec::new()).await;
    assert_eq!(found.status.code(), Some(2), "the broken file is read");
    assert!(
        stderr(&found).contains("overshare.toml:1:11:"),
        "{}",
        stderr(&found)
    );

    let mut args = demo.scan_args();
    args.push("--no-config".into());
    let ignored = overshare_in(dir, args, Vec::new()).await;
    assert_eq!(ignored.status.code(), Some(1), "{}", stderr(&ignored));

    let nothing = overshare_in(dir, strings(&["scan", "--no-config"]), Vec::new()).await;
    assert_eq!(nothing.status.code(), Some(2));
    let message = stderr(&nothing);
    assert!(
        message.contains("--spec") && message.contains("spec = \"openapi.yaml\""),
        "both ways to give the spec: {message}"
    );
}

/// Run `scan --config FILE` where FILE holds `text`; errors come before any request.
async fn scan_with(text: &str, env: Vec<(String, String)>) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "bad.toml", text);
    let output = overshare_env(strings(&["scan", "--config", &config]), env).await;
    (output.status.code(), stderr(&output))
}

const BASE: &str = "spec = \"openapi.yaml\"\nurl = \"https://127.0.0.1:1\"\n";

#[tokio::test]
async fn an_unknown_key_is_named_with_its_line() {
    let text = format!("{BASE}\n[limits]\nconcurency = 4\n");
    let (code, message) = scan_with(&text, Vec::new()).await;
    assert_eq!(code, Some(2), "{message}");
    assert!(
        message.contains("bad.toml:5:1: unknown field `concurency`"),
        "{message}"
    );
}

#[tokio::test]
async fn a_missing_environment_variable_is_named() {
    let text = format!(
        "{BASE}\n[[identity]]\nname = \"svc\"\nheaders = {{ \"X-Api-Key\" = \"env:OVERSHARE_TEST_UNSET_VAR\" }}\n"
    );
    let (code, message) = scan_with(&text, Vec::new()).await;
    assert_eq!(code, Some(2), "{message}");
    assert!(
        message.contains("bad.toml:6:")
            && message.contains("environment variable OVERSHARE_TEST_UNSET_VAR is not set"),
        "{message}"
    );
}

#[tokio::test]
async fn an_identity_with_both_cert_and_bundle_is_refused() {
    let text = format!(
        "{BASE}\n[[identity]]\nname = \"a\"\ncert = \"a.pem\"\nkey = \"a.key\"\nbundle = \"a.p12\"\n"
    );
    let (code, message) = scan_with(&text, Vec::new()).await;
    assert_eq!(code, Some(2), "{message}");
    assert!(
        message.contains("bad.toml:5:8:") && message.contains("both `cert` and `bundle`"),
        "{message}"
    );
}

#[tokio::test]
async fn a_missing_config_file_is_an_error() {
    let output = overshare(strings(&[
        "scan",
        "--config",
        "/nonexistent/overshare.toml",
    ]))
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot read config file /nonexistent/overshare.toml"));
}

#[tokio::test]
async fn rules_and_explain_read_the_files_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rules = r#"
[[rule]]
id = "ACME1"
name = "acme-badge"
class = "internal"
severity = "low"
confidence = "medium"
names = ["badge number"]
summary = "An ACME badge number"
doc = "Badge numbers of ACME staff."
"#;
    write(dir.path(), "acme.toml", rules);
    let config = write(dir.path(), "overshare.toml", "rules = [\"acme.toml\"]\n");
    let listed = overshare(strings(&["rules", "--config", &config])).await;
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    assert!(common::stdout(&listed).contains("ACME1"));

    let explained =
        overshare_in(Some(dir.path()), strings(&["explain", "ACME1"]), Vec::new()).await;
    assert_eq!(explained.status.code(), Some(0), "{}", stderr(&explained));
    assert!(common::stdout(&explained).contains("Badge numbers of ACME staff."));
}

/// Encrypt a PKCS#8 PEM key with a passphrase (fixed salt and IV: test data, no RNG).
fn encrypt_key(pem: &str, passphrase: &str) -> String {
    use pkcs8::der::{Decode, pem::PemLabel};
    let (label, der) = pkcs8::der::pem::decode_vec(pem.as_bytes()).expect("PEM key");
    assert_eq!(label, pkcs8::PrivateKeyInfo::PEM_LABEL);
    let info = pkcs8::PrivateKeyInfo::from_der(&der).expect("PKCS#8");
    let params =
        pkcs8::pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(2048, &[7; 16], &[9; 16]).unwrap();
    let doc = info
        .encrypt_with_params(params, passphrase)
        .expect("encrypted");
    doc.to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF)
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_identity_reads_its_key_passphrase_from_the_named_variable() {
    let demo = Demo::start().await;
    let (_, cert, key) = &demo.paths.identities[0];
    let encrypted = demo.dir.path().join("partner-a.enc.pem");
    std::fs::write(
        &encrypted,
        encrypt_key(&std::fs::read_to_string(key).unwrap(), "s3cret-pass"),
    )
    .unwrap();
    let config = format!(
        "spec = \"{}\"\nurl = \"{}\"\nca = \"{}\"\n\n[[identity]]\nname = \"partner-a\"\ncert = \"{}\"\nkey = \"{}\"\npassphrase_env = \"MY_TEAM_KEY_PASS\"\n",
        demo.paths.spec.display(),
        demo.server.base_url(),
        demo.paths.ca.display(),
        cert.display(),
        encrypted.display()
    );
    let path = write(demo.dir.path(), "encrypted.toml", &config);
    let args = strings(&["scan", "--quiet", "--config", &path, "--format", "json"]);
    let env = vec![("MY_TEAM_KEY_PASS".to_string(), "s3cret-pass".to_string())];
    let output = overshare_env(args.clone(), env).await;
    assert_eq!(
        report(&output)["identities"][0]["status"],
        "ok",
        "{}",
        stderr(&output)
    );

    let output = overshare_env(args, Vec::new()).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("MY_TEAM_KEY_PASS"),
        "names the variable: {}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("s3cret-pass"));
}

// ---------------------------------------------------------------------------------------------
// [roles], [scoping], ca_key and client_ca

/// `overshare rules --config FILE`: the file is loaded and checked, nothing else happens.
async fn load_only(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "roles.toml", text);
    let output = overshare(strings(&["rules", "--config", &config])).await;
    (output.status.code(), stderr(&output))
}

#[tokio::test]
async fn reserved_properties_need_a_known_role() {
    let text = format!("{BASE}\n[roles]\nreserved = {{ salary = \"wizard\" }}\n");
    let (code, message) = scan_with(&text, Vec::new()).await;
    assert_eq!(code, Some(2), "{message}");
    assert!(
        message.contains("bad.toml: [roles] reserved `salary` = \"wizard\": unknown role"),
        "names the file, the property and the role: {message}"
    );
    assert!(
        message.contains("[roles] order"),
        "says how to fix it: {message}"
    );

    // With an order, only its roles count, even a built-in name such as admin.
    let text = format!(
        "{BASE}\n[roles]\norder = [\"reader\", \"writer\"]\nreserved = {{ \"/user/is_staff\" = \"admin\" }}\n"
    );
    let (code, message) = scan_with(&text, Vec::new()).await;
    assert_eq!(code, Some(2), "{message}");
    assert!(
        message.contains("bad.toml: [roles] reserved `/user/is_staff` = \"admin\": unknown role"),
        "{message}"
    );

    let (code, message) = load_only(&format!("{BASE}\n[roles]\nlevels = [\"a\"]\n")).await;
    assert_eq!(code, Some(2), "{message}");
    assert!(
        message.contains("roles.toml:5:1:") && message.contains("unknown field `levels`"),
        "{message}"
    );
}

#[tokio::test]
async fn an_identity_role_outside_the_configured_order_points_at_the_identity() {
    let text = "[roles]\norder = [\"reader\", \"writer\"]\n\n[[identity]]\nname = \"a\"\n\
                pem = \"a.pem\"\nrole = \"admin\"\n";
    let (code, message) = load_only(text).await;
    assert_eq!(code, Some(2), "{message}");
    assert!(
        message.contains("roles.toml:5:8:")
            && message
                .contains("identity `a` has role \"admin\", which [roles] order does not list"),
        "{message}"
    );
}

#[tokio::test]
async fn known_roles_are_accepted() {
    for roles in [
        // The built-in order.
        "reserved = { salary = \"admin\", \"/user/is_staff\" = \"superuser\" }",
        // A configured order, matched without regard to case.
        "order = [\"reader\", \"Writer\"]\nreserved = { salary = \"writer\" }",
    ] {
        let (code, message) = load_only(&format!("{BASE}\n[roles]\n{roles}\n")).await;
        assert_eq!(code, Some(0), "{roles}: {message}");
    }
}

#[tokio::test]
async fn a_bad_scoping_value_points_at_its_line_and_column() {
    let text = format!("{BASE}\n[scoping]\n\"/api/plans/\" = \"  \"\n");
    let (code, message) = scan_with(&text, Vec::new()).await;
    assert_eq!(code, Some(2), "{message}");
    assert!(
        message.contains("bad.toml:5:17: [scoping] `/api/plans/`: an empty scoping"),
        "{message}"
    );

    let text = format!("{BASE}\n[scoping]\n\"/api/plans/\" = \"shared\"\n\"/api/x/\" = 3\n");
    let (code, message) = scan_with(&text, Vec::new()).await;
    assert_eq!(code, Some(2), "{message}");
    assert!(message.contains("bad.toml:6:13:"), "{message}");

    let good = "\"/api/plans/\" = \"shared\"\n\"/api/members/\" = \"identity\"\n\
                \"/api/tickets/\" = \"tenant\"\n\"/api/docs/\" = \"field:org_id\"";
    let (code, message) = load_only(&format!("{BASE}\n[scoping]\n{good}\n")).await;
    assert_eq!(code, Some(0), "{message}");
}

#[tokio::test]
async fn client_ca_without_ca_key_is_a_usage_error() {
    let output = overshare(strings(&[
        "scan",
        "--no-config",
        "--spec",
        "openapi.yaml",
        "--url",
        "https://127.0.0.1:1",
        "--client-ca",
        "client-ca.pem",
    ]))
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--ca-key"), "{}", stderr(&output));
}

/// The demo's config with `ca_key`/`client_ca` lines (top-level keys go before the tables).
fn with_ca_keys(demo: &Demo, keys: &str) -> String {
    format!("{keys}\n{}", demo_config(demo))
}

/// Copy partner-a's certificate and key to `keys/` of the demo directory: a matching pair that
/// can stand in for a CA (the demo's own CA key is never written out).
fn stand_in_ca(demo: &Demo) -> (std::path::PathBuf, std::path::PathBuf) {
    let (_, cert, key) = &demo.paths.identities[0];
    let dir = demo.dir.path().join("keys");
    std::fs::create_dir_all(&dir).unwrap();
    let (ca, ca_key) = (dir.join("ca.pem"), dir.join("ca.key"));
    std::fs::copy(cert, &ca).unwrap();
    std::fs::copy(key, &ca_key).unwrap();
    (ca, ca_key)
}

fn check_ids(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

const FORGED_CHECKS: [&str; 3] = [
    "expired-certificate",
    "not-yet-valid-certificate",
    "wrong-eku-certificate",
];

#[tokio::test(flavor = "multi_thread")]
async fn ca_key_and_client_ca_are_relative_to_the_files_directory() {
    let demo = Demo::start().await;
    stand_in_ca(&demo);
    let text = with_ca_keys(
        &demo,
        "ca_key = \"keys/ca.key\"\nclient_ca = \"keys/ca.pem\"",
    );
    let config = write(demo.dir.path(), "keys.toml", &text);
    let elsewhere = tempfile::tempdir().unwrap();
    let args = strings(&["scan", "--config", &config, "--quiet"]);
    let output = overshare_in(Some(elsewhere.path()), args, key_env()).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let ids = check_ids(&report(&output));
    for id in FORGED_CHECKS {
        assert!(ids.iter().any(|i| i == id), "`{id}` in {ids:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_ca_key_or_client_ca_is_named_by_its_resolved_path() {
    let demo = Demo::start().await;
    stand_in_ca(&demo);
    let keys = demo.dir.path().join("keys");
    write(&keys, "garbage", "not PEM at all\n");
    let elsewhere = tempfile::tempdir().unwrap();
    for (lines, named) in [
        (
            "ca_key = \"keys/garbage\"\nclient_ca = \"keys/ca.pem\"",
            "keys/garbage",
        ),
        (
            "ca_key = \"keys/ca.key\"\nclient_ca = \"keys/garbage\"",
            "keys/garbage",
        ),
        (
            "ca_key = \"keys/missing.key\"\nclient_ca = \"keys/ca.pem\"",
            "keys/missing.key",
        ),
    ] {
        let config = write(demo.dir.path(), "keys.toml", &with_ca_keys(&demo, lines));
        let args = strings(&["scan", "--config", &config, "--quiet"]);
        let output = overshare_in(Some(elsewhere.path()), args, key_env()).await;
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{lines}: {message}");
        let resolved = demo.dir.path().join(named).display().to_string();
        assert!(
            message.contains(&resolved),
            "{lines}: names {resolved}: {message}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ca_key_without_client_ca_is_paired_with_ca_and_must_match_it() {
    let demo = Demo::start().await;
    stand_in_ca(&demo);
    // No client_ca: the key is paired with `ca` (the demo CA), whose key it is not.
    let config = write(
        demo.dir.path(),
        "keys.toml",
        &with_ca_keys(&demo, "ca_key = \"keys/ca.key\""),
    );
    let output = overshare_env(
        strings(&["scan", "--config", &config, "--quiet"]),
        key_env(),
    )
    .await;
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("does not match"), "{message}");
    assert!(
        message.contains(&demo.paths.ca.display().to_string()),
        "{message}"
    );
    assert!(message.contains("--client-ca"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ca_key_flag_overrides_the_files() {
    let demo = Demo::start().await;
    let (_, key) = stand_in_ca(&demo);
    let text = with_ca_keys(
        &demo,
        "ca_key = \"keys/missing.key\"\nclient_ca = \"keys/ca.pem\"",
    );
    let config = write(demo.dir.path(), "keys.toml", &text);
    let key = key.display().to_string();
    let args = strings(&["scan", "--config", &config, "--quiet", "--ca-key", &key]);
    let output = overshare_env(args, key_env()).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let ids = check_ids(&report(&output));
    assert!(ids.iter().any(|i| i == "expired-certificate"), "{ids:?}");
}
