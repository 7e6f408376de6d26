#![doc = include_str!("../../docs/OVS606.md")]

use super::{Ctx, Report};
use crate::project::exposure::Exposed;
use crate::project::models::OWNER_RELATIONS;
use crate::project::{ClassId, FieldKind};
use overshare_classify::Class;
use overshare_finding::{Category, Confidence, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS606",
    name: "writable-privileged-field",
    category: Category::Source,
    default_severity: Severity::High,
    cwe: &["CWE-915"],
    owasp: &["API3:2023"],
    summary: "Serializer accepts a privilege or ownership field from the client (mass assignment)",
    doc: include_str!("../../docs/OVS606.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    for &class in project.serializers.keys() {
        // A serializer only read-only views (or read-only nestings) use cannot be written
        // through the API.
        let mut views = project.views_using(class).peekable();
        let (nested, nested_writable) = nestings(ctx, class);
        let used = views.peek().is_some() || nested;
        let writable_view = views.find(|v| v.is_writable());
        if used && writable_view.is_none() && !nested_writable {
            continue;
        }
        for node in project.exposure(class) {
            if !node.writable {
                continue;
            }
            let Some(what) = privileged(ctx, &node) else {
                continue;
            };
            let mut locations = vec![
                project.location(node.how.loc(), "serializer"),
                project.class_location(class, "serializer"),
            ];
            if let Some(view) = writable_view {
                locations.push(project.location(view.loc, "view"));
            }
            report(ctx, class, &node, what, used, locations, out);
        }
    }
}

/// Whether another serializer nests this one, and whether any such nesting is writable.
fn nestings(ctx: &Ctx<'_>, class: ClassId) -> (bool, bool) {
    let mut declared = ctx
        .project
        .serializers
        .values()
        .flat_map(|s| s.declared.iter())
        .filter(|d| d.nested == Some(class))
        .peekable();
    let any = declared.peek().is_some();
    (any, declared.any(|d| !d.read_only))
}

/// What makes the field dangerous to accept: a privilege (by the classifier) or ownership.
fn privileged(ctx: &Ctx<'_>, node: &Exposed) -> Option<String> {
    if let Some(rule) = ctx.classifier.classify_name(&[node.name.as_str()])
        && rule.class == Class::Privilege
        && rule.severity >= Severity::Medium
    {
        return Some(format!("a privilege field ({})", rule.name));
    }
    let field = node.field.as_ref()?;
    let owner_relation = matches!(field.kind, FieldKind::ForeignKey | FieldKind::OneToOne)
        && (OWNER_RELATIONS.contains(&field.name.as_str())
            || field.target == Some(ctx.project.user_model)
            || field.target == Some(0));
    owner_relation.then(|| "the object's owner".to_string())
}

fn report(
    ctx: &Ctx<'_>,
    class: ClassId,
    node: &Exposed,
    what: String,
    used: bool,
    locations: Vec<overshare_finding::SourceLocation>,
    out: &mut Vec<Finding>,
) {
    let name = ctx.project.classes[class].name();
    let field = &node.name;
    let through = if used {
        "a view that creates or updates through it"
    } else {
        "any view that writes through it"
    };
    out.push(ctx.finding(
        &META,
        Report {
            subject: name.to_string(),
            key: field.clone(),
            title: format!("`{name}` lets clients set `{field}`"),
            message: format!(
                "`{field}` is {what}, and `{name}` accepts it from the request body: a client can \
                 set it through {through}."
            ),
            remediation: format!(
                "Add `{field}` to `Meta.read_only_fields` (or declare it `read_only=True`); set \
                 ownership server-side, e.g. in `perform_create(serializer)`: \
                 `serializer.save({field}=...)` from `self.request`."
            ),
            severity: None,
            confidence: Some(if used {
                Confidence::High
            } else {
                Confidence::Medium
            }),
            locations,
        },
    ));
}
