#![doc = include_str!("../../docs/OVS103.md")]

use super::Context;
use crate::Observation;
use overshare_finding::{Category, Confidence, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS103",
    name: "undeclared-status",
    category: Category::Spec,
    default_severity: Severity::Low,
    cwe: &["CWE-213"],
    owasp: &["API3:2023"],
    summary: "Status code the spec does not list for the operation",
    doc: include_str!("../../docs/OVS103.md"),
};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Observation>) {
    if ctx.operation.responses.is_empty() || ctx.declared_response().is_some() {
        return;
    }
    let status = ctx.response.status;
    let listed: Vec<String> = ctx
        .operation
        .responses
        .iter()
        .map(|r| r.status.to_string())
        .collect();
    out.push(Observation {
        rule: (&META).into(),
        operation: ctx.operation_ref(),
        // One finding per status code, whatever the identity.
        pattern: format!("status:{status}"),
        pointer: String::new(),
        field: None,
        identity: ctx.exchange.identity.clone(),
        severity: META.default_severity,
        confidence: Confidence::High,
        title: format!("Undeclared status {status}"),
        message: format!(
            "{} {} answered {status}, which the spec does not list (it lists {}); its body was not \
             checked against any schema.",
            ctx.operation.method,
            ctx.operation.path,
            listed.join(", ")
        ),
        remediation: "Declare every status the view can return (drf-spectacular: \
                      `@extend_schema(responses={...})`), or stop returning it."
            .to_string(),
        evidence: ctx.evidence(None),
    });
}
