//! The HTML report: one self-contained page a security engineer opens in a browser.
//!
//! [`to_html`] renders a [`Report`] (plus the docs of the rules it uses, [`HtmlRule`]) into a
//! single file with inline CSS and JavaScript and nothing else: no fonts, images, scripts or
//! styles by URL, so it opens the same from a CI artifact, an e-mail attachment or an air-gapped
//! laptop, and it cannot call home. A Content-Security-Policy in the page (`default-src 'none'`,
//! the one script and style allowed by hash) makes that a promise the browser enforces: even a
//! value that slipped past escaping could neither load anything nor run.
//!
//! Layout, top to bottom: the header (target, spec, date, identities and whether each could be
//! used), an interrupted banner when the run was cut short, the summary (grade, score, counts per
//! severity), the findings grouped in one section per operation (worst first), coverage (tested
//! and skipped operations with reasons), errors, and an appendix with the doc of every rule the
//! findings use, which each finding links to (`#rule-OVS101`).
//!
//! Without JavaScript everything is visible and readable; with it, the findings can be filtered
//! by severity, category and text (also from the URL: `report.html?severity=critical,high&
//! category=authz&q=password`), and each reproduce command gets a copy button.
//!
//! Every value from the report is HTML-escaped: they come from the scanned server and the spec,
//! both of which may be hostile. The page is rendered from `templates/report.html` by minijinja
//! with auto-escaping; the only markup that is not escaped is what this module writes itself
//! (the rule docs, converted by a small Markdown subset converter that escapes its input).

mod doc;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use base64::Engine as _;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, context};
use overshare_finding::{Category, Confidence, Finding, Severity, sort_findings};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{CoverageStatus, Report};

/// A rule's documentation, for the appendix the findings link to. The binary fills these from
/// its rule catalogue; passing the whole catalogue is fine, since only the rules that some
/// finding uses are shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlRule {
    /// `OVS101`.
    pub id: String,
    /// `undeclared-property`.
    pub name: String,
    /// One line: what the rule finds.
    pub summary: String,
    /// The full doc, Markdown (headings, paragraphs, fenced code, lists, inline code).
    pub doc: String,
}

/// Render `report` as one self-contained HTML page.
pub fn to_html(report: &Report, rules: &[HtmlRule]) -> String {
    // Sort a copy: a report read back from JSON may not be in order.
    let mut findings = report.findings.clone();
    sort_findings(&mut findings);
    let view = View::new(report, &findings, rules);
    let assets = assets();
    let ctx = context! {
        report => Serde(&view),
        style => Value::from_safe_string(assets.style.to_string()),
        script => Value::from_safe_string(assets.script.to_string()),
        // Built here from base64 hashes and fixed text: nothing in it needs escaping.
        csp => Value::from_safe_string(assets.csp.clone()),
    };
    environment()
        .get_template("report.html")
        .and_then(|template| template.render(ctx))
        // The template is part of this crate and its tests render every branch of it; a
        // failure here is a bug in the template, not something a report can cause.
        .unwrap_or_else(|err| panic!("the HTML report template failed to render: {err:#}"))
}

/// HTML-escape text for element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Template environment and inline assets

const TEMPLATE: &str = include_str!("../templates/report.html");
const STYLE: &str = include_str!("../templates/report.css");
const SCRIPT: &str = include_str!("../templates/report.js");

struct Assets {
    style: &'static str,
    script: &'static str,
    /// The Content-Security-Policy: nothing from anywhere, except this style and this script.
    csp: String,
}

fn assets() -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let csp = format!(
            "default-src 'none'; style-src '{}'; script-src '{}'; img-src data:; \
             base-uri 'none'; form-action 'none'",
            csp_hash(STYLE),
            csp_hash(SCRIPT)
        );
        Assets {
            style: STYLE,
            script: SCRIPT,
            csp,
        }
    })
}

/// `sha256-<base64>` of an inline script or style, as CSP hash sources want it.
fn csp_hash(content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // A typo in the template is an error in the tests, not an empty string in a report.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        // minijinja's HTML escaping also escapes `/`, which turns every path in the page source
        // into `&#x2f;api&#x2f;…`. `/` needs no escaping in content or quoted attributes, so use
        // the same escaping as the rest of this module.
        env.set_formatter(|out, state, value| {
            if *state.auto_escape() == AutoEscape::Html && !value.is_safe() {
                if value.is_none() || value.is_undefined() {
                    return Ok(());
                }
                let text = match value.as_str() {
                    Some(s) => escape(s),
                    None => escape(&value.to_string()),
                };
                out.write_str(&text).map_err(minijinja::Error::from)
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        env.add_filter("markdown", |text: &str| {
            Value::from_safe_string(doc::to_html(text))
        });
        env.add_filter("code_spans", |text: &str| {
            Value::from_safe_string(doc::code_spans(text))
        });
        env.add_template("report.html", TEMPLATE)
            .expect("the HTML report template parses");
        env
    })
}

// ---------------------------------------------------------------------------------------------
// The view: the report rearranged for the page (grouped, counted, labelled)

#[derive(Serialize)]
struct View<'a> {
    tool_name: &'a str,
    tool_version: &'a str,
    report_version: &'a str,
    target: &'a str,
    spec: &'a str,
    /// RFC 3339, for `<time datetime>`; empty when unknown.
    started_at: &'a str,
    /// `2026-11-29 10:00:00 UTC`.
    started_display: String,
    duration: String,
    interrupted: bool,
    summary: SummaryView,
    identities: Vec<IdentityView<'a>>,
    severities: Vec<SeverityView>,
    categories: Vec<CategoryView>,
    finding_count: usize,
    groups: Vec<GroupView<'a>>,
    coverage: Vec<CoverageView<'a>>,
    skipped_count: usize,
    checks: &'a [overshare_finding::Check],
    errors: &'a [String],
    rules: Vec<RuleView>,
}

#[derive(Serialize)]
struct SummaryView {
    score: u8,
    grade: String,
    /// CSS class of the grade colour: `grade-a` … `grade-f`.
    grade_class: String,
    verdict: &'static str,
    operations_total: usize,
    operations_tested: usize,
    requests_sent: usize,
    worst: Option<&'static str>,
}

#[derive(Serialize)]
struct IdentityView<'a> {
    name: &'a str,
    subject: Option<&'a str>,
    ok: bool,
    status: &'a str,
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct SeverityView {
    key: &'static str,
    label: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct CategoryView {
    key: &'static str,
    label: &'static str,
    count: usize,
}

/// One operation (or the findings tied to none) and its findings, worst first.
#[derive(Serialize)]
struct GroupView<'a> {
    anchor: String,
    method: Option<&'a str>,
    path: Option<&'a str>,
    operation_id: Option<&'a str>,
    /// The reproduce command when every finding of the group shares it (shown once).
    reproduce: Option<&'a str>,
    /// A page-unique prefix (`f1`) for the ids of the group's elements.
    uid: String,
    /// Counts per severity, worst first, only non-zero.
    counts: Vec<SeverityView>,
    findings: Vec<FindingView<'a>>,
}

#[derive(Serialize)]
struct FindingView<'a> {
    severity: &'static str,
    severity_label: &'static str,
    category: &'static str,
    category_label: &'static str,
    confidence: &'static str,
    rule: &'a str,
    rule_anchor: String,
    name: &'a str,
    title: &'a str,
    message: &'a str,
    /// Where in the body: the folded pattern (`/*/user/password`), else the pointer.
    location: Option<&'a str>,
    /// One concrete pointer (`/0/user/password`), when it differs from `location`.
    example_pointer: Option<&'a str>,
    identities: Vec<&'a str>,
    status: Option<u16>,
    value: Option<&'a str>,
    content_type: Option<&'a str>,
    /// The finding's own reproduce command, when the group does not share one.
    reproduce: Option<&'a str>,
    /// A page-unique prefix (`f2`) for the ids of the finding's elements.
    uid: String,
    references: Vec<&'a str>,
    remediation: &'a str,
    sources: Vec<String>,
    fingerprint: &'a str,
}

#[derive(Serialize)]
struct CoverageView<'a> {
    method: &'a str,
    path: &'a str,
    operation_id: Option<&'a str>,
    tested: bool,
    reason: Option<&'a str>,
    identities: &'a [String],
    requests: usize,
    findings: usize,
    /// The operation's section, when it has findings.
    anchor: Option<String>,
}

#[derive(Serialize)]
struct RuleView {
    id: String,
    anchor: String,
    name: String,
    summary: String,
    /// Markdown, rendered by the template's `markdown` filter; empty when no doc was given.
    doc: String,
    findings: usize,
    /// Where the rule fired: (label, anchor) of each operation section, in page order.
    places: Vec<(String, String)>,
}

impl<'a> View<'a> {
    /// `sorted` is `report.findings` in display order (see [`sort_findings`]).
    fn new(report: &'a Report, sorted: &'a [Finding], rules: &[HtmlRule]) -> View<'a> {
        let findings: Vec<&'a Finding> = sorted.iter().collect();
        let anchors = RuleAnchors::new(&findings);
        let groups = groups(&findings, &anchors);
        let s = &report.summary;
        let grade = s.grade.trim().to_ascii_uppercase();
        View {
            tool_name: &report.tool.name,
            tool_version: &report.tool.version,
            report_version: &report.report_version,
            target: &report.target,
            spec: &report.spec,
            started_at: &report.started_at,
            started_display: display_time(&report.started_at),
            duration: format_duration(report.duration_ms),
            interrupted: report.interrupted,
            summary: SummaryView {
                score: s.score,
                grade_class: grade_class(&grade),
                verdict: verdict(&grade),
                grade,
                operations_total: s.operations_total,
                operations_tested: s.operations_tested,
                requests_sent: s.requests_sent,
                worst: report.worst_severity().map(severity_label),
            },
            identities: report
                .identities
                .iter()
                .map(|i| IdentityView {
                    name: &i.name,
                    subject: i.subject.as_deref(),
                    ok: i.is_ok(),
                    status: &i.status,
                    error: i.error.as_deref(),
                })
                .collect(),
            severities: Severity::ALL_DESCENDING
                .iter()
                .map(|&sev| SeverityView {
                    key: sev.as_str(),
                    label: severity_label(sev),
                    count: findings.iter().filter(|f| f.severity == sev).count(),
                })
                .collect(),
            categories: categories(&findings),
            finding_count: findings.len(),
            coverage: coverage(report, &groups),
            skipped_count: report
                .coverage
                .iter()
                .filter(|c| c.status == CoverageStatus::Skipped)
                .count(),
            checks: &report.checks,
            errors: &report.errors,
            rules: rule_views(&findings, rules, &anchors, &groups),
            groups,
        }
    }
}

/// Anchors of the rules the findings use: `rule-OVS101`, unique even if two odd ids collapse
/// to the same characters.
struct RuleAnchors(HashMap<String, String>);

impl RuleAnchors {
    fn new(findings: &[&Finding]) -> RuleAnchors {
        let mut map = HashMap::new();
        let mut taken = HashSet::new();
        for finding in findings {
            if !map.contains_key(&finding.rule) {
                let anchor = unique(format!("rule-{}", slug(&finding.rule, false)), &mut taken);
                map.insert(finding.rule.clone(), anchor);
            }
        }
        RuleAnchors(map)
    }

    fn get(&self, rule: &str) -> String {
        self.0.get(rule).cloned().unwrap_or_default()
    }
}

fn groups<'a>(findings: &[&'a Finding], anchors: &RuleAnchors) -> Vec<GroupView<'a>> {
    // Groups in order of first appearance: the input is worst first, so is the group order.
    let mut order: Vec<Option<&'a overshare_finding::OperationRef>> = Vec::new();
    let mut members: Vec<Vec<&'a Finding>> = Vec::new();
    for &finding in findings {
        let key = finding.operation.as_ref();
        match order.iter().position(|k| *k == key) {
            Some(i) => members[i].push(finding),
            None => {
                order.push(key);
                members.push(vec![finding]);
            }
        }
    }
    let mut taken = HashSet::new();
    let mut uids = 0usize;
    let mut next_uid = || {
        uids += 1;
        format!("f{uids}")
    };
    order
        .into_iter()
        .zip(members)
        .map(|(op, group)| {
            let anchor = match op {
                Some(op) => format!("op-{}", slug(&format!("{} {}", op.method, op.path), true)),
                None => "op-none".to_string(),
            };
            let first = group[0].evidence.reproduce.as_deref();
            let shared = first.filter(|cmd| {
                group.len() > 1
                    && group
                        .iter()
                        .all(|f| f.evidence.reproduce.as_deref() == Some(*cmd))
            });
            GroupView {
                anchor: unique(anchor, &mut taken),
                method: op.map(|o| o.method.as_str()),
                path: op.map(|o| o.path.as_str()),
                operation_id: op.and_then(|o| o.operation_id.as_deref()),
                reproduce: shared,
                uid: next_uid(),
                counts: Severity::ALL_DESCENDING
                    .iter()
                    .map(|&sev| SeverityView {
                        key: sev.as_str(),
                        label: severity_label(sev),
                        count: group.iter().filter(|f| f.severity == sev).count(),
                    })
                    .filter(|c| c.count > 0)
                    .collect(),
                findings: group
                    .iter()
                    .map(|f| finding_view(f, anchors, shared.is_none(), next_uid()))
                    .collect(),
            }
        })
        .collect()
}

fn finding_view<'a>(
    f: &'a Finding,
    anchors: &RuleAnchors,
    own_reproduce: bool,
    uid: String,
) -> FindingView<'a> {
    let pointer = f.location.json_pointer.as_deref();
    let pattern = f.location.pattern.as_deref();
    let identities: Vec<&str> = if f.identities.is_empty() {
        f.identity.iter().map(String::as_str).collect()
    } else {
        f.identities.iter().map(String::as_str).collect()
    };
    FindingView {
        severity: f.severity.as_str(),
        severity_label: severity_label(f.severity),
        category: category_key(f.category),
        category_label: category_label(f.category),
        confidence: confidence_label(f.confidence),
        rule: &f.rule,
        rule_anchor: anchors.get(&f.rule),
        name: &f.name,
        title: &f.title,
        message: &f.message,
        // The folded pattern is what the finding is about; the pointer is one concrete place.
        location: pattern.or(pointer),
        example_pointer: pointer.filter(|p| pattern.is_some_and(|pat| pat != *p)),
        identities,
        status: f.evidence.status,
        value: f.evidence.value.as_deref(),
        content_type: f.evidence.content_type.as_deref(),
        reproduce: f.evidence.reproduce.as_deref().filter(|_| own_reproduce),
        uid,
        references: f.cwe.iter().chain(&f.owasp).map(String::as_str).collect(),
        remediation: &f.remediation,
        sources: f.source.iter().map(ToString::to_string).collect(),
        fingerprint: f.fingerprint.as_str(),
    }
}

fn categories(findings: &[&Finding]) -> Vec<CategoryView> {
    let mut counts: BTreeMap<Category, usize> = BTreeMap::new();
    for f in findings {
        *counts.entry(f.category).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(cat, count)| CategoryView {
            key: category_key(cat),
            label: category_label(cat),
            count,
        })
        .collect()
}

fn coverage<'a>(report: &'a Report, groups: &[GroupView<'a>]) -> Vec<CoverageView<'a>> {
    report
        .coverage
        .iter()
        .map(|c| {
            let group = groups
                .iter()
                .find(|g| g.method == Some(c.method.as_str()) && g.path == Some(c.path.as_str()));
            CoverageView {
                method: &c.method,
                path: &c.path,
                operation_id: c.operation_id.as_deref(),
                tested: c.status == CoverageStatus::Tested,
                reason: c.reason.as_deref(),
                identities: &c.identities,
                requests: c.requests,
                findings: group.map_or(0, |g| g.findings.len()),
                anchor: group.map(|g| g.anchor.clone()),
            }
        })
        .collect()
}

fn rule_views(
    findings: &[&Finding],
    rules: &[HtmlRule],
    anchors: &RuleAnchors,
    groups: &[GroupView<'_>],
) -> Vec<RuleView> {
    let mut used: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in findings {
        used.entry(f.rule.as_str()).or_insert(f);
    }
    used.into_iter()
        .map(|(id, example)| {
            let rule = rules.iter().find(|r| r.id == id);
            let places = groups
                .iter()
                .filter(|g| g.findings.iter().any(|f| f.rule == id))
                .map(|g| {
                    let label = match (g.method, g.path) {
                        (Some(m), Some(p)) => format!("{m} {p}"),
                        _ => "Not tied to an operation".to_string(),
                    };
                    (label, g.anchor.clone())
                })
                .collect();
            RuleView {
                id: id.to_string(),
                anchor: anchors.get(id),
                name: rule.map_or_else(|| example.name.clone(), |r| r.name.clone()),
                summary: rule.map_or_else(|| example.title.clone(), |r| r.summary.clone()),
                doc: rule.map(|r| r.doc.clone()).unwrap_or_default(),
                findings: findings.iter().filter(|f| f.rule == id).count(),
                places,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Labels and small formatting helpers

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

/// The `category` value of the JSON report (`mass_assignment`).
fn category_key(category: Category) -> &'static str {
    match category {
        Category::Exposure => "exposure",
        Category::Authz => "authz",
        Category::Mtls => "mtls",
        Category::MassAssignment => "mass_assignment",
        Category::Spec => "spec",
        Category::Source => "source",
    }
}

fn category_label(category: Category) -> &'static str {
    match category {
        Category::Exposure => "Data exposure",
        Category::Authz => "Authorization",
        Category::Mtls => "mTLS",
        Category::MassAssignment => "Mass assignment",
        Category::Spec => "Spec",
        Category::Source => "Source code",
    }
}

fn confidence_label(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

fn grade_class(grade: &str) -> String {
    match grade {
        "A" | "B" | "C" | "D" | "F" => format!("grade-{}", grade.to_ascii_lowercase()),
        _ => "grade-f".to_string(),
    }
}

fn verdict(grade: &str) -> &'static str {
    match grade {
        "A" => "Little or no excessive data exposure found",
        "B" => "Some exposure worth fixing; nothing severe",
        "C" => "Significant exposure: fix the high findings first",
        "D" => "Serious exposure: sensitive data or other clients' data leaves the API",
        _ => "Severe exposure: fix the critical and high findings before anything else",
    }
}

/// A fragment identifier from free text: ASCII letters and digits, runs of anything else
/// become one `-`. `lower` folds case (operations); rule ids keep theirs (`rule-OVS101`).
fn slug(text: &str, lower: bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if lower { c.to_ascii_lowercase() } else { c });
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "x".to_string()
    } else {
        trimmed.to_string()
    }
}

/// `anchor`, or `anchor-2`, `anchor-3`… when already taken.
fn unique(anchor: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = anchor.clone();
    let mut n = 1;
    while !taken.insert(candidate.clone()) {
        n += 1;
        candidate = format!("{anchor}-{n}");
    }
    candidate
}

/// `2026-11-29T10:00:00Z` → `2026-11-29 10:00:00 UTC`; anything else is shown as given.
fn display_time(rfc3339: &str) -> String {
    let s = rfc3339.trim();
    match s.split_once('T') {
        Some((date, time)) if date.len() == 10 => {
            let (clock, zone) =
                time.split_at(time.find(['Z', 'z', '+', '-']).unwrap_or(time.len()));
            // Seconds are precise enough for a report header.
            let clock = clock.split('.').next().unwrap_or(clock);
            match zone {
                "Z" | "z" => format!("{date} {clock} UTC"),
                "" => format!("{date} {clock}"),
                offset => format!("{date} {clock} UTC{offset}"),
            }
        }
        _ => s.to_string(),
    }
}

/// `850 ms`, `4.2 s`, `2 min 03 s`.
fn format_duration(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(escape("/api/x/{id}/ é"), "/api/x/{id}/ é");
    }

    #[test]
    fn slugs_and_unique_anchors() {
        assert_eq!(slug("GET /api/profiles/{id}/", true), "get-api-profiles-id");
        assert_eq!(slug("OVS101", false), "OVS101");
        assert_eq!(slug("\"><", false), "x");
        let mut taken = HashSet::new();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a-2");
        assert_eq!(unique("a".into(), &mut taken), "a-3");
    }

    #[test]
    fn times_and_durations() {
        assert_eq!(
            display_time("2026-11-29T10:00:00Z"),
            "2026-11-29 10:00:00 UTC"
        );
        assert_eq!(
            display_time("2026-11-29T10:00:00.123Z"),
            "2026-11-29 10:00:00 UTC"
        );
        assert_eq!(
            display_time("2026-11-29T10:00:00+01:00"),
            "2026-11-29 10:00:00 UTC+01:00"
        );
        assert_eq!(display_time("yesterday"), "yesterday");
        assert_eq!(format_duration(850), "850 ms");
        assert_eq!(format_duration(4_230), "4.2 s");
        assert_eq!(format_duration(123_000), "2 min 03 s");
    }

    #[test]
    fn grade_classes_are_bounded() {
        assert_eq!(grade_class("A"), "grade-a");
        assert_eq!(grade_class("\" onload=x"), "grade-f");
    }

    #[test]
    fn csp_hashes_the_exact_assets() {
        let csp = &assets().csp;
        assert!(csp.starts_with("default-src 'none';"), "{csp}");
        assert!(csp.contains(&csp_hash(SCRIPT)) && csp.contains(&csp_hash(STYLE)));
        // Known vector: SHA-256 of the empty string.
        assert_eq!(
            csp_hash(""),
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }
}
