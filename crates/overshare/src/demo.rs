//! `overshare demo`: start the embedded vulnerable mTLS API, scan it exactly as a user would
//! scan their own (PEM files on disk, `--ca`, two `--identity` flags), print the report, stop.

use crate::Fatal;
use crate::cli::{DemoArgs, LimitArgs};
use crate::scan::{Target, execute};
use crate::{emit, identities};
use overshare_demo::DemoServer;
use std::collections::HashMap;

pub async fn run(args: DemoArgs) -> Result<u8, Fatal> {
    let server = DemoServer::start()
        .await
        .map_err(|e| Fatal::Usage(format!("cannot start the demo API: {e}")))?;
    let dir = tempfile::Builder::new()
        .prefix("overshare-demo-")
        .tempdir()
        .map_err(|e| Fatal::Usage(format!("cannot create a temporary directory: {e}")))?;
    let paths = server
        .pki()
        .write_to(dir.path())
        .map_err(|e| Fatal::Usage(format!("cannot write the demo PKI: {e}")))?;
    if !args.output.quiet {
        anstream::eprintln!(
            "demo API listening on {} (client certificates required; throwaway PKI in {})",
            server.base_url(),
            dir.path().display()
        );
    }
    let identity_args = crate::cli::IdentityArgs {
        identities: paths
            .identities
            .iter()
            .map(|(name, cert, key)| format!("{name}={},{}", cert.display(), key.display()))
            .collect(),
        identity_headers: Vec::new(),
        ca: Some(paths.ca.clone()),
    };
    let target = Target {
        base_url: url::Url::parse(&server.base_url())
            .map_err(|e| Fatal::Usage(format!("demo URL: {e}")))?,
        spec: paths.spec.display().to_string(),
        trust: identities::trust(&identity_args)?,
        identities: identities::load(&identity_args)?,
        params: HashMap::new(),
        classifier: crate::scan::classifier(&args.rules)?,
    };
    let limits = default_limits();
    let result = execute(target, &limits, &args.output).await;
    server.shutdown().await;
    let mut report = result?;
    report.spec = "openapi.yaml (the demo's embedded design-first spec)".to_string();
    emit::write_all(&report, &args.output)?;
    // The demo shows findings by design; they are not a failure of the command.
    Ok(0)
}

fn default_limits() -> LimitArgs {
    LimitArgs {
        concurrency: 8,
        rate: 0,
        timeout: 15,
        max_time: 120,
        max_body: 10 * 1024 * 1024,
        max_decoded: 50 * 1024 * 1024,
        max_json_depth: 64,
    }
}
