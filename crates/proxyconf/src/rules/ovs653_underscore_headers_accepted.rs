#![doc = include_str!("../../docs/OVS653.md")]

use super::{at, finish, proxy, server_label};
use crate::{AppFacts, ProxyConfig};
use overshare_finding::{Category, Confidence, Finding, Fingerprint, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS653",
    name: "underscore-headers-accepted",
    category: Category::Source,
    default_severity: Severity::Medium,
    cwe: &["CWE-436", "CWE-290"],
    owasp: &["API2:2023"],
    summary: "nginx passes client headers with underscores, which can shadow identity headers",
    doc: include_str!("../../docs/OVS653.md"),
};

pub fn check(config: &ProxyConfig, app: &AppFacts, out: &mut Vec<Finding>) {
    for server in config.servers.iter().filter(|s| s.proxies()) {
        let underscores = server.underscores_in_headers.as_ref().filter(|s| s.value);
        let invalid = server.ignore_invalid_headers.as_ref().filter(|s| !s.value);
        for setting in [underscores, invalid].into_iter().flatten() {
            let directive = setting.source.snippet.clone().unwrap_or_default();
            let directive = directive.trim_end_matches(';');
            let mut finding = Finding::from_rule(
                &META,
                Fingerprint::of(&[META.id, &setting.source.file, &server.key(), directive]),
            );
            finding.confidence = Confidence::Medium;
            let example = app
                .identity_headers_read
                .first()
                .map(|(name, _)| crate::header_key(name))
                .unwrap_or_else(|| "X_SSL_CLIENT_S_DN_CN".to_string());
            let trusted = if app.identity_headers_read.is_empty() {
                finding.severity = Severity::Low;
                "No identity header read by the app is known, so this is a hardening issue"
                    .to_string()
            } else {
                finding.severity = Severity::Medium;
                format!(
                    "The app reads `{}` as identity: a client that sends `{example}: …` next to \
                     the header the proxy sets gives the app two values for the same \
                     `HTTP_{example}` key, and which one Django sees depends on the WSGI server",
                    app.identity_headers_read[0].0
                )
            };
            finding.title = format!("`{directive}` passes client headers with underscores");
            finding.message = format!(
                "`{directive}` ({}) on {}: nginx passes client headers whose names contain `_`. \
                 `proxy_set_header X-SSL-Client-S-DN-CN …` replaces only the header spelt with \
                 dashes; `{example}` is another header to nginx but the same `HTTP_{example}` \
                 to WSGI. {trusted}.",
                at(&setting.source),
                server_label(config, server),
            );
            finding.remediation = "Remove the directive: nginx's defaults \
                (`underscores_in_headers off; ignore_invalid_headers on;`) drop every client \
                header whose name contains `_` before it reaches the app."
                .to_string();
            out.push(finish(
                finding,
                vec![proxy(&setting.source), proxy(&server.anchor())],
            ));
        }
    }
}
