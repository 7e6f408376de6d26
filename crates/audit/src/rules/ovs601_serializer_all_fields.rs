#![doc = include_str!("../../docs/OVS601.md")]

use super::{Ctx, Report, describe, exposure_severity, model_locations, python_list, safe_fields};
use crate::project::FieldsSpec;
use crate::project::exposure::{How, sensitive_paths};
use overshare_finding::{Category, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS601",
    name: "serializer-all-fields",
    category: Category::Source,
    default_severity: Severity::Medium,
    cwe: &["CWE-213"],
    owasp: &["API3:2023"],
    summary: "Serializer exposes every model field (`fields = '__all__'`)",
    doc: include_str!("../../docs/OVS601.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    for (&class, s) in &project.serializers {
        let (Some(FieldsSpec::All(loc)), Some(model)) = (&s.fields, s.model) else {
            continue;
        };
        let tree = project.exposure(class);
        // Nested fields reached through `depth` are OVS603's; here, the model's own columns.
        let paths: Vec<_> = sensitive_paths(&tree, ctx.classifier)
            .into_iter()
            .filter(|p| p.path.len() == 1 && matches!(p.how, How::All(_)))
            .collect();
        let name = project.classes[class].name();
        let model_name = &project.models[model].name;
        let message = if paths.is_empty() {
            format!(
                "`{name}` renders every field of `{model_name}`, and every field added to it later: \
                 the API's shape is whatever the table holds."
            )
        } else {
            format!(
                "`{name}` renders every field of `{model_name}`, sensitive ones included: {}.",
                describe(&paths)
            )
        };
        let mut locations = vec![
            project.location(*loc, "serializer"),
            project.class_location(class, "serializer"),
        ];
        locations.extend(model_locations(ctx, &tree, &paths, 5));
        out.push(ctx.finding(
            &META,
            Report {
                subject: name.to_string(),
                key: "fields".into(),
                title: format!("`{name}` serializes every field of `{model_name}`"),
                message,
                remediation: format!(
                    "List the fields clients need explicitly, e.g. `fields = {}`, and nest related \
                     objects through serializers with explicit fields of their own.",
                    python_list(&safe_fields(ctx, model))
                ),
                severity: Some(exposure_severity(&paths, Severity::Low)),
                confidence: None,
                locations,
            },
        ));
    }
}
