#![doc = include_str!("../../docs/OVS611.md")]

use super::{Ctx, Report};
use crate::project::identity::HeaderKind;
use overshare_finding::{Category, Confidence, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS611",
    name: "identity-header-read",
    category: Category::Source,
    default_severity: Severity::High,
    cwe: &["CWE-290", "CWE-346"],
    owasp: &["API2:2023"],
    summary: "Client-certificate identity read from a request header",
    doc: include_str!("../../docs/OVS611.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    for read in &project.identity.reads {
        if !read.from_header || read.kind != HeaderKind::Identity {
            continue;
        }
        let header = &read.header;
        out.push(ctx.finding(
            &META,
            Report {
                subject: read.function.clone(),
                key: header.to_ascii_lowercase(),
                title: format!("Client identity taken from the `{header}` header"),
                message: format!(
                    "`{}` takes the client's identity from the `{header}` request header. A \
                     client can send that header itself: it is only trustworthy when every proxy \
                     in front of the app overwrites it (`proxy_set_header {header} {};`) \
                     and the app cannot be reached except through them.",
                    read.function,
                    nginx_variable(header)
                ),
                remediation: format!(
                    "Make the TLS-terminating proxy always set `{header}` (never pass the client's \
                     value on), keep the app unreachable except through it, and check the \
                     verification result (`X-SSL-Client-Verify == \"SUCCESS\"`) before trusting it."
                ),
                severity: None,
                // Whether it is exploitable depends on the proxy (OVS65x rules check it).
                confidence: Some(Confidence::Medium),
                locations: vec![project.location(read.loc, read.role)],
            },
        ));
    }
}

/// The nginx variable a terminator would set `header` from.
fn nginx_variable(header: &str) -> &'static str {
    let lower = header.to_ascii_lowercase();
    if lower.ends_with("verify") {
        "$ssl_client_verify"
    } else if lower.ends_with("-cn") || lower.ends_with("_cn") {
        "$ssl_client_s_dn_cn"
    } else if lower.contains("cert") && !lower.contains("subject") {
        "$ssl_client_escaped_cert"
    } else if lower.contains("serial") {
        "$ssl_client_serial"
    } else if lower.contains("i-dn") || lower.contains("issuer") {
        "$ssl_client_i_dn"
    } else {
        "$ssl_client_s_dn"
    }
}
