#![doc = include_str!("../../docs/OVS616.md")]

use super::{Ctx, Report};
use crate::project::settings::setting;
use overshare_finding::{Category, Finding, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS616",
    name: "allowed-hosts-wildcard",
    category: Category::Source,
    default_severity: Severity::Medium,
    cwe: &["CWE-346"],
    owasp: &["API8:2023"],
    summary: "`ALLOWED_HOSTS = ['*']` in an app that trusts identity headers",
    doc: include_str!("../../docs/OVS616.md"),
};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let project = ctx.project;
    let header_reads: Vec<_> = project
        .identity
        .reads
        .iter()
        .filter(|r| r.from_header)
        .collect();
    if header_reads.is_empty() {
        return;
    }
    for &(file, non_production) in &project.settings.modules {
        if non_production {
            continue;
        }
        let Some(hosts) = setting(file, &project.files[file], "ALLOWED_HOSTS") else {
            continue;
        };
        let wildcard = hosts
            .value
            .elements()
            .is_some_and(|e| e.iter().any(|h| h.as_str() == Some("*")));
        if !wildcard {
            continue;
        }
        let mut locations = vec![project.location(hosts.loc, "settings")];
        locations.extend(
            header_reads
                .iter()
                .take(3)
                .map(|r| project.location(r.loc, r.role)),
        );
        let headers: Vec<String> = header_reads
            .iter()
            .map(|r| format!("`{}`", r.header))
            .collect();
        out.push(
            ctx.finding(
                &META,
                Report {
                    subject: project.files[file].module.clone(),
                    key: "ALLOWED_HOSTS".into(),
                    title: "`ALLOWED_HOSTS` accepts any host while identity comes from headers"
                        .into(),
                    message: format!(
                        "`ALLOWED_HOSTS = ['*']` answers requests for any `Host`, so the app also \
                     answers requests that did not come through the proxy's virtual host, the one \
                     that sets {}. Any route around the proxy lets a client name itself.",
                        headers.join(", ")
                    ),
                    remediation:
                        "List the proxy's host names only (`ALLOWED_HOSTS = [\"api.internal\"]`), \
                              and bind the app where only the proxy can reach it."
                            .into(),
                    severity: None,
                    confidence: None,
                    locations,
                },
            ),
        );
    }
}
