#![doc = include_str!("../../docs/OVS609.md")]

use super::{Ctx, Report};
use crate::project::ClassId;
use crate::project::views::PermRef;
use overshare_finding::{Category, Finding, RuleMeta, Severity};
use rayon::prelude::*;

pub static META: RuleMeta = RuleMeta {
    id: "OVS609",
    name: "permission-without-object-check",
    category: Category::Source,
    default_severity: Severity::Medium,
    cwe: &["CWE-639", "CWE-285"],
    owasp: &["API1:2023"],
    summary: "Permission class checks only `has_permission` on views that serve single objects",
    doc: include_str!("../../docs/OVS609.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    // Every class of the project is looked at (its methods, through its ancestry): on every
    // core.
    let found: Vec<Finding> = (0..ctx.project.classes.len())
        .into_par_iter()
        .filter_map(|class| check_class(ctx, class))
        .collect();
    out.extend(found);
}

fn check_class(ctx: &Ctx<'_>, class: ClassId) -> Option<Finding> {
    let project = ctx.project;
    let info = &project.classes[class];
    let (_, has_permission) = project.method(class, "has_permission")?;
    if project.method(class, "has_object_permission").is_some() || info.outer.is_some() {
        return None;
    }
    let views = exposed_views(ctx, class);
    if views.is_empty() {
        return None;
    }
    let name = info.name();
    let mut locations = vec![project.location(
        crate::source::Loc {
            file: info.file,
            span: has_permission.name_span,
        },
        "view",
    )];
    locations.extend(
        views
            .iter()
            .map(|v| project.location(v.permissions_loc.unwrap_or(v.loc), "view")),
    );
    let names = views
        .iter()
        .map(|v| format!("`{}`", v.name))
        .collect::<Vec<_>>()
        .join(", ");
    Some(ctx.finding(
        &META,
        Report {
            subject: name.to_string(),
            key: "has_permission".into(),
            title: format!("`{name}` never checks the object it guards"),
            message: format!(
                "`{name}` defines `has_permission` only; DRF calls it before the object is \
                     loaded, so on {names} (single-object routes, queryset not filtered on the \
                     caller) it cannot stop one caller reading another's object by id."
            ),
            remediation: format!(
                "Add `has_object_permission(self, request, view, obj)` to `{name}` that \
                     checks the object belongs to the caller, or filter `get_queryset()` on \
                     the caller."
            ),
            severity: None,
            confidence: None,
            locations,
        },
    ))
}

/// Views using the permission that serve single objects with nothing else checking objects.
fn exposed_views<'p>(ctx: &Ctx<'p>, class: ClassId) -> Vec<&'p crate::project::View> {
    ctx.project
        .views
        .iter()
        .filter(|v| v.permissions.contains(&PermRef::Project(class)))
        .filter(|v| v.has_detail_action() && !v.scoped_all && !v.scoped_detail)
        .filter(|v| !v.permissions.iter().any(|p| ctx.project.checks_objects(p)))
        .collect()
}
