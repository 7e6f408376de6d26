//! The proxy rules, one module each. Each module holds its [`RuleMeta`] (whose `doc` is
//! `docs/OVS65n.md`, also the module's rustdoc) and a `check` over one loaded configuration.

pub mod ovs651_optional_client_verification;
pub mod ovs652_client_settable_identity_header;
pub mod ovs653_underscore_headers_accepted;
pub mod ovs654_ssl_env_vars_behind_proxy;

use crate::{AppFacts, Dialect, HeaderAction, HeaderRule, ProxyConfig, Route, Server};
use overshare_finding::{Finding, RuleMeta, SourceLocation};
use std::collections::HashSet;

/// Every rule, in id order.
pub static ALL: &[&RuleMeta] = &[
    &ovs651_optional_client_verification::META,
    &ovs652_client_settable_identity_header::META,
    &ovs653_underscore_headers_accepted::META,
    &ovs654_ssl_env_vars_behind_proxy::META,
];

/// Run every rule on the configurations with what the app code is known to do. Findings come
/// in rule order, then configuration and server order; a fingerprint seen twice (the same file
/// loaded twice, directly and through an include) is reported once.
pub fn check(configs: &[ProxyConfig], app: &AppFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    for config in configs {
        ovs651_optional_client_verification::check(config, app, &mut out);
        ovs652_client_settable_identity_header::check(config, app, &mut out);
        ovs653_underscore_headers_accepted::check(config, app, &mut out);
        ovs654_ssl_env_vars_behind_proxy::check(config, app, &mut out);
    }
    let mut seen = HashSet::new();
    out.retain(|f| seen.insert(f.fingerprint.clone()));
    out.sort_by(|a, b| a.rule.cmp(&b.rule));
    out
}

/// A proxy location for a finding's `source` (role `proxy`).
pub(crate) fn proxy(loc: &SourceLocation) -> SourceLocation {
    SourceLocation {
        role: Some("proxy".to_string()),
        ..loc.clone()
    }
}

/// `file:line` of a location, for messages.
pub(crate) fn at(loc: &SourceLocation) -> String {
    format!("{}:{}", loc.file, loc.line)
}

/// How a server is named in messages: `server localhost (127.0.0.1:8443 ssl)` at file:line.
pub(crate) fn server_label(config: &ProxyConfig, server: &Server) -> String {
    let kind = match config.dialect {
        Dialect::Nginx => "server",
        Dialect::Apache => "virtual host",
    };
    format!("{kind} `{}` ({})", server.key(), at(&server.source))
}

/// Whether a route's proxy always decides a header's value itself, so that nothing the client
/// sends under that name reaches the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protection<'a> {
    /// The route passes no client header at all (`proxy_pass_request_headers off`).
    NoClientHeaders,
    /// This directive sets or clears it.
    By(&'a HeaderRule),
    /// The client's header passes; the directive, if any, does not prevent it (conditional,
    /// `add`/`append`, `setifempty`, `edit`, or a value taken from the client's own header).
    Not(Option<&'a HeaderRule>),
}

pub(crate) fn protection<'a>(dialect: Dialect, route: &'a Route, key: &str) -> Protection<'a> {
    if !route.pass_request_headers {
        return Protection::NoClientHeaders;
    }
    let forwards = |rule: &HeaderRule| {
        rule.value
            .as_deref()
            .is_some_and(|v| crate::headers::forwards_client_value(v, key))
    };
    let rules = route.headers.iter().filter(|r| r.key() == key);
    match dialect {
        // nginx: any proxy_set_header of the name replaces the client's header (an empty value
        // drops it), whatever the value, unless the value is the client's own header.
        Dialect::Nginx => {
            let mut last = None;
            for rule in rules {
                if !forwards(rule) {
                    return Protection::By(rule);
                }
                last = Some(rule);
            }
            Protection::Not(last)
        }
        // Apache: directives apply in order; only an unconditional `set` or `unset` replaces
        // the client's value; `add`/`append`/`merge`/`edit`/`setifempty` keep or extend it.
        Dialect::Apache => {
            let mut state: Option<&HeaderRule> = None;
            let mut weak = None;
            for rule in rules {
                match rule.action {
                    HeaderAction::Set | HeaderAction::Clear
                        if !rule.conditional && !forwards(rule) =>
                    {
                        state = Some(rule);
                    }
                    HeaderAction::Append => {}
                    _ => {
                        if state.is_none() || forwards(rule) {
                            state = None;
                            weak = Some(rule);
                        }
                    }
                }
            }
            match state {
                Some(rule) => Protection::By(rule),
                None => Protection::Not(weak),
            }
        }
    }
}

/// The Python location of an app fact, with a role (`middleware` unless the audit said).
pub(crate) fn app_location(loc: &SourceLocation) -> SourceLocation {
    SourceLocation {
        role: loc.role.clone().or_else(|| Some("middleware".to_string())),
        ..loc.clone()
    }
}

/// Whether any route of the server forwards the verification result upstream.
pub(crate) fn forwards_verify_result(server: &Server) -> bool {
    server.routes.iter().any(|r| {
        r.headers.iter().any(|h| {
            h.value
                .as_deref()
                .is_some_and(|v| v.to_ascii_lowercase().contains("ssl_client_verify"))
        })
    })
}

/// The finding's `source` list with the app's lines first, duplicates removed.
pub(crate) fn dedup(mut sources: Vec<SourceLocation>) -> Vec<SourceLocation> {
    let mut seen = HashSet::new();
    sources.retain(|s| seen.insert((s.file.clone(), s.line, s.column, s.role.clone())));
    sources
}

pub(crate) fn finish(mut finding: Finding, sources: Vec<SourceLocation>) -> Finding {
    finding.source = dedup(sources);
    finding
}
