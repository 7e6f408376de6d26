#![doc = include_str!("../../docs/OVS605.md")]

use super::{Ctx, Report};
use crate::project::exposure::{Exposed, How};
use overshare_classify::Class;
use overshare_finding::{Category, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS605",
    name: "secret-field-serialized",
    category: Category::Source,
    default_severity: Severity::High,
    cwe: &["CWE-213", "CWE-522"],
    owasp: &["API3:2023"],
    summary: "Serializer renders a password, secret or key it names explicitly",
    doc: include_str!("../../docs/OVS605.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    for &class in project.serializers.keys() {
        for node in project.exposure(class) {
            if !node.readable || !matches!(node.how, How::Listed(_) | How::Declared(_)) {
                continue;
            }
            let Some(rule) = credential(ctx, &node) else {
                continue;
            };
            let name = project.classes[class].name();
            let field = &node.name;
            let password = rule.name == "password";
            let remediation = if password {
                format!(
                    "Make `{field}` write-only: `extra_kwargs = {{\"{field}\": {{\"write_only\": True}}}}` \
                     in `Meta` (or declare it `serializers.CharField(write_only=True)`)."
                )
            } else {
                format!(
                    "Remove `{field}` from the rendered fields; if clients must set it, make it \
                     write-only (`extra_kwargs = {{\"{field}\": {{\"write_only\": True}}}}`)."
                )
            };
            let mut locations = vec![
                project.location(node.how.loc(), "serializer"),
                project.class_location(class, "serializer"),
            ];
            locations.extend(
                node.field
                    .as_ref()
                    .and_then(|f| f.loc)
                    .map(|l| project.location(l, "model")),
            );
            out.push(ctx.finding(
                &META,
                Report {
                    subject: name.to_string(),
                    key: field.clone(),
                    title: format!("`{name}` renders `{field}` ({})", rule.name),
                    message: format!(
                        "`{field}` is in `{name}`'s output and is not write-only: every response \
                         carries the {} ({}).",
                        if password {
                            "stored password hash"
                        } else {
                            "secret"
                        },
                        rule.summary
                    ),
                    remediation,
                    severity: Some(rule.severity.max(Severity::High)),
                    confidence: None,
                    locations,
                },
            ));
        }
    }
}

/// The credential rule the field's name (or its `source`) matches.
fn credential<'c>(ctx: &'c Ctx<'_>, node: &Exposed) -> Option<&'c overshare_classify::Rule> {
    let names = [
        Some(node.name.as_str()),
        node.field.as_ref().map(|f| f.name.as_str()),
    ];
    names.into_iter().flatten().find_map(|name| {
        ctx.classifier
            .classify_name(&[name])
            .filter(|rule| rule.class == Class::Credential)
    })
}
