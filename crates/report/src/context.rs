//! What renderers need besides the [`Report`](crate::Report): the rule catalogue and where each
//! operation sits in the spec file.
//!
//! The JSON report is self-contained on purpose (a finding carries its rule id, name, CWE and
//! remediation), but it carries neither the rules' docs nor line numbers. Formats that point into
//! files (SARIF) or explain rules (SARIF help, the Markdown legend) get them from a
//! [`RenderContext`], which the binary fills from the analyzers' catalogue and the loaded spec.
//! Every renderer copes with an empty context: a rule missing from it is described from the
//! finding itself ([`RuleDescriptor::from_finding`]), an operation without a line is not located.

use std::collections::HashMap;

use overshare_finding::{Category, Finding, OperationRef, RuleMeta, Severity};
use serde::{Deserialize, Serialize};

/// What renderers need to know about a rule (the binary fills it from the analyzers' catalogue).
///
/// `category` is not in the brief's sketch of this type: SARIF tags a rule with its category, and
/// every catalogue entry (`RuleMeta`, the analyzers' `RuleDoc`) has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDescriptor {
    /// `OVS101`
    pub id: String,
    /// `undeclared-property`
    pub name: String,
    pub category: Category,
    /// One line: what the rule finds.
    pub summary: String,
    /// The full doc, Markdown with `## What it finds`, `## Why it matters`, … sections.
    pub doc: String,
    pub default_severity: Severity,
    pub cwe: Vec<String>,
    pub owasp: Vec<String>,
}

impl From<&RuleMeta> for RuleDescriptor {
    fn from(meta: &RuleMeta) -> Self {
        RuleDescriptor {
            id: meta.id.to_string(),
            name: meta.name.to_string(),
            category: meta.category,
            summary: meta.summary.to_string(),
            doc: meta.doc.to_string(),
            default_severity: meta.default_severity,
            cwe: meta.cwe.iter().map(|s| s.to_string()).collect(),
            owasp: meta.owasp.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl RuleDescriptor {
    /// A stand-in for a rule the context does not know (an incomplete catalogue, a report read
    /// back from another version): everything a finding says about its rule, its title as the
    /// description and its remediation as the doc's fix section, so that SARIF still has a
    /// descriptor (with help) to point `ruleIndex` at.
    pub fn from_finding(finding: &Finding) -> RuleDescriptor {
        let mut doc = finding.title.clone();
        if !finding.remediation.is_empty() {
            doc.push_str("\n\n## Use instead\n");
            doc.push_str(&finding.remediation);
            doc.push('\n');
        }
        RuleDescriptor {
            id: finding.rule.clone(),
            name: finding.name.clone(),
            category: finding.category,
            summary: finding.title.clone(),
            doc,
            default_severity: finding.severity,
            cwe: finding.cwe.clone(),
            owasp: finding.owasp.clone(),
        }
    }

    /// A paragraph that describes the rule: the text under the doc's `## What it finds`, else the
    /// doc's first paragraph that is not a heading, else the summary. Lines are joined, so the
    /// result is one paragraph (SARIF `fullDescription`, which GitHub shows as plain text).
    pub fn description(&self) -> String {
        let paragraphs = paragraphs(&self.doc);
        let under_heading = paragraphs
            .iter()
            .position(|p| is_heading(p) && p.trim_start_matches('#').trim() == "What it finds")
            .and_then(|i| paragraphs.get(i + 1))
            .filter(|p| !is_heading(p));
        let first_prose = || paragraphs.iter().find(|p| !is_heading(p));
        match under_heading.or_else(first_prose) {
            Some(p) => p.split_whitespace().collect::<Vec<_>>().join(" "),
            None => self.summary.clone(),
        }
    }
}

/// Blocks of a Markdown text separated by blank lines, with a heading line as its own block (a
/// doc may put the paragraph right under its heading). Code fences are not special: they only
/// matter for the description when a section starts with code, and then the code is as good
/// a description as any.
fn paragraphs(doc: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let flush = |current: &mut Vec<&str>, blocks: &mut Vec<String>| {
        if !current.is_empty() {
            blocks.push(current.join("\n"));
            current.clear();
        }
    };
    for line in doc.lines() {
        if line.trim().is_empty() {
            flush(&mut current, &mut blocks);
        } else if line.starts_with('#') {
            flush(&mut current, &mut blocks);
            blocks.push(line.to_string());
        } else {
            current.push(line);
        }
    }
    flush(&mut current, &mut blocks);
    blocks
}

fn is_heading(block: &str) -> bool {
    block.starts_with('#')
}

/// Context for formats that point into files: the rules, the spec file (path as given, relative
/// preferred) and the line of each operation in it.
#[derive(Debug, Clone, Default)]
pub struct RenderContext {
    /// The rule catalogue, in the order renderers should list it (the catalogue's id order).
    pub rules: Vec<RuleDescriptor>,
    /// The spec file as the user gave it. Relative to the repository root is what code scanning
    /// needs to annotate it; a URL is kept as is (and then nothing can be annotated).
    pub spec_path: Option<String>,
    /// `(METHOD, path template)` → 1-based line of the operation in the spec file.
    pub operation_lines: HashMap<(String, String), usize>,
}

impl RenderContext {
    /// The descriptor of `id`, if the catalogue has it.
    pub fn rule(&self, id: &str) -> Option<&RuleDescriptor> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The descriptor of a finding's rule: the catalogue's, or one made from the finding.
    pub fn rule_for(&self, finding: &Finding) -> RuleDescriptor {
        self.rule(&finding.rule)
            .cloned()
            .unwrap_or_else(|| RuleDescriptor::from_finding(finding))
    }

    /// The spec line of an operation. Methods are compared case-insensitively (the key is meant
    /// to be upper case, but a lower-case `get` from a spec's path item must not lose its line).
    pub fn operation_line(&self, method: &str, path: &str) -> Option<usize> {
        let key = (method.to_ascii_uppercase(), path.to_string());
        self.operation_lines.get(&key).copied().or_else(|| {
            self.operation_lines
                .iter()
                .find(|((m, p), _)| p == path && m.eq_ignore_ascii_case(method))
                .map(|(_, line)| *line)
        })
    }
}

/// Every identity that saw a finding, in order: `identities`, or the single `identity` of a
/// finding written before the list existed. Empty for static findings.
pub(crate) fn finding_identities(finding: &Finding) -> Vec<&str> {
    if finding.identities.is_empty() {
        finding.identity.as_deref().into_iter().collect()
    } else {
        finding.identities.iter().map(String::as_str).collect()
    }
}

/// Whether `finding` is about the operation `method path`.
pub(crate) fn is_operation(op: &OperationRef, method: &str, path: &str) -> bool {
    op.path == path && op.method.eq_ignore_ascii_case(method)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn descriptor(doc: &str) -> RuleDescriptor {
        RuleDescriptor {
            id: "OVS101".into(),
            name: "undeclared-property".into(),
            category: Category::Exposure,
            summary: "Undeclared property".into(),
            doc: doc.into(),
            default_severity: Severity::Medium,
            cwe: vec![],
            owasp: vec![],
        }
    }

    #[test]
    fn description_prefers_what_it_finds() {
        let doc = "Title line.\n\n## What it finds\nA property\nnot in the schema.\n\n## Why\nx";
        assert_eq!(
            descriptor(doc).description(),
            "A property not in the schema."
        );
    }

    #[test]
    fn description_falls_back_to_first_paragraph_then_summary() {
        assert_eq!(
            descriptor("# Heading\nFirst one.\n\nSecond.").description(),
            "First one."
        );
        assert_eq!(descriptor("").description(), "Undeclared property");
        assert_eq!(
            descriptor("## Only\n## Headings").description(),
            "Undeclared property"
        );
    }

    #[test]
    fn operation_line_ignores_method_case() {
        let mut ctx = RenderContext::default();
        ctx.operation_lines
            .insert(("GET".into(), "/a/{id}/".into()), 12);
        ctx.operation_lines
            .insert(("post".into(), "/a/".into()), 30);
        assert_eq!(ctx.operation_line("get", "/a/{id}/"), Some(12));
        assert_eq!(ctx.operation_line("POST", "/a/"), Some(30));
        assert_eq!(ctx.operation_line("GET", "/a/"), None);
    }
}
