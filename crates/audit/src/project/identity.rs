//! How the code learns who the client is behind a TLS-terminating proxy: reads of
//! client-certificate headers (`request.META["HTTP_X_SSL_CLIENT_S_DN_CN"]`,
//! `request.headers["X-SSL-Client-Verify"]`), what they are stored into (`request.client_cn`,
//! `request.client_verified`, `request.tenant`), and whether anything rejects a request whose
//! certificate was not verified.
//!
//! The data flow is deliberately simple: within a function, a name assigned from an expression
//! that reads (or names) a certificate value carries it; an attribute assigned so
//! (`request.tenant = …`) carries it project-wide, by attribute name.

use super::{ClassId, Project, last_segment};
use crate::source::{FileId, Loc};
use crate::syntax::{Expr, FunctionDef, Stmt, scope_statements, walk_scope_exprs};
use rayon::prelude::*;
use std::collections::BTreeSet;

/// What a certificate header carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    /// Who the client is (subject DN, CN, the certificate itself, its fingerprint).
    Identity,
    /// Whether the proxy verified the certificate (`SSL_CLIENT_VERIFY`).
    Verify,
}

/// One read of a client-certificate value.
#[derive(Debug, Clone)]
pub struct HeaderRead {
    pub loc: Loc,
    /// The HTTP header (`X-SSL-Client-S-DN-CN`), or the environment variable for a WSGI
    /// environ read (`SSL_CLIENT_VERIFY`).
    pub header: String,
    /// Read from a request header (`HTTP_*` or `request.headers`): a client can send it unless
    /// the proxy overwrites it.
    pub from_header: bool,
    pub kind: HeaderKind,
    /// `Class.method` or `function`.
    pub function: String,
    /// `middleware` or `view`.
    pub role: &'static str,
}

/// A place where an identity is set from the raw certificate value.
#[derive(Debug, Clone)]
pub struct Sink {
    pub loc: Loc,
    pub function: String,
    pub role: &'static str,
}

#[derive(Debug, Clone, Default)]
pub struct Identity {
    pub reads: Vec<HeaderRead>,
    /// Request attributes set from the verification result (`client_verified`).
    pub verify_attrs: BTreeSet<String>,
    /// Request attributes set from the certificate identity (`client_cn`, `tenant`).
    pub identity_attrs: BTreeSet<String>,
    /// Something that applies to every request rejects an unverified certificate.
    pub verify_enforced: bool,
    /// Checks that reject only where they are used (a permission class on some views).
    pub local_checks: Vec<(Loc, String)>,
    /// Identities made from the raw CN without a lookup in the user store.
    pub unlooked_identities: Vec<Sink>,
    /// Authentication classes that use the certificate identity and never its verification.
    pub auth_ignoring_verify: Vec<(Loc, ClassId)>,
}

/// A function with what encloses it.
struct FnCtx<'p> {
    file: FileId,
    def: &'p FunctionDef,
    class: Option<ClassId>,
    /// The enclosing class's name (the function's name says `Class.method`).
    class_name: Option<&'p str>,
    role: &'static str,
}

impl FnCtx<'_> {
    /// `function` or `Class.method` (made when a finding needs it: most functions never do).
    fn name(&self) -> String {
        match self.class_name {
            Some(class) => format!("{class}.{}", self.def.name),
            None => self.def.name.to_string(),
        }
    }
}

pub(super) fn analyze(project: &Project) -> Identity {
    let mut identity = Identity::default();
    // Certificate values come from `META`, `headers` or `environ`: the other functions are
    // skipped by a substring test (and never listed: a large project has 100,000 of them).
    let readers = functions(project, &["META", "headers", "environ"]);
    let found: Vec<_> = readers
        .par_iter()
        .filter_map(|f| {
            let reads = reads_in(f);
            if reads.is_empty() {
                return None;
            }
            let taint = Taint::of(f.def, &reads);
            let sinks = taint.sinks(f);
            Some((reads, taint, sinks))
        })
        .collect();
    for (reads, taint, sinks) in found {
        identity
            .verify_attrs
            .extend(taint.verify_attrs.iter().cloned());
        identity
            .identity_attrs
            .extend(taint.identity_attrs.iter().cloned());
        identity.unlooked_identities.extend(sinks);
        identity.reads.extend(reads);
    }
    if identity.reads.is_empty() {
        // Nothing reads a client certificate: nothing to enforce or ignore.
        return identity;
    }
    // Only functions that can mention the verification result are worth a look.
    let mut words = vec!["verify", "VERIFY"];
    words.extend(identity.verify_attrs.iter().map(String::as_str));
    let candidates = functions(project, &words);
    for f in &candidates {
        if !enforces_verify(f, &identity) {
            continue;
        }
        if is_global(project, f) {
            identity.verify_enforced = true;
        } else {
            identity.local_checks.push((
                Loc {
                    file: f.file,
                    span: f.def.name_span,
                },
                f.name(),
            ));
        }
    }
    if !identity.verify_enforced {
        let authenticators = functions(project, &["authenticate"]);
        identity.auth_ignoring_verify = auth_ignoring_verify(&authenticators, &identity);
    }
    identity
}

/// The functions and methods whose text mentions one of `words`, file by file on every core,
/// in file order.
fn functions<'p>(project: &'p Project, words: &[&str]) -> Vec<FnCtx<'p>> {
    // One pass over each text for all the words (`str::contains` once per word would scan the
    // project's text once per word, twice: files, then functions).
    let words = crate::words::Words::new(words);
    let wanted = |text: &str| words.is_match(text);
    project
        .files
        .par_iter()
        .enumerate()
        .flat_map_iter(|(file, source)| file_functions(project, file, source, &wanted))
        .collect()
}

fn file_functions<'p>(
    project: &'p Project,
    file: FileId,
    source: &'p crate::source::SourceFile,
    wanted: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<FnCtx<'p>> {
    if !wanted(source.text.as_str()) {
        // Nothing in the file: no function of it.
        return Vec::new();
    }
    let wanted = |def: &FunctionDef| wanted(source.slice(def.span));
    let mut out = Vec::new();
    let middleware_module = source.module.contains("middleware");
    for stmt in scope_statements(&source.ast.body) {
        match stmt {
            Stmt::Function(def) => {
                // Function middleware (`def middleware(get_response)`) does its work in a
                // nested function: those count as the module's.
                let role = if middleware_module || is_function_middleware(def) {
                    "middleware"
                } else {
                    "view"
                };
                for nested in std::iter::once(def)
                    .chain(crate::syntax::all_functions(&def.body))
                    .filter(|d| wanted(d))
                {
                    out.push(FnCtx {
                        file,
                        def: nested,
                        class: None,
                        class_name: None,
                        role,
                    });
                }
            }
            Stmt::Class(c) => {
                if !c.methods().any(wanted) {
                    continue;
                }
                let class = project.class_for(&format!("{}.{}", source.module, c.name));
                let middleware = middleware_module
                    || c.method("__call__").is_some()
                    || c.method("process_request").is_some()
                    || c.method("process_view").is_some();
                for def in c.methods().filter(|d| wanted(d)) {
                    out.push(FnCtx {
                        file,
                        def,
                        class,
                        class_name: Some(&c.name),
                        role: if middleware { "middleware" } else { "view" },
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// `def x(get_response): def middleware(request): ...; return middleware`.
fn is_function_middleware(def: &FunctionDef) -> bool {
    def.params.first().is_some_and(|p| p == "get_response")
}

fn reads_in(f: &FnCtx<'_>) -> Vec<HeaderRead> {
    let mut out = Vec::new();
    walk_scope_exprs(&f.def.body, &mut |e| {
        if let Some((header, from_header)) = certificate_read(e) {
            out.push(HeaderRead {
                loc: Loc {
                    file: f.file,
                    span: e.span(),
                },
                kind: if header.to_ascii_lowercase().contains("verify") {
                    HeaderKind::Verify
                } else {
                    HeaderKind::Identity
                },
                header,
                from_header,
                function: f.name(),
                role: f.role,
            });
            return false;
        }
        true
    });
    out
}

/// A read of a certificate value: `X.META["…"]`, `X.META.get("…")`, `X.headers["…"]`,
/// `"…" in X.META`. Returns the header (or environment variable) and whether it is a header.
pub fn certificate_read(e: &Expr) -> Option<(String, bool)> {
    let (container, key) = match e {
        Expr::Subscript { value, index, .. } => (container(value)?, index.as_str()?),
        Expr::Call(call) => {
            let (receiver, method) = call.method()?;
            if !matches!(method, "get" | "__getitem__" | "pop" | "getlist") {
                return None;
            }
            (container(receiver)?, call.args.first()?.as_str()?)
        }
        Expr::Compare(c) => (container(c.comparators.first()?)?, c.left.as_str()?),
        _ => return None,
    };
    let (header, from_header) = match container {
        "headers" => (header_name(key), true),
        _ => match key.strip_prefix("HTTP_") {
            Some(rest) => (header_name(rest), true),
            None => (key.to_string(), false),
        },
    };
    is_certificate_name(&header).then_some((header, from_header))
}

fn container(e: &Expr) -> Option<&str> {
    match e {
        Expr::Attr { attr, .. } if matches!(attr.as_str(), "META" | "headers" | "environ") => {
            Some(attr)
        }
        _ => None,
    }
}

/// `X_SSL_CLIENT_S_DN_CN` or `x-ssl-client-s-dn-cn` as `X-SSL-Client-S-DN-CN`.
pub fn header_name(raw: &str) -> String {
    const ACRONYMS: &[&str] = &["SSL", "TLS", "ARR", "SAN", "PEM", "DN", "CN"];
    raw.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|word| {
            let upper = word.to_ascii_uppercase();
            if word.len() <= 2 || ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                let lower = word.to_ascii_lowercase();
                let mut chars = lower.chars();
                chars
                    .next()
                    .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Headers (and environment variables) that carry client-certificate facts.
fn is_certificate_name(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "x-ssl-client",
        "ssl-client",
        "x-client-cert",
        "x-client-ssl",
        "x-ssl-cert",
        "x-client-verify",
        "x-client-dn",
        "x-client-cn",
        "x-client-s-dn",
        "x-amzn-mtls",
        "x-arr-clientcert",
        "x-forwarded-client-cert",
        "x-ssl-user",
        "x-tls-client",
    ];
    let lower = name.to_ascii_lowercase().replace('_', "-");
    PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// Names a function derives from its certificate reads.
#[derive(Default)]
struct Taint {
    verify: BTreeSet<String>,
    identity: BTreeSet<String>,
    /// Identity names bound to a lookup result (`user = User.objects.get(username=cn)`).
    looked_up: BTreeSet<String>,
    verify_attrs: BTreeSet<String>,
    identity_attrs: BTreeSet<String>,
    assignments: Vec<(Vec<Expr>, Expr, crate::syntax::Span)>,
    returns: Vec<(Expr, crate::syntax::Span)>,
}

impl Taint {
    fn of(def: &FunctionDef, reads: &[HeaderRead]) -> Taint {
        let mut taint = Taint::default();
        for stmt in scope_statements(&def.body) {
            match stmt {
                Stmt::Assign {
                    targets,
                    value,
                    span,
                } => taint
                    .assignments
                    .push((targets.to_vec(), (**value).clone(), *span)),
                Stmt::Return {
                    value: Some(v),
                    span,
                } => taint.returns.push(((**v).clone(), *span)),
                _ => {}
            }
        }
        let kinds: Vec<HeaderKind> = reads.iter().map(|r| r.kind).collect();
        // Two passes reach names derived from derived names (`cn = raw.strip()`).
        for _ in 0..2 {
            for (targets, value, _) in &taint.assignments.clone() {
                taint.assign(targets, value, &kinds);
            }
        }
        taint
    }

    fn assign(&mut self, targets: &[Expr], value: &Expr, kinds: &[HeaderKind]) {
        let verify =
            self.mentions(value, HeaderKind::Verify) && kinds.contains(&HeaderKind::Verify);
        let identity =
            self.mentions(value, HeaderKind::Identity) && kinds.contains(&HeaderKind::Identity);
        for target in targets {
            match target {
                Expr::Name { id, .. } => {
                    if verify {
                        self.verify.insert(id.to_string());
                    }
                    if identity {
                        self.identity.insert(id.to_string());
                        if is_lookup(value) {
                            self.looked_up.insert(id.to_string());
                        }
                    }
                }
                Expr::Attr { attr, .. } => {
                    if verify {
                        self.verify_attrs.insert(attr.to_string());
                    }
                    if identity {
                        self.identity_attrs.insert(attr.to_string());
                    }
                }
                _ => {}
            }
        }
    }

    fn mentions(&self, value: &Expr, kind: HeaderKind) -> bool {
        let names = match kind {
            HeaderKind::Verify => &self.verify,
            HeaderKind::Identity => &self.identity,
        };
        value.any(&mut |e| match e {
            Expr::Name { id, .. } => names.contains(id.as_str()),
            _ => certificate_read(e).is_some_and(|(h, _)| {
                let is_verify = h.to_ascii_lowercase().contains("verify");
                is_verify == (kind == HeaderKind::Verify)
            }),
        })
    }

    /// The raw identity (not a lookup result) used as the request's user.
    fn raw(&self, value: &Expr) -> bool {
        let looked_up =
            matches!(value, Expr::Name { id, .. } if self.looked_up.contains(id.as_str()));
        !looked_up && !is_lookup(value) && self.mentions(value, HeaderKind::Identity)
    }

    fn sinks(&self, f: &FnCtx<'_>) -> Vec<Sink> {
        const USER_ATTRS: &[&str] = &[
            "user",
            "_user",
            "remote_user",
            "principal",
            "identity",
            "auth_user",
        ];
        let sink = |span| Sink {
            loc: Loc { file: f.file, span },
            function: f.name(),
            role: f.role,
        };
        let mut out: Vec<Sink> = self
            .assignments
            .iter()
            .filter(|(targets, value, _)| {
                targets.iter().any(
                    |t| matches!(t, Expr::Attr { attr, .. } if USER_ATTRS.contains(&attr.as_str())),
                ) && self.raw(value)
            })
            .map(|(_, _, span)| sink(*span))
            .collect();
        if f.def.name == "authenticate" {
            out.extend(
                self.returns
                    .iter()
                    .filter(|(value, _)| {
                        value
                            .elements()
                            .and_then(|e| e.first())
                            .is_some_and(|user| self.raw(user))
                    })
                    .map(|(_, span)| sink(*span)),
            );
        }
        out
    }
}

/// A lookup in a store: `X.objects.get/filter(…)`, `authenticate(…)`, `get_object_or_404(…)`.
/// Creating (`get_or_create`) is not a lookup: it accepts any name.
fn is_lookup(value: &Expr) -> bool {
    value.any(&mut |e| {
        let Some(call) = e.as_call() else { return false };
        if let Some(name) = call.func.as_name() {
            return matches!(name, "authenticate" | "get_object_or_404" | "get_list_or_404");
        }
        match call.method() {
            Some((receiver, "get" | "filter" | "get_by_natural_key")) => receiver.any(&mut |r| {
                matches!(r, Expr::Attr { attr, .. } if attr == "objects" || attr == "_default_manager")
            }),
            Some((_, "authenticate")) => true,
            _ => false,
        }
    })
}

/// Whether a function rejects a request on the verification value (a raise, a 4xx response,
/// `return None` from `authenticate`, a permission's boolean).
fn enforces_verify(f: &FnCtx<'_>, identity: &Identity) -> bool {
    let local: BTreeSet<String> = {
        let reads: Vec<HeaderRead> = reads_in(f);
        let taint = Taint::of(f.def, &reads);
        taint.verify
    };
    let mentions = |e: &Expr| {
        e.any(&mut |x| match x {
            Expr::Name { id, .. } => local.contains(id.as_str()),
            Expr::Attr { attr, .. } => identity.verify_attrs.contains(attr.as_str()),
            Expr::Call(call) if call.func.as_name() == Some("getattr") => call
                .args
                .get(1)
                .and_then(Expr::as_str)
                .is_some_and(|a| identity.verify_attrs.contains(a)),
            _ => {
                certificate_read(x).is_some_and(|(h, _)| h.to_ascii_lowercase().contains("verify"))
            }
        })
    };
    let is_permission = matches!(
        f.def.name.as_str(),
        "has_permission" | "has_object_permission"
    );
    scope_statements(&f.def.body)
        .into_iter()
        .any(|stmt| match stmt {
            Stmt::If {
                test, body, orelse, ..
            } => mentions(test) && (rejects(body) || rejects(orelse)),
            Stmt::Return { value: Some(v), .. } => is_permission && mentions(v),
            _ => false,
        })
}

fn rejects(body: &[Stmt]) -> bool {
    scope_statements(body).into_iter().any(|stmt| match stmt {
        Stmt::Raise { .. } => true,
        Stmt::Return { value: None, .. } => true,
        Stmt::Return { value: Some(v), .. } => is_rejection(v),
        _ => false,
    })
}

fn is_rejection(value: &Expr) -> bool {
    const REJECTIONS: &[&str] = &[
        "HttpResponseForbidden",
        "HttpResponseBadRequest",
        "PermissionDenied",
        "AuthenticationFailed",
        "NotAuthenticated",
    ];
    match value {
        Expr::NoneLit { .. } | Expr::Bool { value: false, .. } => true,
        Expr::Call(call) => {
            let name = call.func.dotted().unwrap_or_default();
            REJECTIONS.contains(&last_segment(&name))
                || call.keyword("status").is_some_and(|s| match s {
                    Expr::Int {
                        value: Some(code), ..
                    } => (400..500).contains(code),
                    other => other
                        .dotted()
                        .is_some_and(|d| last_segment(&d).starts_with("HTTP_4")),
                })
        }
        _ => false,
    }
}

/// A check in a function that runs for every request: middleware, an authentication class,
/// a module-level function, or a permission class in `DEFAULT_PERMISSION_CLASSES`.
fn is_global(project: &Project, f: &FnCtx<'_>) -> bool {
    let Some(class) = f.class else { return true };
    if f.role == "middleware" || project.method(class, "authenticate").is_some() {
        return true;
    }
    let qual = &*project.classes[class].qualname;
    project
        .settings
        .default_permissions
        .iter()
        .any(|p| project.class_for(p) == Some(class) || p == qual)
}

/// Authentication classes whose `authenticate` uses the certificate identity (a header read
/// or an attribute set from one) and never looks at the verification result.
fn auth_ignoring_verify(functions: &[FnCtx<'_>], identity: &Identity) -> Vec<(Loc, ClassId)> {
    functions
        .iter()
        .filter(|f| f.def.name == "authenticate")
        .filter_map(|f| {
            let class = f.class?;
            let mut first_use = None;
            let mut verify = false;
            walk_scope_exprs(&f.def.body, &mut |e| {
                match certificate_read(e) {
                    Some((h, _)) if h.to_ascii_lowercase().contains("verify") => verify = true,
                    Some(_) => {
                        first_use.get_or_insert(e.span());
                    }
                    None => match e {
                        Expr::Attr { attr, .. }
                            if identity.verify_attrs.contains(attr.as_str()) =>
                        {
                            verify = true
                        }
                        Expr::Attr { attr, .. }
                            if identity.identity_attrs.contains(attr.as_str()) =>
                        {
                            first_use.get_or_insert(e.span());
                        }
                        Expr::Call(call) if call.func.as_name() == Some("getattr") => {
                            match call.args.get(1).and_then(Expr::as_str) {
                                Some(a) if identity.verify_attrs.contains(a) => verify = true,
                                Some(a) if identity.identity_attrs.contains(a) => {
                                    first_use.get_or_insert(e.span());
                                }
                                _ => {}
                            }
                        }
                        _ => {}
                    },
                }
                true
            });
            match (first_use, verify) {
                (Some(span), false) => Some((Loc { file: f.file, span }, class)),
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::header_name;

    #[test]
    fn header_names_are_normalised() {
        assert_eq!(header_name("X_SSL_CLIENT_S_DN_CN"), "X-SSL-Client-S-DN-CN");
        assert_eq!(header_name("x-ssl-client-verify"), "X-SSL-Client-Verify");
        assert_eq!(
            header_name("X_FORWARDED_CLIENT_CERT"),
            "X-Forwarded-Client-Cert"
        );
        assert_eq!(
            header_name("X_AMZN_MTLS_CLIENTCERT"),
            "X-Amzn-Mtls-Clientcert"
        );
    }
}
