//! SARIF 2.1.0: the report for code scanning (GitHub, Azure DevOps, IDE SARIF viewers).
//!
//! One run, the overshare driver, a `reportingDescriptor` per rule and a result per finding.
//!
//! # Decisions
//! - **Every rule of the catalogue is listed**, not only those that fired. SARIF describes
//!   `driver.rules` as the rules the tool supports; with the full list, `ruleIndex` of a rule is the
//!   same in every run, and code scanning knows the help of a rule before its first alert. A rule
//!   that a finding names but the catalogue lacks gets a descriptor made from the finding
//!   ([`RuleDescriptor::from_finding`]) after the catalogue's, so every `ruleIndex` resolves.
//! - **Locations**: the source lines the audit or the correlator found first (code scanning
//!   annotates the first location, and the serializer is where the fix goes), then the spec
//!   file at the operation's line (what every runtime finding can point at). Source regions
//!   carry the exact range and the snippet. A finding with neither falls back to line 1 of the spec, since
//!   code scanning drops results without a physical location; without a spec path too, the result
//!   keeps only its logical locations (valid SARIF, shown by viewers, skipped by GitHub).
//!   The operation (`GET /api/x/{id}/`) and the JSON pointer are logical locations of the first
//!   location.
//! - **Severity**: `level` is error / warning / note (critical and high / medium / low and info);
//!   GitHub's finer `security-severity` (a string 0.0–10.0, read from the rule and only for rules
//!   tagged `security`) is set on each rule from its default severity and, for other consumers, on
//!   each result from the finding's severity.
//! - **Fingerprint**: `partialFingerprints["overshare/v1"]` is the finding's fingerprint, which is
//!   stable across runs, so code scanning tracks an alert even when the spec's lines move.
//!
//! The SARIF objects are hand-written serde structs for the subset we emit rather than
//! serde-sarif: its generated types make every field an `Option` behind a builder, and ours
//! stay readable next to the spec. Correctness is checked where it matters, by validating the
//! output against the official schema in the tests (`tests/schemas/sarif-schema-2.1.0.json`).

use std::collections::BTreeMap;

use overshare_finding::{Finding, Severity, SourceLocation};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::context::{RenderContext, RuleDescriptor, finding_identities};
use crate::model::Report;

/// The schema URI every SARIF 2.1.0 log names; GitHub and viewers key on it.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SARIF_VERSION: &str = "2.1.0";
/// The key of our fingerprint in `partialFingerprints`; the version lets us change how it is
/// computed without code scanning matching old and new fingerprints as equal.
pub const FINGERPRINT_KEY: &str = "overshare/v1";
/// Where code scanning and viewers send a reader who wants to know more about the tool.
pub const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");
/// GitHub shows at most this many characters of a rule's full description.
const DESCRIPTION_LIMIT: usize = 1000;
/// GitHub reads at most this many locations per result.
const LOCATIONS_LIMIT: usize = 10;

/// `level` of a result (and default level of a rule) for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` for a severity: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9,
/// low 0.1–3.9 in its bands, each value in the middle of its band; info is 0.0 (no band).
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// The report as a SARIF 2.1.0 log: pretty JSON with a trailing newline. The same report and
/// context give the same bytes: results follow the report's findings order, rules the
/// catalogue's order, and every map is ordered.
pub fn to_sarif(report: &Report, ctx: &RenderContext) -> String {
    let log = Log {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: vec![run(report, ctx)],
    };
    // Plain data (strings, numbers, maps with string keys) always serialises.
    let mut json = serde_json::to_string_pretty(&log).expect("SARIF serialises to JSON");
    json.push('\n');
    json
}

fn run(report: &Report, ctx: &RenderContext) -> Run {
    let rules = rules(report, ctx);
    let results = report
        .findings
        .iter()
        .map(|finding| {
            let index = rules
                .iter()
                .position(|r| r.id == finding.rule)
                .expect("every finding's rule has a descriptor");
            result(finding, index, ctx)
        })
        .collect();
    Run {
        tool: SarifTool {
            driver: Driver {
                name: report.tool.name.clone(),
                version: report.tool.version.clone(),
                information_uri: INFORMATION_URI,
                rules: rules.iter().map(reporting_descriptor).collect(),
            },
        },
        invocations: vec![invocation(report)],
        results,
        properties: run_properties(report),
    }
}

/// The catalogue (first occurrence of each id), then stand-ins for rules only findings know.
fn rules(report: &Report, ctx: &RenderContext) -> Vec<RuleDescriptor> {
    let mut rules: Vec<RuleDescriptor> = Vec::new();
    let known = ctx.rules.iter();
    let unknown = report.findings.iter().map(RuleDescriptor::from_finding);
    for rule in known.cloned().chain(unknown) {
        if !rules.iter().any(|r| r.id == rule.id) {
            rules.push(rule);
        }
    }
    rules
}

fn reporting_descriptor(rule: &RuleDescriptor) -> ReportingDescriptor {
    let mut tags = vec![
        // Code scanning treats a rule as a security rule (and uses security-severity) only with
        // this tag.
        "security".to_string(),
        category_tag(rule),
    ];
    tags.extend(rule.cwe.iter().cloned());
    tags.extend(rule.owasp.iter().cloned());
    let mut properties = Map::new();
    properties.insert("tags".into(), json!(tags));
    properties.insert(
        "security-severity".into(),
        json!(security_severity(rule.default_severity)),
    );
    let help = if rule.doc.trim().is_empty() {
        rule.summary.clone()
    } else {
        rule.doc.clone()
    };
    ReportingDescriptor {
        id: rule.id.clone(),
        name: rule.name.clone(),
        short_description: Message::text(&rule.summary),
        full_description: Message::text(&truncate(&rule.description(), DESCRIPTION_LIMIT)),
        help: Help {
            text: help.clone(),
            markdown: help,
        },
        default_configuration: Configuration {
            level: level(rule.default_severity),
        },
        properties,
    }
}

/// `exposure`, `mass_assignment`…: the category as the JSON report spells it.
fn category_tag(rule: &RuleDescriptor) -> String {
    match serde_json::to_value(rule.category) {
        Ok(Value::String(s)) => s,
        _ => format!("{:?}", rule.category).to_ascii_lowercase(),
    }
}

fn result(finding: &Finding, rule_index: usize, ctx: &RenderContext) -> SarifResult {
    let text = if finding.message.is_empty() {
        finding.title.clone()
    } else {
        finding.message.clone()
    };
    SarifResult {
        rule_id: finding.rule.clone(),
        rule_index,
        level: level(finding.severity),
        message: Message { text },
        locations: locations(finding, ctx),
        partial_fingerprints: BTreeMap::from([(
            FINGERPRINT_KEY,
            finding.fingerprint.as_str().to_string(),
        )]),
        properties: result_properties(finding),
    }
}

fn locations(finding: &Finding, ctx: &RenderContext) -> Vec<SarifLocation> {
    let spec_line = |line: usize| {
        ctx.spec_path
            .as_deref()
            .map(|spec| physical(spec, Some(line), None))
    };
    let mut physicals: Vec<PhysicalLocation> = finding.source.iter().map(source_location).collect();
    let op_line = finding
        .operation
        .as_ref()
        .and_then(|op| ctx.operation_line(&op.method, &op.path));
    if let Some(location) = op_line.and_then(spec_line) {
        physicals.push(location);
    }
    if physicals.is_empty()
        && let Some(location) = spec_line(1)
    {
        physicals.push(location);
    }
    physicals.truncate(LOCATIONS_LIMIT);

    let logical = logical_locations(finding);
    let mut locations: Vec<SarifLocation> = physicals
        .into_iter()
        .map(|p| SarifLocation {
            physical_location: Some(p),
            logical_locations: Vec::new(),
        })
        .collect();
    match locations.first_mut() {
        Some(first) => first.logical_locations = logical,
        None if !logical.is_empty() => locations.push(SarifLocation {
            physical_location: None,
            logical_locations: logical,
        }),
        None => {}
    }
    locations
}

fn source_location(source: &SourceLocation) -> PhysicalLocation {
    let line = (source.line > 0).then_some(source.line as usize);
    let column = source.column.filter(|&c| c > 0).map(|c| c as usize);
    let mut location = physical(&source.file, line, column);
    if let Some(region) = &mut location.region {
        region.end_line = source
            .end_line
            .filter(|&l| l as usize >= region.start_line)
            .map(|l| l as usize);
        region.end_column = source.end_column.filter(|&c| c > 0).map(|c| c as usize);
        region.snippet = source
            .snippet
            .as_ref()
            .map(|text| Snippet { text: text.clone() });
    }
    location
}

fn physical(path: &str, line: Option<usize>, column: Option<usize>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: artifact_uri(path),
        },
        region: line.map(|start_line| Region {
            start_line,
            start_column: column,
            end_line: None,
            end_column: None,
            snippet: None,
        }),
    }
}

/// The operation, then the pointer within its response body.
fn logical_locations(finding: &Finding) -> Vec<LogicalLocation> {
    let mut logical = Vec::new();
    let op = finding.operation.as_ref().map(ToString::to_string);
    if let Some(op) = &op {
        logical.push(LogicalLocation {
            name: op.clone(),
            fully_qualified_name: op.clone(),
            // SARIF has no kind for an HTTP operation; "function" is the closest: the code
            // that answers it.
            kind: "function",
        });
    }
    if let Some(pointer) = &finding.location.json_pointer {
        logical.push(LogicalLocation {
            name: pointer.clone(),
            fully_qualified_name: match &op {
                Some(op) => format!("{op} {pointer}"),
                None => pointer.clone(),
            },
            // SARIF's kinds for JSON: a member of an object is a "property", anything else
            // (an array element, the root) a "value".
            kind: if finding.location.field.is_some() {
                "property"
            } else {
                "value"
            },
        });
    }
    logical
}

/// A path as a SARIF `uri`: URLs as they are, absolute paths as `file://` URIs, relative paths
/// (what code scanning needs) percent-encoded with `/` separators.
pub fn artifact_uri(path: &str) -> String {
    if path.contains("://") {
        return path.to_string();
    }
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let is_drive = path.len() > 2 && path.as_bytes()[1] == b':' && path.as_bytes()[2] == b'/';
    if path.starts_with('/') {
        format!("file://{}", percent_encode(path))
    } else if is_drive {
        // `C:/src/x.py`: the drive letter's colon must survive.
        format!("file:///{}:{}", &path[..1], percent_encode(&path[2..]))
    } else {
        percent_encode(path)
    }
}

/// Encode everything but RFC 3986 unreserved characters and `/`. A `:` in a relative path
/// would otherwise read as a scheme.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// What the finding says beyond its message, under the JSON report's field names.
fn result_properties(finding: &Finding) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("severity".into(), json!(finding.severity));
    p.insert("confidence".into(), json!(finding.confidence));
    p.insert("category".into(), json!(finding.category));
    p.insert(
        "security-severity".into(),
        json!(security_severity(finding.severity)),
    );
    p.insert("title".into(), json!(finding.title));
    let identities = finding_identities(finding);
    if !identities.is_empty() {
        p.insert("identities".into(), json!(identities));
    }
    if let Some(op) = &finding.operation
        && let Some(id) = &op.operation_id
    {
        p.insert("operation_id".into(), json!(id));
    }
    let location = &finding.location;
    if let Some(pointer) = &location.json_pointer {
        p.insert("json_pointer".into(), json!(pointer));
    }
    if let Some(pattern) = &location.pattern {
        p.insert("pattern".into(), json!(pattern));
    }
    // Already redacted by the analyzer (the evidence type promises it): copied as is.
    let evidence = &finding.evidence;
    if let Some(status) = evidence.status {
        p.insert("status".into(), json!(status));
    }
    if let Some(value) = &evidence.value {
        p.insert("evidence".into(), json!(value));
    }
    if let Some(reproduce) = &evidence.reproduce {
        p.insert("reproduce".into(), json!(reproduce));
    }
    if !finding.cwe.is_empty() {
        p.insert("cwe".into(), json!(finding.cwe));
    }
    if !finding.owasp.is_empty() {
        p.insert("owasp".into(), json!(finding.owasp));
    }
    if !finding.remediation.is_empty() {
        p.insert("remediation".into(), json!(finding.remediation));
    }
    p
}

/// Whether the run completed, and what went wrong on the way (failed identities are errors:
/// whatever they should have seen was not tested; other problems are warnings).
fn invocation(report: &Report) -> Invocation {
    let identities = report
        .identities
        .iter()
        .filter(|id| !id.is_ok())
        .map(|id| Notification {
            level: "error",
            message: Message {
                text: format!(
                    "identity {} could not be used: {}",
                    id.name,
                    id.error.as_deref().unwrap_or("no reason given")
                ),
            },
        });
    let errors = report.errors.iter().map(|error| Notification {
        level: "warning",
        message: Message::text(error),
    });
    Invocation {
        execution_successful: !report.interrupted,
        tool_execution_notifications: identities.chain(errors).collect(),
    }
}

fn run_properties(report: &Report) -> Map<String, Value> {
    let s = &report.summary;
    let mut p = Map::new();
    p.insert("target".into(), json!(report.target));
    p.insert("spec".into(), json!(report.spec));
    if !report.started_at.is_empty() {
        p.insert("started_at".into(), json!(report.started_at));
    }
    p.insert("duration_ms".into(), json!(report.duration_ms));
    p.insert("interrupted".into(), json!(report.interrupted));
    p.insert("score".into(), json!(s.score));
    p.insert("grade".into(), json!(s.grade));
    p.insert("operations_total".into(), json!(s.operations_total));
    p.insert("operations_tested".into(), json!(s.operations_tested));
    p.insert("requests_sent".into(), json!(s.requests_sent));
    p
}

/// Cut `text` to at most `limit` characters, ending with `…` when cut.
fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(limit - 1).collect();
    cut.push('…');
    cut
}

// ---------------------------------------------------------------------------------------------
// The SARIF objects we emit (field order is the order in the output).

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
struct Run {
    tool: SarifTool,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
    properties: Map<String, Value>,
}

#[derive(Serialize)]
struct SarifTool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: String,
    version: String,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Message,
    full_description: Message,
    help: Help,
    default_configuration: Configuration,
    properties: Map<String, Value>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

impl Message {
    fn text(text: &str) -> Message {
        Message {
            text: text.to_string(),
        }
    }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: Map<String, Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Snippet>,
}

#[derive(Serialize)]
struct Snippet {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_encoded_or_file_uris() {
        assert_eq!(artifact_uri("openapi.yaml"), "openapi.yaml");
        assert_eq!(artifact_uri("./api/open api.yaml"), "api/open%20api.yaml");
        assert_eq!(artifact_uri("app\\serializers.py"), "app/serializers.py");
        assert_eq!(artifact_uri("/srv/app/x.py"), "file:///srv/app/x.py");
        assert_eq!(artifact_uri("C:\\src\\x.py"), "file:///C:/src/x.py");
        assert_eq!(artifact_uri("a:b.yaml"), "a%3Ab.yaml");
        assert_eq!(
            artifact_uri("https://api.example.test/openapi.json"),
            "https://api.example.test/openapi.json"
        );
        assert_eq!(artifact_uri("spécs/é.yaml"), "sp%C3%A9cs/%C3%A9.yaml");
    }

    #[test]
    fn levels_and_security_severities_follow_the_bands() {
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Info), "note");
        for severity in Severity::ALL_DESCENDING {
            let score: f64 = security_severity(severity).parse().unwrap();
            let band = match severity {
                Severity::Critical => 9.0..=10.0,
                Severity::High => 7.0..=8.9,
                Severity::Medium => 4.0..=6.9,
                Severity::Low => 0.1..=3.9,
                Severity::Info => 0.0..=0.0,
            };
            assert!(band.contains(&score), "{severity}: {score}");
        }
    }

    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("ééé", 3), "ééé");
        assert_eq!(truncate("éééé", 3), "éé…");
    }
}
