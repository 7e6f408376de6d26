#![doc = include_str!("../../docs/OVS615.md")]

use super::{Ctx, Report};
use crate::project::settings::setting;
use crate::syntax::Expr;
use overshare_finding::{Category, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS615",
    name: "debug-enabled",
    category: Category::Source,
    default_severity: Severity::High,
    cwe: &["CWE-489", "CWE-215"],
    owasp: &["API8:2023"],
    summary: "`DEBUG = True` in settings that are not for development or tests",
    doc: include_str!("../../docs/OVS615.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    for &(file, non_production) in &project.settings.modules {
        if non_production {
            continue;
        }
        let Some(debug) = setting(file, &project.files[file], "DEBUG") else {
            continue;
        };
        if !defaults_to_true(&debug.value) {
            continue;
        }
        let module = &project.files[file].module;
        out.push(ctx.finding(
            &META,
            Report {
                subject: module.clone(),
                key: "DEBUG".into(),
                title: "`DEBUG` is on in production settings".into(),
                message: format!(
                    "`{module}` sets `DEBUG` on (or on by default) and its name does not say it is \
                     for development or tests. With `DEBUG`, every error response carries a \
                     traceback with local variables, the settings and the SQL it ran."
                ),
                remediation: "Default to off and turn it on only in development: \
                              `DEBUG = os.environ.get(\"DJANGO_DEBUG\") == \"1\"`."
                    .into(),
                severity: None,
                confidence: None,
                locations: vec![project.location(debug.loc, "settings")],
            },
        ));
    }
}

/// `True`, or an environment read whose default is true (`env.bool("DEBUG", default=True)`).
fn defaults_to_true(value: &Expr) -> bool {
    let truthy = |e: &Expr| match e {
        Expr::Bool { value, .. } => *value,
        Expr::Str { value, .. } => matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "1" | "yes" | "on"
        ),
        _ => false,
    };
    match value {
        Expr::Bool { value: true, .. } => true,
        Expr::Call(call) => {
            call.keyword("default").is_some_and(truthy) || call.args.get(1).is_some_and(truthy)
        }
        Expr::Compare { .. } | Expr::Other { .. } => false,
        _ => false,
    }
}
