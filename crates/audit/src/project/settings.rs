//! Django settings: the modules that are settings, whether they are dev/test-only, and the
//! values the rules and the index need (`AUTH_USER_MODEL`, `ROOT_URLCONF`, DRF defaults).

use super::Project;
use crate::source::{FileId, Loc, SourceFile};
use crate::syntax::{Expr, Stmt};
use rayon::prelude::*;

/// A module-level setting: its value expression and where it is assigned.
#[derive(Debug, Clone)]
pub struct Setting {
    pub loc: Loc,
    pub value: Expr,
}

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Every settings module, with whether its name says it is for development or tests only.
    pub modules: Vec<(FileId, bool)>,
    pub auth_user_model: Option<String>,
    pub root_urlconf: Option<String>,
    /// `REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]`, as dotted strings.
    pub default_permissions: Vec<String>,
    pub default_authentication: Vec<String>,
    pub middleware: Vec<String>,
}

/// Setting names only a settings module assigns.
const MARKERS: &[&str] = &["INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "SECRET_KEY"];

/// Words in a module path that say "not production".
const NON_PRODUCTION: &[&str] = &[
    "dev",
    "devel",
    "develop",
    "development",
    "local",
    "test",
    "tests",
    "testing",
    "ci",
    "debug",
];

pub(super) fn collect(project: &Project) -> Settings {
    let mut settings = Settings::default();
    // Which files are settings modules, on every core (it looks at every file's module-level
    // assignments); then their values, in the walk's order.
    let modules: Vec<usize> = project
        .files
        .par_iter()
        .enumerate()
        .filter(|(_, file)| is_settings(file))
        .map(|(id, _)| id)
        .collect();
    for id in modules {
        let file = &project.files[id];
        settings.modules.push((id, is_non_production(&file.module)));
        for (name, value) in assignments(file) {
            apply(&mut settings, name, value);
        }
    }
    settings
}

fn apply(settings: &mut Settings, name: &str, value: &Expr) {
    match name {
        "AUTH_USER_MODEL" => {
            if let Some(s) = value.as_str() {
                settings
                    .auth_user_model
                    .get_or_insert_with(|| s.to_string());
            }
        }
        "ROOT_URLCONF" => {
            if let Some(s) = value.as_str() {
                settings.root_urlconf.get_or_insert_with(|| s.to_string());
            }
        }
        "MIDDLEWARE" => settings.middleware.extend(strings(value)),
        "REST_FRAMEWORK" => {
            if let Expr::Dict { items, .. } = value {
                for (key, value) in items {
                    match key.as_ref().and_then(Expr::as_str) {
                        Some("DEFAULT_PERMISSION_CLASSES") => {
                            settings.default_permissions.extend(strings(value))
                        }
                        Some("DEFAULT_AUTHENTICATION_CLASSES") => {
                            settings.default_authentication.extend(strings(value))
                        }
                        _ => {}
                    }
                }
            }
        }
        _ => {}
    }
}

fn strings(value: &Expr) -> Vec<String> {
    value
        .elements()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e.as_str().map(str::to_string))
        .collect()
}

/// Top-level `NAME = value` statements (conditional ones are not "the" setting).
pub fn assignments(file: &SourceFile) -> impl Iterator<Item = (&str, &Expr)> {
    file.ast.body.iter().flat_map(|stmt| match stmt {
        Stmt::Assign { targets, value, .. } => targets
            .iter()
            .filter_map(Expr::as_name)
            .map(|name| (name, &**value))
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    })
}

/// A top-level assignment of `name` in a file, with the statement's location.
pub fn setting(file_id: FileId, file: &SourceFile, name: &str) -> Option<Setting> {
    file.ast.body.iter().rev().find_map(|stmt| match stmt {
        Stmt::Assign {
            targets,
            value,
            span,
        } if targets.iter().any(|t| t.as_name() == Some(name)) => Some(Setting {
            loc: Loc {
                file: file_id,
                span: *span,
            },
            value: (**value).clone(),
        }),
        _ => None,
    })
}

fn is_settings(file: &SourceFile) -> bool {
    let named = file.module.split('.').any(|part| {
        part == "settings" || part.starts_with("settings_") || part.ends_with("_settings")
    });
    named || assignments(file).any(|(name, _)| MARKERS.contains(&name))
}

/// `settings.dev`, `settings_test`, `local_settings`: names that say development or tests.
pub fn is_non_production(module: &str) -> bool {
    module
        .split(['.', '_'])
        .any(|word| NON_PRODUCTION.contains(&word.to_ascii_lowercase().as_str()))
}
