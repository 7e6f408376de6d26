//! The mTLS reverse proxy in front of a Django app, as its nginx or Apache httpd configuration
//! says it is: parsed with exact positions, reduced to what matters for client-certificate
//! identity, and checked against what the app's Python code reads (rules OVS651..OVS654).
//!
//! ```text
//! nginx.conf / httpd.conf ─► lexer + parser (includes, globs) ─► Directive tree
//!                           ─► extract ─► ProxyConfig { servers: [Server { listen, verify_client,
//!                                          routes: [Route { proxy_pass, effective headers }] }] }
//! ProxyConfig* + AppFacts (from the audit of the Python code) ─► check ─► Finding*
//! ```
//!
//! - [`load`] reads a file (nginx or Apache, detected from name and content) and every file it
//!   includes; [`load_str`] parses text. Errors name `file:line:column`.
//! - Every [`Directive`], [`Setting`] and [`HeaderRule`] keeps its [`SourceLocation`]: file,
//!   1-based line and column (in characters), exclusive end, and the directive text as snippet.
//! - [`check`] runs the rules in [`RULES`]. The header rule (OVS652) is the reason this crate
//!   exists: it needs both the Python line that trusts a header and the proxy server that lets a
//!   client send it.
//!
//! # Why a hand-written parser
//! crates.io was checked (2026-11): `nginx-config` (tailhook, last release 2020) parses into a
//! typed AST of the directives it knows and rejects third-party ones; `misc-conf` 0.1 is a small
//! nom 7 parser with no positions past the line; `nginx-lint-parser` is maintained and keeps
//! positions, but is the internals of one linter (its 0.x API changed often), does not resolve
//! `include`, counts columns in bytes and brings rowan. No crate parses Apache httpd config. The
//! nginx grammar is a dozen lines (words, quotes, `;`, `{`, `}`), Apache's is line-based; one
//! small hand-written lexer per dialect shares one position model and one include loader here,
//! and follows nginx's own tokenizer (`ngx_conf_read_token`) where it matters: `#` starts a
//! comment only at the start of a word, `${var}` does not open a block, a quoted word must be
//! followed by a space, `;` or `{`.

mod apache;
mod extract;
mod headers;
mod load;
mod nginx;
pub mod rules;

use overshare_finding::{RuleMeta, SourceLocation};
use std::path::Path;

pub use headers::header_key;
pub use rules::check;

/// Every rule of this crate, in id order.
pub static RULES: &[&RuleMeta] = rules::ALL;

/// Which server the configuration is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Nginx,
    Apache,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Nginx => "nginx",
            Dialect::Apache => "apache",
        }
    }
}

/// A configuration that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyError {
    /// The file (the one given, or one it includes by name) cannot be read.
    #[error("{file}: cannot read: {message}")]
    Io { file: String, message: String },
    /// A syntax error, where nginx or httpd would refuse to start.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: String,
        line: u32,
        column: u32,
        message: String,
    },
}

/// One directive (or block, or Apache `<Section>`), with the file and range it came from.
///
/// For a block, `source` covers its head (`server {`, `<VirtualHost *:443>`), and `block_end`
/// the closing `}` or `</VirtualHost>`. Directives read from an included file carry that file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// As written (Apache names are case-insensitive: compare with [`Directive::is`]).
    pub name: String,
    /// Arguments, unquoted and unescaped.
    pub args: Vec<String>,
    /// Children of a block or section; `None` for a simple directive.
    pub block: Option<Vec<Directive>>,
    pub source: SourceLocation,
    pub block_end: Option<SourceLocation>,
}

impl Directive {
    /// Whether this directive is `name` (ASCII case-insensitive, as Apache compares; nginx's
    /// names are all lower case, so the comparison is exact there in practice).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    pub fn children(&self) -> &[Directive] {
        self.block.as_deref().unwrap_or(&[])
    }
}

/// A value with the directive that set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: SourceLocation,
}

/// `ssl_verify_client` (nginx) or `SSLVerifyClient` (Apache).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyClient {
    /// nginx `on`: a verified certificate is required.
    On,
    /// Apache `require`.
    Require,
    /// `optional`: a certificate is verified if sent, but a request without one goes through.
    Optional,
    /// `optional_no_ca`: a certificate is requested and not verified against any CA.
    OptionalNoCa,
    /// nginx `off`, Apache `none`.
    Off,
    /// Anything else (a template placeholder, a typo), as written.
    Other(String),
}

impl VerifyClient {
    pub fn parse(value: &str) -> VerifyClient {
        match value.to_ascii_lowercase().as_str() {
            "on" => VerifyClient::On,
            "require" => VerifyClient::Require,
            "optional" => VerifyClient::Optional,
            "optional_no_ca" => VerifyClient::OptionalNoCa,
            "off" | "none" => VerifyClient::Off,
            _ => VerifyClient::Other(value.to_string()),
        }
    }

    /// `optional` or `optional_no_ca`: requests without a verified certificate reach the app.
    pub fn is_optional(&self) -> bool {
        matches!(self, VerifyClient::Optional | VerifyClient::OptionalNoCa)
    }
}

/// What a header directive does to a request header on its way upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderAction {
    /// nginx `proxy_set_header` (and `*_param HTTP_*`) with a value, Apache `RequestHeader set`:
    /// the proxy's value replaces whatever the client sent.
    Set,
    /// nginx `proxy_set_header X "";`, Apache `RequestHeader unset`: the client's header is
    /// dropped and none is sent.
    Clear,
    /// Apache `append`, `merge`, `add`: the proxy's value is added to the client's.
    Append,
    /// Apache `setifempty`: set only when the client sent none (or an empty one).
    SetIfEmpty,
    /// Apache `edit`, `edit*`: the client's value is rewritten.
    Edit,
}

/// One request-header directive that applies to a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRule {
    pub action: HeaderAction,
    /// The header name as written (for `uwsgi_param HTTP_X_FOO`, `X-FOO`).
    pub name: String,
    /// The value as written (`$ssl_client_s_dn`, `%{SSL_CLIENT_S_DN}s`), if any.
    pub value: Option<String>,
    /// Apache `env=` / `expr=`: the directive applies only to some requests.
    pub conditional: bool,
    /// Apache `early` (runs before the SSL variables of the request are set).
    pub early: bool,
    pub source: SourceLocation,
}

impl HeaderRule {
    /// The header's comparison key (see [`header_key`]).
    pub fn key(&self) -> String {
        header_key(&self.name)
    }
}

/// How a route hands requests to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassKind {
    /// nginx `proxy_pass`, Apache `ProxyPass http://…`: HTTP, headers set with
    /// `proxy_set_header` / `RequestHeader`.
    Http,
    /// nginx `uwsgi_pass` (headers as `uwsgi_param HTTP_*`), Apache `uwsgi://`.
    Uwsgi,
    /// nginx `fastcgi_pass`, Apache `fcgi://`.
    FastCgi,
    /// nginx `scgi_pass`.
    Scgi,
    /// nginx `grpc_pass` (`grpc_set_header`).
    Grpc,
    /// Apache `ajp://` (carries the SSL variables itself).
    Ajp,
}

impl PassKind {
    /// Whether Apache's SSL environment variables reach the app over this protocol (mod_proxy
    /// copies the request's environment into uwsgi, FastCGI and AJP requests; HTTP has no place
    /// for it).
    pub fn carries_environment(self) -> bool {
        matches!(self, PassKind::Uwsgi | PassKind::FastCgi | PassKind::Ajp)
    }
}

/// One place where requests leave the proxy for the app (a `proxy_pass` in a `location`, a
/// `ProxyPass`), with the request headers in force there after nginx's or Apache's inheritance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub kind: PassKind,
    /// The target (`http://django`, `unix:/run/app.sock`); `source` is the pass directive.
    pub pass: Setting<String>,
    /// The location (nginx `location` args, Apache `<Location>` or `ProxyPass` path), with the
    /// block head as `source` (the pass directive itself when the path is on it).
    pub location: Option<Setting<String>>,
    /// The request-header directives in force, in the order they apply.
    pub headers: Vec<HeaderRule>,
    /// Where a new header directive belongs so that it applies to this route: the block that
    /// holds the effective header list (nginx replaces, not merges, inherited lists).
    pub headers_block: SourceLocation,
    /// nginx `proxy_pass_request_headers off` (and the uwsgi/fastcgi/scgi ones): no client
    /// header is passed at all.
    pub pass_request_headers: bool,
    /// The client verification in force for this route (Apache may change it per location).
    pub verify_client: Option<Setting<VerifyClient>>,
    /// Apache `SSLOptions` in force for this route (`StdEnvVars`, `ExportCertData`, …), each
    /// with the directive that turned it on.
    pub ssl_options: Vec<Setting<String>>,
}

/// One nginx `server { }` or Apache `<VirtualHost>` (or Apache's main server, when it proxies
/// and there is no virtual host).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// The block head (`server {`, `<VirtualHost *:443>`).
    pub source: SourceLocation,
    /// `server_name`, or `ServerName` then `ServerAlias`.
    pub names: Vec<String>,
    /// nginx `listen` directives; Apache: the `<VirtualHost>` addresses (source: the tag).
    pub listen: Vec<Setting<String>>,
    /// The server's own or inherited `ssl_verify_client` / `SSLVerifyClient`.
    pub verify_client: Option<Setting<VerifyClient>>,
    /// `underscores_in_headers` (nginx), own or inherited from `http`.
    pub underscores_in_headers: Option<Setting<bool>>,
    /// `ignore_invalid_headers` (nginx), own or inherited.
    pub ignore_invalid_headers: Option<Setting<bool>>,
    /// Apache `SSLOptions` in force at the server level.
    pub ssl_options: Vec<Setting<String>>,
    /// Request-header directives at the server level (nginx: the list locations inherit when
    /// they have none; Apache: main server's then the virtual host's).
    pub headers: Vec<HeaderRule>,
    /// Every place this server hands requests to an app.
    pub routes: Vec<Route>,
}

impl Server {
    /// The pass directives of every route (`proxy_pass`, `ProxyPass`, …).
    pub fn proxy_pass(&self) -> impl Iterator<Item = &Setting<String>> {
        self.routes.iter().map(|r| &r.pass)
    }

    /// Whether requests reach an app through this server.
    pub fn proxies(&self) -> bool {
        !self.routes.is_empty()
    }

    /// A stable, human-readable key: first name and listen addresses (no line numbers), for
    /// fingerprints and messages.
    pub fn key(&self) -> String {
        let listen: Vec<&str> = self.listen.iter().map(|l| l.value.as_str()).collect();
        match self.names.first() {
            Some(name) => format!("{name} ({})", listen.join(", ")),
            None if listen.is_empty() => format!("server at line {}", self.source.line),
            None => listen.join(", "),
        }
    }

    /// The location that best names the server in a finding: its first `listen`, or the block.
    pub fn anchor(&self) -> SourceLocation {
        self.listen
            .first()
            .map(|l| l.source.clone())
            .unwrap_or_else(|| self.source.clone())
    }
}

/// A parsed configuration: the directive tree and the servers it defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyConfig {
    pub dialect: Dialect,
    /// The file given to [`load`] (or the name given to [`load_str`]).
    pub file: String,
    /// Every file read, the given one first, then includes in the order they were read. A caller
    /// that walks a tree can skip files already in a loaded config's list.
    pub files: Vec<String>,
    /// The whole tree, includes spliced in where they were.
    pub directives: Vec<Directive>,
    pub servers: Vec<Server>,
    /// `include` / `Include` directives whose files do not exist here (a system path such as
    /// `/etc/nginx/mime.types`), or that would include a file already being read.
    pub unresolved_includes: Vec<SourceLocation>,
    /// nginx variables the configuration defines (`map`, `geo`, `set`, …), without `$`.
    pub defined_variables: Vec<String>,
}

/// What the audit of the Python code knows that the proxy rules need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppFacts {
    /// Request headers the app takes identity from, as header names (`X-SSL-Client-S-DN-CN`;
    /// the WSGI form `HTTP_X_SSL_CLIENT_S_DN_CN` is accepted too), each with the Python line that
    /// reads it (role `middleware` or `view`).
    pub identity_headers_read: Vec<(String, SourceLocation)>,
    /// The app rejects a request whose verification header or variable is not `SUCCESS`.
    pub app_checks_verify: bool,
}

/// Read and parse a configuration file and every file it includes. nginx or Apache is decided
/// from the file name (`httpd.conf`, `apache2.conf`, `nginx.conf`) and otherwise the content.
/// Relative includes are resolved against the file's directory (nginx's prefix for a config in
/// its conf dir; Apache's `ServerRoot` when it exists here).
pub fn load(path: &Path) -> Result<ProxyConfig, ProxyError> {
    load::load(path)
}

/// Parse configuration text. `name` is the file name used in locations and errors (and for
/// the dialect decision); includes are resolved against `base_dir`.
pub fn load_str(text: &str, name: &str, base_dir: &Path) -> Result<ProxyConfig, ProxyError> {
    load::load_str(text, name, base_dir)
}

/// Whether a file is worth loading as proxy configuration: `nginx.conf`, `httpd.conf`,
/// `apache2.conf` (and `.in` templates of them), or a `*.conf` / `*.conf.in` file, or any file
/// under `sites-available/`, `sites-enabled/`, `conf.d/`, whose content has an nginx
/// `server {` / `http {` block or an Apache `<VirtualHost>`. Reads at most 64 KiB.
pub fn looks_like_proxy_config(path: &Path) -> bool {
    load::looks_like_proxy_config(path)
}
