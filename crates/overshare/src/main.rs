//! `overshare`: the binary. It only wires the crates of the pipeline together:
//!
//! ```text
//! spec ──► overshare-contract ──► overshare-probe (plan, mTLS identities, limits) ──► exchanges
//! exchanges ──► overshare-analyze ──► findings ──► overshare-report ──► text / JSON
//! ```
//!
//! Exit codes (DESIGN.md): 0 nothing at or above `--fail-on`, 1 findings at or above it,
//! 2 usage, config or spec error, 3 target unreachable or TLS failed for every identity.

mod audit;
mod baseline;
mod cli;
mod config;
mod demo;
mod emit;
mod identities;
mod scan;

use clap::Parser;
use std::process::ExitCode;

// The audit parses and lowers millions of small syntax nodes, the scan millions of JSON values:
// mimalloc's thread-local free lists make those allocations markedly cheaper than glibc's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A run is short and allocates a few hundred thousand small nodes across several threads:
/// with transparent huge pages, each thread's first touch of each 2 MiB region has the kernel
/// zero all of it, which on virtual machines costs more than the audit's parsing
/// (`./scripts/bench-audit.sh`: 0.35 s against 0.48 s on the benchmark corpus). mimalloc is
/// built not to ask for them (`no_thp`); this also stops a system set to `always` from giving
/// them.
fn without_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and changes no memory.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// An error that ends the command, with the exit code it maps to.
#[derive(Debug)]
pub enum Fatal {
    /// Exit 2: bad flags, unreadable files, invalid spec or identity.
    Usage(String),
    /// Exit 3: the target could not be reached, or TLS failed for every identity.
    Unreachable(String),
}

impl Fatal {
    fn exit_code(&self) -> u8 {
        match self {
            Fatal::Usage(_) => 2,
            Fatal::Unreachable(_) => 3,
        }
    }

    fn message(&self) -> &str {
        match self {
            Fatal::Usage(m) | Fatal::Unreachable(m) => m,
        }
    }
}

fn main() -> ExitCode {
    without_transparent_huge_pages();
    // reqwest and rustls need one process-wide crypto provider; overshare uses ring only.
    let _ = rustls::crypto::ring::default_provider().install_default();
    init_tracing();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            // clap uses 2 for usage errors and 0 for --help/--version, as DESIGN.md wants.
            return ExitCode::from(err.exit_code() as u8);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(dispatch(cli.command)) {
        Ok(code) => ExitCode::from(code),
        Err(fatal) => {
            anstream::eprintln!("{}: {}", error_label(), fatal.message());
            ExitCode::from(fatal.exit_code())
        }
    }
}

async fn dispatch(command: cli::Command) -> Result<u8, Fatal> {
    match command {
        cli::Command::Scan(args) => scan::run(*args).await,
        cli::Command::Audit(args) => audit::run(args).await,
        cli::Command::Demo(args) => demo::run(args).await,
        cli::Command::Rules { toml: true, .. } => {
            print!("{}", overshare_classify::BUILTIN_RULES);
            Ok(0)
        }
        cli::Command::Rules { rules, config, .. } => {
            print_rules(&scan::classifier(&with_config_rules(&config, rules)?)?)
        }
        cli::Command::Explain {
            rule,
            rules,
            config,
        } => explain(
            &scan::classifier(&with_config_rules(&config, rules)?)?,
            &rule,
        ),
    }
}

/// The config file's `rules`, then the `--rules` flags: the same order as `scan` uses.
fn with_config_rules(
    args: &cli::ConfigArgs,
    flags: Vec<std::path::PathBuf>,
) -> Result<Vec<std::path::PathBuf>, Fatal> {
    let file = config::load(args, false)?;
    let mut rules = file.map(|f| f.rules()).unwrap_or_default();
    rules.extend(flags);
    Ok(rules)
}

fn error_label() -> String {
    use owo_colors::OwoColorize;
    "error".red().bold().to_string()
}

fn print_rules(classifier: &overshare_classify::Classifier) -> Result<u8, Fatal> {
    for rule in overshare_analyze::catalogue_with(classifier, &audit::rules()) {
        let family = rule
            .class
            .clone()
            .unwrap_or_else(|| format!("{:?}", rule.category).to_lowercase());
        println!(
            "{:<7} {:<32} {:<9} {:<19} {}",
            rule.id, rule.name, rule.severity, family, rule.summary
        );
    }
    Ok(0)
}

fn explain(classifier: &overshare_classify::Classifier, rule: &str) -> Result<u8, Fatal> {
    let Some(doc) = overshare_analyze::find_rule_with(classifier, &audit::rules(), rule) else {
        return Err(Fatal::Usage(format!(
            "no rule `{rule}`: run `overshare rules` for the list"
        )));
    };
    let family = doc
        .class
        .clone()
        .unwrap_or_else(|| format!("{:?}", doc.category).to_lowercase());
    println!(
        "{} {} ({family}, default severity {}, {}, {})\n",
        doc.id,
        doc.name,
        doc.severity,
        doc.cwe.join(", "),
        doc.owasp.join(", ")
    );
    println!("{}", doc.doc.trim_end());
    Ok(0)
}

fn init_tracing() {
    // Quiet by default; `RUST_LOG=overshare_probe=debug` shows every request.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
