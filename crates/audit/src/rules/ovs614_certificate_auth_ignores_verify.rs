#![doc = include_str!("../../docs/OVS614.md")]

use super::{Ctx, Report};
use overshare_finding::{Category, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS614",
    name: "certificate-auth-ignores-verify",
    category: Category::Source,
    default_severity: Severity::High,
    cwe: &["CWE-295", "CWE-287"],
    owasp: &["API2:2023"],
    summary: "Authentication trusts the certificate identity without its verification result",
    doc: include_str!("../../docs/OVS614.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    let verify = if project.identity.verify_attrs.is_empty() {
        "the certificate's verification result".to_string()
    } else {
        let attrs: Vec<String> = project
            .identity
            .verify_attrs
            .iter()
            .map(|a| format!("`request.{a}`"))
            .collect();
        attrs.join(", ")
    };
    for (loc, class) in &project.identity.auth_ignoring_verify {
        let name = project.classes[*class].name();
        out.push(ctx.finding(
            &META,
            Report {
                subject: name.to_string(),
                key: "authenticate".into(),
                title: format!("`{name}` authenticates without checking certificate verification"),
                message: format!(
                    "`{name}.authenticate` turns the client-certificate identity into a user and \
                     never looks at {verify}: a request whose certificate failed (or skipped) \
                     verification is authenticated like any other."
                ),
                remediation: "In `authenticate`, return `None` or `raise AuthenticationFailed` unless \
                              the verification result is `SUCCESS` (e.g. \
                              `if not getattr(request._request, \"client_verified\", False): raise \
                              AuthenticationFailed(\"client certificate not verified\")`)."
                    .into(),
                severity: None,
                confidence: None,
                locations: vec![
                    project.location(*loc, "middleware"),
                    project.class_location(*class, "middleware"),
                ],
            },
        ));
    }
}
