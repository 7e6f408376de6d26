//! `overshare scan`: load, check, probe, analyze, report. Also the engine behind `demo`.

use crate::Fatal;
use crate::cli::{OutputArgs, ScanArgs};
use crate::config::{self, Roles};
use crate::{emit, identities};
use overshare_analyze::Analyzer;
use overshare_classify::Classifier;
use overshare_contract::Contract;
use overshare_exchange::Exchange;
use overshare_identity::TrustAnchors;
use overshare_probe::{
    BodyLimits, IdentityCheck, ProbeSettings, Prober, RunOptions, RunResult, ScanIdentity,
};
use overshare_report::{
    CoverageEntry, CoverageStatus, IdentityStatus, RenderContext, Report, ReportInput,
    RuleDescriptor,
};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use url::Url;

/// Everything a scan needs, loaded and validated.
pub struct Target {
    pub base_url: Url,
    /// The spec as given (file path or URL), for the report.
    pub spec: String,
    pub trust: TrustAnchors,
    pub identities: Vec<ScanIdentity>,
    pub params: HashMap<String, String>,
    /// Built-in data rules plus the config file's `rules` and `--rules` files.
    pub classifier: Classifier,
    /// Origins in scope besides the target's.
    pub scope: Vec<Url>,
    /// Identity name → `role` from the config file. Parsed now so that files written today
    /// keep working; the cross-identity analyzer that compares roles will read it.
    #[expect(
        dead_code,
        reason = "read by the cross-identity analyzer, not written yet"
    )]
    pub roles: Roles,
}

/// The limits a scan runs under, resolved from flags, config file and these defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub concurrency: u16,
    /// Requests per second; 0 is unlimited.
    pub rate: u32,
    /// Seconds per request.
    pub timeout: u64,
    /// Seconds for the whole scan.
    pub max_time: u64,
    pub max_body: usize,
    pub max_decoded: usize,
    pub max_json_depth: u16,
}

impl Default for Limits {
    /// The defaults the `--help` text names.
    fn default() -> Limits {
        Limits {
            concurrency: 8,
            rate: 0,
            timeout: 15,
            max_time: 900,
            max_body: 10 * 1024 * 1024,
            max_decoded: 50 * 1024 * 1024,
            max_json_depth: 64,
        }
    }
}

pub async fn run(args: ScanArgs) -> Result<u8, Fatal> {
    let file = config::load(&args.config, args.output.quiet)?;
    let settings = config::merge(args, file.as_ref(), &|var| std::env::var(var).ok())?;
    if settings.identities.is_empty() {
        return Err(Fatal::Usage(
            "no identity: give at least one --identity NAME=CERT,KEY (or --identity-header), \
             or an [[identity]] table in the config file"
                .into(),
        ));
    }
    let target = Target {
        base_url: settings.url,
        spec: settings.spec,
        trust: identities::trust(settings.ca.as_deref())?,
        identities: identities::load(settings.identities)?,
        params: settings.params,
        classifier: classifier(&settings.rules)?,
        scope: settings.scope,
        roles: settings.roles,
    };
    // Read before scanning: a wrong path should fail before any request is sent.
    let baseline = settings
        .baseline
        .as_deref()
        .map(crate::baseline::Baseline::read)
        .transpose()?;
    let (mut report, context) = execute(target, &settings.limits, &settings.output).await?;
    if let Some(path) = &settings.write_baseline {
        crate::baseline::Baseline::write(path, &report)?;
    }
    let today = rfc3339_now().chars().take(10).collect::<String>();
    crate::baseline::apply(
        &mut report,
        baseline.as_ref(),
        &settings.suppressions,
        &today,
    );
    emit::emit(&report, &context, &settings.output, settings.fail_on)
}

/// The built-in rules, extended or overridden by `--rules` files in order.
pub fn classifier(files: &[std::path::PathBuf]) -> Result<Classifier, Fatal> {
    Classifier::with_files(files).map_err(|err| Fatal::Usage(err.to_string()))
}

/// The target's base URL; `label` says where it came from (`--url`, or the file's `url`).
pub fn parse_base_url(text: &str, label: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|err| {
        format!("{label} `{text}` is not a URL ({err}): write it as https://host:port")
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "{label} `{text}` must be an http:// or https:// URL with a host"
        ));
    }
    Ok(url)
}

pub fn parse_params(params: &[String]) -> Result<HashMap<String, String>, Fatal> {
    params
        .iter()
        .map(|p| match p.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_string(), value.to_string()))
            }
            _ => Err(Fatal::Usage(format!(
                "--param `{p}`: write it as NAME=VALUE (e.g. --param id=42)"
            ))),
        })
        .collect()
}

/// Run a whole scan and build its report. Exit-code decisions stay with the caller.
pub async fn execute(
    target: Target,
    limits: &Limits,
    output: &OutputArgs,
) -> Result<(Report, RenderContext), Fatal> {
    let started = Instant::now();
    let started_at = rfc3339_now();
    let mut settings = probe_settings(&target.base_url, limits);
    settings.scope = target.scope.clone();
    let identity_status = identity_statuses(&target.identities);
    let prober = Prober::new(settings, &target.trust, target.identities)
        .map_err(|err| Fatal::Usage(err.to_string()))?;
    let contract = load_contract(&target.spec, &prober).await?;
    let (checks, preflight_exchanges) = overshare_probe::preflight(&prober).await;
    let usable: Vec<usize> = (0..checks.len())
        .filter(|&i| checks[i].result.is_ok())
        .collect();
    if usable.is_empty() {
        return Err(Fatal::Unreachable(unreachable_message(
            &target.base_url,
            &checks,
        )));
    }
    let (cancel_tx, cancel_rx) = watch::channel(None);
    let guards = spawn_cancellers(cancel_tx, Duration::from_secs(limits.max_time));
    let progress = emit::Progress::new(output.quiet, output.verbose);
    let options = RunOptions {
        params: target.params,
    };
    let analyzer = Analyzer::new(&contract, &target.classifier);
    let mut observations = Vec::new();
    let mut failures = Vec::new();
    // Each exchange is analysed as it arrives and then dropped: memory stays proportional to
    // the responses in flight, not to the whole scan.
    let mut on_exchange = |exchange: Exchange| {
        progress.tick(&exchange);
        let rank = identity_rank(&identity_status, exchange.identity.as_deref());
        observations.push(((rank, exchange.seq), analyzer.exchange(&exchange)));
        if let Some(line) = failure_line(&exchange) {
            failures.push(line);
        }
    };
    let result = overshare_probe::run(
        &contract,
        &prober,
        &usable,
        &options,
        cancel_rx,
        &mut on_exchange,
    )
    .await;
    progress.finish();
    for guard in guards {
        guard.abort();
    }
    // Responses arrive in any order; findings must not. Group in identity order (the primary
    // first supplies the evidence), then in the order requests were planned.
    observations.sort_by_key(|(key, _)| *key);
    let findings = overshare_analyze::group(observations.into_iter().flat_map(|(_, obs)| obs));
    let requests_sent = prober.requests_sent();
    drop(preflight_exchanges);
    if let Some(reason) = &result.interrupted {
        failures.push(format!(
            "scan stopped early: {reason}; the report holds what was found before"
        ));
    }
    let context = render_context(&contract, &target.classifier, &target.spec);
    let report = Report::new(ReportInput {
        target: target.base_url.to_string(),
        spec: target.spec,
        started_at,
        duration_ms: started.elapsed().as_millis() as u64,
        interrupted: result.interrupted.is_some(),
        requests_sent,
        identities: merge_checks(identity_status, &checks),
        coverage: coverage(&contract, &result),
        errors: failures,
        findings,
        ..Default::default()
    });
    Ok((report, context))
}

/// What the file-pointing formats (SARIF, Markdown, HTML) need besides the report: every
/// rule's doc, and where each operation is written in the spec.
fn render_context(contract: &Contract, classifier: &Classifier, spec: &str) -> RenderContext {
    let rules = overshare_analyze::catalogue(classifier)
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
    let operation_lines = contract
        .operations
        .iter()
        .filter_map(|op| Some(((op.method.clone(), op.path.clone()), op.line?)))
        .collect();
    let is_url = spec.starts_with("https://") || spec.starts_with("http://");
    RenderContext {
        rules,
        spec_path: Some(spec.to_string()).filter(|_| !is_url),
        operation_lines,
    }
}

fn probe_settings(base_url: &Url, limits: &Limits) -> ProbeSettings {
    let mut settings = ProbeSettings::new(base_url.clone());
    settings.concurrency = limits.concurrency as usize;
    settings.rate = NonZeroU32::new(limits.rate);
    settings.timeout = Duration::from_secs(limits.timeout);
    settings.limits = BodyLimits {
        max_wire_bytes: limits.max_body,
        max_decoded_bytes: limits.max_decoded,
        max_json_depth: limits.max_json_depth as usize,
    };
    settings
}

/// Read the spec from a file, or fetch it with the first identity when it is a URL.
async fn load_contract(spec: &str, prober: &Prober) -> Result<Contract, Fatal> {
    if spec.starts_with("https://") || spec.starts_with("http://") {
        let url = Url::parse(spec).map_err(|e| Fatal::Usage(format!("--spec `{spec}`: {e}")))?;
        let text = prober
            .fetch_document(&url)
            .await
            .map_err(|e| Fatal::Unreachable(format!("cannot fetch the spec {spec}: {e}")))?;
        return overshare_contract::load_str(&text, spec, None)
            .map_err(|e| Fatal::Usage(e.to_string()));
    }
    overshare_contract::load_file(Path::new(spec)).map_err(|e| Fatal::Usage(e.to_string()))
}

/// Ctrl-C and the total time limit both stop the run; the report is still written.
fn spawn_cancellers(
    cancel: watch::Sender<Option<String>>,
    max_time: Duration,
) -> Vec<tokio::task::JoinHandle<()>> {
    let on_signal = cancel.clone();
    let signal = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = on_signal.send(Some("interrupted (Ctrl-C)".into()));
            // Said even with --quiet: the user pressed a key and waits for an answer.
            anstream::eprintln!(
                "stopping: no new requests; requests in flight get {} s to answer, then the \
                 report is written",
                overshare_probe::run::STOP_GRACE.as_secs()
            );
        }
    });
    let timer = tokio::spawn(async move {
        tokio::time::sleep(max_time).await;
        let _ = cancel.send(Some(format!(
            "the --max-time limit of {}s was reached",
            max_time.as_secs()
        )));
    });
    vec![signal, timer]
}

fn identity_statuses(identities: &[ScanIdentity]) -> Vec<IdentityStatus> {
    identities
        .iter()
        .map(|i| {
            IdentityStatus::ok(
                i.name.clone(),
                i.cert.as_ref().map(|c| c.subject().to_string()),
            )
        })
        .collect()
}

fn merge_checks(statuses: Vec<IdentityStatus>, checks: &[IdentityCheck]) -> Vec<IdentityStatus> {
    statuses
        .into_iter()
        .zip(checks)
        .map(|(status, check)| match &check.result {
            Ok(()) => status,
            Err(failure) => {
                IdentityStatus::failed(status.name, status.subject, failure.message.clone())
            }
        })
        .collect()
}

fn unreachable_message(base: &Url, checks: &[IdentityCheck]) -> String {
    let mut message = format!("no identity could reach {base}:");
    for check in checks {
        if let Err(failure) = &check.result {
            message.push_str(&format!(
                "\n  identity `{}`: {}",
                check.identity, failure.message
            ));
        }
    }
    message
}

fn coverage(contract: &Contract, result: &RunResult) -> Vec<CoverageEntry> {
    result
        .coverage
        .iter()
        .map(|c| {
            let operation = &contract.operations[c.operation];
            let tested = !c.tested_by.is_empty();
            let reason = skip_reason(&c.skipped, tested);
            CoverageEntry {
                method: operation.method.clone(),
                path: operation.path.clone(),
                operation_id: operation.operation_id.clone(),
                status: if tested {
                    CoverageStatus::Tested
                } else {
                    CoverageStatus::Skipped
                },
                reason,
                identities: c.tested_by.clone(),
                requests: c.requests,
            }
        })
        .collect()
}

/// One line for the skip reasons: a reason shared by every identity is said once.
fn skip_reason(skipped: &[(String, String)], partly_tested: bool) -> Option<String> {
    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
    for (who, why) in skipped {
        match reasons.iter_mut().find(|(r, _)| r == why) {
            Some((_, names)) => names.push(who),
            None => reasons.push((why, vec![who])),
        }
    }
    let lines: Vec<String> = reasons
        .into_iter()
        .map(|(why, names)| {
            if names.contains(&"*") || (reasons_single(skipped) && !partly_tested) {
                why.to_string()
            } else {
                format!("{} ({})", why, names.join(", "))
            }
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("; "))
}

fn reasons_single(skipped: &[(String, String)]) -> bool {
    skipped.windows(2).all(|w| w[0].1 == w[1].1)
}

/// Position of an identity in the order the user gave them (unknown ones last).
fn identity_rank(identities: &[IdentityStatus], name: Option<&str>) -> usize {
    identities
        .iter()
        .position(|i| Some(i.name.as_str()) == name)
        .unwrap_or(usize::MAX)
}

/// A request that got no response, as one line of the report's `errors`.
fn failure_line(exchange: &Exchange) -> Option<String> {
    let failure = exchange.outcome.as_ref().err()?;
    Some(format!(
        "{} {} as `{}`: {}",
        exchange.request.method,
        exchange.operation.path,
        exchange.identity.as_deref().unwrap_or("(anonymous)"),
        failure.message
    ))
}

fn rfc3339_now() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_need_a_name() {
        assert!(parse_params(&["id=4".into()]).is_ok());
        assert!(parse_params(&["=4".into()]).is_err());
        assert!(parse_params(&["id".into()]).is_err());
    }

    #[test]
    fn base_url_must_be_http() {
        assert!(parse_base_url("https://127.0.0.1:8443", "--url").is_ok());
        assert!(parse_base_url("ftp://x", "--url").is_err());
        assert!(
            parse_base_url("127.0.0.1:8443", "url")
                .unwrap_err()
                .starts_with("url `")
        );
    }
}
