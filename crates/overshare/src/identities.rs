//! Identities from `--identity`, `--identity-header`, the config file's `[[identity]]` tables,
//! and `--ca`, into loaded, validated identities.
//!
//! Flags and file both produce [`IdentitySpec`]s (names, files, headers: nothing loaded yet);
//! [`load`] then reads and checks every one before the first request: a scan that starts and
//! then fails on the second identity's key wastes the user's time and the target's rate limit.

use crate::Fatal;
use overshare_identity::{CertSource, ClientCert, TrustAnchors};
use overshare_probe::ScanIdentity;
use std::path::Path;

/// An identity as declared, before its files are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentitySpec {
    pub name: String,
    /// None for a header-only identity.
    pub source: Option<CertSource>,
    pub headers: Vec<(String, String)>,
    /// The environment variable holding this identity's key passphrase (config file
    /// `passphrase_env`); without it, `OVERSHARE_PASSPHRASE_<NAME>` then `OVERSHARE_PASSPHRASE`.
    pub passphrase_env: Option<String>,
}

/// Load the trust anchors: the CA file when given, else the system store.
pub fn trust(ca: Option<&Path>) -> Result<TrustAnchors, Fatal> {
    match ca {
        Some(path) => TrustAnchors::from_pem_file(path),
        None => TrustAnchors::system(),
    }
    .map_err(|err| Fatal::Usage(err.to_string()))
}

/// Parse `--identity NAME=CERT,KEY|NAME=BUNDLE` flags, in order (the first is primary).
pub fn from_flags(flags: &[String]) -> Result<Vec<IdentitySpec>, Fatal> {
    let mut specs: Vec<IdentitySpec> = Vec::new();
    for flag in flags {
        let (name, source) = split_name(flag, "--identity", "NAME=CERT,KEY")?;
        if specs.iter().any(|i| i.name == name) {
            return Err(Fatal::Usage(format!(
                "--identity `{name}` is given twice: each identity needs its own name"
            )));
        }
        let source = CertSource::parse_cli(source).map_err(|e| Fatal::Usage(e.to_string()))?;
        specs.push(IdentitySpec {
            name: name.to_string(),
            source: Some(source),
            headers: Vec::new(),
            passphrase_env: None,
        });
    }
    Ok(specs)
}

/// Apply `--identity-header NAME=Header: value` flags: to the identity of that name when there
/// is one (from the flags or the file), else as a new header-only identity.
pub fn add_header_flags(specs: &mut Vec<IdentitySpec>, flags: &[String]) -> Result<(), Fatal> {
    for flag in flags {
        let (name, header) = split_name(flag, "--identity-header", "NAME=Header: value")?;
        let header = parse_header(name, header)?;
        match specs.iter_mut().find(|i| i.name == name) {
            Some(identity) => identity.headers.push(header),
            None => specs.push(IdentitySpec {
                name: name.to_string(),
                source: None,
                headers: vec![header],
                passphrase_env: None,
            }),
        }
    }
    Ok(())
}

/// Read and validate every identity's certificate and key; the order is kept.
pub fn load(specs: Vec<IdentitySpec>) -> Result<Vec<ScanIdentity>, Fatal> {
    specs
        .into_iter()
        .map(|spec| {
            let cert = spec
                .source
                .map(|source| {
                    // A named variable answers for every variable the loader asks about: the
                    // user said where this identity's passphrase is.
                    let named = spec.passphrase_env.as_deref();
                    let lookup = |var: &str| std::env::var(named.unwrap_or(var)).ok();
                    ClientCert::load(&spec.name, &source, &lookup).map_err(|e| {
                        let message = e.to_string();
                        match named {
                            // The loader names the default variables; the file named another.
                            Some(var) if message.contains("passphrase") => Fatal::Usage(format!(
                                "{message}; this identity's config names `{var}` \
                                 (`passphrase_env`): set that variable instead"
                            )),
                            _ => Fatal::Usage(message),
                        }
                    })
                })
                .transpose()?;
            Ok(ScanIdentity {
                name: spec.name,
                cert,
                headers: spec.headers,
            })
        })
        .collect()
}

/// Identity names end up in reports, env var names and curl commands: keep them plain.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn split_name<'a>(spec: &'a str, flag: &str, shape: &str) -> Result<(&'a str, &'a str), Fatal> {
    let Some((name, rest)) = spec.split_once('=') else {
        return Err(Fatal::Usage(format!(
            "{flag} `{spec}` has no name: write it as {shape}"
        )));
    };
    let name = name.trim();
    if !valid_name(name) {
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
    if !http_token(key) || value.chars().any(|c| c == '\r' || c == '\n') {
        return Err(Fatal::Usage(format!(
            "--identity-header for `{name}`: `{key}` is not a valid header (name must be an HTTP \
             token, value on one line)"
        )));
    }
    Ok((key.to_string(), value.to_string()))
}

/// An HTTP header name (RFC 9110 token).
pub fn http_token(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
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
