#![doc = include_str!("../../docs/OVS104.md")]

use super::Context;
use crate::Observation;
use overshare_finding::{Category, Confidence, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS104",
    name: "undeclared-content-type",
    category: Category::Spec,
    default_severity: Severity::Low,
    cwe: &["CWE-213"],
    owasp: &["API3:2023"],
    summary: "Content type the spec does not list for the response",
    doc: include_str!("../../docs/OVS104.md"),
};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Observation>) {
    let Some(declared) = ctx.declared_response() else {
        return;
    };
    if declared.content.is_empty()
        || ctx.body_is_empty()
        || ctx.matching_media_type(declared).is_some()
    {
        return;
    }
    let actual = ctx
        .response
        .media_type()
        .unwrap_or_else(|| "(none)".to_string());
    let listed: Vec<&str> = declared
        .content
        .iter()
        .map(|m| m.media_type.as_str())
        .collect();
    out.push(Observation {
        rule: (&META).into(),
        operation: ctx.operation_ref(),
        pattern: format!("content-type:{actual}"),
        pointer: String::new(),
        field: None,
        identity: ctx.exchange.identity.clone(),
        severity: META.default_severity,
        confidence: Confidence::High,
        title: format!("Undeclared content type `{actual}`"),
        message: format!(
            "{} {} answered status {} with content type `{actual}`; the spec lists {}.",
            ctx.operation.method,
            ctx.operation.path,
            ctx.response.status,
            listed.join(", ")
        ),
        remediation: "Serve the declared media type (DRF: restrict `renderer_classes`; an HTML \
                      error page often means DEBUG or an unhandled exception), or declare it."
            .to_string(),
        evidence: ctx.evidence(None),
    });
}
