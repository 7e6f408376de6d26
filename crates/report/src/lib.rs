//! The overshare report: the one place where findings become something a person or a pipeline
//! reads.
//!
//! - [`model`]: the JSON report contract of DESIGN.md ([`Report`] and its parts), built with
//!   [`Report::new`] so the summary is always derived from the details, never hand-filled.
//! - [`score`]: the 0–100 score and A–F grade, with the formula and its reasons.
//! - [`REPORT_SCHEMA`]: the JSON Schema (draft 2020-12) of the contract, shipped in the binary so
//!   `overshare` can print it and consumers can validate against the exact version they got.
//! - [`to_json`] / [`from_json`]: the JSON form (pretty, stable key order).
//! - [`text`]: the terminal rendering ([`render_text`]).
//! - [`sarif`], [`junit`], [`markdown`]: code scanning, CI test results and pull-request
//!   comments ([`to_sarif`], [`to_junit`], [`to_markdown`]); the formats that point into files
//!   or explain rules take a [`RenderContext`] (the rule catalogue, the spec path and lines).
//!
//! The HTML renderer works over the same [`Report`].
//!
//! Everything a report holds was redacted by the producers (see `overshare_finding::redact`);
//! renderers print evidence as is and never see raw response values.

pub mod context;
pub mod html;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod sarif;
pub mod score;
pub mod text;

pub use context::{RenderContext, RuleDescriptor};
pub use html::{HtmlRule, to_html};
pub use junit::to_junit;
pub use markdown::to_markdown;
pub use model::{
    CoverageEntry, CoverageStatus, IdentityStatus, REPORT_VERSION, Report, ReportInput,
    SeverityCounts, Summary, TOOL_NAME, Tool,
};
pub use sarif::to_sarif;
pub use text::{print_text, render_text};

/// The JSON Schema (draft 2020-12) every [`to_json`] output validates against.
pub const REPORT_SCHEMA: &str = include_str!("../schema/report.schema.json");

/// Why a JSON report could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("not an overshare report: {0}")]
    Json(#[from] serde_json::Error),
    /// A newer major version may have changed meaning; refuse rather than misread it.
    #[error("report version {found} is not supported (this overshare reads {REPORT_VERSION})")]
    UnsupportedVersion { found: String },
}

/// The report as pretty JSON with a trailing newline (files and terminals expect one). Keys
/// keep their declaration order (serde_json `preserve_order`), so diffs between runs are small.
pub fn to_json(report: &Report) -> String {
    // Serialising plain data (strings, numbers, derived enums) into a String cannot fail.
    let mut json = serde_json::to_string_pretty(report).expect("report serialises to JSON");
    json.push('\n');
    json
}

/// Read a report written by [`to_json`] (for baselines and comparisons). Accepts any `1.x`
/// report: minor versions only add fields, and unknown fields are ignored.
pub fn from_json(json: &str) -> Result<Report, ReportError> {
    let report: Report = serde_json::from_str(json)?;
    let major = |v: &str| v.split('.').next().unwrap_or_default().to_string();
    if major(&report.report_version) != major(REPORT_VERSION) {
        return Err(ReportError::UnsupportedVersion {
            found: report.report_version,
        });
    }
    Ok(report)
}
