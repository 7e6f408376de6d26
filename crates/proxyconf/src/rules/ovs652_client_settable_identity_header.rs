#![doc = include_str!("../../docs/OVS652.md")]

use super::{Protection, app_location, at, finish, protection, proxy, server_label};
use crate::headers::{NGINX_CN_MAP, apache_variable, display_name, nginx_variable};
use crate::{AppFacts, Dialect, PassKind, ProxyConfig, Route, Server, header_key};
use overshare_finding::{
    Category, Confidence, Finding, Fingerprint, RuleMeta, Severity, SourceLocation,
};

pub static META: RuleMeta = RuleMeta {
    id: "OVS652",
    name: "client-settable-identity-header",
    category: Category::Source,
    default_severity: Severity::High,
    cwe: &["CWE-290", "CWE-346"],
    owasp: &["API2:2023"],
    summary: "The app trusts an identity header that the proxy lets the client send",
    doc: include_str!("../../docs/OVS652.md"),
};

pub fn check(config: &ProxyConfig, app: &AppFacts, out: &mut Vec<Finding>) {
    // One entry per header key, with every Python line that reads it.
    let mut headers: Vec<(String, String, Vec<&SourceLocation>)> = Vec::new();
    for (name, loc) in &app.identity_headers_read {
        let key = header_key(name);
        match headers.iter_mut().find(|(k, ..)| *k == key) {
            Some((_, _, locs)) => locs.push(loc),
            None => headers.push((key, display_name(name), vec![loc])),
        }
    }
    for server in config.servers.iter().filter(|s| s.proxies()) {
        for (key, shown, reads) in &headers {
            let open: Vec<(&Route, Option<&crate::HeaderRule>)> = server
                .routes
                .iter()
                .filter_map(|r| match protection(config.dialect, r, key) {
                    Protection::Not(weak) => Some((r, weak)),
                    _ => None,
                })
                .collect();
            if open.is_empty() {
                continue;
            }
            out.push(finding(config, server, key, shown, reads, &open));
        }
    }
}

fn finding(
    config: &ProxyConfig,
    server: &Server,
    key: &str,
    shown: &str,
    reads: &[&SourceLocation],
    open: &[(&Route, Option<&crate::HeaderRule>)],
) -> Finding {
    let mut finding = Finding::from_rule(
        &META,
        Fingerprint::of(&[META.id, &server.source.file, &server.key(), key]),
    );
    finding.confidence = Confidence::High;
    let (route, weak) = open[0];
    let read_at: Vec<String> = reads.iter().map(|r| at(r)).collect();
    let anonymous = server
        .verify_client
        .as_ref()
        .filter(|v| v.value.is_optional() || v.value == crate::VerifyClient::Off);
    let who = match anonymous {
        Some(v) => format!(
            "any client, even one without a certificate (`{}`)",
            v.source
                .snippet
                .as_deref()
                .unwrap_or("")
                .trim_end_matches(';')
        ),
        None => "any client with a certificate".to_string(),
    };
    let how = match weak {
        Some(rule) => format!(
            " (`{}` at line {} does not replace the client's header on every request)",
            rule.source.snippet.as_deref().unwrap_or(""),
            rule.source.line
        ),
        None => String::new(),
    };
    finding.title = format!("`{shown}` can be sent by the client on {}", server.key());
    finding.message = format!(
        "The app takes the caller's identity from `{shown}` ({}), but {} never sets that \
         header before `{}` ({}){how}: {who} can send `{shown}` itself and be taken for \
         whoever it names.",
        read_at.join(", "),
        server_label(config, server),
        route
            .pass
            .source
            .snippet
            .as_deref()
            .unwrap_or(&route.pass.value)
            .trim_end_matches(';'),
        at(&route.pass.source),
    );
    finding.remediation = remediation(config, route, key, shown);
    let mut sources: Vec<SourceLocation> = reads.iter().map(|r| app_location(r)).collect();
    sources.push(proxy(&server.anchor()));
    for (route, weak) in open {
        sources.push(proxy(&route.pass.source));
        if let Some(rule) = weak {
            sources.push(proxy(&rule.source));
        }
    }
    finish(finding, sources)
}

/// The exact lines to add, and where.
fn remediation(config: &ProxyConfig, route: &Route, key: &str, shown: &str) -> String {
    let block = route
        .headers_block
        .snippet
        .as_deref()
        .unwrap_or("the server block")
        .trim_end_matches('{')
        .trim();
    let place = format!("in `{block}` ({})", at(&route.headers_block));
    match config.dialect {
        Dialect::Nginx => {
            let (directive, name) = match route.kind {
                PassKind::Uwsgi => ("uwsgi_param", format!("HTTP_{key}")),
                PassKind::FastCgi => ("fastcgi_param", format!("HTTP_{key}")),
                PassKind::Scgi => ("scgi_param", format!("HTTP_{key}")),
                PassKind::Grpc => ("grpc_set_header", shown.to_string()),
                PassKind::Http | PassKind::Ajp => ("proxy_set_header", shown.to_string()),
            };
            let inherit_note = if route.headers.is_empty() {
                String::new()
            } else {
                format!(
                    ", next to its other {directive} lines (a block with its own {directive} \
                     inherits none from the enclosing one)"
                )
            };
            let clear = format!("    {directive} {name} \"\";");
            match nginx_variable(key, &config.defined_variables) {
                Some((var, defined)) => {
                    let map = if defined {
                        String::new()
                    } else {
                        let map = if var == "ssl_client_s_dn_cn" {
                            NGINX_CN_MAP.to_string()
                        } else {
                            format!("map $ssl_client_s_dn ${var} {{ … }}")
                        };
                        format!(
                            "\n`${var}` is not built into nginx: define it once in `http {{ }}`:\n{}",
                            indent(&map)
                        )
                    };
                    format!(
                        "Set the header from the verified certificate {place}{inherit_note}:\n    \
                         {directive} {name} ${var};{map}\nor, if this server must not carry an \
                         identity, clear it:\n{clear}"
                    )
                }
                None => format!(
                    "Set the header from the verified certificate {place}{inherit_note} (for \
                     example `{directive} {name} $ssl_client_s_dn;`), or clear it:\n{clear}"
                ),
            }
        }
        Dialect::Apache => {
            let clear = format!("    RequestHeader unset {shown}");
            match apache_variable(key) {
                Some(var) => format!(
                    "Set the header from the verified certificate {place}, unconditionally (no \
                     `env=`):\n    RequestHeader set {shown} \"%{{{var}}}s\"\nor, if this \
                     virtual host must not carry an identity, clear it:\n{clear}"
                ),
                None => format!(
                    "Set the header from the verified certificate {place} (for example \
                     `RequestHeader set {shown} \"%{{SSL_CLIENT_S_DN}}s\"`), or clear it:\n{clear}"
                ),
            }
        }
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
