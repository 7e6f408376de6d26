#![doc = include_str!("../../docs/OVS603.md")]

use super::{Ctx, Report, describe, exposure_severity, model_locations};
use crate::project::exposure::sensitive_paths;
use overshare_finding::{Category, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS603",
    name: "serializer-depth",
    category: Category::Source,
    default_severity: Severity::Medium,
    cwe: &["CWE-213"],
    owasp: &["API3:2023"],
    summary: "Serializer nests whole related models (`Meta.depth`)",
    doc: include_str!("../../docs/OVS603.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    for (&class, s) in &project.serializers {
        let Some((depth, loc)) = s.depth.filter(|(d, _)| *d > 0) else {
            continue;
        };
        let tree = project.exposure(class);
        // The related objects `depth` expands: relation fields with children it made.
        let nested: Vec<&str> = tree
            .iter()
            .filter(|n| n.nested.is_none() && !n.children.is_empty())
            .map(|n| n.name.as_str())
            .collect();
        if nested.is_empty() {
            continue;
        }
        let paths: Vec<_> = sensitive_paths(&tree, ctx.classifier)
            .into_iter()
            .filter(|p| p.path.len() > 1 && nested.contains(&p.path[0].as_str()))
            .collect();
        let name = project.classes[class].name();
        let reach = if paths.is_empty() {
            String::new()
        } else {
            format!(" That puts {} in every response.", describe(&paths))
        };
        let mut locations = vec![
            project.location(loc, "serializer"),
            project.class_location(class, "serializer"),
        ];
        locations.extend(model_locations(ctx, &tree, &paths, 5));
        let fields = nested
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(ctx.finding(
            &META,
            Report {
                subject: name.to_string(),
                key: "depth".into(),
                title: format!("`{name}` nests whole related objects (`depth = {depth}`)"),
                message: format!(
                    "`depth = {depth}` makes `{name}` render {fields} as complete objects, every \
                     field of the related model.{reach}"
                ),
                remediation: "Remove `depth` and nest each relation through a serializer with \
                              explicit fields (e.g. `user = UserSummarySerializer(read_only=True)` \
                              with `fields = [\"id\", \"username\"]`)."
                    .into(),
                severity: Some(exposure_severity(&paths, Severity::Low)),
                confidence: None,
                locations,
            },
        ));
    }
}
