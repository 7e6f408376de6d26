//! [`TrustAnchors`]: the CAs we accept the server's certificate from, either a PEM file given
//! with `--ca` or the operating system's store.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;

use crate::IdentityError;
use crate::pem::{self, ReadError};
use crate::source::shell_quote;

/// A non-empty set of trust anchors for verifying servers.
#[derive(Clone)]
pub struct TrustAnchors {
    path: Option<PathBuf>,
    certs: Vec<CertificateDer<'static>>,
    roots: Arc<RootCertStore>,
}

impl TrustAnchors {
    /// Every certificate of a PEM file. Fails if the file holds none, or if one of them cannot
    /// be a trust anchor: a CA file with a typo in it should not silently trust less.
    pub fn from_pem_file(path: impl AsRef<Path>) -> Result<TrustAnchors, IdentityError> {
        let path = path.as_ref();
        let bytes = pem::read_capped(path).map_err(|err| match err {
            ReadError::Io(source) => IdentityError::CaRead {
                path: path.to_owned(),
                source,
            },
            ReadError::TooLarge => IdentityError::CaBadPem {
                path: path.to_owned(),
                reason: format!("larger than {} bytes", pem::MAX_FILE_BYTES),
            },
        })?;
        let certs = pem::certificates(&bytes).map_err(|err| IdentityError::CaBadPem {
            path: path.to_owned(),
            reason: err.to_string(),
        })?;
        if certs.is_empty() {
            return Err(IdentityError::CaEmpty {
                path: path.to_owned(),
            });
        }
        let mut roots = RootCertStore::empty();
        for (index, cert) in certs.iter().enumerate() {
            roots
                .add(cert.clone())
                .map_err(|err| IdentityError::CaInvalid {
                    path: path.to_owned(),
                    index: index + 1,
                    reason: err.to_string(),
                })?;
        }
        Ok(TrustAnchors {
            path: Some(path.to_owned()),
            certs,
            roots: Arc::new(roots),
        })
    }

    /// The operating system's trust store. Unparsable system certificates are skipped (as
    /// browsers do); an empty result is an error, since it would reject every server.
    pub fn system() -> Result<TrustAnchors, IdentityError> {
        let found = rustls_native_certs::load_native_certs();
        let mut roots = RootCertStore::empty();
        let (added, _ignored) = roots.add_parsable_certificates(found.certs.iter().cloned());
        if added == 0 {
            let reason = match found.errors.first() {
                Some(err) => format!("no usable CA certificate found ({err})"),
                None => "no usable CA certificate found".to_owned(),
            };
            return Err(IdentityError::SystemTrust { reason });
        }
        Ok(TrustAnchors {
            path: None,
            certs: found.certs,
            roots: Arc::new(roots),
        })
    }

    /// The CA file these anchors came from; `None` for the system store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The anchors as DER certificates (for a client library that wants them one by one).
    pub fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.certs
    }

    /// The anchors as a rustls root store.
    pub fn root_store(&self) -> Arc<RootCertStore> {
        Arc::clone(&self.roots)
    }

    /// curl options for reproduce commands: `--cacert 'ca.pem'`, or nothing for the system
    /// store (curl's default).
    pub fn curl_args(&self) -> String {
        match &self.path {
            Some(path) => format!("--cacert {}", shell_quote(&path.to_string_lossy())),
            None => String::new(),
        }
    }
}

impl fmt::Debug for TrustAnchors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustAnchors")
            .field("path", &self.path)
            .field("anchors", &self.roots.len())
            .finish()
    }
}

impl fmt::Display for TrustAnchors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "CA file {}", path.display()),
            None => f.write_str("the system CA store"),
        }
    }
}
