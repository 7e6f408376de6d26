//! `--identity`, `--identity-header` and `--ca` into loaded, validated identities.
//!
//! Everything is checked before the first request: a scan that starts and then fails on the
//! second identity's key wastes the user's time and the target's rate limit.

use crate::Fatal;
use crate::cli::IdentityArgs;
use overshare_identity::{CertSource, ClientCert, TrustAnchors};
use overshare_probe::ScanIdentity;

/// Load the trust anchors: `--ca` when given, else the system store.
pub fn trust(args: &IdentityArgs) -> Result<TrustAnchors, Fatal> {
    match &args.ca {
        Some(path) => TrustAnchors::from_pem_file(path),
        None => TrustAnchors::system(),
    }
    .map_err(|err| Fatal::Usage(err.to_string()))
}

/// Load every identity; the order of `--identity` flags is kept (the first is primary).
pub fn load(args: &IdentityArgs) -> Result<Vec<ScanIdentity>, Fatal> {
    let mut identities: Vec<ScanIdentity> = Vec::new();
    for spec in &args.identities {
        let (name, source) = split_name(spec, "--identity", "NAME=CERT,KEY")?;
        if identities.iter().any(|i| i.name == name) {
            return Err(Fatal::Usage(format!(
                "--identity `{name}` is given twice: each identity needs its own name"
            )));
        }
        let source = CertSource::parse_cli(source).map_err(|e| Fatal::Usage(e.to_string()))?;
        let cert = ClientCert::load(name, &source, &|var| std::env::var(var).ok())
            .map_err(|e| Fatal::Usage(e.to_string()))?;
        identities.push(ScanIdentity {
            name: name.to_string(),
            cert: Some(cert),
            headers: Vec::new(),
        });
    }
    for spec in &args.identity_headers {
        let (name, header) = split_name(spec, "--identity-header", "NAME=Header: value")?;
        let header = parse_header(name, header)?;
        match identities.iter_mut().find(|i| i.name == name) {
            Some(identity) => identity.headers.push(header),
            None => identities.push(ScanIdentity {
                name: name.to_string(),
                cert: None,
                headers: vec![header],
            }),
        }
    }
    Ok(identities)
}

fn split_name<'a>(spec: &'a str, flag: &str, shape: &str) -> Result<(&'a str, &'a str), Fatal> {
    let Some((name, rest)) = spec.split_once('=') else {
        return Err(Fatal::Usage(format!(
            "{flag} `{spec}` has no name: write it as {shape}"
        )));
    };
    let name = name.trim();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !valid {
        return Err(Fatal::Usage(format!(
            "{flag}: identity name `{name}` must be letters, digits, `-`, `_` or `.`"
        )));
    }
    Ok((name, rest.trim()))
}

fn parse_header(name: &str, header: &str) -> Result<(String, String), Fatal> {
    let Some((key, value)) = header.split_once(':') else {
        return Err(Fatal::Usage(format!(
            "--identity-header for `{name}`: expected `Header-Name: value`"
        )));
    };
    let key = key.trim();
    let value = value.trim();
    let valid_name = !key.is_empty() && http_token(key);
    if !valid_name || value.chars().any(|c| c == '\r' || c == '\n') {
        return Err(Fatal::Usage(format!(
            "--identity-header for `{name}`: `{key}` is not a valid header (name must be an HTTP \
             token, value on one line)"
        )));
    }
    Ok((key.to_string(), value.to_string()))
}

fn http_token(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_headers_are_validated() {
        assert!(split_name("a=b", "--identity", "x").is_ok());
        assert!(split_name("noequals", "--identity", "x").is_err());
        assert!(split_name("bad name=x", "--identity", "x").is_err());
        assert_eq!(
            parse_header("svc", "X-Api-Key: abc").ok(),
            Some(("X-Api-Key".to_string(), "abc".to_string()))
        );
        assert!(parse_header("svc", "no colon").is_err());
        assert!(parse_header("svc", "Bad Name: v").is_err());
    }
}
