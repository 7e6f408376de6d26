#![doc = include_str!("../../docs/OVS102.md")]

use super::Context;
use crate::Observation;
use overshare_finding::{Category, Confidence, RuleMeta, Severity, redact};

pub static META: RuleMeta = RuleMeta {
    id: "OVS102",
    name: "undeclared-response-body",
    category: Category::Exposure,
    default_severity: Severity::Medium,
    cwe: &["CWE-213"],
    owasp: &["API3:2023"],
    summary: "Response body where the spec declares none",
    doc: include_str!("../../docs/OVS102.md"),
};

pub fn check(ctx: &Context<'_>, out: &mut Vec<Observation>) {
    let Some(declared) = ctx.declared_response() else {
        return;
    };
    if !declared.content.is_empty() || ctx.body_is_empty() || ctx.exchange.request.method == "HEAD"
    {
        return;
    }
    let (shape, keys) = match &ctx.response.json {
        Some(json) => (redact::redact_value(json), top_level_keys(json)),
        None => (format!("{} bytes", ctx.response.body.len()), String::new()),
    };
    out.push(Observation {
        rule: (&META).into(),
        operation: ctx.operation_ref(),
        pattern: String::new(),
        pointer: String::new(),
        field: None,
        identity: ctx.exchange.identity.clone(),
        severity: META.default_severity,
        confidence: Confidence::High,
        title: format!(
            "Undeclared response body for status {}",
            ctx.response.status
        ),
        message: format!(
            "{} {} returned a body{keys} for status {}, where the spec declares no content.",
            ctx.operation.method, ctx.operation.path, ctx.response.status
        ),
        remediation: "Return no body (DRF: `Response(status=204)`) or declare the body in the \
                      spec with only the fields clients need."
            .to_string(),
        evidence: ctx.evidence(Some(shape)),
    });
}

/// ` with keys `a`, `b`` for an object body: names are not values, and they say what leaked.
fn top_level_keys(json: &serde_json::Value) -> String {
    let Some(map) = json.as_object() else {
        return String::new();
    };
    let names: Vec<String> = map.keys().take(12).map(|k| format!("`{k}`")).collect();
    format!(" with keys {}", names.join(", "))
}
