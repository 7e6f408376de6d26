#![doc = include_str!("../../docs/OVS654.md")]

use super::{Protection, at, finish, protection, proxy, server_label};
use crate::headers::carries_certificate;
use crate::{AppFacts, Dialect, HeaderAction, HeaderRule, ProxyConfig, Route, Setting};
use overshare_finding::{
    Category, Confidence, Finding, Fingerprint, RuleMeta, Severity, SourceLocation,
};

pub static META: RuleMeta = RuleMeta {
    id: "OVS654",
    name: "ssl-env-vars-behind-proxy",
    category: Category::Source,
    default_severity: Severity::Medium,
    cwe: &["CWE-290", "CWE-345"],
    owasp: &["API2:2023"],
    summary: "Apache exports the client certificate as variables that never reach the proxied app",
    doc: include_str!("../../docs/OVS654.md"),
};

const EXPORTING: [&str; 2] = ["StdEnvVars", "ExportCertData"];

pub fn check(config: &ProxyConfig, _app: &AppFacts, out: &mut Vec<Finding>) {
    if config.dialect != Dialect::Apache {
        return;
    }
    for server in &config.servers {
        // Routes over HTTP (no environment crosses) where the option is in force.
        let affected: Vec<(&Route, Vec<&Setting<String>>)> = server
            .routes
            .iter()
            .filter(|r| !r.kind.carries_environment())
            .filter_map(|r| {
                let options: Vec<&Setting<String>> = r
                    .ssl_options
                    .iter()
                    .filter(|o| EXPORTING.iter().any(|e| o.value.eq_ignore_ascii_case(e)))
                    .collect();
                (!options.is_empty()).then_some((r, options))
            })
            .collect();
        if affected.is_empty() {
            continue;
        }
        let mut no_identity: Vec<&Route> = Vec::new();
        let mut conditional: Vec<&HeaderRule> = Vec::new();
        let mut early: Vec<&HeaderRule> = Vec::new();
        for (route, _) in &affected {
            let carrying: Vec<&HeaderRule> = route
                .headers
                .iter()
                .filter(|h| {
                    h.action == HeaderAction::Set
                        && h.value.as_deref().is_some_and(carries_certificate)
                })
                .collect();
            if carrying.is_empty() {
                no_identity.push(route);
            }
            for rule in carrying {
                if matches!(
                    protection(config.dialect, route, &rule.key()),
                    Protection::Not(_)
                ) && !conditional.contains(&rule)
                {
                    conditional.push(rule);
                }
                let from_env = rule.value.as_deref().is_some_and(|v| v.contains("}e"));
                if rule.early && from_env && !early.contains(&rule) {
                    early.push(rule);
                }
            }
        }
        if no_identity.is_empty() && conditional.is_empty() && early.is_empty() {
            continue;
        }
        let options: Vec<&Setting<String>> = {
            let mut all: Vec<&Setting<String>> = Vec::new();
            for (_, opts) in &affected {
                for o in opts {
                    if !all
                        .iter()
                        .any(|a| a.source == o.source && a.value == o.value)
                    {
                        all.push(o);
                    }
                }
            }
            all
        };
        let option_names: Vec<String> = options.iter().map(|o| format!("+{}", o.value)).collect();
        let first = options[0];
        let mut finding = Finding::from_rule(
            &META,
            Fingerprint::of(&[META.id, &first.source.file, &server.key(), "SSLOptions"]),
        );
        let mut problems = Vec::new();
        let (mut severity, mut confidence) = (Severity::Low, Confidence::Medium);
        if !conditional.is_empty() {
            severity = Severity::High;
            confidence = Confidence::High;
            let lines: Vec<String> = conditional
                .iter()
                .map(|r| format!("`{}` (line {})", snippet(&r.source), r.source.line))
                .collect();
            let verb = if lines.len() == 1 { "sets" } else { "set" };
            problems.push(format!(
                "{} {verb} the identity header only when the variable is present: on a request \
                 without a certificate the client's own header of that name goes through",
                lines.join(", ")
            ));
        }
        if !no_identity.is_empty() {
            severity = severity.max(Severity::Medium);
            confidence = Confidence::High;
            let targets: Vec<String> = no_identity
                .iter()
                .map(|r| format!("`{}` ({})", snippet(&r.pass.source), at(&r.pass.source)))
                .collect();
            problems.push(format!(
                "no RequestHeader forwards a certificate variable to {}: the app behind it \
                 gets no certificate identity from Apache, so any identity header it reads \
                 is the client's",
                targets.join(", ")
            ));
        }
        if !early.is_empty() {
            let lines: Vec<String> = early
                .iter()
                .map(|r| format!("`{}` (line {})", snippet(&r.source), r.source.line))
                .collect();
            let verb = if lines.len() == 1 { "reads" } else { "read" };
            problems.push(format!(
                "{} {verb} an environment variable `early`, before mod_ssl has exported it: the \
                 header is always empty",
                lines.join(", ")
            ));
        }
        finding.severity = severity;
        finding.confidence = confidence;
        finding.title = format!(
            "`SSLOptions {}` on a proxying virtual host: the certificate variables stay in Apache",
            option_names.join(" ")
        );
        finding.message = format!(
            "`{}` ({}) on {} exports the client certificate as SSL_CLIENT_* environment \
             variables, which only code running inside Apache (mod_wsgi, CGI) can read; the app \
             is reached over HTTP, where no environment variable crosses. {}.",
            snippet(&first.source),
            at(&first.source),
            server_label(config, server),
            problems.join("; "),
        );
        finding.remediation = "Forward each identity value in a header that Apache always \
            sets itself, read from mod_ssl directly (`%{…}s` needs no SSLOptions) and without \
            `env=`, so that the client's header of the same name never passes:\n    \
            RequestHeader set X-SSL-Client-Verify \"%{SSL_CLIENT_VERIFY}s\"\n    \
            RequestHeader set X-SSL-Client-S-DN-CN \"%{SSL_CLIENT_S_DN_CN}s\"\nand drop \
            `+StdEnvVars`/`+ExportCertData` where nothing inside Apache reads them."
            .to_string();
        let mut sources: Vec<SourceLocation> = options.iter().map(|o| proxy(&o.source)).collect();
        sources.push(proxy(&server.anchor()));
        sources.extend(no_identity.iter().map(|r| proxy(&r.pass.source)));
        sources.extend(conditional.iter().map(|r| proxy(&r.source)));
        sources.extend(early.iter().map(|r| proxy(&r.source)));
        out.push(finish(finding, sources));
    }
}

fn snippet(loc: &SourceLocation) -> &str {
    loc.snippet.as_deref().unwrap_or("")
}
