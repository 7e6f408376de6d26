//! The repository's reference nginx template (`tests/target/nginx.conf.in`) and the reference
//! app's middleware: the header rule fires on the lax listener only, and the optional rule on
//! its `ssl_verify_client optional;` line.

use overshare_finding::{Confidence, Finding, Severity, SourceLocation};
use overshare_proxyconf::{AppFacts, Dialect, VerifyClient, check, load};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn template() -> PathBuf {
    repo().join("tests/target/nginx.conf.in")
}

/// 1-based line number and column of the first non-comment line containing `needle`.
fn find(path: &Path, needle: &str) -> (u32, u32) {
    let text = std::fs::read_to_string(path).unwrap();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        if let Some(col) = line.find(needle) {
            return (i as u32 + 1, line[..col].chars().count() as u32 + 1);
        }
    }
    panic!("{needle:?} not in {}", path.display());
}

/// The middleware line that reads the CN header, as the audit crate would report it.
fn middleware_read() -> SourceLocation {
    let path = repo().join("tests/target/accounts/middleware.py");
    let (line, column) = find(&path, "request.META.get(\"HTTP_X_SSL_CLIENT_S_DN_CN\"");
    SourceLocation {
        file: "tests/target/accounts/middleware.py".into(),
        line,
        column: Some(column),
        role: Some("middleware".into()),
        snippet: Some("cn = request.META.get(\"HTTP_X_SSL_CLIENT_S_DN_CN\", \"\").strip()".into()),
        ..SourceLocation::default()
    }
}

fn facts(checks: bool) -> AppFacts {
    AppFacts {
        identity_headers_read: vec![("X-SSL-Client-S-DN-CN".into(), middleware_read())],
        app_checks_verify: checks,
    }
}

fn of_rule<'a>(findings: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn the_template_parses_into_two_servers_with_their_settings() {
    let config = load(&template()).unwrap();
    assert_eq!(config.dialect, Dialect::Nginx);
    assert_eq!(config.servers.len(), 2, "{:#?}", config.servers);
    let (strict, lax) = (&config.servers[0], &config.servers[1]);
    assert_eq!(strict.listen[0].value, "127.0.0.1:@STRICT_PORT@ ssl");
    assert_eq!(lax.listen[0].value, "127.0.0.1:@LAX_PORT@ ssl");
    assert_eq!(
        strict.verify_client.as_ref().unwrap().value,
        VerifyClient::On
    );
    assert_eq!(
        lax.verify_client.as_ref().unwrap().value,
        VerifyClient::Optional
    );
    assert_eq!(lax.routes.len(), 1);
    assert_eq!(lax.routes[0].pass.value, "http://django");
    let names: Vec<&str> = lax.routes[0]
        .headers
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert!(names.contains(&"X-SSL-Client-Verify"), "{names:?}");
    assert!(!names.contains(&"X-SSL-Client-S-DN-CN"), "{names:?}");
    assert!(
        config
            .defined_variables
            .iter()
            .any(|v| v == "ssl_client_s_dn_cn")
    );
    // The `@USER@` placeholder line is not taken for a directive.
    assert!(config.directives.iter().all(|d| !d.name.starts_with('@')));
    assert_eq!(config.directives[0].name, "worker_processes");
}

#[test]
fn header_rule_fires_for_the_lax_server_only() {
    let config = load(&template()).unwrap();
    let findings = check(&[config], &facts(false));
    let header = of_rule(&findings, "OVS652");
    assert_eq!(header.len(), 1, "{header:#?}");
    let f = header[0];
    assert_eq!(f.severity, Severity::High);
    assert!(f.message.contains("@LAX_PORT@"), "{}", f.message);
    assert!(!f.message.contains("@STRICT_PORT@"), "{}", f.message);

    // Both files in `source`: the Python line first, then the lax listen line and proxy_pass.
    let python = &f.source[0];
    assert_eq!(python.file, "tests/target/accounts/middleware.py");
    assert_eq!(python.line, middleware_read().line);
    assert_eq!(python.role.as_deref(), Some("middleware"));
    let (listen_line, listen_col) = find(&template(), "listen 127.0.0.1:@LAX_PORT@ ssl;");
    let listen = f
        .source
        .iter()
        .find(|s| s.line == listen_line)
        .unwrap_or_else(|| panic!("no listen line {listen_line} in {:#?}", f.source));
    assert_eq!(listen.role.as_deref(), Some("proxy"));
    assert!(
        listen.file.ends_with("tests/target/nginx.conf.in"),
        "{}",
        listen.file
    );
    assert_eq!(listen.column, Some(listen_col));
    assert_eq!(
        listen.snippet.as_deref(),
        Some("listen 127.0.0.1:@LAX_PORT@ ssl;")
    );
    let (strict_line, _) = find(&template(), "listen 127.0.0.1:@STRICT_PORT@ ssl;");
    assert!(
        f.source
            .iter()
            .all(|s| s.line != strict_line || s.role.as_deref() != Some("proxy"))
    );

    // The fix is the exact line; the CN variable is defined by the template's map, so no map
    // is suggested.
    assert!(
        f.remediation
            .contains("proxy_set_header X-SSL-Client-S-DN-CN $ssl_client_s_dn_cn;"),
        "{}",
        f.remediation
    );
    assert!(
        f.remediation
            .contains("proxy_set_header X-SSL-Client-S-DN-CN \"\";")
    );
    assert!(
        !f.remediation.contains("map $ssl_client_s_dn"),
        "{}",
        f.remediation
    );
}

#[test]
fn optional_rule_points_at_the_lax_verify_line() {
    let config = load(&template()).unwrap();
    let findings = check(&[config], &facts(false));
    let optional = of_rule(&findings, "OVS651");
    assert_eq!(optional.len(), 1, "{optional:#?}");
    let (line, column) = find(&template(), "ssl_verify_client optional;");
    let at = &optional[0].source[0];
    assert_eq!((at.line, at.column), (line, Some(column)));
    assert_eq!(at.end_line, Some(line));
    assert_eq!(
        at.end_column,
        Some(column + "ssl_verify_client optional;".len() as u32)
    );
    assert_eq!(at.snippet.as_deref(), Some("ssl_verify_client optional;"));
    assert_eq!(optional[0].severity, Severity::High);

    // When the app does check the result (and the lax server forwards it), it is a reminder.
    let config = load(&template()).unwrap();
    let findings = check(&[config], &facts(true));
    let optional = of_rule(&findings, "OVS651");
    assert_eq!(optional.len(), 1);
    assert_eq!(optional[0].severity, Severity::Low);
    assert_eq!(optional[0].confidence, Confidence::Low);
}

#[test]
fn the_rendered_config_gives_the_same_findings() {
    // What overshare-target renders: placeholders replaced by real values.
    let text = std::fs::read_to_string(template())
        .unwrap()
        .replace("@USER@", "user root;")
        .replace("@STRICT_PORT@", "18443")
        .replace("@LAX_PORT@", "18444");
    let text = regex_free_replace_at_names(&text);
    let config =
        overshare_proxyconf::load_str(&text, "nginx.conf", Path::new("/nonexistent")).unwrap();
    let findings = check(&[config], &facts(false));
    let rules: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["OVS651", "OVS652"]);
    assert!(findings[1].message.contains("18444"));
}

/// Replace every remaining `@NAME@` with a path.
fn regex_free_replace_at_names(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('@') {
        let Some(len) = rest[start + 1..].find('@') else {
            break;
        };
        let name = &rest[start + 1..start + 1 + len];
        out.push_str(&rest[..start]);
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            out.push_str("/tmp/run");
            rest = &rest[start + len + 2..];
        } else {
            out.push('@');
            rest = &rest[start + 1..];
        }
    }
    out.push_str(rest);
    out
}
