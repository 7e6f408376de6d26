#![doc = include_str!("../../docs/OVS602.md")]

use super::{Ctx, Report, describe, exposure_severity, model_locations, python_list, safe_fields};
use crate::project::exposure::{How, sensitive_paths};
use overshare_finding::{Category, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS602",
    name: "serializer-exclude",
    category: Category::Source,
    default_severity: Severity::Medium,
    cwe: &["CWE-213"],
    owasp: &["API3:2023"],
    summary: "Serializer selects fields with a deny-list (`exclude`)",
    doc: include_str!("../../docs/OVS602.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    for (&class, s) in &project.serializers {
        let (None, Some((excluded, loc)), Some(model)) = (&s.fields, &s.exclude, s.model) else {
            continue;
        };
        let tree = project.exposure(class);
        let paths: Vec<_> = sensitive_paths(&tree, ctx.classifier)
            .into_iter()
            .filter(|p| p.path.len() == 1 && matches!(p.how, How::NotExcluded(_)))
            .collect();
        let name = project.classes[class].name();
        let model_name = &project.models[model].name;
        let still = if paths.is_empty() {
            String::new()
        } else {
            format!(" It still renders {}.", describe(&paths))
        };
        let safe: Vec<String> = safe_fields(ctx, model)
            .into_iter()
            .filter(|f| !excluded.contains(f))
            .collect();
        let mut locations = vec![
            project.location(*loc, "serializer"),
            project.class_location(class, "serializer"),
        ];
        locations.extend(model_locations(ctx, &tree, &paths, 5));
        out.push(ctx.finding(
            &META,
            Report {
                subject: name.to_string(),
                key: "exclude".into(),
                title: format!("`{name}` renders every `{model_name}` field not excluded"),
                message: format!(
                    "`{name}` leaves out {} and renders every other field of `{model_name}`, \
                     including any column added later.{still}",
                    excluded.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
                ),
                remediation: format!(
                    "Replace `exclude` with an allow-list: `fields = {}`.",
                    python_list(&safe)
                ),
                severity: Some(exposure_severity(&paths, Severity::Low)),
                confidence: None,
                locations,
            },
        ));
    }
}
