//! Runtime findings ↔ source: the view and serializer lines behind each runtime finding.
//!
//! For a finding on `GET /api/profiles/{id}/` at `/user/password`, the route gives the view
//! (`ProfileViewSet`) and its serializer (`UserProfileSerializer`); the serializer's exposure
//! tree says which definition put `user.password` in the output (here the serializer whose
//! `Meta.depth` nests `user`; for a declared nested serializer, that declaration). The audit's
//! own findings about that view or serializer are attached too.

use crate::Audit;
use crate::project::exposure::{Exposed, How, find};
use crate::project::{ClassId, Project};
use crate::rules::dedup_locations;
use overshare_finding::{Category, Finding, SourceLocation};

/// Attach source locations to every runtime finding (one with an operation) whose operation
/// the audited project serves. Locations already there are not repeated.
pub fn correlate(findings: &mut [Finding], audit: &Audit) {
    let project = &audit.project;
    for finding in findings.iter_mut() {
        let Some(op) = &finding.operation else {
            continue;
        };
        let Some(route) = project.route_for(&op.method, &op.path, op.operation_id.as_deref())
        else {
            continue;
        };
        // The serializer lines first: for a leaked property that is where the fix goes, and
        // SARIF viewers annotate the first location. The view follows.
        let mut extra = Vec::new();
        let view = &project.views[route.view_id];
        if let Some(serializer) = view.serializer {
            let pattern = finding
                .location
                .pattern
                .as_deref()
                .or(finding.location.json_pointer.as_deref());
            extra.extend(serializer_locations(project, serializer, pattern));
        }
        extra.push(route.view.clone());
        let related: Vec<SourceLocation> = related_audit_locations(audit, &extra);
        extra.extend(related);
        let mut all = std::mem::take(&mut finding.source);
        all.extend(extra);
        finding.source = dedup_locations(all);
    }
}

/// The serializer lines responsible for a pointer (or the serializer class, without one).
fn serializer_locations(
    project: &Project,
    serializer: ClassId,
    pointer: Option<&str>,
) -> Vec<SourceLocation> {
    let root = project.class_location(serializer, "serializer");
    let Some(pointer) = pointer else {
        return vec![root];
    };
    let tree = project.exposure(serializer);
    let keys = pointer_keys(&tree, pointer);
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let chain = find(&tree, &keys);
    // The deepest node whose presence a definition explains.
    let Some(node) = chain
        .iter()
        .rev()
        .find(|n| n.nested.is_some() || matches!(n.how, How::Depth(_)))
    else {
        return vec![root];
    };
    responsible(project, node)
}

fn responsible(project: &Project, node: &Exposed) -> Vec<SourceLocation> {
    let mut out = vec![project.class_location(node.serializer, "serializer")];
    match (node.how, node.nested) {
        (How::Declared(loc), Some(nested)) => {
            out.insert(0, project.location(loc, "serializer"));
            out.push(project.class_location(nested, "serializer"));
        }
        (How::Depth(loc), _) => out.push(project.location(loc, "serializer")),
        _ => {}
    }
    out
}

/// Object keys of an RFC 6901 pointer or folded pattern, array indexes and `*` left out, and a
/// leading pagination envelope (`/results/…`) skipped when the serializer has no such field.
fn pointer_keys(tree: &[Exposed], pointer: &str) -> Vec<String> {
    let mut keys: Vec<String> = pointer
        .split('/')
        .skip(1)
        .filter(|t| *t != "*" && t.parse::<usize>().is_err())
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let envelope = matches!(
        keys.first().map(String::as_str),
        Some("results" | "data" | "items")
    );
    if envelope && !tree.iter().any(|n| n.name == keys[0]) {
        keys.remove(0);
    }
    keys
}

/// The primary location of each audit finding that names one of these classes.
fn related_audit_locations(audit: &Audit, places: &[SourceLocation]) -> Vec<SourceLocation> {
    audit
        .findings
        .iter()
        .filter(|f| f.category == Category::Source)
        .filter(|f| {
            f.source.iter().any(|s| {
                places
                    .iter()
                    .any(|p| p.file == s.file && p.line == s.line && p.role == s.role)
            })
        })
        .filter_map(|f| f.source.first().cloned())
        .collect()
}
