#![doc = include_str!("../../docs/OVS105.md")]

use super::Context;
use super::walk::{Walked, dotted};
use crate::Observation;
use overshare_finding::{Category, Confidence, RuleMeta, Severity, redact};

pub static META: RuleMeta = RuleMeta {
    id: "OVS105",
    name: "write-only-property-returned",
    category: Category::Exposure,
    default_severity: Severity::High,
    cwe: &["CWE-213"],
    owasp: &["API3:2023"],
    summary: "Response contains a property the spec marks writeOnly",
    doc: include_str!("../../docs/OVS105.md"),
};

pub fn check(ctx: &Context<'_>, walked: &Walked<'_>, out: &mut Vec<Observation>) {
    for sighting in &walked.write_only {
        let field = dotted(&sighting.pattern);
        out.push(Observation {
            rule: &META,
            operation: ctx.operation_ref(),
            pattern: sighting.pattern.clone(),
            pointer: sighting.pointer.clone(),
            field: Some(sighting.field.clone()),
            identity: ctx.exchange.identity.clone(),
            severity: META.default_severity,
            confidence: Confidence::High,
            title: format!("Write-only property `{}` returned", sighting.field),
            message: format!(
                "{} {} returned `{field}` (at {}), which the spec marks `writeOnly`: clients may \
                 send it, never receive it.",
                ctx.operation.method, ctx.operation.path, sighting.pointer
            ),
            remediation: "Mark the serializer field `write_only=True` (or list it in \
                          `Meta.extra_kwargs = {'field': {'write_only': True}}`) so DRF never \
                          renders it."
                .to_string(),
            evidence: ctx.evidence(Some(redact::redact_value(sighting.value))),
        });
    }
}
