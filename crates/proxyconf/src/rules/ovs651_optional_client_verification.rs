#![doc = include_str!("../../docs/OVS651.md")]

use super::{at, finish, forwards_verify_result, proxy, server_label};
use crate::{AppFacts, Dialect, ProxyConfig, Setting, VerifyClient};
use overshare_finding::{Category, Confidence, Finding, Fingerprint, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS651",
    name: "optional-client-verification",
    category: Category::Source,
    default_severity: Severity::High,
    cwe: &["CWE-295", "CWE-306"],
    owasp: &["API2:2023"],
    summary: "The proxy lets requests without a verified client certificate reach the app",
    doc: include_str!("../../docs/OVS651.md"),
};

pub fn check(config: &ProxyConfig, app: &AppFacts, out: &mut Vec<Finding>) {
    for server in config.servers.iter().filter(|s| s.proxies()) {
        // Each distinct optional setting in force on a route (Apache may set one per location).
        let mut settings: Vec<&Setting<VerifyClient>> = Vec::new();
        for route in &server.routes {
            if let Some(v) = &route.verify_client
                && v.value.is_optional()
                && !settings.iter().any(|s| s.source == v.source)
            {
                settings.push(v);
            }
        }
        for setting in settings {
            let directive = setting.source.snippet.clone().unwrap_or_default();
            let directive = directive.trim_end_matches(';');
            let no_ca = setting.value == VerifyClient::OptionalNoCa;
            let forwarded = forwards_verify_result(server);
            let (strict, variable) = match config.dialect {
                Dialect::Nginx => ("ssl_verify_client on;", "$ssl_client_verify"),
                Dialect::Apache => ("SSLVerifyClient require", "%{SSL_CLIENT_VERIFY}s"),
            };
            let mut finding = Finding::from_rule(
                &META,
                Fingerprint::of(&[META.id, &setting.source.file, &server.key(), directive]),
            );
            let upstream: Vec<&str> = server
                .routes
                .iter()
                .map(|r| r.pass.value.as_str())
                .collect();
            let what = if no_ca {
                "requests without a client certificate, and those with a certificate no trusted CA \
                 issued (optional_no_ca does not verify the chain),"
            } else {
                "requests without a client certificate, and those with one that failed verification,"
            };
            let app_side = if !app.app_checks_verify {
                finding.severity = Severity::High;
                finding.confidence = Confidence::High;
                "and the app code never rejects a request whose verification result is not \
                 SUCCESS: any client is served, anonymous or not"
                    .to_string()
            } else if !forwarded {
                finding.severity = Severity::Medium;
                finding.confidence = Confidence::Medium;
                format!(
                    "and although the app checks a verification result, this server never \
                     passes {variable} upstream: the header the app checks is whatever the \
                     client sends"
                )
            } else {
                finding.severity = Severity::Low;
                finding.confidence = Confidence::Low;
                "the app checks the verification result it is given; make sure every view \
                 behind this server is covered by that check"
                    .to_string()
            };
            finding.title = format!("`{directive}` lets unverified clients reach the app");
            finding.message = format!(
                "`{directive}` ({}) on {}: {what} are passed to {}, {app_side}.",
                at(&setting.source),
                server_label(config, server),
                upstream.join(", "),
            );
            finding.remediation = format!(
                "Require a verified certificate on every listener that serves the API: \
                 `{strict}`. If this listener must accept requests without one, pass \
                 {variable} upstream and reject in Django (middleware) every request whose \
                 verification result is not exactly `SUCCESS`, before any view runs."
            );
            let sources = vec![proxy(&setting.source), proxy(&server.anchor())];
            out.push(finish(finding, sources));
        }
    }
}
