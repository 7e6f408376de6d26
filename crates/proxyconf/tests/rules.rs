//! Each rule on its fixtures (tests/fixtures/ovs65n/), positive and negative.

use overshare_finding::{Confidence, Finding, Severity, SourceLocation};
use overshare_proxyconf::{AppFacts, ProxyConfig, RULES, check, load, load_str};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn config(name: &str) -> ProxyConfig {
    load(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn python(line: u32) -> SourceLocation {
    SourceLocation {
        file: "app/middleware.py".into(),
        line,
        column: Some(14),
        end_line: Some(line),
        end_column: Some(60),
        role: None,
        snippet: Some("cn = request.META[\"HTTP_X_SSL_CLIENT_S_DN_CN\"]".into()),
    }
}

/// The app reads the CN header (in the WSGI form, as Django code writes it) and checks nothing.
fn reads_cn() -> AppFacts {
    AppFacts {
        identity_headers_read: vec![("HTTP_X_SSL_CLIENT_S_DN_CN".into(), python(12))],
        app_checks_verify: false,
    }
}

fn run(name: &str, app: &AppFacts, rule: &str) -> Vec<Finding> {
    check(&[config(name)], app)
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

fn lines(f: &Finding) -> Vec<(u32, Option<&str>)> {
    f.source
        .iter()
        .map(|s| (s.line, s.role.as_deref()))
        .collect()
}

// ----------------------------------------------------------------------------------------------
// OVS651 optional-client-verification

#[test]
fn ovs651_optional_without_app_check_is_high() {
    let found = run("ovs651/nginx-optional.conf", &AppFacts::default(), "OVS651");
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.confidence, Confidence::High);
    assert_eq!(f.source[0].line, 5);
    assert_eq!(f.source[0].column, Some(9));
    assert_eq!(
        f.source[0].snippet.as_deref(),
        Some("ssl_verify_client optional;")
    );
    assert_eq!(lines(f)[1], (3, Some("proxy")), "the listen line");
    assert!(f.message.contains("api.example.com"), "{}", f.message);
    assert!(f.remediation.contains("ssl_verify_client on;"));
}

#[test]
fn ovs651_app_check_lowers_it_unless_the_result_is_not_forwarded() {
    let checks = AppFacts {
        app_checks_verify: true,
        ..AppFacts::default()
    };
    let found = run("ovs651/nginx-optional.conf", &checks, "OVS651");
    assert_eq!(
        (found[0].severity, found[0].confidence),
        (Severity::Low, Confidence::Low)
    );
    // optional_no_ca inherited from http, and no verification header forwarded at all.
    let found = run(
        "ovs651/nginx-optional-no-ca-inherited.conf",
        &checks,
        "OVS651",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Medium);
    assert!(
        found[0].message.contains("$ssl_client_verify"),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].source[0].line, 2, "the http-level directive");
    let found = run(
        "ovs651/nginx-optional-no-ca-inherited.conf",
        &AppFacts::default(),
        "OVS651",
    );
    assert!(
        found[0].message.contains("no trusted CA"),
        "{}",
        found[0].message
    );
}

#[test]
fn ovs651_on_and_servers_without_upstream_are_quiet() {
    assert!(run("ovs651/nginx-on.conf", &AppFacts::default(), "OVS651").is_empty());
    assert!(run("ovs651/apache-require.conf", &AppFacts::default(), "OVS651").is_empty());
}

#[test]
fn ovs651_apache_optional() {
    let found = run(
        "ovs651/apache-optional.conf",
        &AppFacts::default(),
        "OVS651",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].source[0].snippet.as_deref(),
        Some("SSLVerifyClient optional")
    );
    assert_eq!(
        found[0].source[1].snippet.as_deref(),
        Some("<VirtualHost *:443>")
    );
    assert!(found[0].remediation.contains("SSLVerifyClient require"));
}

#[test]
fn ovs651_apache_per_location_override() {
    let found = run(
        "ovs651/apache-location-optional.conf",
        &AppFacts::default(),
        "OVS651",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].source[0].line, 6,
        "the <Location>'s own SSLVerifyClient"
    );
}

// ----------------------------------------------------------------------------------------------
// OVS652 client-settable-identity-header

#[test]
fn ovs652_a_location_with_its_own_headers_loses_the_servers() {
    let found = run(
        "ovs652/nginx-location-drops-inherited.conf",
        &reads_cn(),
        "OVS652",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    // Python line first (role defaulted to middleware), then listen, then the open route only.
    assert_eq!(f.source[0].file, "app/middleware.py");
    assert_eq!(f.source[0].role.as_deref(), Some("middleware"));
    assert_eq!(lines(f)[1..], [(7, Some("proxy")), (18, Some("proxy"))]);
    assert!(
        f.remediation.contains("in `location /api/`"),
        "the fix goes in the location whose list applies: {}",
        f.remediation
    );
    assert!(
        f.remediation
            .contains("proxy_set_header X-SSL-Client-S-DN-CN $ssl_client_s_dn_cn;")
    );
    assert!(f.remediation.contains("inherits none"), "{}", f.remediation);
    // ssl_verify_client on: a client needs a certificate, but any will do.
    assert!(
        f.message.contains("any client with a certificate"),
        "{}",
        f.message
    );
}

#[test]
fn ovs652_server_level_cleared_and_headerless_routes_are_safe() {
    for name in [
        "ovs652/nginx-server-level.conf",
        "ovs652/nginx-cleared-and-no-headers.conf",
        "ovs652/apache-safe.conf",
    ] {
        let found = run(name, &reads_cn(), "OVS652");
        assert!(found.is_empty(), "{name}: {found:#?}");
    }
}

#[test]
fn ovs652_the_clients_own_value_is_not_setting_it() {
    let found = run("ovs652/nginx-client-value.conf", &reads_cn(), "OVS652");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("$http_x_ssl_client_s_dn_cn"),
        "{}",
        found[0].message
    );
    assert!(
        found[0].source.iter().any(|s| s.line == 6),
        "{:#?}",
        found[0].source
    );
}

#[test]
fn ovs652_uwsgi_params_count_and_the_fix_speaks_uwsgi() {
    let found = run("ovs652/nginx-uwsgi.conf", &reads_cn(), "OVS652");
    assert_eq!(found.len(), 1, "only the second server: {found:#?}");
    let f = &found[0];
    assert!(f.message.contains("8443"), "{}", f.message);
    assert!(
        f.message.contains("even one without a certificate"),
        "{}",
        f.message
    );
    assert!(
        f.remediation
            .contains("uwsgi_param HTTP_X_SSL_CLIENT_S_DN_CN $ssl_client_s_dn_cn;"),
        "{}",
        f.remediation
    );
    // This config has no map for the CN: the fix brings one.
    assert!(
        f.remediation
            .contains("map $ssl_client_s_dn $ssl_client_s_dn_cn {")
    );
    // The include of the stock uwsgi_params (not in the fixture dir) is recorded, not an error.
    let config = config("ovs652/nginx-uwsgi.conf");
    assert_eq!(config.unresolved_includes.len(), 1);
    assert_eq!(config.unresolved_includes[0].line, 6);
}

#[test]
fn ovs652_apache_conditional_and_add_do_not_protect() {
    let found = run("ovs652/apache-conditional.conf", &reads_cn(), "OVS652");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("env=SSL_CLIENT_S_DN_CN"),
        "{}",
        found[0].message
    );
    assert!(
        found[0]
            .remediation
            .contains("RequestHeader set X-SSL-Client-S-DN-CN \"%{SSL_CLIENT_S_DN_CN}s\""),
        "{}",
        found[0].remediation
    );
    assert!(
        found[0]
            .remediation
            .contains("RequestHeader unset X-SSL-Client-S-DN-CN")
    );
    let found = run("ovs652/apache-add.conf", &reads_cn(), "OVS652");
    assert_eq!(found.len(), 1);
}

#[test]
fn ovs652_needs_a_header_the_app_reads() {
    assert!(
        run(
            "ovs652/nginx-client-value.conf",
            &AppFacts::default(),
            "OVS652"
        )
        .is_empty()
    );
    let other = AppFacts {
        identity_headers_read: vec![("X-Tenant".into(), python(3))],
        app_checks_verify: false,
    };
    let found = run("ovs652/nginx-server-level.conf", &other, "OVS652");
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .remediation
            .contains("proxy_set_header X-Tenant \"\";")
    );
}

#[test]
fn ovs652_one_finding_per_header_with_every_python_line() {
    let app = AppFacts {
        identity_headers_read: vec![
            ("X-SSL-Client-S-DN-CN".into(), python(12)),
            ("HTTP_X_SSL_CLIENT_S_DN_CN".into(), python(40)),
        ],
        app_checks_verify: false,
    };
    let found = run("ovs652/nginx-client-value.conf", &app, "OVS652");
    assert_eq!(found.len(), 1);
    let python_lines: Vec<u32> = found[0]
        .source
        .iter()
        .filter(|s| s.file == "app/middleware.py")
        .map(|s| s.line)
        .collect();
    assert_eq!(python_lines, [12, 40]);
}

// ----------------------------------------------------------------------------------------------
// OVS653 underscore-headers-accepted

#[test]
fn ovs653_underscores_inherited_from_http() {
    let found = run("ovs653/nginx-underscores.conf", &reads_cn(), "OVS653");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Medium);
    assert_eq!(found[0].source[0].line, 2);
    assert!(
        found[0].message.contains("X_SSL_CLIENT_S_DN_CN"),
        "{}",
        found[0].message
    );
    let found = run(
        "ovs653/nginx-underscores.conf",
        &AppFacts::default(),
        "OVS653",
    );
    assert_eq!(found[0].severity, Severity::Low);
}

#[test]
fn ovs653_ignore_invalid_headers_off_too_and_defaults_are_quiet() {
    let found = run("ovs653/nginx-invalid-headers.conf", &reads_cn(), "OVS653");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].source[0].snippet.as_deref(),
        Some("ignore_invalid_headers off;")
    );
    assert!(run("ovs653/nginx-defaults.conf", &reads_cn(), "OVS653").is_empty());
}

// ----------------------------------------------------------------------------------------------
// OVS654 ssl-env-vars-behind-proxy

#[test]
fn ovs654_variables_without_a_forwarding_header() {
    let found = run(
        "ovs654/apache-stdenvvars-no-header.conf",
        &AppFacts::default(),
        "OVS654",
    );
    assert_eq!(found.len(), 1);
    let f = &found[0];
    assert_eq!(f.severity, Severity::Medium);
    assert!(
        f.title.contains("+StdEnvVars +ExportCertData"),
        "{}",
        f.title
    );
    assert!(
        f.message.contains("no RequestHeader forwards"),
        "{}",
        f.message
    );
    assert_eq!(f.source[0].line, 4);
    assert!(f.source.iter().any(|s| s.line == 5), "the ProxyPass line");
}

#[test]
fn ovs654_conditional_forwarding_is_high() {
    let found = run(
        "ovs654/apache-stdenvvars-conditional.conf",
        &AppFacts::default(),
        "OVS654",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0].source.iter().any(|s| s.line == 8),
        "{:#?}",
        found[0].source
    );
}

#[test]
fn ovs654_early_env_header_is_always_empty() {
    let found = run("ovs654/apache-early.conf", &AppFacts::default(), "OVS654");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Low);
    assert!(
        found[0].message.contains("always empty"),
        "{}",
        found[0].message
    );
}

#[test]
fn ovs654_forwarded_in_process_and_switched_off_are_quiet() {
    for name in [
        "ovs654/apache-forwarded.conf",
        "ovs654/apache-not-over-http.conf",
    ] {
        let found = run(name, &AppFacts::default(), "OVS654");
        assert!(found.is_empty(), "{name}: {found:#?}");
    }
    // The nginx dialect never triggers it.
    assert!(
        run(
            "ovs652/nginx-client-value.conf",
            &AppFacts::default(),
            "OVS654"
        )
        .is_empty()
    );
}

// ----------------------------------------------------------------------------------------------
// Across rules

#[test]
fn fingerprints_ignore_line_numbers_but_not_the_server() {
    let text = std::fs::read_to_string(fixture("ovs651/nginx-optional.conf")).unwrap();
    let base = Path::new("/nonexistent");
    let a = load_str(&text, "site.conf", base).unwrap();
    let b = load_str(&format!("\n\n# moved\n{text}"), "site.conf", base).unwrap();
    let c = load_str(
        &text.replace("listen 443", "listen 8443"),
        "site.conf",
        base,
    )
    .unwrap();
    let fa = check(&[a], &reads_cn());
    let fb = check(&[b], &reads_cn());
    let fc = check(&[c], &reads_cn());
    assert!(!fa.is_empty());
    let prints = |f: &[Finding]| f.iter().map(|f| f.fingerprint.clone()).collect::<Vec<_>>();
    assert_eq!(prints(&fa), prints(&fb));
    assert_ne!(fa[0].source[0].line, fb[0].source[0].line);
    assert_ne!(prints(&fa)[0], prints(&fc)[0]);
}

#[test]
fn the_same_config_twice_reports_once() {
    let once = check(&[config("ovs651/nginx-optional.conf")], &reads_cn());
    let twice = check(
        &[
            config("ovs651/nginx-optional.conf"),
            config("ovs651/nginx-optional.conf"),
        ],
        &reads_cn(),
    );
    assert_eq!(once.len(), twice.len());
    assert!(once.len() >= 2, "{once:#?}");
}

#[test]
fn every_rule_has_its_meta_and_doc_in_the_house_style() {
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, ["OVS651", "OVS652", "OVS653", "OVS654"]);
    for rule in RULES {
        let first = rule.doc.lines().next().unwrap();
        assert!(
            first.ends_with(&format!("(`{}`, {}).", rule.name, rule.id)),
            "{first}"
        );
        for section in [
            "## What it finds",
            "## Why it matters",
            "## Example",
            "## Use instead",
        ] {
            assert!(rule.doc.contains(section), "{} lacks {section}", rule.id);
        }
        assert_eq!(rule.category, overshare_finding::Category::Source);
    }
}
