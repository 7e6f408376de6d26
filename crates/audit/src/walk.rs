//! Which files to audit: the Python files under the given paths, honouring `.gitignore` (the
//! `ignore` crate), skipping virtualenvs (their `site-packages` is someone else's code) and,
//! unless asked, migrations (generated, and full of field lists that are not API surface).

use crate::{AuditError, AuditOptions};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A Python file to parse, with what its path says about it.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub path: PathBuf,
    /// Reported path: the root as given joined with the path under it, `/`-separated.
    pub display: String,
    pub module: String,
    pub is_package: bool,
}

/// What the walk found: Python files and proxy (nginx/Apache) config files.
#[derive(Debug, Default)]
pub struct Found {
    pub python: Vec<Discovered>,
    /// Config files, in a stable order.
    pub proxy: Vec<PathBuf>,
}

/// Every Python file and proxy config under `paths`, in a stable order. A file given by name
/// is a proxy config when it looks like one, else Python.
pub fn discover(paths: &[PathBuf], options: &AuditOptions) -> Result<Found, AuditError> {
    let mut packages = PackageDirs::default();
    let mut out = Vec::new();
    let mut proxy = Vec::new();
    for root in paths {
        let meta = std::fs::metadata(root).map_err(|source| AuditError::Path {
            path: root.clone(),
            source,
        })?;
        if meta.is_file() {
            if !is_python(root) && overshare_proxyconf::looks_like_proxy_config(root) {
                proxy.push(root.clone());
            } else {
                out.push(packages.describe(root));
            }
            continue;
        }
        for entry in walker(root, options) {
            let entry = entry.map_err(|e| AuditError::Walk {
                path: root.clone(),
                message: e.to_string(),
            })?;
            let path = entry.path();
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            if is_python(path) {
                out.push(packages.describe(path));
            } else if is_config_name(path) && overshare_proxyconf::looks_like_proxy_config(path) {
                proxy.push(path.to_path_buf());
            }
        }
    }
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out.dedup_by(|a, b| a.path == b.path);
    proxy.sort();
    proxy.dedup();
    Ok(Found { python: out, proxy })
}

/// Names worth opening to see whether they are proxy config (cheap: most files are not).
fn is_config_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".conf")
        || name.ends_with(".conf.in")
        || name.ends_with(".conf.template")
        || name == "nginx.conf"
        || name == "httpd.conf"
        || name == "apache2.conf"
        || path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|d| d == "sites-enabled" || d == "sites-available" || d == "conf.d")
}

fn is_python(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py" || e == "pyi")
}

fn walker(root: &Path, options: &AuditOptions) -> ignore::Walk {
    let include_migrations = options.include_migrations;
    let include_virtualenvs = options.include_virtualenvs;
    ignore::WalkBuilder::new(root)
        // A checkout without `.git` (an sdist, a copied tree) still has its `.gitignore`.
        .require_git(false)
        .filter_entry(move |entry| {
            if !entry.file_type().is_some_and(|t| t.is_dir()) || entry.depth() == 0 {
                return true;
            }
            let path = entry.path();
            let name = entry.file_name().to_string_lossy();
            if !include_migrations && name == "migrations" {
                return false;
            }
            include_virtualenvs || !is_virtualenv(path, &name)
        })
        .build()
}

/// A virtualenv (`pyvenv.cfg`), an installed-packages dir, or a dir conventionally holding one.
fn is_virtualenv(path: &Path, name: &str) -> bool {
    matches!(
        name,
        "site-packages" | "venv" | ".venv" | "__pycache__" | ".tox" | "node_modules"
    ) || (name == "env" && !path.join("__init__.py").exists())
        || path.join("pyvenv.cfg").exists()
}

/// Remembers which directories are packages (hold `__init__.py`), to name modules.
#[derive(Default)]
struct PackageDirs {
    known: HashMap<PathBuf, bool>,
}

impl PackageDirs {
    fn is_package(&mut self, dir: &Path) -> bool {
        if let Some(&known) = self.known.get(dir) {
            return known;
        }
        let is = dir.join("__init__.py").is_file();
        self.known.insert(dir.to_path_buf(), is);
        is
    }

    /// Name the module of `path`: its stem, under every enclosing package directory.
    fn describe(&mut self, path: &Path) -> Discovered {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is_package = stem == "__init__";
        let mut parts = if is_package { Vec::new() } else { vec![stem] };
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let mut dir = absolute.parent();
        while let Some(d) = dir {
            if !self.is_package(d) {
                break;
            }
            parts.push(
                d.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            dir = d.parent();
        }
        parts.reverse();
        let display = path.to_string_lossy().replace('\\', "/");
        Discovered {
            path: path.to_path_buf(),
            display: display.strip_prefix("./").unwrap_or(&display).to_string(),
            module: parts.join("."),
            is_package,
        }
    }
}
