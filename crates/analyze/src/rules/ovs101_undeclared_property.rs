#![doc = include_str!("../../docs/OVS101.md")]

use super::Context;
use super::walk::{Walked, dotted};
use crate::Observation;
use overshare_finding::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS101",
    name: "undeclared-property",
    category: Category::Exposure,
    default_severity: Severity::Medium,
    cwe: &["CWE-213"],
    owasp: &["API3:2023"],
    summary: "Response property the spec does not declare",
    doc: include_str!("../../docs/OVS101.md"),
};

pub fn check(ctx: &Context<'_>, walked: &Walked<'_>, out: &mut Vec<Observation>) {
    for sighting in &walked.undeclared {
        let field = dotted(&sighting.pattern);
        let schema = sighting
            .schema_name
            .as_deref()
            .map(|name| format!(" (schema `{name}`)"))
            .unwrap_or_default();
        out.push(ctx.property_observation(
            &META,
            sighting,
            format!("Undeclared property `{}` in the response", sighting.field),
            format!(
                "{} {} returned `{field}` (at {}), which the spec does not declare for status {}{schema}.",
                ctx.operation.method, ctx.operation.path, sighting.pointer, ctx.response.status
            ),
            "List the fields clients need explicitly in the serializer's `Meta.fields` (never \
             `'__all__'`), remove `depth`, and nest serializers that have explicit fields. If the \
             field is meant to be public, declare it in the spec.",
        ));
    }
}
