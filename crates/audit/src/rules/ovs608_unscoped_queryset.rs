#![doc = include_str!("../../docs/OVS608.md")]

use super::{Ctx, Report};
use crate::project::View;
use overshare_finding::{Category, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS608",
    name: "unscoped-queryset",
    category: Category::Source,
    default_severity: Severity::High,
    cwe: &["CWE-639"],
    owasp: &["API1:2023"],
    summary: "View serves every row of an owned model: no per-caller filter, no object permission",
    doc: include_str!("../../docs/OVS608.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    for view in &project.views {
        let Some(q) = &view.queryset else { continue };
        let Some(model) = q.model.filter(|_| q.unfiltered) else {
            continue;
        };
        if view.scoped_all || !project.has_owner(model) {
            continue;
        }
        let open = unscoped_actions(ctx, view);
        if open.is_empty() {
            continue;
        }
        let name = &view.name;
        let model_name = &project.models[model].name;
        let actions = open
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        let scoped_elsewhere = if view.scoped_list && !open.contains(&"list") {
            " (`list` filters on the request; the others use `queryset` as it is)"
        } else {
            ""
        };
        out.push(ctx.finding(
            &META,
            Report {
                subject: name.clone(),
                key: "queryset".into(),
                title: format!("`{name}` serves any caller's `{model_name}` objects"),
                message: format!(
                    "`{name}` takes `{model_name}` rows from `queryset` with no filter on the caller \
                     and no permission class that checks objects, so {actions} reach every \
                     caller's objects by id{scoped_elsewhere}."
                ),
                remediation: format!(
                    "Override `get_queryset()` to filter on the caller (e.g. \
                     `return {model_name}.objects.filter(tenant=self.request.tenant)`), so every \
                     action, `retrieve` included, is scoped; or add a permission class with \
                     `has_object_permission`."
                ),
                severity: None,
                confidence: None,
                locations: vec![project.location(q.loc, "view"), project.location(view.loc, "view")],
            },
        ));
    }
}

/// The actions that read rows without a per-caller filter or an object check.
fn unscoped_actions(ctx: &Ctx<'_>, view: &View) -> Vec<&'static str> {
    let object_checked = view
        .permissions
        .iter()
        .any(|p| ctx.project.checks_objects(p));
    let mut open = Vec::new();
    if view.action("list").is_some() && !view.scoped_list {
        open.push("list");
    }
    for detail in ["retrieve", "update", "partial_update", "destroy"] {
        if view.action(detail).is_some() && !view.scoped_detail && !object_checked {
            open.push(detail);
        }
    }
    open
}
