#![doc = include_str!("../../docs/OVS105.md")]

use super::Context;
use super::walk::{Walked, dotted};
use crate::Observation;
use overshare_finding::{Category, RuleMeta, Severity};

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
        out.push(ctx.property_observation(
            &META,
            sighting,
            format!("Write-only property `{}` returned", sighting.field),
            format!(
                "{} {} returned `{field}` (at {}), which the spec marks `writeOnly`: clients may \
                 send it, never receive it.",
                ctx.operation.method, ctx.operation.path, sighting.pointer
            ),
            "Mark the serializer field `write_only=True` (or list it in `Meta.extra_kwargs = \
             {'field': {'write_only': True}}`) so DRF never renders it.",
        ));
    }
}
