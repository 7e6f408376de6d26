//! `overshare demo`: start the embedded vulnerable mTLS API, scan it exactly as a user would
//! scan their own (PEM files on disk, `--ca`, two `--identity` flags), print the report, stop.

use crate::Fatal;
use crate::cli::DemoArgs;
use crate::emit;
use crate::identities::{self, IdentitySpec};
use crate::scan::{Limits, Target, execute};
use overshare_demo::DemoServer;
use overshare_identity::CertSource;
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
    let specs = paths
        .identities
        .iter()
        .map(|(name, cert, key)| IdentitySpec {
            name: name.clone(),
            source: Some(CertSource::Pem {
                cert: cert.clone(),
                key: key.clone(),
            }),
            headers: Vec::new(),
            passphrase_env: None,
        })
        .collect();
    let target = Target {
        base_url: url::Url::parse(&server.base_url())
            .map_err(|e| Fatal::Usage(format!("demo URL: {e}")))?,
        spec: paths.spec.display().to_string(),
        trust: identities::trust(Some(&paths.ca))?,
        identities: identities::load(specs)?,
        params: HashMap::new(),
        classifier: crate::scan::classifier(&args.rules)?,
        scope: Vec::new(),
        roles: HashMap::new(),
        probes: crate::scan::ProbeOptions {
            active: args.active,
            ..Default::default()
        },
        source: Vec::new(),
    };
    // The demo's API answers fast: two minutes is ample and bounds a hung run.
    let limits = Limits {
        max_time: 120,
        ..Limits::default()
    };
    let result = execute(target, &limits, &args.output).await;
    server.shutdown().await;
    let (mut report, mut context) = result?;
    report.spec = "openapi.yaml (the demo's embedded design-first spec)".to_string();
    context.spec_path = Some("openapi.yaml".to_string());
    emit::write_all(&report, &context, &args.output)?;
    // The demo shows findings by design; they are not a failure of the command.
    Ok(0)
}
