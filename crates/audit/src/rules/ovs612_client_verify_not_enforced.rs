#![doc = include_str!("../../docs/OVS612.md")]

use super::{Ctx, Report};
use crate::project::identity::HeaderKind;
use overshare_finding::{Category, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS612",
    name: "client-verify-not-enforced",
    category: Category::Source,
    default_severity: Severity::High,
    cwe: &["CWE-295"],
    owasp: &["API2:2023"],
    summary: "Certificate verification result read but never enforced",
    doc: include_str!("../../docs/OVS612.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    let identity = &project.identity;
    if identity.verify_enforced {
        return;
    }
    let stored = if identity.verify_attrs.is_empty() {
        String::new()
    } else {
        let attrs: Vec<String> = identity
            .verify_attrs
            .iter()
            .map(|a| format!("`request.{a}`"))
            .collect();
        format!(" The result is stored in {} and", attrs.join(", "))
    };
    let local = if identity.local_checks.is_empty() {
        " nothing rejects a request whose certificate failed verification".to_string()
    } else {
        let names: Vec<String> = identity
            .local_checks
            .iter()
            .map(|(_, n)| format!("`{n}`"))
            .collect();
        format!(
            " only {} checks it, on the views that use it; every other view serves unverified clients",
            names.join(", ")
        )
    };
    for read in identity
        .reads
        .iter()
        .filter(|r| r.kind == HeaderKind::Verify)
    {
        let header = &read.header;
        let mut locations = vec![project.location(read.loc, read.role)];
        locations.extend(
            identity
                .local_checks
                .iter()
                .map(|(loc, _)| project.location(*loc, "view")),
        );
        out.push(ctx.finding(
            &META,
            Report {
                subject: read.function.clone(),
                key: header.to_ascii_lowercase(),
                title: format!("`{header}` is read and never enforced"),
                message: format!(
                    "`{}` reads `{header}` (SUCCESS, NONE or FAILED:reason).{stored}{local}. Behind \
                     `ssl_verify_client optional`, a client with no certificate or an untrusted \
                     one is served as if verified.",
                    read.function
                ),
                remediation: "Reject the request where the value is read unless it is exactly \
                              `SUCCESS`: `if verify != \"SUCCESS\": return HttpResponseForbidden()` \
                              in the middleware (or `raise AuthenticationFailed` in the \
                              authentication class)."
                    .into(),
                severity: None,
                confidence: None,
                locations,
            },
        ));
    }
}
