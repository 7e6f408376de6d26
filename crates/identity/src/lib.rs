//! Client identities for mutual TLS: load them safely, check them before any request, build
//! rustls client configurations from them, and explain TLS handshake failures.
//!
//! In the spirit of rustls, the types make the wrong thing hard:
//! - a [`ClientCert`] only comes from [`ClientCert::load`], which proves that the private key
//!   matches the leaf certificate and that the certificate is valid now; the key never leaves
//!   the rustls signing key, and `Debug` shows subject and paths only;
//! - a [`TrustAnchors`] is never empty: a CA file without a certificate is an error;
//! - passphrases come from environment variables ([`passphrase_env_var`]), never from argv;
//! - every [`IdentityError`] names the identity (or CA file) first and says what to do.
//!
//! [`client_config`] always uses rustls' ring provider. [`diagnose`] turns a rustls error,
//! however deeply wrapped, into a sentence and the side that refused the handshake.
//!
//! ```no_run
//! use overshare_identity::{CertSource, ClientCert, TrustAnchors, client_config, env_passphrase};
//!
//! let source = CertSource::parse_cli("partner-a.pem,partner-a.key")?;
//! let cert = ClientCert::load("partner-a", &source, &env_passphrase)?;
//! let trust = TrustAnchors::from_pem_file("ca.pem")?;
//! let config = client_config(&trust, Some(&cert));
//! # let _ = config;
//! # Ok::<(), overshare_identity::IdentityError>(())
//! ```

mod cert;
mod config;
mod diagnose;
mod error;
pub mod forge;
mod passphrase;
mod pem;
mod pkcs12;
mod source;
mod trust;

pub use cert::ClientCert;
pub use config::client_config;
pub use diagnose::{TlsDiagnosis, TlsSide, diagnose};
pub use error::IdentityError;
pub use passphrase::{GENERIC_PASSPHRASE_VAR, env_passphrase, passphrase_env_var};
pub use source::{CertSource, parse_identity_arg};
pub use trust::TrustAnchors;
