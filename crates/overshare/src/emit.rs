//! Writing reports where the user asked, and the progress line while scanning.

use crate::Fatal;
use crate::cli::{Format, OutputArgs};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use overshare_exchange::Exchange;
use overshare_finding::Severity;
use overshare_report::{HtmlRule, RenderContext, Report};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Write every requested format; return the exit code the findings call for. `fail_on` is
/// resolved by the caller (flag, config file or default), not read from `output`.
pub fn emit(
    report: &Report,
    ctx: &RenderContext,
    output: &OutputArgs,
    fail_on: Severity,
) -> Result<u8, Fatal> {
    write_all(report, ctx, output)?;
    let failing = report.summary.findings.at_or_above(fail_on);
    Ok(if failing > 0 { 1 } else { 0 })
}

/// Write every requested format (text to standard output when nothing is asked).
pub fn write_all(report: &Report, ctx: &RenderContext, output: &OutputArgs) -> Result<(), Fatal> {
    for (format, path) in pairs(output)? {
        match path {
            Some(path) => write_file(report, ctx, format, &path)?,
            None => write_stdout(report, ctx, format)?,
        }
    }
    Ok(())
}

/// `--format` and `--output` paired by position.
fn pairs(output: &OutputArgs) -> Result<Vec<(Format, Option<PathBuf>)>, Fatal> {
    let formats = if output.formats.is_empty() {
        // `--output report.json` alone: infer the format from the extension.
        match output.outputs.as_slice() {
            [] => vec![Format::Text],
            [only] => vec![infer_format(only)],
            _ => {
                return Err(Fatal::Usage(
                    "several --output files need a --format each, in the same order".into(),
                ));
            }
        }
    } else {
        output.formats.clone()
    };
    if output.outputs.len() > formats.len() {
        return Err(Fatal::Usage(format!(
            "{} --output given for {} --format: pair each --output with a --format",
            output.outputs.len(),
            formats.len()
        )));
    }
    let pairs: Vec<_> = formats
        .into_iter()
        .enumerate()
        .map(|(i, f)| (f, output.outputs.get(i).cloned()))
        .collect();
    if pairs.iter().filter(|(_, p)| p.is_none()).count() > 1 {
        return Err(Fatal::Usage(
            "only one --format can go to standard output: give the others an --output file".into(),
        ));
    }
    Ok(pairs)
}

fn infer_format(path: &Path) -> Format {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".sarif") || name.ends_with(".sarif.json") {
        return Format::Sarif;
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => Format::Json,
        Some("xml") => Format::Junit,
        Some("md" | "markdown") => Format::Markdown,
        Some("html" | "htm") => Format::Html,
        _ => Format::Text,
    }
}

fn render(
    report: &Report,
    ctx: &RenderContext,
    format: Format,
    color: bool,
) -> Result<Vec<u8>, Fatal> {
    let text = match format {
        Format::Json => overshare_report::to_json(report),
        Format::Sarif => overshare_report::to_sarif(report, ctx),
        Format::Junit => overshare_report::to_junit(report),
        Format::Markdown => overshare_report::to_markdown(report, ctx),
        Format::Html => overshare_report::to_html(report, &html_rules(ctx)),
        Format::Text => {
            let mut buffer = Vec::new();
            overshare_report::render_text(report, &mut buffer, color)
                .map_err(|e| Fatal::Usage(format!("cannot render the text report: {e}")))?;
            return Ok(buffer);
        }
    };
    Ok(text.into_bytes())
}

fn html_rules(ctx: &RenderContext) -> Vec<HtmlRule> {
    ctx.rules
        .iter()
        .map(|rule| HtmlRule {
            id: rule.id.clone(),
            name: rule.name.clone(),
            summary: rule.summary.clone(),
            doc: rule.doc.clone(),
        })
        .collect()
}

fn write_file(
    report: &Report,
    ctx: &RenderContext,
    format: Format,
    path: &Path,
) -> Result<(), Fatal> {
    let bytes = render(report, ctx, format, false)?;
    std::fs::write(path, bytes).map_err(|e| {
        Fatal::Usage(format!(
            "cannot write the report to {}: {e}",
            path.display()
        ))
    })?;
    anstream::eprintln!("wrote the {format:?} report to {}", path.display());
    Ok(())
}

fn write_stdout(report: &Report, ctx: &RenderContext, format: Format) -> Result<(), Fatal> {
    // anstream strips the colours when stdout is not a terminal or NO_COLOR is set.
    let bytes = render(report, ctx, format, format == Format::Text)?;
    let mut stdout = anstream::stdout().lock();
    stdout
        .write_all(&bytes)
        .and_then(|()| stdout.flush())
        .or_else(|e| match e.kind() {
            // `overshare scan ... | head` is not an error.
            std::io::ErrorKind::BrokenPipe => Ok(()),
            _ => Err(e),
        })
        .map_err(|e| Fatal::Usage(format!("cannot write the report: {e}")))
}

/// A spinner on standard error, hidden when quiet or when stderr is not a terminal.
pub struct Progress {
    bar: ProgressBar,
    verbose: bool,
}

impl Progress {
    pub fn new(quiet: bool, verbose: bool) -> Progress {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos} requests  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar, verbose }
    }

    pub fn tick(&self, exchange: &Exchange) {
        self.bar.inc(1);
        if self.verbose {
            // Through the bar, so the line and the spinner do not garble each other.
            self.bar
                .suspend(|| anstream::eprintln!("{}", request_line(exchange)));
        }
        self.bar.set_message(format!(
            "{} {}",
            exchange.request.method, exchange.operation.path
        ));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `GET https://h/api/x/ as partner-a → 200, 1234 bytes, 12 ms` (no header values: they may
/// be secrets).
pub fn request_line(exchange: &Exchange) -> String {
    let who = exchange.identity.as_deref().unwrap_or("(anonymous)");
    let outcome = match &exchange.outcome {
        Ok(response) => format!(
            "{}, {} bytes{}",
            response.status,
            response.body.len(),
            if response.truncated {
                " (truncated)"
            } else {
                ""
            }
        ),
        Err(failure) => format!("failed: {}", failure.message),
    };
    format!(
        "{} {} as {who} → {outcome}, {} ms",
        exchange.request.method,
        exchange.request.url,
        exchange.elapsed.as_millis()
    )
}
