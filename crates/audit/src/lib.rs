//! `overshare audit`: the root cause of excessive data exposure in Django / DRF source.
//!
//! A runtime finding says *what* leaks; this crate says *where* to fix it. It reads a project's
//! Python files, builds an index of what Django and DRF will do with them, and runs rules over
//! that index:
//!
//! ```text
//! paths ─► walk (ignore: .gitignore, no virtualenvs, no migrations), in parallel; on the
//!          walker's threads, each file is
//!       ─► outlined and cut to what a rule can read (`outline`, `select`)
//!       ─► parsed (ruff's parser behind `python`, recovering from syntax errors) and lowered
//!          into our tree with the file's own offsets; module-level imports are read straight
//!          into that tree (`imports`: a two-production grammar, a fifth of what was parsed)
//!       ─► Project index: imports and aliases, classes and inheritance, models (and Django's
//!          `auth.User`), serializers and what they expose, views, routes, settings, and how
//!          client-certificate identity flows through the code
//!       ─► rules (one module each under `rules/`, OVS601…) ─► findings with exact ranges
//! ```
//!
//! The same index links runtime findings to source: [`correlate`] finds the view and serializer
//! that serve an operation (through `urls.py`, routers and drf-spectacular operation ids) and
//! the serializer that puts a given JSON pointer in the response.
//!
//! What is sensitive is decided by `overshare-classify`, the classifier the runtime analyzers
//! use, so the audit and a scan agree on which fields matter.
//!
//! The parser is used through [`python`] only; the rest of the crate sees [`syntax`], our own
//! small tree.

mod correlate;
mod imports;
mod outline;
pub mod project;
mod proxy;
pub mod python;
pub mod rules;
mod select;
pub mod source;
pub mod syntax;
mod walk;
mod words;

pub use correlate::correlate;
/// The nginx/Apache rules the audit runs on the proxy configs it finds.
pub use overshare_proxyconf::RULES as PROXY_RULES;
pub use project::{Project, Route};
pub use rules::RULES;

use overshare_finding::{Finding, SourceLocation};
use rayon::prelude::*;
use select::Scanned;
use source::{ParsedText, SourceFile, Text};
use std::path::PathBuf;

/// What to include beyond the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditOptions {
    /// Audit `migrations/` directories too (skipped by default: generated code).
    pub include_migrations: bool,
    /// Audit virtualenvs and `site-packages` too (skipped by default: other people's code).
    pub include_virtualenvs: bool,
    /// Parse every statement of every file, not only those a rule can read (slower; the
    /// selection is meant to change no finding, and this checks that).
    pub full_parse: bool,
}

/// A syntax error (or an unreadable file): the rest of the file, and the project, are still
/// audited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseProblem {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// The result of an audit.
#[derive(Debug)]
pub struct Audit {
    pub findings: Vec<Finding>,
    pub files_scanned: usize,
    /// Bytes of Python source read, and how many of them were parsed (the rest is code no rule
    /// reads: see `select`).
    pub bytes_read: usize,
    pub bytes_parsed: usize,
    pub parse_errors: Vec<ParseProblem>,
    pub project: Project,
}

/// Why an audit could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("cannot read {}: {source}", path.display())]
    Path {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot walk {}: {message}", path.display())]
    Walk { path: PathBuf, message: String },
}

/// Audit the Python files under `paths` (files or directories).
pub fn audit(paths: &[PathBuf], options: &AuditOptions) -> Result<Audit, AuditError> {
    let full_parse = options.full_parse;
    // The rules need the classifier's compiled rules: compiled on a spare thread while the
    // walk runs, instead of after it.
    rayon::spawn(|| {
        overshare_classify::Classifier::builtin_shared();
    });
    let found = walk::discover(paths, options, &|path| read_file(path, full_parse))?;
    // Each file on every core (what the walk made of them is scattered over its threads'
    // memory), then gathered in the walk's order.
    let opened: Vec<Opened> = found.python.into_par_iter().map(open).collect();
    let (mut bytes_read, mut bytes_parsed) = (0, 0);
    let mut files = Vec::with_capacity(opened.len());
    let mut parse_errors = Vec::new();
    for opened in opened {
        bytes_read += opened.bytes_read;
        parse_errors.extend(opened.problems);
        if let Some(file) = opened.file {
            bytes_parsed += file.text.as_str().len();
            files.push(file);
        }
    }
    let files_scanned = files.len();
    let project = Project::build(files);
    let mut findings = rules::run(&project);
    let (configs, problems) = proxy::load_all(&found.proxy);
    parse_errors.extend(problems);
    findings.extend(proxy::check(&configs, &project));
    overshare_finding::sort_findings(&mut findings);
    Ok(Audit {
        findings,
        files_scanned,
        bytes_read,
        bytes_parsed,
        parse_errors,
        project,
    })
}

/// A file as the project index takes it, with its problems.
struct Opened {
    file: Option<SourceFile>,
    problems: Vec<ParseProblem>,
    bytes_read: usize,
}

fn open((discovered, read): (walk::Discovered, std::io::Result<Read>)) -> Opened {
    match read {
        Ok(Read {
            parsed,
            errors,
            read,
        }) => {
            let problems = errors
                .into_iter()
                .map(|e| {
                    let (line, column) = parsed.line_col(e.span.start);
                    ParseProblem {
                        file: discovered.display.clone(),
                        line,
                        column,
                        message: e.message,
                    }
                })
                .collect();
            let file = SourceFile::from_parsed(
                discovered.display,
                discovered.module,
                discovered.is_package,
                parsed,
            );
            Opened {
                file: Some(file),
                problems,
                bytes_read: read,
            }
        }
        Err(e) => Opened {
            file: None,
            problems: vec![ParseProblem {
                file: discovered.display,
                line: 1,
                column: 1,
                message: format!("cannot read: {e}"),
            }],
            bytes_read: 0,
        },
    }
}

/// A file read and parsed.
struct Read {
    parsed: ParsedText,
    errors: Vec<python::SyntaxError>,
    /// Its length.
    read: usize,
}

/// Read and parse one file (on a walker thread). The file is read into the thread's buffer,
/// which the next file reuses: only what is parsed of it is kept (memory a process touches for
/// the first time costs the kernel a zeroed page, which adds up over thousands of files).
fn read_file(path: &std::path::Path, full_parse: bool) -> std::io::Result<Read> {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        let len = read_into(path, buffer)?;
        let bytes = &buffer[..len];
        // Valid UTF-8 (nearly every file) is checked at full speed (simdutf8: a few times the
        // standard library's check, which was more than 1% of an audit); the rest is made
        // valid.
        let text = match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        Ok(parse(Scanned::new(path, &text, full_parse)))
    })
}

/// Read a whole file into `buffer` (grown as needed, never shrunk) and say how long it is.
/// Plain `read`s until the end: `read_to_end` first asks the file's size and position, two
/// more system calls per file, which on thousands of small files cost more than the reads.
fn read_into(path: &std::path::Path, buffer: &mut Vec<u8>) -> std::io::Result<usize> {
    use std::io::Read as _;
    const CHUNK: usize = 256 * 1024;
    let mut file = std::fs::File::open(path)?;
    let mut len = 0;
    loop {
        if buffer.len() - len < CHUNK / 4 {
            buffer.resize((buffer.len() * 2).max(CHUNK), 0);
        }
        match file.read(&mut buffer[len..]) {
            Ok(0) => return Ok(len),
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Parse what the audit reads of a file; syntax errors are kept, with the tree the parser
/// recovered. A selection that does not parse cleanly is abandoned for the whole file, so the
/// errors reported are always the file's own.
fn parse(scanned: Scanned<'_>) -> Read {
    let read = scanned.text.len();
    if let Some(selected) = scanned.selection() {
        let (mut ast, errors) = python::parse_pieces(&selected.text, &selected.pieces);
        if errors.is_empty() {
            ast.body = in_source_order(std::mem::take(&mut ast.body), selected.imports);
            let text = Text::pieces(scanned.text, selected.text, selected.pieces);
            let parsed = ParsedText { text, ast };
            return Read {
                parsed,
                errors,
                read,
            };
        }
    }
    let (ast, errors) = python::parse(scanned.text);
    let text = Text::whole(scanned.text.to_string());
    Read {
        parsed: ParsedText { text, ast },
        errors,
        read,
    }
}

/// The parsed statements with the imports read without the parser (see `imports`) put back
/// where they are in the file: both lists are in source order.
fn in_source_order(parsed: Vec<syntax::Stmt>, imports: Vec<syntax::Stmt>) -> Vec<syntax::Stmt> {
    if imports.is_empty() {
        return parsed;
    }
    let mut body = Vec::with_capacity(parsed.len() + imports.len());
    let mut imports = imports.into_iter().peekable();
    for stmt in parsed {
        let start = stmt.span().start;
        while let Some(import) = imports.next_if(|i| i.span().start < start) {
            body.push(import);
        }
        body.push(stmt);
    }
    body.extend(imports);
    body
}

/// Client-certificate headers the Python code reads from the request (a client can send them
/// unless the proxy sets them), with where: for the proxy rules that need both sides.
pub fn identity_headers_read(project: &Project) -> Vec<(String, SourceLocation)> {
    let mut out: Vec<(String, SourceLocation)> = project
        .identity
        .reads
        .iter()
        .filter(|r| r.from_header)
        .map(|r| (r.header.clone(), project.location(r.loc, r.role)))
        .collect();
    out.sort_by(|a, b| {
        (a.1.file.as_str(), a.1.line, &a.0).cmp(&(b.1.file.as_str(), b.1.line, &b.0))
    });
    out
}

/// Whether the application rejects requests whose client certificate the proxy did not verify
/// (a middleware, authentication class or default permission that refuses on the
/// `SSL_CLIENT_VERIFY` value).
pub fn app_checks_verify(project: &Project) -> bool {
    project.identity.verify_enforced
}
