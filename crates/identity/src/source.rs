//! Where an identity's certificate and key live, as the user names them on the command line,
//! and how to say the same to curl.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::IdentityError;

/// The files an identity is loaded from. Only paths: nothing secret lives here.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CertSource {
    /// A certificate (chain) file and a separate private key file.
    Pem { cert: PathBuf, key: PathBuf },
    /// One PEM file holding the certificate (chain) and the private key.
    CombinedPem(PathBuf),
    /// A PKCS#12 (`.p12` / `.pfx`) bundle.
    Pkcs12(PathBuf),
    /// Made by overshare in memory (a forged certificate for the mTLS edge checks); the label
    /// says how. There is no file, so curl cannot present it.
    Generated(String),
}

impl CertSource {
    /// Reads the part after `NAME=` of `--identity`: `cert.pem,key.pem`, `bundle.p12` (or
    /// `.pfx`), or `combined.pem`.
    pub fn parse_cli(spec: &str) -> Result<CertSource, IdentityError> {
        let spec_err = |reason: &str| IdentityError::InvalidSpec {
            spec: spec.to_owned(),
            reason: reason.to_owned(),
        };
        let spec_trimmed = spec.trim();
        if spec_trimmed.is_empty() {
            return Err(spec_err("no file given"));
        }
        if let Some((cert, key)) = spec_trimmed.split_once(',') {
            let (cert, key) = (cert.trim(), key.trim());
            if cert.is_empty() || key.is_empty() || key.contains(',') {
                return Err(spec_err("expected exactly two files, CERT,KEY"));
            }
            return Ok(CertSource::Pem {
                cert: cert.into(),
                key: key.into(),
            });
        }
        if is_pkcs12_name(spec_trimmed) {
            return Ok(CertSource::Pkcs12(spec_trimmed.into()));
        }
        Ok(CertSource::CombinedPem(spec_trimmed.into()))
    }

    /// The file the certificate is read from.
    pub fn cert_path(&self) -> &Path {
        match self {
            CertSource::Pem { cert, .. } => cert,
            CertSource::CombinedPem(path) | CertSource::Pkcs12(path) => path,
            CertSource::Generated(_) => Path::new("(generated in memory)"),
        }
    }

    /// The file the private key is read from.
    pub fn key_path(&self) -> &Path {
        match self {
            CertSource::Pem { key, .. } => key,
            CertSource::CombinedPem(path) | CertSource::Pkcs12(path) => path,
            CertSource::Generated(_) => Path::new("(generated in memory)"),
        }
    }

    /// curl options that present this identity. `passphrase_var` is the environment variable
    /// that held the passphrase, if one was needed: curl gets a reference to it, never the value.
    pub(crate) fn curl_args(&self, passphrase_var: Option<&str>) -> String {
        let pass = passphrase_var.map(|var| format!(" --pass \"${var}\""));
        match self {
            CertSource::Pem { cert, key } => format!(
                "--cert {} --key {}{}",
                curl_cert_arg(cert),
                shell_quote(&key.to_string_lossy()),
                pass.unwrap_or_default()
            ),
            CertSource::CombinedPem(path) => {
                format!("--cert {}{}", curl_cert_arg(path), pass.unwrap_or_default())
            }
            // For P12, curl takes the password after a colon in --cert. The variable stays
            // outside the single quotes so that the shell expands it.
            CertSource::Pkcs12(path) => format!(
                "--cert-type P12 --cert {}{}",
                curl_cert_arg(path),
                passphrase_var
                    .map(|var| format!("\":${var}\""))
                    .unwrap_or_default()
            ),
            CertSource::Generated(label) => format!(
                "--cert FORGED.pem --key FORGED.key # {} certificate made by overshare, not kept",
                label
            ),
        }
    }
}

impl fmt::Display for CertSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertSource::Pem { cert, key } => write!(f, "{},{}", cert.display(), key.display()),
            CertSource::CombinedPem(path) | CertSource::Pkcs12(path) => {
                write!(f, "{}", path.display())
            }
            CertSource::Generated(label) => write!(f, "(generated: {label})"),
        }
    }
}

/// Splits `NAME=SPEC`, the whole value of one `--identity`.
pub fn parse_identity_arg(arg: &str) -> Result<(String, CertSource), IdentityError> {
    let Some((name, spec)) = arg.split_once('=') else {
        return Err(IdentityError::InvalidSpec {
            spec: arg.to_owned(),
            reason: "missing `NAME=` before the files".to_owned(),
        });
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(IdentityError::InvalidSpec {
            spec: arg.to_owned(),
            reason: "the identity name is empty".to_owned(),
        });
    }
    Ok((name.to_owned(), CertSource::parse_cli(spec)?))
}

fn is_pkcs12_name(spec: &str) -> bool {
    let lower = spec.to_ascii_lowercase();
    lower.ends_with(".p12") || lower.ends_with(".pfx")
}

/// curl reads `--cert FILE:PASSWORD`, so a colon inside the file name must be escaped.
fn curl_cert_arg(path: &Path) -> String {
    shell_quote(&path.to_string_lossy().replace(':', "\\:"))
}

/// Quotes for a POSIX shell: single quotes, each inner `'` written as `'\''`.
pub(crate) fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
