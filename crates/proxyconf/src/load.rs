//! Reading files: positions, the dialect decision, includes (with globs) and the cheap
//! "is this proxy config at all" test a tree walker asks for every candidate file.

use crate::{Dialect, Directive, ProxyConfig, ProxyError, apache, extract, nginx};
use overshare_finding::SourceLocation;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Includes nest at most this deep (nginx has no limit; a loop is caught before this anyway).
const MAX_INCLUDE_DEPTH: usize = 32;

/// A point in a file: 1-based line and column (in characters), and the byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: u32,
    pub col: u32,
    pub byte: usize,
}

impl Pos {
    pub const START: Pos = Pos {
        line: 1,
        col: 1,
        byte: 0,
    };

    /// The position after `c`, which sits at `self`.
    pub fn after(self, c: char) -> Pos {
        if c == '\n' {
            Pos {
                line: self.line + 1,
                col: 1,
                byte: self.byte + 1,
            }
        } else {
            Pos {
                line: self.line,
                col: self.col + 1,
                byte: self.byte + c.len_utf8(),
            }
        }
    }
}

/// The location of `text[start..end]` in `file`, with that text (trimmed) as the snippet.
pub(crate) fn location(file: &str, text: &str, start: Pos, end: Pos) -> SourceLocation {
    SourceLocation {
        file: file.to_string(),
        line: start.line,
        column: Some(start.col),
        end_line: Some(end.line),
        end_column: Some(end.col),
        role: Some("proxy".to_string()),
        snippet: Some(text[start.byte..end.byte].trim().to_string()),
    }
}

pub(crate) fn syntax_error(file: &str, at: Pos, message: impl Into<String>) -> ProxyError {
    ProxyError::Syntax {
        file: file.to_string(),
        line: at.line,
        column: at.col,
        message: message.into(),
    }
}

/// What parsing one configuration shares across the files it includes.
pub(crate) struct Loader {
    pub dialect: Dialect,
    /// Where relative include paths start (the main file's directory, or Apache's ServerRoot).
    pub base: PathBuf,
    pub files: Vec<String>,
    pub unresolved: Vec<SourceLocation>,
    /// Canonical paths of the files being read, outermost first (include loops).
    stack: Vec<PathBuf>,
    /// The top-level directory (`/etc`) of the main file: absolute includes elsewhere are not
    /// read (see [`Loader::include`]).
    top: Option<PathBuf>,
}

impl Loader {
    fn new(dialect: Dialect, base: &Path) -> Loader {
        Loader {
            dialect,
            base: base.to_path_buf(),
            files: Vec::new(),
            unresolved: Vec::new(),
            stack: Vec::new(),
            top: None,
        }
    }

    fn parse(&mut self, file: &str, text: &str) -> Result<Vec<Directive>, ProxyError> {
        self.files.push(file.to_string());
        match self.dialect {
            Dialect::Nginx => nginx::parse(self, file, text),
            Dialect::Apache => apache::parse(self, file, text),
        }
    }

    /// The directives of every file `pattern` names (a glob, relative to the base), in sorted
    /// order as nginx and httpd read them. A missing file or a loop is recorded in
    /// `unresolved`, not an error: a repository's config often includes system files
    /// (`/etc/nginx/mime.types`) that are not there.
    ///
    /// An absolute include is read only when it lies under the same top-level directory as
    /// the main file (`/etc/nginx/nginx.conf` including `/etc/nginx/conf.d/*.conf`): a config
    /// audited in a repository must not pull in the servers of the machine that audits it.
    pub fn include(
        &mut self,
        pattern: &str,
        directive: &SourceLocation,
        including_file: &str,
    ) -> Result<Vec<Directive>, ProxyError> {
        if Path::new(pattern).is_absolute() && top_dir(Path::new(pattern)) != self.top {
            if !has_wildcard(pattern) {
                self.unresolved.push(directive.clone());
            }
            return Ok(Vec::new());
        }
        let mut paths = expand(&self.base.join(pattern));
        if paths.is_empty() && !Path::new(pattern).is_absolute() {
            // Not under the base: try next to the including file (a snippet directory beside a
            // site file, or an Apache config whose ServerRoot is elsewhere).
            if let Some(dir) = Path::new(including_file).parent() {
                paths = expand(&dir.join(pattern));
            }
        }
        if paths.is_empty() {
            if !has_wildcard(pattern) {
                self.unresolved.push(directive.clone());
            }
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for path in paths {
            let canonical = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if self.stack.contains(&canonical) || self.stack.len() >= MAX_INCLUDE_DEPTH {
                self.unresolved.push(directive.clone());
                continue;
            }
            if path.is_dir() {
                continue;
            }
            let name = path.display().to_string();
            let text = read(&path)?;
            self.stack.push(canonical);
            let parsed = self.parse(&name, &text);
            self.stack.pop();
            out.extend(parsed?);
        }
        Ok(out)
    }
}

fn read(path: &Path) -> Result<String, ProxyError> {
    let bytes = fs::read(path).map_err(|e| ProxyError::Io {
        file: path.display().to_string(),
        message: e.to_string(),
    })?;
    // Configs are ASCII in practice; a stray Latin-1 byte in a comment must not stop the audit.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub(crate) fn load(path: &Path) -> Result<ProxyConfig, ProxyError> {
    let text = read(path)?;
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.display().to_string();
    let canonical = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    load_inner(&text, &name, base, Some(canonical))
}

pub(crate) fn load_str(text: &str, name: &str, base_dir: &Path) -> Result<ProxyConfig, ProxyError> {
    load_inner(text, name, base_dir, None)
}

fn load_inner(
    text: &str,
    name: &str,
    base: &Path,
    canonical: Option<PathBuf>,
) -> Result<ProxyConfig, ProxyError> {
    let dialect = detect(name, text);
    let mut loader = Loader::new(dialect, base);
    if dialect == Dialect::Apache
        && let Some(root) = apache::server_root(text)
    {
        let root = base.join(root);
        if root.is_dir() {
            loader.base = root;
        }
    }
    let main = canonical
        .clone()
        .or_else(|| fs::canonicalize(base).ok().map(|b| b.join(name)));
    loader.top = main.as_deref().and_then(top_dir);
    if let Some(canonical) = canonical {
        loader.stack.push(canonical);
    }
    let directives = loader.parse(name, text)?;
    let (servers, defined_variables) = extract::servers(dialect, &directives);
    Ok(ProxyConfig {
        dialect,
        file: name.to_string(),
        files: loader.files,
        directives,
        servers,
        unresolved_includes: loader.unresolved,
        defined_variables,
    })
}

/// nginx or Apache: the well-known file names decide; otherwise the content does (Apache
/// sections `<VirtualHost`, `<IfModule`, … against nginx blocks `name … {` and `;`-terminated
/// lines). Ties go to nginx, the more common front of a Django app.
pub(crate) fn detect(name: &str, text: &str) -> Dialect {
    let file = Path::new(name)
        .file_name()
        .map(|f| f.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let file = file.strip_suffix(".in").unwrap_or(&file);
    match file {
        "httpd.conf" | "apache2.conf" | "apache.conf" | ".htaccess" | "httpd-ssl.conf" => {
            return Dialect::Apache;
        }
        "nginx.conf" => return Dialect::Nginx,
        _ => {}
    }
    let (mut apache, mut nginx) = (0usize, 0usize);
    for line in text.lines().take(5000) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('<') {
            let tag = line
                .trim_start_matches(['<', '/'])
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or("");
            if APACHE_SECTIONS.iter().any(|s| s.eq_ignore_ascii_case(tag)) {
                apache += 3;
            }
            continue;
        }
        if line.ends_with('{') || line.ends_with(';') || line == "}" {
            nginx += 1;
        }
        let word = line.split_whitespace().next().unwrap_or("");
        if APACHE_DIRECTIVES.contains(&word) {
            apache += 2;
        }
    }
    if apache > nginx {
        Dialect::Apache
    } else {
        Dialect::Nginx
    }
}

const APACHE_SECTIONS: &[&str] = &[
    "VirtualHost",
    "IfModule",
    "Location",
    "LocationMatch",
    "Directory",
    "DirectoryMatch",
    "Files",
    "FilesMatch",
    "Proxy",
    "IfDefine",
    "IfVersion",
    "If",
    "Macro",
];

/// Directives that only Apache has, as Apache configs write them (capitalised).
const APACHE_DIRECTIVES: &[&str] = &[
    "ServerName",
    "ServerAlias",
    "ServerRoot",
    "DocumentRoot",
    "LoadModule",
    "Listen",
    "SSLEngine",
    "SSLVerifyClient",
    "SSLCertificateFile",
    "SSLOptions",
    "ProxyPass",
    "ProxyPassReverse",
    "RequestHeader",
    "Include",
    "IncludeOptional",
    "WSGIScriptAlias",
];

pub(crate) fn looks_like_proxy_config(path: &Path) -> bool {
    let Some(file) = path
        .file_name()
        .map(|f| f.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    let stem = file.strip_suffix(".in").unwrap_or(&file);
    if matches!(stem, "nginx.conf" | "httpd.conf" | "apache2.conf") {
        return true;
    }
    let in_site_dir = path.parent().and_then(Path::file_name).is_some_and(|d| {
        matches!(
            d.to_string_lossy().as_ref(),
            "sites-available" | "sites-enabled" | "conf.d" | "vhosts.d" | "conf-enabled"
        )
    });
    if !(stem.ends_with(".conf") || stem.ends_with(".vhost") || in_site_dir) {
        return false;
    }
    let mut head = Vec::with_capacity(8192);
    let Ok(f) = fs::File::open(path) else {
        return false;
    };
    if f.take(64 * 1024).read_to_end(&mut head).is_err() {
        return false;
    }
    has_server_block(&String::from_utf8_lossy(&head))
}

/// An nginx `server`/`http` block or an Apache `<VirtualHost>` outside comments.
fn has_server_block(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        if line.starts_with('#') {
            return false;
        }
        if line
            .get(..12)
            .is_some_and(|tag| tag.eq_ignore_ascii_case("<virtualhost"))
        {
            return true;
        }
        for block in ["server", "http"] {
            if let Some(rest) = line.strip_prefix(block)
                && rest.trim_start().starts_with('{')
            {
                return true;
            }
        }
        false
    })
}

/// `/etc` for `/etc/nginx/nginx.conf`.
fn top_dir(path: &Path) -> Option<PathBuf> {
    let mut components = path.components();
    let root = components.next()?;
    let first = components.next()?;
    Some(PathBuf::from(root.as_os_str()).join(first))
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// The existing paths `pattern` matches, sorted; a pattern without wildcards matches itself
/// when it exists. `*`, `?` and `[…]` (with `!` or `^` negation and ranges) work in every
/// component; a wildcard does not match a leading `.`, as with glob(3).
pub(crate) fn expand(pattern: &Path) -> Vec<PathBuf> {
    let text = pattern.to_string_lossy();
    if !has_wildcard(&text) {
        return if pattern.exists() {
            vec![pattern.to_path_buf()]
        } else {
            Vec::new()
        };
    }
    let mut current = vec![PathBuf::new()];
    for component in pattern.components() {
        let part = component.as_os_str().to_string_lossy();
        let mut next = Vec::new();
        if has_wildcard(&part) {
            for dir in &current {
                let listing = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir.as_path()
                };
                let Ok(entries) = fs::read_dir(listing) else {
                    continue;
                };
                let mut names: Vec<String> = entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| wildcard_match(&part, n))
                    .collect();
                names.sort();
                next.extend(names.into_iter().map(|n| dir.join(n)));
            }
        } else {
            next = current.iter().map(|d| d.join(component)).collect();
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    current.retain(|p| p.exists());
    current
}

/// fnmatch-style matching of one path component.
pub(crate) fn wildcard_match(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    matches_from(&p, &n)
}

fn matches_from(p: &[char], n: &[char]) -> bool {
    match p.first() {
        None => n.is_empty(),
        Some('*') => (0..=n.len()).any(|skip| matches_from(&p[1..], &n[skip..])),
        Some('?') => !n.is_empty() && matches_from(&p[1..], &n[1..]),
        Some('[') => {
            let Some(close) = p.iter().skip(2).position(|&c| c == ']').map(|i| i + 2) else {
                // No closing bracket: a literal `[`.
                return n.first() == Some(&'[') && matches_from(&p[1..], &n[1..]);
            };
            let Some(&c) = n.first() else {
                return false;
            };
            let mut set = &p[1..close];
            let negate = matches!(set.first(), Some('!' | '^'));
            if negate {
                set = &set[1..];
            }
            let mut hit = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1] == '-' {
                    hit |= set[i] <= c && c <= set[i + 2];
                    i += 3;
                } else {
                    hit |= set[i] == c;
                    i += 1;
                }
            }
            hit != negate && matches_from(&p[close + 1..], &n[1..])
        }
        Some(&c) => n.first() == Some(&c) && matches_from(&p[1..], &n[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_follow_fnmatch() {
        assert!(wildcard_match("*.conf", "app.conf"));
        assert!(!wildcard_match("*.conf", "app.conf.bak"));
        assert!(!wildcard_match("*", ".hidden"));
        assert!(wildcard_match("site-?.conf", "site-a.conf"));
        assert!(wildcard_match("[a-c]*", "beta"));
        assert!(!wildcard_match("[!a-c]*", "beta"));
        assert!(wildcard_match("x[", "x["));
    }

    #[test]
    fn dialect_from_name_then_content() {
        assert_eq!(detect("etc/httpd.conf", "server {"), Dialect::Apache);
        assert_eq!(
            detect("nginx.conf.in", "<VirtualHost *:443>"),
            Dialect::Nginx
        );
        assert_eq!(
            detect(
                "site.conf",
                "<VirtualHost *:443>\nServerName a\n</VirtualHost>\n"
            ),
            Dialect::Apache
        );
        assert_eq!(
            detect("site.conf", "server {\n listen 443 ssl;\n}\n"),
            Dialect::Nginx
        );
    }

    #[test]
    fn positions_count_characters_and_lines() {
        let p = Pos::START.after('é');
        assert_eq!((p.line, p.col, p.byte), (1, 2, 2));
        let p = p.after('\n');
        assert_eq!((p.line, p.col, p.byte), (2, 1, 3));
    }
}
