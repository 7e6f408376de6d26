//! Which files to audit: the Python files under the given paths, honouring `.gitignore` (the
//! `ignore` crate), skipping virtualenvs (their `site-packages` is someone else's code) and,
//! unless asked, migrations (generated, and full of field lists that are not API surface).

use crate::{AuditError, AuditOptions};
use ignore::WalkState;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A Python file to parse, with what its path says about it.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub path: PathBuf,
    /// Reported path: the root as given joined with the path under it, `/`-separated.
    pub display: String,
    pub module: String,
    pub is_package: bool,
}

/// What the walk found: Python files (with what `read` made of each) and proxy
/// (nginx/Apache) config files.
#[derive(Debug)]
pub struct Found<T> {
    pub python: Vec<(Discovered, T)>,
    /// Config files, in a stable order.
    pub proxy: Vec<PathBuf>,
}

/// Every Python file and proxy config under `paths`, in a stable order. A file given by name
/// is a proxy config when it looks like one, else Python.
///
/// `read` runs on the walker's own threads as each Python file is found (reading and parsing
/// overlap the directory walk instead of waiting for it).
pub fn discover<T: Send>(
    paths: &[PathBuf],
    options: &AuditOptions,
    read: &(dyn Fn(&Path) -> T + Sync),
) -> Result<Found<T>, AuditError> {
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
                let package = packages.package(root.parent().unwrap_or(Path::new("")));
                out.push((describe(root.clone(), &package), read(root)));
            }
            continue;
        }
        let (python, configs) = walk_tree(root, options, read)?;
        packages.learn_tree(root, python.iter().map(|(path, _)| path.as_path()));
        // Each directory's package once (it may ask the filesystem), then every file on every
        // core.
        for (path, _) in &python {
            let dir = path.parent().unwrap_or(Path::new(""));
            if !packages.packages.contains_key(dir.as_os_str()) {
                packages.package(dir);
            }
        }
        let packages = &packages;
        out.par_extend(python.into_par_iter().map(|(path, value)| {
            let package = packages.known_package(path.parent().unwrap_or(Path::new("")));
            (describe(path, package), value)
        }));
        proxy.extend(configs);
    }
    sort_by_display(&mut out);
    out.dedup_by(|a, b| a.0.path.as_os_str() == b.0.path.as_os_str());
    proxy.sort();
    proxy.dedup();
    Ok(Found { python: out, proxy })
}

/// Sort files by their reported path (stable). Each entry carries a parsed file: sorting
/// indices and moving every entry once costs a fraction of moving entries at every step of
/// the sort.
fn sort_by_display<T>(files: &mut Vec<(Discovered, T)>) {
    let shown: Vec<&str> = files.iter().map(|(d, _)| d.display.as_str()).collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.par_sort_unstable_by(|&a, &b| (shown[a], a).cmp(&(shown[b], b)));
    drop(shown);
    let mut slots: Vec<Option<(Discovered, T)>> = files.drain(..).map(Some).collect();
    files.extend(order.into_iter().filter_map(|i| slots[i].take()));
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
    path.file_name().is_some_and(is_python_name)
}

/// `*.py` or `*.pyi` (as `Path::extension` sees it: `.py` alone is a stem, not an extension).
fn is_python_name(name: &std::ffi::OsStr) -> bool {
    let name = name.as_encoded_bytes();
    (name.len() > 3 && name.ends_with(b".py")) || (name.len() > 4 && name.ends_with(b".pyi"))
}

/// The Python files and proxy-config candidates under `root`, walked on every core (the
/// `ignore` crate's parallel walker: a tree of thousands of directories is stat-bound).
#[allow(clippy::type_complexity)]
fn walk_tree<T: Send>(
    root: &Path,
    options: &AuditOptions,
    read: &(dyn Fn(&Path) -> T + Sync),
) -> Result<(Vec<(PathBuf, T)>, Vec<PathBuf>), AuditError> {
    let python = Mutex::new(Vec::new());
    let configs = Mutex::new(Vec::new());
    let virtualenvs = Mutex::new(Vec::new());
    let failure: Mutex<Option<String>> = Mutex::new(None);
    walker(root, options).run(|| {
        Box::new(|entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    *failure.lock().expect("not poisoned") = Some(err.to_string());
                    return WalkState::Quit;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            // The entry's own name, not the path's last component: no path parsing per file.
            let python_file = is_python_name(entry.file_name());
            let path = entry.into_path();
            if python_file {
                let value = read(&path);
                python.lock().expect("not poisoned").push((path, value));
            } else if is_virtualenv_marker(&path, root, options) {
                virtualenvs.lock().expect("not poisoned").push(path);
            } else if is_config_name(&path) && overshare_proxyconf::looks_like_proxy_config(&path) {
                configs.lock().expect("not poisoned").push(path);
            }
            WalkState::Continue
        })
    });
    if let Some(message) = failure.into_inner().expect("not poisoned") {
        return Err(AuditError::Walk {
            path: root.to_path_buf(),
            message,
        });
    }
    let mut python = python.into_inner().expect("not poisoned");
    let mut configs = configs.into_inner().expect("not poisoned");
    // A virtualenv is known by the `pyvenv.cfg` at its top, which the walk sees with the rest:
    // what was found under one is dropped now (asking every directory for the file instead
    // cost a `stat` per directory; a virtualenv's own packages are skipped by name, so little
    // is read in vain).
    let virtualenvs = virtualenvs.into_inner().expect("not poisoned");
    if !virtualenvs.is_empty() {
        let dirs: Vec<&Path> = virtualenvs.iter().filter_map(|p| p.parent()).collect();
        let outside = |path: &Path| !dirs.iter().any(|dir| path.starts_with(dir));
        python.retain(|(path, _)| outside(path));
        configs.retain(|path| outside(path));
    }
    Ok((python, configs))
}

/// The `pyvenv.cfg` of a virtualenv (below the root: a root that is itself a virtualenv is
/// audited, as it was asked for).
fn is_virtualenv_marker(path: &Path, root: &Path, options: &AuditOptions) -> bool {
    !options.include_virtualenvs
        && path.file_name().is_some_and(|n| n == "pyvenv.cfg")
        && path.parent().is_some_and(|dir| dir != root)
}

fn walker(root: &Path, options: &AuditOptions) -> ignore::WalkParallel {
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
            if is_catalog_dir(&name) || (!include_migrations && name == "migrations") {
                return false;
            }
            include_virtualenvs || !is_virtualenv(path, &name)
        })
        .build_parallel()
}

/// A gettext catalog directory (`locale/<language>/LC_MESSAGES`: `.po` and `.mo` files, by
/// gettext's own layout). Never Python, and a translated project has one per language and
/// domain: on the benchmark corpus they are 2,369 of its 6,327 directories, each one an
/// `openat`, a `fstat`, two `getdents64` and a `close` the walk need not make.
fn is_catalog_dir(name: &str) -> bool {
    name == "LC_MESSAGES"
}

/// An installed-packages dir, or a dir conventionally holding a virtualenv (any other
/// virtualenv is known by its `pyvenv.cfg`: see `walk_tree`).
fn is_virtualenv(path: &Path, name: &str) -> bool {
    matches!(
        name,
        "site-packages" | "venv" | ".venv" | "__pycache__" | ".tox" | "node_modules"
    ) || (name == "env" && !path.join("__init__.py").exists())
}

/// Remembers which directories are packages (hold `__init__.py`), to name modules.
#[derive(Default)]
struct PackageDirs {
    /// Absolute directory → whether it is a package.
    known: HashMap<PathBuf, bool>,
    /// Directory as walked → the dotted package its files are in (`""`: none). Every file of
    /// a directory has the same one, so it is worked out once per directory. Keyed by the
    /// path's bytes: hashing a `Path` parses its components, which on thousands of files was
    /// most of the (serial) time between the walk and the index.
    packages: rustc_hash::FxHashMap<std::ffi::OsString, String>,
    /// The walked trees (absolute): below them, a directory is a package exactly when the walk
    /// found its `__init__.py`, and the filesystem is not asked again.
    walked: Vec<PathBuf>,
    /// The working directory, asked once (relative paths are made absolute against it).
    cwd: Option<PathBuf>,
}

impl PackageDirs {
    /// Learn which directories of a walked tree are packages from the Python files found in it.
    fn learn_tree<'p>(&mut self, root: &Path, python: impl Iterator<Item = &'p Path>) {
        let root = self.absolute(root);
        self.walked.push(root);
        for path in python {
            // By the path's bytes first: parsing every path into components cost more than
            // the rest of this.
            let bytes = path.as_os_str().as_encoded_bytes();
            if bytes.ends_with(b"__init__.py")
                && path.file_name().is_some_and(|n| n == "__init__.py")
                && let Some(dir) = path.parent()
            {
                let dir = self.absolute(dir);
                self.known.insert(dir, true);
            }
        }
    }

    fn is_package(&mut self, dir: &Path) -> bool {
        if let Some(&known) = self.known.get(dir) {
            return known;
        }
        // Above the walked trees (the module path goes up through enclosing packages) or for a
        // file given by name, ask the filesystem.
        let is = !self.walked.iter().any(|root| dir.starts_with(root))
            && dir.join("__init__.py").is_file();
        self.known.insert(dir.to_path_buf(), is);
        is
    }

    /// `path` made absolute without a system call per file (`std::path::absolute` asks for the
    /// working directory every time).
    fn absolute(&mut self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            return path.components().collect();
        }
        let cwd = self
            .cwd
            .get_or_insert_with(|| std::env::current_dir().unwrap_or_default());
        cwd.join(path).components().collect()
    }

    /// The dotted package of the files in `dir`: the names of the package directories from
    /// `dir` up.
    fn package(&mut self, dir: &Path) -> String {
        if let Some(package) = self.packages.get(dir.as_os_str()) {
            return package.clone();
        }
        let absolute = self.absolute(dir);
        let mut parts = Vec::new();
        let mut at = Some(absolute.as_path());
        while let Some(d) = at {
            if !self.is_package(d) {
                break;
            }
            parts.push(
                d.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            at = d.parent();
        }
        parts.reverse();
        let package = parts.join(".");
        self.packages
            .insert(dir.as_os_str().to_os_string(), package.clone());
        package
    }

    /// The package of `dir`, which [`package`](Self::package) has worked out.
    fn known_package(&self, dir: &Path) -> &str {
        self.packages
            .get(dir.as_os_str())
            .map_or("", String::as_str)
    }
}

/// Name the module of `path` (its stem, under `package`) and how it is reported.
fn describe(path: PathBuf, package: &str) -> Discovered {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let is_package = stem == "__init__";
    let module = if is_package {
        package.to_string()
    } else if package.is_empty() {
        stem.into_owned()
    } else {
        format!("{package}.{stem}")
    };
    let mut shown = path.to_string_lossy();
    if shown.contains('\\') {
        shown = shown.replace('\\', "/").into();
    }
    let display = shown.strip_prefix("./").unwrap_or(&shown).to_string();
    Discovered {
        path,
        display,
        module,
        is_package,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_names_are_what_the_extension_says() {
        for name in [
            "a.py", ".py", "..py", "a.pyi", ".pyi", "a.pyc", "py", "a.py.txt", "a.PY", "x.b.py",
            "pyi", ".a.py",
        ] {
            let by_extension = Path::new(name)
                .extension()
                .is_some_and(|e| e == "py" || e == "pyi");
            assert_eq!(
                is_python_name(std::ffi::OsStr::new(name)),
                by_extension,
                "{name}"
            );
        }
    }
}
