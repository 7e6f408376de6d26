#![doc = include_str!("../../docs/OVS610.md")]

use super::{Ctx, Report, describe, exposure_severity};
use crate::project::exposure::sensitive_paths;
use crate::project::views::is_allow_any;
use overshare_finding::{Category, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS610",
    name: "allow-any-sensitive",
    category: Category::Source,
    default_severity: Severity::High,
    cwe: &["CWE-306", "CWE-213"],
    owasp: &["API2:2023", "API3:2023"],
    summary: "`AllowAny` view whose serializer renders sensitive fields",
    doc: include_str!("../../docs/OVS610.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    for view in &project.views {
        // Written on the view, or set as the project default: DRF's implicit default is not a
        // decision anyone made in this code.
        let explicit =
            view.permissions_loc.is_some() || !project.settings.default_permissions.is_empty();
        if !explicit || !view.permissions.iter().any(is_allow_any) {
            continue;
        }
        let Some(serializer) = view.serializer else {
            continue;
        };
        let paths = sensitive_paths(&project.exposure(serializer), ctx.classifier);
        if paths.is_empty() {
            continue;
        }
        let name = &view.name;
        let serializer_name = project.classes[serializer].name();
        let mut locations = Vec::new();
        locations.extend(view.permissions_loc.map(|l| project.location(l, "view")));
        locations.push(project.location(view.loc, "view"));
        locations.push(project.class_location(serializer, "serializer"));
        out.push(
            ctx.finding(
                &META,
                Report {
                    subject: name.clone(),
                    key: "AllowAny".into(),
                    title: format!("`{name}` is `AllowAny` and renders sensitive fields"),
                    message: format!(
                        "`{name}` lets any caller in (`AllowAny`: no authentication is required, a \
                     verified certificate included) and renders `{serializer_name}`: {}.",
                        describe(&paths)
                    ),
                    remediation:
                        "Require authentication (`permission_classes = [IsAuthenticated, ...]` \
                              with an authentication class that rejects unverified certificates), \
                              and keep secrets out of the serializer."
                            .into(),
                    severity: Some(exposure_severity(&paths, Severity::Medium)),
                    confidence: None,
                    locations,
                },
            ),
        );
    }
}
