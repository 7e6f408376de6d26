//! Command-line surface. Every flag has help text with an example; DESIGN.md's table of
//! subcommands is the contract this mirrors.

use clap::{Args, Parser, Subcommand, ValueEnum};
use overshare_finding::Severity;
use serde::Deserialize;
use std::ops::RangeInclusive;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  overshare demo
  overshare scan --spec openapi.yaml --url https://api.internal:8443 \\
      --ca ca.pem --identity partner-a=a.pem,a.key --identity partner-b=b.p12
  overshare explain OVS101

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage, config or spec error, 3 target unreachable or TLS failed for every identity.";

#[derive(Debug, Parser)]
#[command(
    name = "overshare",
    version,
    about = "Find, explain and block excessive data exposure in HTTP/JSON APIs behind mutual TLS",
    after_help = AFTER_HELP,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a live API against its OpenAPI spec, as one or more client-certificate identities.
    #[command(after_help = SCAN_HELP)]
    // Boxed: the scan has far more flags than the other commands (clippy::large_enum_variant).
    Scan(Box<ScanArgs>),
    /// Audit Django/DRF source and nginx/Apache mTLS config: the serializer, view, middleware
    /// or proxy line that causes each leak.
    #[command(
        after_help = "Examples:\n  overshare audit .\n  overshare audit src/ deploy/nginx.conf --format sarif --output audit.sarif"
    )]
    Audit(AuditArgs),
    /// Start the embedded vulnerable mTLS API, scan it with two identities, print the report.
    #[command(after_help = "Example:\n  overshare demo --format json --output demo-report.json")]
    Demo(DemoArgs),
    /// List every rule overshare can report.
    #[command(
        after_help = "Examples:\n  overshare rules\n  overshare rules --toml > ours.toml\n  overshare rules --rules ours.toml"
    )]
    Rules {
        /// Extra sensitive-data rules (TOML) to include. Example: --rules ours.toml
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// Print the built-in rules file (TOML) instead: a starting point for your own.
        #[arg(long)]
        toml: bool,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Print a rule's documentation: what it finds, why it matters, an example, the fix.
    #[command(
        after_help = "Examples:\n  overshare explain OVS101\n  overshare explain undeclared-property"
    )]
    Explain {
        /// Rule id (`OVS101`) or name (`undeclared-property`).
        rule: String,
        /// Extra sensitive-data rules (TOML) to search too. Example: --rules ours.toml
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

/// Which config file to read. Only `rules` is taken from it by `rules` and `explain`.
#[derive(Debug, Default, Args)]
pub struct ConfigArgs {
    /// Config file (TOML) with the same settings as the flags, and more; flags override it.
    /// Without this, ./overshare.toml is read when it exists. Example: --config ci/overshare.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Read no config file, not even ./overshare.toml. Example: --no-config
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

const SCAN_HELP: &str = "\
Examples:
  # two partners' certificates, the server's private CA, a spec file
  overshare scan --spec openapi.yaml --url https://127.0.0.1:8443 --ca ca.pem \\
      --identity partner-a=certs/a.pem,certs/a.key --identity partner-b=certs/b.pem,certs/b.key

  # spec served by the API itself (drf-spectacular), JSON report for CI
  overshare scan --spec https://127.0.0.1:8443/api/schema/ --url https://127.0.0.1:8443 \\
      --ca ca.pem --identity ci=ci.p12 --format json --output report.json --fail-on high

  # a bearer token on top of a certificate (secrets are redacted in every report)
  overshare scan --spec openapi.yaml --url https://api.internal --identity svc=svc.pem,svc.key \\
      --identity-header 'svc=Authorization: Bearer eyJ...'

  # everything from a config file, one setting overridden
  overshare scan --config overshare.toml --fail-on high

Config file: ./overshare.toml is read when present (--config FILE for another, --no-config for
none). Flags override its values; --identity flags replace its [[identity]] tables; --rules
adds to its rules; --param overrides its params of the same name. See the README.

Encrypted keys and PKCS#12 bundles: the passphrase is read from the environment variable
OVERSHARE_PASSPHRASE_<NAME> (NAME upper-cased, other characters as `_`), else
OVERSHARE_PASSPHRASE; never from the command line.";

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub config: ConfigArgs,

    /// OpenAPI 3.0/3.1 or Swagger 2.0 spec, JSON or YAML: a file, or an http(s) URL fetched
    /// with the scan's TLS settings and first identity (required here or in the config file).
    /// Example: --spec openapi.yaml
    #[arg(long, value_name = "FILE|URL")]
    pub spec: Option<String>,

    /// Base URL of the API; the spec's paths are appended (its servers[0] path too, unless this
    /// URL has a path of its own). Required here or in the config file.
    /// Example: --url https://127.0.0.1:8443
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    #[command(flatten)]
    pub identities: IdentityArgs,

    /// Value for a path, query or header parameter, used before any value from the spec or
    /// from earlier responses (repeatable). Example: --param id=42
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,

    /// Extra sensitive-data rules (TOML, the shape of `overshare rules --toml`); a rule with a
    /// built-in id replaces it, `enabled = false` turns one off (repeatable). Example: --rules ours.toml
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,

    /// Another origin that is part of the target (an auth server, a file host): redirects to it
    /// are followed with the identity (repeatable). Everything else stays out of bounds.
    /// Example: --scope https://files.internal:8443
    #[arg(long = "scope", value_name = "URL")]
    pub scope: Vec<String>,

    /// Report only findings not in this baseline (by fingerprint) and say how many were
    /// left out. Example: --baseline overshare-baseline.json
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Also audit this source tree (Django/DRF code, nginx/Apache config) and attach to each
    /// runtime finding the serializer, view and proxy lines responsible (repeatable).
    /// Example: --source . --source deploy/nginx.conf
    #[arg(long = "source", value_name = "PATH")]
    pub source: Vec<PathBuf>,

    /// Write this run's findings as a baseline for later --baseline runs.
    /// Example: --write-baseline overshare-baseline.json
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Also probe mass assignment: PATCH/PUT one extra property at a time to an object of the
    /// primary identity, read it back, write the original value back. Changes data on the
    /// target while it runs; prints what it will write before it starts. DELETE is never sent.
    #[arg(long)]
    pub active: bool,

    /// The client CA's private key (test environments only): adds expired, not-yet-valid and
    /// wrong-EKU certificates for the primary identity to the mTLS edge checks.
    /// Example: --ca-key pki/ca.key.pem
    #[arg(long, value_name = "PEM")]
    pub ca_key: Option<PathBuf>,

    /// The client CA's certificate for --ca-key, when it is not the --ca file.
    #[arg(long, value_name = "PEM")]
    pub client_ca: Option<PathBuf>,

    #[command(flatten)]
    pub limits: LimitArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct IdentityArgs {
    /// A client identity (repeatable; the first is the primary). CERT,KEY as PEM files
    /// (PKCS#8, PKCS#1 RSA or SEC1 EC keys; encrypted PKCS#8 too), or one .p12/.pfx bundle,
    /// or one PEM file holding both. Example: --identity partner-a=a.pem,a.key
    #[arg(long = "identity", value_name = "NAME=CERT,KEY|NAME=BUNDLE")]
    pub identities: Vec<String>,

    /// A header sent with every request of identity NAME (repeatable); creates a header-only
    /// identity when NAME has no certificate. Example: --identity-header 'svc=X-Api-Key: abc'
    #[arg(long = "identity-header", value_name = "NAME=HEADER: VALUE")]
    pub identity_headers: Vec<String>,

    /// PEM file with the CA certificate(s) that issued the server's certificate; without it the
    /// system's trust store is used. Example: --ca ca.pem
    #[arg(long, value_name = "PEM")]
    pub ca: Option<PathBuf>,
}

/// The limits as flags. No clap defaults: an absent flag falls back to the config file's
/// `[limits]`, then to `scan::Limits::default()` (the defaults the help text names).
#[derive(Debug, Default, Args)]
pub struct LimitArgs {
    /// Requests in flight at once, across identities (default 8). Example: --concurrency 4
    #[arg(long, value_parser = clap::value_parser!(u16).range(CONCURRENCY))]
    pub concurrency: Option<u16>,

    /// Maximum requests per second, across identities (default 0 = unlimited). Example: --rate 10
    #[arg(long)]
    pub rate: Option<u32>,

    /// Seconds allowed for one request, connect to last byte (default 15). Example: --timeout 5
    #[arg(long, value_parser = clap::value_parser!(u64).range(TIMEOUT))]
    pub timeout: Option<u64>,

    /// Seconds allowed for the whole scan; what was found by then is reported (default 900).
    /// Example: --max-time 120
    #[arg(long, value_parser = clap::value_parser!(u64).range(MAX_TIME))]
    pub max_time: Option<u64>,

    /// Largest response body read from the wire; the rest is cut off (default 10M).
    /// Example: --max-body 2M
    #[arg(long, value_parser = parse_size)]
    pub max_body: Option<usize>,

    /// Largest body after decompression: gzip, br, deflate (default 50M). Example: --max-decoded 20M
    #[arg(long, value_parser = parse_size)]
    pub max_decoded: Option<usize>,

    /// Deepest JSON nesting parsed; deeper bodies are reported, not parsed (default 64).
    /// Example: --max-json-depth 32
    #[arg(long, value_parser = clap::value_parser!(u16).range(MAX_JSON_DEPTH))]
    pub max_json_depth: Option<u16>,
}

// The bounds of the limits, shared with the config file's `[limits]` checks. Typed as clap's
// value parsers want them: i64 for the u16 parsers, u64 for the u64 ones.
pub const CONCURRENCY: RangeInclusive<i64> = 1..=256;
pub const TIMEOUT: RangeInclusive<u64> = 1..=3600;
pub const MAX_TIME: RangeInclusive<u64> = 1..=u64::MAX;
pub const MAX_JSON_DEPTH: RangeInclusive<i64> = 1..=512;

#[derive(Debug, Default, Args)]
pub struct OutputArgs {
    /// Report format (repeatable, each paired with the --output at the same position; formats
    /// without one go to standard output). Example: --format text --format json --output r.json
    #[arg(long = "format", value_enum, value_name = "FORMAT")]
    pub formats: Vec<Format>,

    /// File for the format at the same position. Example: --output report.json
    #[arg(long = "output", value_name = "FILE")]
    pub outputs: Vec<PathBuf>,

    /// Exit 1 when a finding is at or above this severity (default high). Example: --fail-on high
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,

    /// No progress on standard error.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,

    /// One line per request on standard error: method, URL, identity, status, size, time.
    /// Example: --verbose
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Files or directories: Python source (honours .gitignore; skips virtualenvs and
    /// migrations) and nginx/Apache config files. Example: overshare audit . deploy/nginx.conf
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// Audit `migrations/` directories too.
    #[arg(long)]
    pub include_migrations: bool,

    /// Audit virtualenvs and `site-packages` too.
    #[arg(long)]
    pub include_virtualenvs: bool,

    /// Parse every statement, not only those an audit rule can read (slower; the findings are
    /// meant to be the same).
    #[arg(long)]
    pub full_parse: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Extra sensitive-data rules (TOML), as for `scan`. Example: --rules ours.toml
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,

    /// Also probe mass assignment on the demo API (its data lives in memory and is thrown
    /// away when the demo stops).
    #[arg(long)]
    pub active: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Also the `format` of a config file's `[[output]]` table, hence `Deserialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Human-readable, grouped by operation, coloured on a terminal (NO_COLOR respected).
    Text,
    /// The versioned JSON report (schema: crates/report/schema/report.schema.json).
    Json,
    /// SARIF 2.1.0 for code scanning: results at the operation's line in the spec file.
    Sarif,
    /// JUnit XML for CI dashboards: a test case per operation and identity.
    Junit,
    /// A pull-request comment: grade, counts, the worst findings, a table per operation.
    Markdown,
    /// One self-contained HTML file: filterable findings, evidence, reproduce commands, rule docs.
    Html,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// `1024`, `64K`, `10M`, `1G` (binary multiples).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let (digits, multiplier) = match s.char_indices().last() {
        Some((i, 'k' | 'K')) => (&s[..i], 1024),
        Some((i, 'm' | 'M')) => (&s[..i], 1024 * 1024),
        Some((i, 'g' | 'G')) => (&s[..i], 1024 * 1024 * 1024),
        _ => (s, 1),
    };
    let value: usize = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a size: use bytes or a K, M or G suffix (e.g. 10M)"))?;
    value
        .checked_mul(multiplier)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("`{s}` is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes_accept_suffixes() {
        assert_eq!(parse_size("10M"), Ok(10 * 1024 * 1024));
        assert_eq!(parse_size("64k"), Ok(65536));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("ten").unwrap_err().contains("ten"));
        assert!(parse_size("0").is_err());
    }
}
