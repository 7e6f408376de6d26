#![doc = include_str!("../../docs/OVS604.md")]

use super::{Ctx, Report, describe, exposure_severity, model_locations};
use crate::project::exposure::{Exposed, sensitive_paths};
use crate::project::{FieldKind, FieldsSpec, Serializer};
use overshare_finding::{Category, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS604",
    name: "nested-serializer-exposure",
    category: Category::Source,
    default_severity: Severity::Medium,
    cwe: &["CWE-213"],
    owasp: &["API3:2023"],
    summary: "Nested serializer exposes a reverse relation or a whole related model",
    doc: include_str!("../../docs/OVS604.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    for &class in project.serializers.keys() {
        let tree = project.exposure(class);
        for node in &tree {
            let Some(nested) = node.nested else { continue };
            let Some(why) = reason(node, &project.serializers[&nested]) else {
                continue;
            };
            report(ctx, class, node, nested, why, out);
        }
    }
}

/// Why nesting this serializer is risky: it walks a reverse relation (every related row), or
/// its own field list is not explicit.
fn reason(node: &Exposed, nested: &Serializer) -> Option<&'static str> {
    let reverse = node
        .field
        .as_ref()
        .is_some_and(|f| matches!(f.kind, FieldKind::Reverse { .. }));
    let open = matches!(nested.fields, Some(FieldsSpec::All(_))) || nested.exclude.is_some();
    match (reverse, open) {
        (true, true) => Some("walks a reverse relation into a serializer that renders every field"),
        (true, false) => Some("walks a reverse relation: every related row of the object"),
        (false, true) => Some("nests a serializer that renders every field of its model"),
        (false, false) => None,
    }
}

fn report(
    ctx: &Ctx<'_>,
    class: usize,
    node: &Exposed,
    nested: usize,
    why: &str,
    out: &mut Vec<Finding>,
) {
    let project = ctx.project;
    let paths = sensitive_paths(std::slice::from_ref(node), ctx.classifier);
    let paths: Vec<_> = paths.into_iter().filter(|p| p.path.len() > 1).collect();
    if paths.is_empty() {
        return;
    }
    let name = project.classes[class].name();
    let nested_name = project.classes[nested].name();
    let field = &node.name;
    let mut locations = vec![
        project.location(node.how.loc(), "serializer"),
        project.class_location(nested, "serializer"),
    ];
    if let Some(FieldsSpec::All(loc)) = &project.serializers[&nested].fields {
        locations.push(project.location(*loc, "serializer"));
    }
    locations.extend(model_locations(ctx, std::slice::from_ref(node), &paths, 5));
    out.push(ctx.finding(
        &META,
        Report {
            subject: name.to_string(),
            key: field.clone(),
            title: format!(
                "`{name}.{field}` nests `{nested_name}`, which exposes sensitive fields"
            ),
            message: format!(
                "`{field} = {nested_name}(...)` {why}, so `{name}` renders {}.",
                describe(&paths)
            ),
            remediation: format!(
                "Nest a serializer with explicit, non-sensitive fields for `{field}` (or drop the \
                 relation from the response and serve it from its own, scoped endpoint)."
            ),
            severity: Some(exposure_severity(&paths, Severity::Medium)),
            confidence: None,
            locations,
        },
    ));
}
