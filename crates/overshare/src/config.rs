//! The config file, `overshare.toml`: the scan's flags, and more, kept with the project.
//!
//! ```toml
//! spec = "openapi.yaml"                  # relative paths: relative to this file's directory
//! url = "https://api.internal:8443"
//! ca = "certs/ca.pem"
//! rules = ["ours.toml"]
//! fail_on = "high"
//! params = { id = "42" }
//!
//! [limits]                               # concurrency, rate, timeout, max_time, max_body,
//! max_body = "2M"                        # max_decoded, max_json_depth
//!
//! [[output]]                             # repeatable; without `file`: standard output
//! format = "json"
//! file = "report.json"
//!
//! [[identity]]                           # repeatable, the first is the primary
//! name = "partner-a"
//! cert = "certs/a.pem"                   # or bundle = "a.p12", or pem = "a-both.pem"
//! key = "certs/a.key"
//! role = "partner"                       # for [roles] reserved properties (OVS303)
//! headers = { "X-Api-Key" = "env:PARTNER_A_KEY" }  # `env:NAME`: read from the environment
//!
//! [roles]                                # optional: lowest first (else a built-in order)
//! order = ["partner", "admin"]
//! reserved = { salary = "admin", "/user/is_staff" = "admin" }
//!
//! [scoping]                              # how lists are scoped (as `x-overshare-scope`):
//! "/api/plans/" = "shared"               # shared | identity | an owner field name
//!
//! source = [".", "deploy/nginx.conf"]   # audit these with the scan (as --source)
//! ca_key = "certs/ca.key"                # test environments only: the client CA's key
//! client_ca = "certs/client-ca.pem"      # its certificate, when it is not `ca`
//! ```
//!
//! Reading happens in two steps. [`load`] finds the file (`--config`, else `./overshare.toml`,
//! unless `--no-config`), parses it and checks everything that does not depend on the
//! environment, so `overshare rules` can use its `rules` without the scan's secrets set.
//! [`merge`] then combines it with the flags for `scan`: flags win (see [`merge`] for the
//! rules), and `env:` header values are read. Every error names the file, line and column, and
//! maps to exit 2 (`Fatal::Usage`).

use crate::Fatal;
use crate::baseline::Suppression;
use crate::cli::{self, ConfigArgs, Format, LimitArgs, OutputArgs, ScanArgs};
use crate::identities::{self, IdentitySpec};
use crate::scan::{self, Limits};
use overshare_analyze::session::Scoping;
use overshare_finding::Severity;
use overshare_identity::CertSource;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::ops::{Range, RangeInclusive};
use std::path::{Path, PathBuf};
use toml::Spanned;
use url::Url;

/// The file read from the current directory when no `--config` is given.
pub const DEFAULT_FILE: &str = "overshare.toml";

/// Looks up an environment variable; a parameter so that tests need not touch the process's.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Find and read the config file: `--config FILE`, else `./overshare.toml` when it exists
/// (said on stderr unless `quiet`, since a file nobody named changes the scan), unless
/// `--no-config`.
pub fn load(args: &ConfigArgs, quiet: bool) -> Result<Option<ConfigFile>, Fatal> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(path) => path.clone(),
        None if Path::new(DEFAULT_FILE).is_file() => {
            if !quiet {
                anstream::eprintln!("using config {DEFAULT_FILE}");
            }
            PathBuf::from(DEFAULT_FILE)
        }
        None => return Ok(None),
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Fatal::Usage(format!("cannot read config file {}: {e}", path.display())))?;
    ConfigFile::parse(&path, text).map(Some)
}

/// A config file, parsed and checked. The text is kept: errors found later (an unset `env:`
/// variable) still point at their line and column.
#[derive(Debug)]
pub struct ConfigFile {
    path: PathBuf,
    text: String,
    raw: RawConfig,
}

// The file's shape. `deny_unknown_fields` everywhere: a misspelt key (`fail-on`, `concurency`)
// silently ignored would scan with a setting the user believes they changed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    spec: Option<String>,
    url: Option<Spanned<String>>,
    ca: Option<PathBuf>,
    #[serde(default)]
    rules: Vec<PathBuf>,
    fail_on: Option<Severity>,
    #[serde(default)]
    params: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    output: Vec<RawOutput>,
    #[serde(default)]
    identity: Vec<RawIdentity>,
    /// A baseline file (as `--baseline`).
    baseline: Option<PathBuf>,
    /// Other origins in scope (as `--scope`).
    #[serde(default)]
    scope: Vec<String>,
    /// Accepted findings, each with a reason and an optional expiry.
    #[serde(default)]
    suppress: Vec<Suppression>,
    #[serde(default)]
    roles: RawRoles,
    /// Operation path → `shared`, `identity` or an owner field name.
    #[serde(default)]
    scoping: BTreeMap<String, Spanned<String>>,
    /// The client CA's private key, for the forged-certificate checks (as `--ca-key`).
    ca_key: Option<PathBuf>,
    /// The client CA's certificate, when it is not `ca` (as `--client-ca`).
    client_ca: Option<PathBuf>,
    /// Source trees and proxy configs to audit with the scan (as `--source`).
    #[serde(default)]
    source: Vec<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoles {
    /// Lowest first.
    #[serde(default)]
    order: Vec<String>,
    /// Property name or folded JSON pointer → the lowest role that may see it.
    #[serde(default)]
    reserved: BTreeMap<String, String>,
}

/// Integers are read as i64 (TOML's integer) and range-checked here, with the flags' bounds.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    concurrency: Option<Spanned<i64>>,
    rate: Option<Spanned<i64>>,
    timeout: Option<Spanned<i64>>,
    max_time: Option<Spanned<i64>>,
    /// `"10M"` or a number of bytes, as `--max-body`.
    max_body: Option<Spanned<toml::Value>>,
    max_decoded: Option<Spanned<toml::Value>>,
    max_json_depth: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    format: Spanned<Format>,
    file: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdentity {
    name: Spanned<String>,
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
    bundle: Option<PathBuf>,
    pem: Option<PathBuf>,
    role: Option<String>,
    /// The environment variable holding the key's passphrase (never the passphrase itself).
    passphrase_env: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, Spanned<String>>,
}

impl ConfigFile {
    /// Parse and check `text`, read from `path` (for messages and relative paths).
    pub fn parse(path: &Path, text: String) -> Result<ConfigFile, Fatal> {
        let raw = match toml::from_str::<RawConfig>(&text) {
            Ok(raw) => raw,
            Err(err) => {
                let span = err.span().unwrap_or(0..0);
                let message = err.message().trim().to_string();
                return Err(locate(path, &text, span, message));
            }
        };
        let file = ConfigFile {
            path: path.to_path_buf(),
            text,
            raw,
        };
        file.check()?;
        Ok(file)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's `rules`, relative paths resolved; `--rules` files come after them.
    pub fn rules(&self) -> Vec<PathBuf> {
        self.raw.rules.iter().map(|p| self.resolve(p)).collect()
    }

    /// An error at `span` of this file: `path:line:column: message`.
    fn at(&self, span: Range<usize>, message: impl Into<String>) -> Fatal {
        locate(&self.path, &self.text, span, message.into())
    }

    /// Paths in the file are relative to its directory, so it works from any working directory.
    fn resolve(&self, path: &Path) -> PathBuf {
        match self.path.parent() {
            Some(dir) => dir.join(path),
            None => path.to_path_buf(),
        }
    }

    /// The checks that need no environment: done at load, so every command reports them.
    fn check(&self) -> Result<(), Fatal> {
        self.limits()?;
        self.params()?;
        self.check_outputs()?;
        let mut seen: Vec<&str> = Vec::new();
        for identity in &self.raw.identity {
            let name = identity.name.get_ref();
            if seen.contains(&name.as_str()) {
                return Err(self.at(
                    identity.name.span(),
                    format!("identity `{name}` appears twice: each needs its own name"),
                ));
            }
            seen.push(name);
            self.check_identity(identity)?;
        }
        for (path, value) in &self.raw.scoping {
            Scoping::parse(value.get_ref()).map_err(|message| {
                self.at(value.span(), format!("[scoping] `{path}`: {message}"))
            })?;
        }
        for (property, role) in &self.raw.roles.reserved {
            let known = if self.raw.roles.order.is_empty() {
                overshare_analyze::rules::ovs303_role_property::rank(role, &[]).is_some()
            } else {
                self.raw
                    .roles
                    .order
                    .iter()
                    .any(|r| r.eq_ignore_ascii_case(role))
            };
            if !known {
                return Err(Fatal::Usage(format!(
                    "{}: [roles] reserved `{property}` = \"{role}\": unknown role; list it in \
                     [roles] order = [...] (lowest first)",
                    self.path.display()
                )));
            }
        }
        // With an explicit order, a role outside it could never be ranked: say so rather than
        // skip that identity's reserved-property check in silence.
        if !self.raw.roles.order.is_empty() {
            for identity in &self.raw.identity {
                if let Some(role) = &identity.role
                    && !self
                        .raw
                        .roles
                        .order
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(role))
                {
                    return Err(self.at(
                        identity.name.span(),
                        format!(
                            "identity `{}` has role \"{role}\", which [roles] order does not list",
                            identity.name.get_ref()
                        ),
                    ));
                }
            }
        }
        for (index, suppression) in self.raw.suppress.iter().enumerate() {
            suppression.check().map_err(|message| {
                Fatal::Usage(format!(
                    "{}: [[suppress]] number {}: {message}",
                    self.path.display(),
                    index + 1
                ))
            })?;
        }
        Ok(())
    }

    fn check_outputs(&self) -> Result<(), Fatal> {
        let to_stdout: Vec<_> = self
            .raw
            .output
            .iter()
            .filter(|o| o.file.is_none())
            .collect();
        match to_stdout.as_slice() {
            [_, second, ..] => Err(self.at(
                second.format.span(),
                "only one [[output]] can go to standard output: give the others a `file`",
            )),
            _ => Ok(()),
        }
    }

    fn check_identity(&self, identity: &RawIdentity) -> Result<(), Fatal> {
        let name = identity.name.get_ref();
        if !identities::valid_name(name) {
            return Err(self.at(
                identity.name.span(),
                format!("identity name `{name}` must be letters, digits, `-`, `_` or `.`"),
            ));
        }
        let source = self.cert_source(identity)?;
        if source.is_none() && identity.headers.is_empty() {
            return Err(self.at(
                identity.name.span(),
                format!(
                    "identity `{name}` has neither a certificate nor headers: give `cert` and \
                     `key`, `bundle`, `pem`, or `headers`"
                ),
            ));
        }
        for (header, value) in &identity.headers {
            self.check_header(name, header, value)?;
        }
        Ok(())
    }

    fn check_header(
        &self,
        identity: &str,
        header: &str,
        value: &Spanned<String>,
    ) -> Result<(), Fatal> {
        if !identities::http_token(header) {
            return Err(self.at(
                value.span(),
                format!("identity `{identity}`: `{header}` is not a valid HTTP header name"),
            ));
        }
        match value.get_ref().strip_prefix("env:") {
            Some(var) if var.trim().is_empty() => Err(self.at(
                value.span(),
                format!("identity `{identity}`, header `{header}`: `env:` needs a variable name"),
            )),
            Some(_) => Ok(()),
            None => self.one_line(identity, header, value, value.get_ref()),
        }
    }

    fn one_line(
        &self,
        identity: &str,
        header: &str,
        at: &Spanned<String>,
        value: &str,
    ) -> Result<(), Fatal> {
        if value.contains(['\r', '\n']) {
            return Err(self.at(
                at.span(),
                format!("identity `{identity}`, header `{header}`: the value must be one line"),
            ));
        }
        Ok(())
    }

    /// `cert` + `key`, `bundle` or `pem`: exactly one way, or none for a header-only identity.
    fn cert_source(&self, identity: &RawIdentity) -> Result<Option<CertSource>, Fatal> {
        let name = identity.name.get_ref();
        let given: Vec<&str> = [
            ("cert", identity.cert.is_some()),
            ("bundle", identity.bundle.is_some()),
            ("pem", identity.pem.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, set)| set.then_some(key))
        .collect();
        if given.len() > 1 {
            return Err(self.at(
                identity.name.span(),
                format!(
                    "identity `{name}` has both `{}` and `{}`: give one of `cert` + `key`, \
                     `bundle` (PKCS#12) or `pem` (certificate and key in one file)",
                    given[0], given[1]
                ),
            ));
        }
        match (
            &identity.cert,
            &identity.key,
            &identity.bundle,
            &identity.pem,
        ) {
            (Some(cert), Some(key), _, _) => Ok(Some(CertSource::Pem {
                cert: self.resolve(cert),
                key: self.resolve(key),
            })),
            (Some(_), None, _, _) => Err(self.at(
                identity.name.span(),
                format!("identity `{name}` has `cert` but no `key`: add `key = \"…\"`"),
            )),
            (None, Some(_), _, _) => Err(self.at(
                identity.name.span(),
                format!(
                    "identity `{name}` has `key` without `cert`: `key` goes with `cert` only \
                     (a bundle or combined PEM holds its own key)"
                ),
            )),
            (None, None, Some(bundle), _) => Ok(Some(CertSource::Pkcs12(self.resolve(bundle)))),
            (None, None, None, Some(pem)) => Ok(Some(CertSource::CombinedPem(self.resolve(pem)))),
            (None, None, None, None) => Ok(None),
        }
    }

    /// The file's identities, `env:` headers read, and the roles they declare.
    fn identities(&self, env: Env<'_>) -> Result<(Vec<IdentitySpec>, Roles), Fatal> {
        let mut specs = Vec::new();
        let mut roles = Roles::new();
        for identity in &self.raw.identity {
            let name = identity.name.get_ref().clone();
            if let Some(role) = &identity.role {
                roles.insert(name.clone(), role.clone());
            }
            let mut headers = Vec::new();
            for (header, value) in &identity.headers {
                headers.push((
                    header.clone(),
                    self.header_value(&name, header, value, env)?,
                ));
            }
            specs.push(IdentitySpec {
                name,
                source: self.cert_source(identity)?,
                headers,
                passphrase_env: identity.passphrase_env.clone(),
            });
        }
        Ok((specs, roles))
    }

    /// A header's value; `env:NAME` is read from the environment so secrets stay out of files.
    fn header_value(
        &self,
        identity: &str,
        header: &str,
        value: &Spanned<String>,
        env: Env<'_>,
    ) -> Result<String, Fatal> {
        let Some(var) = value.get_ref().strip_prefix("env:") else {
            return Ok(value.get_ref().clone());
        };
        let var = var.trim();
        let Some(resolved) = env(var) else {
            return Err(self.at(
                value.span(),
                format!(
                    "identity `{identity}`, header `{header}`: environment variable {var} is not \
                     set (the file says `env:{var}`): export it, or remove the header"
                ),
            ));
        };
        self.one_line(identity, header, value, &resolved)?;
        Ok(resolved)
    }

    /// `params`, as strings: `id = 42` is as good as `id = "42"`.
    fn params(&self) -> Result<HashMap<String, String>, Fatal> {
        self.raw
            .params
            .iter()
            .map(|(name, value)| {
                let text = match value.get_ref() {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Float(f) => f.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    _ => {
                        return Err(self.at(
                            value.span(),
                            format!("param `{name}` must be a string, number or boolean"),
                        ));
                    }
                };
                Ok((name.clone(), text))
            })
            .collect()
    }

    /// `[limits]` as the flags would give them: None where the file says nothing.
    fn limits(&self) -> Result<LimitArgs, Fatal> {
        let raw = &self.raw.limits;
        Ok(LimitArgs {
            concurrency: self.bounded(&raw.concurrency, "concurrency", cli::CONCURRENCY)?,
            rate: self.bounded(&raw.rate, "rate", 0..=i64::from(u32::MAX))?,
            timeout: self.bounded(&raw.timeout, "timeout", signed(cli::TIMEOUT))?,
            max_time: self.bounded(&raw.max_time, "max_time", signed(cli::MAX_TIME))?,
            max_body: self.size(&raw.max_body, "max_body")?,
            max_decoded: self.size(&raw.max_decoded, "max_decoded")?,
            max_json_depth: self.bounded(
                &raw.max_json_depth,
                "max_json_depth",
                cli::MAX_JSON_DEPTH,
            )?,
        })
    }

    fn bounded<T: TryFrom<i64>>(
        &self,
        value: &Option<Spanned<i64>>,
        key: &str,
        range: RangeInclusive<i64>,
    ) -> Result<Option<T>, Fatal> {
        let Some(value) = value else { return Ok(None) };
        let number = *value.get_ref();
        match T::try_from(number) {
            Ok(converted) if range.contains(&number) => Ok(Some(converted)),
            _ if *range.end() == i64::MAX => Err(self.at(
                value.span(),
                format!(
                    "[limits] {key} = {number}: must be at least {}",
                    range.start()
                ),
            )),
            _ => Err(self.at(
                value.span(),
                format!(
                    "[limits] {key} = {number}: must be from {} to {}",
                    range.start(),
                    range.end()
                ),
            )),
        }
    }

    fn size(
        &self,
        value: &Option<Spanned<toml::Value>>,
        key: &str,
    ) -> Result<Option<usize>, Fatal> {
        let Some(value) = value else { return Ok(None) };
        let parsed = match value.get_ref() {
            toml::Value::String(text) => cli::parse_size(text),
            toml::Value::Integer(bytes) => cli::parse_size(&bytes.to_string()),
            _ => Err("expected a size such as \"10M\" or a number of bytes".to_string()),
        };
        parsed
            .map(Some)
            .map_err(|message| self.at(value.span(), format!("[limits] {key}: {message}")))
    }

    /// `[[output]]` tables as `--format`/`--output` pairs. Positional pairing cannot express a
    /// format without a file before one with a file, so the standard-output one goes last.
    fn output(&self) -> (Vec<Format>, Vec<PathBuf>) {
        let (files, stdout): (Vec<_>, Vec<_>) =
            self.raw.output.iter().partition(|o| o.file.is_some());
        let formats = files
            .iter()
            .chain(&stdout)
            .map(|o| *o.format.get_ref())
            .collect();
        let paths = files
            .iter()
            .filter_map(|o| o.file.as_deref())
            .map(|p| self.resolve(p))
            .collect();
        (formats, paths)
    }

    fn spec(&self) -> Option<String> {
        let spec = self.raw.spec.as_ref()?;
        if spec.starts_with("https://") || spec.starts_with("http://") {
            return Some(spec.clone());
        }
        Some(self.resolve(Path::new(spec)).display().to_string())
    }

    fn url(&self) -> Option<Result<Url, Fatal>> {
        let url = self.raw.url.as_ref()?;
        Some(scan::parse_base_url(url.get_ref(), "url").map_err(|e| self.at(url.span(), e)))
    }
}

/// A u64 range as TOML's i64 integers can reach it.
fn signed(range: RangeInclusive<u64>) -> RangeInclusive<i64> {
    let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    clamp(*range.start())..=clamp(*range.end())
}

/// `path:line:column: message`, line and column counted from 1 (column in characters).
fn locate(path: &Path, text: &str, span: Range<usize>, message: String) -> Fatal {
    let offset = span.start.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Fatal::Usage(format!("{}:{line}:{column}: {message}", path.display()))
}

/// Identity name → role, from `[[identity]]` tables.
pub type Roles = HashMap<String, String>;

/// What `scan` runs with: flags and file merged, nothing loaded yet.
#[derive(Debug)]
pub struct Settings {
    pub spec: String,
    pub url: Url,
    pub ca: Option<PathBuf>,
    pub identities: Vec<IdentitySpec>,
    /// Identity → role, for the reserved-property check (OVS303).
    pub roles: Roles,
    pub params: HashMap<String, String>,
    pub rules: Vec<PathBuf>,
    pub limits: Limits,
    /// Formats and files; its `fail_on` is the flag only, see [`Settings::fail_on`].
    pub output: OutputArgs,
    pub fail_on: Severity,
    /// `--baseline`, else the file's `baseline`.
    pub baseline: Option<PathBuf>,
    /// `--write-baseline` (a flag only: writing is an action, not a setting).
    pub write_baseline: Option<PathBuf>,
    /// The file's `[[suppress]]` tables.
    pub suppressions: Vec<Suppression>,
    /// Origins in scope besides the target's: the file's `scope`, then `--scope`.
    pub scope: Vec<Url>,
    /// `--active` (a flag only: writing to the target is never a file's default).
    pub active: bool,
    /// `--ca-key`, else the file's `ca_key`.
    pub ca_key: Option<PathBuf>,
    /// `--client-ca`, else the file's `client_ca`, else `ca`.
    pub client_ca: Option<PathBuf>,
    /// `[roles] order` (lowest first).
    pub role_order: Vec<String>,
    /// `[roles] reserved`.
    pub reserved: Vec<(String, String)>,
    /// `[scoping]`.
    pub scoping: HashMap<String, Scoping>,
    /// The file's `source` (relative to the file), then `--source`.
    pub source: Vec<PathBuf>,
}

/// The file's `scope` then the `--scope` flags, each an http(s) URL with a host.
fn merge_scope(flags: &[String], file: Option<&ConfigFile>) -> Result<Vec<Url>, Fatal> {
    let from_file = file.map(|f| f.raw.scope.clone()).unwrap_or_default();
    from_file
        .iter()
        .map(|text| (text, "scope entry"))
        .chain(flags.iter().map(|text| (text, "--scope")))
        .map(|(text, label)| crate::scan::parse_base_url(text, label).map_err(Fatal::Usage))
        .collect()
}

/// Combine the flags with the file. The flags win:
///
/// - `spec`, `url`, `ca`, `fail_on` and each limit: the flag, else the file, else the default.
/// - `--identity` flags, when given, replace the file's identities (and their roles): a run
///   with other certificates should not also use the file's. `--identity-header` adds a header
///   to the identity of that name, from whichever list is in effect, or a header-only identity.
/// - `--rules` files are applied after the file's `rules` (a later file overrides an earlier).
/// - `--param` overrides the file's `params` of the same name; the others stay.
/// - `--format`/`--output`, when given, replace the file's `[[output]]` tables.
pub fn merge(args: ScanArgs, file: Option<&ConfigFile>, env: Env<'_>) -> Result<Settings, Fatal> {
    // The required settings first: a missing `url` matters more than an unset `env:` header.
    let spec = spec(args.spec.clone(), file)?;
    let url = url(args.url.as_deref(), file)?;
    let (identities, roles) = merge_identities(&args, file, env)?;
    let file_path = |pick: fn(&RawConfig) -> Option<&PathBuf>| {
        file.and_then(|f| pick(&f.raw).map(|p| f.resolve(p)))
    };
    let ca_key = args
        .ca_key
        .clone()
        .or_else(|| file_path(|r| r.ca_key.as_ref()));
    let client_ca = args
        .client_ca
        .clone()
        .or_else(|| file_path(|r| r.client_ca.as_ref()));
    // Flag or file, the same rule: a CA certificate without its key forges nothing, and
    // ignoring it silently would leave the user believing the checks ran.
    if client_ca.is_some() && ca_key.is_none() {
        return Err(Fatal::Usage(
            "client_ca (--client-ca) is only used with ca_key (--ca-key): give the client CA's \
             private key too, or drop it"
                .into(),
        ));
    }
    let (role_order, reserved, scoping) = match file {
        Some(f) => (
            f.raw.roles.order.clone(),
            f.raw
                .roles
                .reserved
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            f.raw
                .scoping
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), Scoping::parse(v.get_ref()).ok()?)))
                .collect(),
        ),
        None => (Vec::new(), Vec::new(), HashMap::new()),
    };
    let fail_on = args
        .output
        .fail_on
        .or(file.and_then(|f| f.raw.fail_on))
        .unwrap_or(Severity::High);
    Ok(Settings {
        spec,
        url,
        ca: args
            .identities
            .ca
            .or_else(|| file.and_then(|f| f.raw.ca.as_deref().map(|p| f.resolve(p)))),
        identities,
        roles,
        params: merge_params(&args.params, file)?,
        rules: file
            .map(ConfigFile::rules)
            .unwrap_or_default()
            .into_iter()
            .chain(args.rules)
            .collect(),
        limits: merge_limits(&args.limits, file)?,
        baseline: args
            .baseline
            .clone()
            .or_else(|| file.and_then(|f| f.raw.baseline.as_deref().map(|p| f.resolve(p)))),
        write_baseline: args.write_baseline.clone(),
        scope: merge_scope(&args.scope, file)?,
        suppressions: file.map(|f| f.raw.suppress.clone()).unwrap_or_default(),
        output: merge_output(args.output, file),
        fail_on,
        active: args.active,
        ca_key,
        client_ca,
        role_order,
        reserved,
        scoping,
        source: file
            .map(|f| {
                f.raw
                    .source
                    .iter()
                    .map(|p| f.resolve(p))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
            .into_iter()
            .chain(args.source.clone())
            .collect(),
    })
}

fn spec(flag: Option<String>, file: Option<&ConfigFile>) -> Result<String, Fatal> {
    flag.or_else(|| file.and_then(ConfigFile::spec))
        .ok_or_else(|| missing("spec", "--spec FILE|URL", "spec = \"openapi.yaml\"", file))
}

fn url(flag: Option<&str>, file: Option<&ConfigFile>) -> Result<Url, Fatal> {
    match (flag, file.and_then(ConfigFile::url)) {
        (Some(flag), _) => scan::parse_base_url(flag, "--url").map_err(Fatal::Usage),
        (None, Some(from_file)) => from_file,
        (None, None) => Err(missing(
            "url",
            "--url URL",
            "url = \"https://api.internal:8443\"",
            file,
        )),
    }
}

/// A required setting given neither way: say both ways to give it.
fn missing(key: &str, flag: &str, example: &str, file: Option<&ConfigFile>) -> Fatal {
    let place = match file {
        Some(file) => format!("in {}", file.path().display()),
        None => format!("in ./{DEFAULT_FILE} (or a file given with --config)"),
    };
    Fatal::Usage(format!(
        "no {key}: give {flag} on the command line, or `{example}` {place}"
    ))
}

fn merge_identities(
    args: &ScanArgs,
    file: Option<&ConfigFile>,
    env: Env<'_>,
) -> Result<(Vec<IdentitySpec>, Roles), Fatal> {
    let flags = &args.identities;
    let (mut specs, roles) = match file {
        Some(file) if flags.identities.is_empty() => file.identities(env)?,
        _ => (identities::from_flags(&flags.identities)?, Roles::new()),
    };
    identities::add_header_flags(&mut specs, &flags.identity_headers)?;
    Ok((specs, roles))
}

fn merge_params(
    flags: &[String],
    file: Option<&ConfigFile>,
) -> Result<HashMap<String, String>, Fatal> {
    let mut params = match file {
        Some(file) => file.params()?,
        None => HashMap::new(),
    };
    params.extend(scan::parse_params(flags)?);
    Ok(params)
}

fn merge_limits(flags: &LimitArgs, file: Option<&ConfigFile>) -> Result<Limits, Fatal> {
    let from_file = match file {
        Some(file) => file.limits()?,
        None => LimitArgs::default(),
    };
    let default = Limits::default();
    Ok(Limits {
        concurrency: flags
            .concurrency
            .or(from_file.concurrency)
            .unwrap_or(default.concurrency),
        rate: flags.rate.or(from_file.rate).unwrap_or(default.rate),
        timeout: flags
            .timeout
            .or(from_file.timeout)
            .unwrap_or(default.timeout),
        max_time: flags
            .max_time
            .or(from_file.max_time)
            .unwrap_or(default.max_time),
        max_body: flags
            .max_body
            .or(from_file.max_body)
            .unwrap_or(default.max_body),
        max_decoded: flags
            .max_decoded
            .or(from_file.max_decoded)
            .unwrap_or(default.max_decoded),
        max_json_depth: flags
            .max_json_depth
            .or(from_file.max_json_depth)
            .unwrap_or(default.max_json_depth),
    })
}

fn merge_output(flags: OutputArgs, file: Option<&ConfigFile>) -> OutputArgs {
    let flags_given = !flags.formats.is_empty() || !flags.outputs.is_empty();
    match file {
        Some(file) if !flags_given => {
            let (formats, outputs) = file.output();
            OutputArgs {
                formats,
                outputs,
                ..flags
            }
        }
        _ => flags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    const FULL: &str = r#"
spec = "openapi.yaml"
url = "https://api.internal:8443"
ca = "certs/ca.pem"
rules = ["ours.toml"]
fail_on = "info"
params = { id = 42, slug = "a" }

[limits]
concurrency = 4
max_body = "2M"
max_decoded = 1024

[[output]]
format = "text"

[[output]]
format = "json"
file = "out/report.json"

[[identity]]
name = "partner-a"
cert = "certs/a.pem"
key = "certs/a.key"
role = "partner"
headers = { "X-Api-Key" = "env:A_KEY", "X-Tenant" = "t1" }

[[identity]]
name = "partner-b"
bundle = "/abs/b.p12"

[[identity]]
name = "both"
pem = "both.pem"
"#;

    fn args(flags: &[&str]) -> ScanArgs {
        let cli = Cli::try_parse_from(["overshare", "scan"].iter().chain(flags)).expect("flags");
        match cli.command {
            Command::Scan(args) => *args,
            _ => unreachable!(),
        }
    }

    fn file(text: &str) -> ConfigFile {
        ConfigFile::parse(Path::new("conf/overshare.toml"), text.to_string()).expect("valid file")
    }

    fn file_error(text: &str) -> String {
        message(ConfigFile::parse(
            Path::new("conf/overshare.toml"),
            text.to_string(),
        ))
    }

    fn message<T: std::fmt::Debug>(result: Result<T, Fatal>) -> String {
        match result {
            Err(Fatal::Usage(message)) => message,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    fn env(var: &str) -> Option<String> {
        (var == "A_KEY").then(|| "secret-a".to_string())
    }

    fn merged(flags: &[&str], text: &str) -> Settings {
        merge(args(flags), Some(&file(text)), &env).expect("merges")
    }

    #[test]
    fn file_alone_gives_every_setting_with_paths_relative_to_it() {
        let s = merged(&[], FULL);
        assert_eq!(s.spec, "conf/openapi.yaml");
        assert_eq!(s.url.as_str(), "https://api.internal:8443/");
        assert_eq!(s.ca, Some(PathBuf::from("conf/certs/ca.pem")));
        assert_eq!(s.rules, vec![PathBuf::from("conf/ours.toml")]);
        assert_eq!(s.fail_on, Severity::Info);
        assert_eq!(s.params["id"], "42");
        assert_eq!(s.params["slug"], "a");
        let names: Vec<&str> = s.identities.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["partner-a", "partner-b", "both"]);
        assert_eq!(
            s.identities[0].source,
            Some(CertSource::Pem {
                cert: "conf/certs/a.pem".into(),
                key: "conf/certs/a.key".into()
            })
        );
        assert_eq!(
            s.identities[1].source,
            Some(CertSource::Pkcs12("/abs/b.p12".into())),
            "absolute paths stay as they are"
        );
        assert_eq!(
            s.identities[2].source,
            Some(CertSource::CombinedPem("conf/both.pem".into()))
        );
        assert_eq!(
            s.roles.get("partner-a").map(String::as_str),
            Some("partner")
        );
        assert_eq!(s.roles.len(), 1);
    }

    #[test]
    fn env_headers_are_read_from_the_environment() {
        let s = merged(&[], FULL);
        assert_eq!(
            s.identities[0].headers,
            vec![
                ("X-Api-Key".to_string(), "secret-a".to_string()),
                ("X-Tenant".to_string(), "t1".to_string())
            ]
        );
    }

    #[test]
    fn limits_come_from_flags_then_file_then_defaults() {
        let s = merged(&["--concurrency", "2", "--timeout", "5"], FULL);
        assert_eq!(s.limits.concurrency, 2, "flag over file");
        assert_eq!(s.limits.timeout, 5, "flag over default");
        assert_eq!(s.limits.max_body, 2 * 1024 * 1024, "file over default");
        assert_eq!(s.limits.max_decoded, 1024, "an integer is bytes");
        assert_eq!(s.limits.max_time, Limits::default().max_time);
        assert_eq!(s.limits.max_json_depth, Limits::default().max_json_depth);
    }

    #[test]
    fn flags_override_single_values() {
        let s = merged(
            &[
                "--spec",
                "other.yaml",
                "--url",
                "https://127.0.0.1:9",
                "--ca",
                "ca2.pem",
                "--fail-on",
                "critical",
            ],
            FULL,
        );
        assert_eq!(
            s.spec, "other.yaml",
            "flag paths stay relative to the working directory"
        );
        assert_eq!(s.url.as_str(), "https://127.0.0.1:9/");
        assert_eq!(s.ca, Some(PathBuf::from("ca2.pem")));
        assert_eq!(s.fail_on, Severity::Critical);
    }

    #[test]
    fn identity_flags_replace_the_files_identities_and_roles() {
        let s = merged(&["--identity", "ci=ci.pem,ci.key"], FULL);
        let names: Vec<&str> = s.identities.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["ci"]);
        assert!(s.roles.is_empty());
    }

    #[test]
    fn identity_header_flags_add_to_the_files_identities() {
        let s = merged(
            &[
                "--identity-header",
                "partner-b=Authorization: Bearer x",
                "--identity-header",
                "svc=X-Api-Key: k",
            ],
            FULL,
        );
        let b = &s.identities[1];
        assert_eq!(b.name, "partner-b");
        assert!(b.source.is_some(), "keeps its bundle");
        assert_eq!(b.headers, vec![("Authorization".into(), "Bearer x".into())]);
        assert_eq!(s.identities[3].name, "svc");
        assert_eq!(s.identities[3].source, None, "a new header-only identity");
    }

    #[test]
    fn params_merge_per_name_and_rules_add_after_the_files() {
        let s = merged(
            &[
                "--param",
                "id=7",
                "--param",
                "page=2",
                "--rules",
                "mine.toml",
            ],
            FULL,
        );
        assert_eq!(s.params["id"], "7", "the flag wins");
        assert_eq!(s.params["slug"], "a", "the file's other params stay");
        assert_eq!(s.params["page"], "2");
        assert_eq!(
            s.rules,
            vec![PathBuf::from("conf/ours.toml"), PathBuf::from("mine.toml")]
        );
    }

    #[test]
    fn file_outputs_put_standard_output_last_and_flags_replace_them() {
        let s = merged(&["--quiet"], FULL);
        assert_eq!(s.output.formats, vec![Format::Json, Format::Text]);
        assert_eq!(
            s.output.outputs,
            vec![PathBuf::from("conf/out/report.json")]
        );
        assert!(s.output.quiet);
        let s = merged(&["--format", "json"], FULL);
        assert_eq!(s.output.formats, vec![Format::Json]);
        assert!(s.output.outputs.is_empty());
    }

    #[test]
    fn spec_urls_are_not_paths() {
        let s = merged(&[], "spec = \"https://api/schema/\"\nurl = \"https://api\"");
        assert_eq!(s.spec, "https://api/schema/");
    }

    #[test]
    fn no_file_gives_the_defaults() {
        let s = merge(
            args(&["--spec", "s.yaml", "--url", "https://a"]),
            None,
            &env,
        )
        .unwrap();
        assert_eq!(s.limits, Limits::default());
        assert_eq!(s.fail_on, Severity::High);
        assert!(s.identities.is_empty() && s.rules.is_empty() && s.params.is_empty());
    }

    #[test]
    fn a_missing_required_setting_names_both_ways_to_give_it() {
        let text = message(merge(args(&["--url", "https://a"]), None, &env));
        assert!(
            text.contains("--spec") && text.contains("spec = "),
            "{text}"
        );
        let f = file("spec = \"s.yaml\"");
        let text = message(merge(args(&[]), Some(&f), &env));
        assert!(
            text.contains("--url") && text.contains("conf/overshare.toml"),
            "{text}"
        );
    }

    #[test]
    fn unknown_keys_are_named_with_their_line_and_column() {
        let text = file_error("spec = \"x\"\n\n[limits]\nconcurency = 4\n");
        assert!(
            text.starts_with("conf/overshare.toml:4:1: unknown field `concurency`"),
            "{text}"
        );
        let text = file_error("[[identity]]\nname = \"a\"\ncertificate = \"a.pem\"\n");
        assert!(
            text.starts_with("conf/overshare.toml:3:1:") && text.contains("`certificate`"),
            "{text}"
        );
    }

    #[test]
    fn bad_values_point_at_the_value() {
        let text = file_error("fail_on = \"severe\"");
        assert!(
            text.starts_with("conf/overshare.toml:1:11:") && text.contains("severe"),
            "{text}"
        );
        let text = file_error("[limits]\nconcurrency = 1000");
        assert!(
            text.starts_with("conf/overshare.toml:2:15:") && text.contains("1 to 256"),
            "{text}"
        );
        let text = file_error("[limits]\nmax_body = true");
        assert!(text.contains("max_body") && text.contains("10M"), "{text}");
        let text = file_error("params = { id = [1] }");
        assert!(
            text.contains(":1:17:") && text.contains("param `id`"),
            "{text}"
        );
        let f = file("url = \"api.internal\"");
        let text = message(merge(args(&["--spec", "s"]), Some(&f), &env));
        assert!(
            text.starts_with("conf/overshare.toml:1:7: url `api.internal`"),
            "{text}"
        );
    }

    #[test]
    fn identity_tables_need_exactly_one_certificate_form() {
        let both =
            "[[identity]]\nname = \"a\"\ncert = \"a.pem\"\nkey = \"a.key\"\nbundle = \"a.p12\"";
        let text = file_error(both);
        assert!(
            text.contains(":2:8:") && text.contains("both `cert` and `bundle`"),
            "{text}"
        );
        let text = file_error("[[identity]]\nname = \"a\"\ncert = \"a.pem\"");
        assert!(text.contains("no `key`"), "{text}");
        let text = file_error("[[identity]]\nname = \"a\"\nkey = \"a.key\"\npem = \"a.pem\"");
        assert!(text.contains("`key` without `cert`"), "{text}");
        let text = file_error("[[identity]]\nname = \"a\"");
        assert!(text.contains("neither a certificate nor headers"), "{text}");
        let text = file_error(
            "[[identity]]\nname = \"a\"\npem = \"x\"\n[[identity]]\nname = \"a\"\npem = \"y\"",
        );
        assert!(text.contains(":5:8:") && text.contains("twice"), "{text}");
        let text = file_error("[[identity]]\nname = \"a b\"\npem = \"x\"");
        assert!(text.contains("identity name `a b`"), "{text}");
    }

    #[test]
    fn headers_are_checked_and_unset_variables_named() {
        let text = file_error("[[identity]]\nname = \"a\"\nheaders = { \"Bad Name\" = \"v\" }");
        assert!(
            text.contains("`Bad Name` is not a valid HTTP header name"),
            "{text}"
        );
        let text = file_error("[[identity]]\nname = \"a\"\nheaders = { \"X-K\" = \"env:\" }");
        assert!(text.contains("needs a variable name"), "{text}");
        let f = file("[[identity]]\nname = \"a\"\nheaders = { \"X-K\" = \"env:B_KEY\" }");
        let text = message(merge(
            args(&["--spec", "s", "--url", "https://a"]),
            Some(&f),
            &env,
        ));
        assert!(
            text.starts_with("conf/overshare.toml:3:21:")
                && text.contains("environment variable B_KEY is not set"),
            "{text}"
        );
        let text = message(merge(
            args(&["--spec", "s", "--url", "https://a"]),
            Some(&f),
            &|_| Some("two\nlines".into()),
        ));
        assert!(text.contains("must be one line"), "{text}");
    }

    #[test]
    fn only_one_output_may_go_to_standard_output() {
        let text = file_error("[[output]]\nformat = \"text\"\n[[output]]\nformat = \"json\"");
        assert!(
            text.contains(":4:10:") && text.contains("standard output"),
            "{text}"
        );
    }

    #[test]
    fn the_readme_example_is_a_valid_config() {
        let readme = include_str!("../../../README.md");
        let section = &readme[readme.find("### Config file").expect("section")..];
        let start = section.find("```toml\n").expect("example") + "```toml\n".len();
        let example = &section[start..start + section[start..].find("```").unwrap()];
        let s = merge(args(&[]), Some(&file(example)), &|_| Some("k".into())).expect("valid");
        assert_eq!(s.identities.len(), 3);
        assert_eq!(s.output.formats, vec![Format::Json, Format::Text]);
        assert_eq!(s.limits.rate, 10);
        assert_eq!(s.suppressions.len(), 1);
        assert!(
            s.baseline
                .is_some_and(|b| b.ends_with("overshare-baseline.json"))
        );
    }

    #[test]
    fn a_suppression_without_a_reason_is_refused() {
        let message = file_error("[[suppress]]\nrule = \"OVS101\"\nreason = \"\"\n");
        assert!(
            message.contains("[[suppress]] number 1") && message.contains("reason"),
            "{message}"
        );
    }

    #[test]
    fn lines_and_columns_count_from_one_in_characters() {
        let at = |text: &str, offset| {
            message::<()>(Err(locate(
                Path::new("f"),
                text,
                offset..offset,
                "m".into(),
            )))
        };
        assert_eq!(at("abc", 0), "f:1:1: m");
        assert_eq!(at("a\nbc", 3), "f:2:2: m");
        assert_eq!(at("é\nxy", 5), "f:2:3: m");
    }
}
