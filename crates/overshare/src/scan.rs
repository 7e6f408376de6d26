//! `overshare scan`: load, check, probe, analyze, report. Also the engine behind `demo`.

use crate::Fatal;
use crate::cli::{OutputArgs, ScanArgs};
use crate::config::{self, Roles};
use crate::{emit, identities};
use overshare_analyze::Analyzer;
use overshare_analyze::session::{Scoping, Session, SessionOptions};
use overshare_classify::Classifier;
use overshare_contract::Contract;
use overshare_exchange::Exchange;
use overshare_exchange::{ForgedKind, Purpose};
use overshare_identity::TrustAnchors;
use overshare_identity::forge::{self, CertificateAuthority, Forgery};
use overshare_probe::phases::{self, PhaseInput, PhaseNotes, edge::ForgedSender};
use overshare_probe::{
    BodyLimits, IdentityCheck, ProbeSettings, Prober, RunOptions, RunResult, ScanIdentity,
};
use overshare_report::{
    CoverageEntry, CoverageStatus, IdentityStatus, RenderContext, Report, ReportInput,
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
    /// Identity name → `role` from the config file.
    pub roles: Roles,
    /// What the phases after the baseline run may do, and the rules they check against.
    pub probes: ProbeOptions,
    /// `--source`: audit these paths and attach source lines to the findings.
    pub source: Vec<std::path::PathBuf>,
}

/// The settings of the cross-identity, mTLS edge and write phases.
#[derive(Default)]
pub struct ProbeOptions {
    /// `--active`: send PATCH/PUT mass-assignment probes.
    pub active: bool,
    /// `--ca-key` (with its certificate): forge expired, not-yet-valid and wrong-EKU
    /// certificates for the primary identity.
    pub ca: Option<CertificateAuthority>,
    pub role_order: Vec<String>,
    pub reserved: Vec<(String, String)>,
    pub scoping: HashMap<String, Scoping>,
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
        probes: ProbeOptions {
            active: settings.active,
            ca: certificate_authority(
                settings.ca_key.as_deref(),
                settings.client_ca.as_deref().or(settings.ca.as_deref()),
            )?,
            role_order: settings.role_order,
            reserved: settings.reserved,
            scoping: settings.scoping,
        },
        source: settings.source,
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

/// The client CA for `--ca-key`: its key and certificate (`--client-ca`, else `--ca`).
fn certificate_authority(
    key: Option<&Path>,
    cert: Option<&Path>,
) -> Result<Option<CertificateAuthority>, Fatal> {
    let Some(key) = key else {
        return Ok(None);
    };
    let Some(cert) = cert else {
        return Err(Fatal::Usage(
            "--ca-key needs the CA's certificate: give --client-ca PEM (or --ca PEM when the \
             same CA issued the server's certificate)"
                .into(),
        ));
    };
    CertificateAuthority::load(cert, key)
        .map(Some)
        .map_err(|err| Fatal::Usage(err.to_string()))
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
    // The audit first: a wrong --source path should fail before any request is sent, and it
    // runs on other threads while nothing else is going on.
    let source_audit = match target.source.is_empty() {
        true => None,
        false => {
            let paths = target.source.clone();
            let options = overshare_audit::AuditOptions::default();
            Some(
                tokio::task::spawn_blocking(move || crate::audit::run_audit(&paths, &options))
                    .await
                    .map_err(|e| Fatal::Usage(format!("the audit stopped: {e}")))??,
            )
        }
    };
    let mut settings = probe_settings(&target.base_url, limits);
    settings.scope = target.scope.clone();
    settings.allow_writes = target.probes.active;
    let identity_status = identity_statuses(&target.identities);
    let names: Vec<String> = target.identities.iter().map(|i| i.name.clone()).collect();
    let forgeries = forge_certificates(&target.identities, target.probes.ca.as_ref())?;
    let mut prober = Prober::new(settings, &target.trust, target.identities)
        .map_err(|err| Fatal::Usage(err.to_string()))?;
    let mut forged = Vec::new();
    for (identity, kind, victim) in forgeries {
        let sender = prober
            .add_synthetic(identity)
            .map_err(|err| Fatal::Usage(err.to_string()))?;
        forged.push(ForgedSender {
            sender,
            kind,
            victim,
        });
    }
    let prober = prober;
    // Ctrl-C and the time limit count from here: a stop during preflight still reports.
    let (cancel_tx, cancel_rx) = watch::channel(None);
    let guards = spawn_cancellers(cancel_tx, Duration::from_secs(limits.max_time));
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
    if target.probes.active {
        announce_writes(&contract);
    }
    let progress = emit::Progress::new(output.quiet, output.verbose);
    let options = RunOptions {
        params: target.params,
    };
    let mut session = Session::new(
        Analyzer::new(&contract, &target.classifier),
        SessionOptions {
            identities: names,
            roles: target.roles,
            role_order: target.probes.role_order,
            reserved: target.probes.reserved,
            scoping: target.probes.scoping,
        },
    );
    let mut failures = Vec::new();
    // Each exchange is analysed as it arrives and then dropped: memory stays proportional to
    // the responses in flight (plus the bounded bodies the session keeps for comparisons).
    let mut on_exchange = |exchange: Exchange| {
        progress.tick(&exchange);
        session.observe(&exchange);
        if let Some(line) = failure_line(&exchange) {
            failures.push(line);
        }
    };
    let mut result = overshare_probe::run(
        &contract,
        &prober,
        &usable,
        &options,
        cancel_rx.clone(),
        &mut on_exchange,
    )
    .await;
    let input = PhaseInput {
        contract: &contract,
        prober: &prober,
        run: &result,
        identities: &usable,
        cancel: cancel_rx.clone(),
    };
    phases::cross::run(&input, &mut on_exchange).await;
    phases::edge::run(&input, &forged, &mut on_exchange).await;
    let notes = match target.probes.active {
        true => phases::active::run(&input, &mut on_exchange).await,
        false => Default::default(),
    };
    progress.finish();
    for guard in guards {
        guard.abort();
    }
    if result.interrupted.is_none() {
        result.interrupted = cancel_rx.borrow().clone();
    }
    apply_notes(&mut result, &notes);
    failures.extend(notes.warnings);
    let (mut findings, verdicts) = session.finish();
    if let Some(audit) = &source_audit {
        crate::audit::correlate(&mut findings, audit);
        failures.extend(crate::audit::parse_errors(audit));
    }
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
        checks: verdicts,
        errors: failures,
        findings,
        ..Default::default()
    });
    Ok((report, context))
}

/// What the file-pointing formats (SARIF, Markdown, HTML) need besides the report: every
/// rule's doc (runtime and static), and where each operation is written in the spec.
fn render_context(contract: &Contract, classifier: &Classifier, spec: &str) -> RenderContext {
    let is_url = spec.starts_with("https://") || spec.starts_with("http://");
    let mut context =
        crate::audit::render_context(classifier, Some(spec.to_string()).filter(|_| !is_url));
    context.operation_lines = contract
        .operations
        .iter()
        .filter_map(|op| Some(((op.method.clone(), op.path.clone()), op.line?)))
        .collect();
    context
}

/// A rogue-CA certificate for the first identity with a certificate, and with `--ca-key`
/// expired, not-yet-valid and wrong-EKU ones: (identity to add, kind, victim's name).
fn forge_certificates(
    identities: &[ScanIdentity],
    ca: Option<&CertificateAuthority>,
) -> Result<Vec<(ScanIdentity, ForgedKind, String)>, Fatal> {
    let Some((victim, cert)) = identities
        .iter()
        .find_map(|i| i.cert.as_ref().map(|c| (i.name.clone(), c)))
    else {
        return Ok(Vec::new());
    };
    let fatal = |err: overshare_identity::IdentityError| Fatal::Usage(err.to_string());
    let mut out = vec![(forge::rogue(cert).map_err(fatal)?, ForgedKind::RogueCa)];
    if let Some(ca) = ca {
        for (forgery, kind) in [
            (Forgery::Expired, ForgedKind::Expired),
            (Forgery::NotYetValid, ForgedKind::NotYetValid),
            (Forgery::WrongEku, ForgedKind::WrongEku),
        ] {
            out.push((ca.forge(cert, forgery).map_err(fatal)?, kind));
        }
    }
    Ok(out
        .into_iter()
        .map(|(cert, kind)| {
            let identity = ScanIdentity {
                name: cert.name().to_string(),
                cert: Some(cert),
                headers: Vec::new(),
            };
            (identity, kind, victim.clone())
        })
        .collect())
}

/// `--active` says what it will write before anything is sent, even with --quiet.
fn announce_writes(contract: &Contract) {
    let lines = phases::active::preview(contract);
    anstream::eprintln!("--active: overshare will write to the target (DELETE is never sent):");
    if lines.is_empty() {
        anstream::eprintln!("  (the spec has no write operation: nothing will be written)");
    }
    for line in lines {
        anstream::eprintln!("  {line}");
    }
}

/// Fold what the write phase did into the coverage of the write operations.
fn apply_notes(result: &mut RunResult, notes: &PhaseNotes) {
    for (operation, identity) in &notes.tested {
        if let Some(entry) = result.coverage.get_mut(*operation) {
            entry.skipped.clear();
            entry.requests += 1;
            if !entry.tested_by.contains(identity) {
                entry.tested_by.push(identity.clone());
            }
        }
    }
    for (operation, reason) in &notes.skipped {
        if let Some(entry) = result.coverage.get_mut(*operation) {
            entry.skipped = vec![("*".to_string(), reason.clone())];
        }
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
    // Registered here, before any request: `ctrl_c()` would register only when its task is
    // first polled, and a Ctrl-C before that (a busy machine) would kill the scan unreported.
    #[cfg(unix)]
    let mut interrupt =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    let signal = tokio::spawn(async move {
        #[cfg(unix)]
        let received = match interrupt.as_mut() {
            Some(stream) => stream.recv().await.is_some(),
            None => tokio::signal::ctrl_c().await.is_ok(),
        };
        #[cfg(not(unix))]
        let received = tokio::signal::ctrl_c().await.is_ok();
        if received {
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

/// A request that got no response, as one line of the report's `errors`. Refusals are the
/// expected answer to the mTLS edge checks' requests and are not errors.
fn failure_line(exchange: &Exchange) -> Option<String> {
    if matches!(
        exchange.purpose,
        Purpose::NoCertificate | Purpose::ForgedCertificate { .. } | Purpose::ForgedHeaders { .. }
    ) || exchange.identity.is_none()
    {
        return None;
    }
    let failure = exchange.outcome.as_ref().err()?;
    Some(format!(
        "{} {} as `{}`: {}",
        exchange.request.method,
        exchange.operation.path,
        exchange.identity.as_deref().unwrap_or("(anonymous)"),
        failure.message
    ))
}

pub fn rfc3339_now() -> String {
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
