#![doc = include_str!("../../docs/OVS613.md")]

use super::{Ctx, Report};
use overshare_finding::{Category, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS613",
    name: "cn-identity-without-lookup",
    category: Category::Source,
    default_severity: Severity::High,
    cwe: &["CWE-287"],
    owasp: &["API2:2023"],
    summary: "User identity made from the certificate CN without a lookup in the user store",
    doc: include_str!("../../docs/OVS613.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    for sink in &project.identity.unlooked_identities {
        let snippet = project.files[sink.loc.file]
            .slice(sink.loc.span)
            .trim()
            .to_string();
        out.push(ctx.finding(
            &META,
            Report {
                subject: sink.function.clone(),
                key: snippet,
                title: format!("`{}` trusts the certificate name as the user", sink.function),
                message: format!(
                    "`{}` makes the request's user from the client-certificate name itself, \
                     without looking it up: any name a certificate (or, behind a lax proxy, a \
                     header) carries becomes an identity, known user or not, active or not.",
                    sink.function
                ),
                remediation: "Look the name up in the user store and refuse unknown or inactive \
                              users: `user = User.objects.filter(username=cn, is_active=True).first()`; \
                              `if user is None: raise AuthenticationFailed(...)`."
                    .into(),
                severity: None,
                confidence: None,
                locations: vec![project.location(sink.loc, sink.role)],
            },
        ));
    }
}
