//! The proxy side of the audit: load the nginx/Apache configs the walk found and check them
//! against what the Python code reads (the rules live in `overshare-proxyconf`; the facts about
//! the application come from here, which is why a rule can need both files).

use crate::ParseProblem;
use crate::project::Project;
use overshare_finding::Finding;
use overshare_proxyconf::{AppFacts, ProxyConfig, ProxyError};
use std::path::PathBuf;

/// Load every config; a config another one already includes is not loaded twice, and one that
/// does not parse is a reported problem, not the end of the audit.
pub fn load_all(paths: &[PathBuf]) -> (Vec<ProxyConfig>, Vec<ParseProblem>) {
    let mut configs: Vec<ProxyConfig> = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        if configs.iter().any(|c| c.files.contains(&shown)) {
            continue;
        }
        match overshare_proxyconf::load(path) {
            Ok(config) => configs.push(config),
            Err(err) => problems.push(problem(&shown, err)),
        }
    }
    (configs, problems)
}

fn problem(file: &str, err: ProxyError) -> ParseProblem {
    match err {
        ProxyError::Syntax {
            file,
            line,
            column,
            message,
        } => ParseProblem {
            file,
            line,
            column,
            message,
        },
        ProxyError::Io { message, .. } => ParseProblem {
            file: file.to_string(),
            line: 1,
            column: 1,
            message: format!("cannot read: {message}"),
        },
    }
}

/// The proxy rules, with the identity headers the code reads and whether it checks the
/// verification result.
pub fn check(configs: &[ProxyConfig], project: &Project) -> Vec<Finding> {
    if configs.is_empty() {
        return Vec::new();
    }
    let facts = AppFacts {
        identity_headers_read: crate::identity_headers_read(project),
        app_checks_verify: crate::app_checks_verify(project),
    };
    overshare_proxyconf::check(configs, &facts)
}
