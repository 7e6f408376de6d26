//! `overshare audit`: the static audit as a command, and the source side of `scan --source`.
//!
//! The audit crate finds the causes in Python source and proxy config; this module only turns
//! its result into a report (and, for `scan`, attaches source lines to runtime findings).

use crate::Fatal;
use crate::cli::AuditArgs;
use crate::emit;
use overshare_audit::{Audit, AuditOptions};
use overshare_finding::{Finding, RuleMeta, Severity};
use overshare_report::{RenderContext, Report, ReportInput, RuleDescriptor};
use std::path::PathBuf;
use std::time::Instant;

/// Every rule the static audit can report: Python rules, then proxy config rules.
pub fn rules() -> Vec<&'static RuleMeta> {
    overshare_audit::RULES
        .iter()
        .chain(overshare_audit::PROXY_RULES)
        .copied()
        .collect()
}

/// Run the audit on `paths`; a path that does not exist is a usage error.
pub fn run_audit(paths: &[PathBuf], options: &AuditOptions) -> Result<Audit, Fatal> {
    for path in paths {
        if !path.exists() {
            return Err(Fatal::Usage(format!(
                "{}: no such file or directory (overshare audit takes source directories and \
                 proxy config files)",
                path.display()
            )));
        }
    }
    overshare_audit::audit(paths, options).map_err(|err| Fatal::Usage(err.to_string()))
}

/// Parse problems, as report errors (`file:line:col: message`): the rest was still audited.
pub fn parse_errors(audit: &Audit) -> Vec<String> {
    audit
        .parse_errors
        .iter()
        .map(|p| {
            format!(
                "{}:{}:{}: {} (the rest of the file was audited)",
                p.file, p.line, p.column, p.message
            )
        })
        .collect()
}

pub async fn run(args: AuditArgs) -> Result<u8, Fatal> {
    let started = Instant::now();
    let options = AuditOptions {
        include_migrations: args.include_migrations,
        include_virtualenvs: args.include_virtualenvs,
        full_parse: args.full_parse,
    };
    let paths = args.paths.clone();
    // The audit is CPU-bound (rayon): keep it off the async workers.
    let audit = tokio::task::spawn_blocking(move || run_audit(&paths, &options))
        .await
        .map_err(|e| Fatal::Usage(format!("the audit stopped: {e}")))??;
    if !args.output.quiet {
        anstream::eprintln!(
            "audited {} Python file(s) in {} ms ({}% of their text parsed: the rest is code no \
             rule reads; --full-parse parses it all)",
            audit.files_scanned,
            started.elapsed().as_millis(),
            (audit.bytes_parsed * 100)
                .checked_div(audit.bytes_read)
                .unwrap_or(100)
        );
    }
    // The syntax trees of a large project are tens of megabytes of small nodes: freeing
    // them one by one as the command ends costs more than the rules did. The process is about
    // to exit and the OS takes the memory back at once.
    let errors = parse_errors(&audit);
    std::mem::forget(audit.project);
    let report = Report::new(ReportInput {
        target: args
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" "),
        spec: String::new(),
        started_at: crate::scan::rfc3339_now(),
        duration_ms: started.elapsed().as_millis() as u64,
        errors,
        findings: audit.findings,
        ..Default::default()
    });
    let context = render_context(overshare_classify::Classifier::builtin_shared(), None);
    let fail_on = args.output.fail_on.unwrap_or(Severity::High);
    emit::emit(&report, &context, &args.output, fail_on)
}

/// Every rule's doc (runtime and static), for the renderers that link rules.
pub fn render_context(
    classifier: &overshare_classify::Classifier,
    spec_path: Option<String>,
) -> RenderContext {
    let rules = overshare_analyze::catalogue_with(classifier, &rules())
        .into_iter()
        .map(|rule| RuleDescriptor {
            id: rule.id,
            name: rule.name,
            category: rule.category,
            summary: rule.summary,
            doc: rule.doc,
            default_severity: rule.severity,
            cwe: rule.cwe,
            owasp: rule.owasp,
        })
        .collect();
    RenderContext {
        rules,
        spec_path,
        operation_lines: Default::default(),
    }
}

/// Attach the audit's source lines to runtime findings, then add the static findings.
pub fn correlate(findings: &mut Vec<Finding>, audit: &Audit) {
    overshare_audit::correlate(findings, audit);
    findings.extend(audit.findings.iter().cloned());
}
