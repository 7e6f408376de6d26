//! The one error type of this crate.
//!
//! Every message names what it is about first (`identity `NAME`:`, `CA file PATH:` or
//! `system CA store:`), then the problem, then what to do about it, so the CLI can print it
//! as is. No variant carries key material or a passphrase.

use std::io;
use std::path::PathBuf;

/// Why an identity or a set of trust anchors could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// An `--identity` value that is not `CERT,KEY`, `BUNDLE.p12` or `COMBINED.pem`.
    #[error(
        "identity spec `{spec}`: {reason}; use NAME=CERT.pem,KEY.pem, NAME=BUNDLE.p12 or NAME=COMBINED.pem"
    )]
    InvalidSpec { spec: String, reason: String },

    /// A certificate, key or bundle file could not be read.
    #[error(
        "identity `{name}`: cannot read {}: {source}; check the path and its permissions",
        path.display()
    )]
    Read {
        name: String,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// A file is far larger than any certificate or key file.
    #[error(
        "identity `{name}`: {} is larger than {limit} bytes; is it really a certificate or key file?",
        path.display()
    )]
    TooLarge {
        name: String,
        path: PathBuf,
        limit: u64,
    },

    /// The PEM text itself is broken (bad base64, a missing END line...).
    #[error("identity `{name}`: {} is not valid PEM ({reason}); re-export it", path.display())]
    BadPem {
        name: String,
        path: PathBuf,
        reason: String,
    },

    /// No `CERTIFICATE` block where one was expected.
    #[error(
        "identity `{name}`: {} contains no certificate (expected a `-----BEGIN CERTIFICATE-----` block)",
        path.display()
    )]
    NoCertificate { name: String, path: PathBuf },

    /// No private key where one was expected.
    #[error(
        "identity `{name}`: {} contains no private key (expected `PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY` or `ENCRYPTED PRIVATE KEY`)",
        path.display()
    )]
    NoKey { name: String, path: PathBuf },

    /// More than one private key: we would have to guess which one is meant.
    #[error(
        "identity `{name}`: {} contains {count} private keys; keep only the client certificate's key",
        path.display()
    )]
    MultipleKeys {
        name: String,
        path: PathBuf,
        count: usize,
    },

    /// A certificate that x509-parser or webpki cannot parse.
    #[error("identity `{name}`: {} holds a certificate that cannot be parsed: {reason}", path.display())]
    BadCertificate {
        name: String,
        path: PathBuf,
        reason: String,
    },

    /// A key of a type or curve that the ring provider cannot sign with.
    #[error(
        "identity `{name}`: the private key in {} cannot be used: {reason} (supported: RSA 2048+ bits, ECDSA P-256/P-384, Ed25519)",
        path.display()
    )]
    UnsupportedKey {
        name: String,
        path: PathBuf,
        reason: String,
    },

    /// The private key belongs to another certificate.
    #[error("identity `{name}`: the private key in {} does not match the certificate in {} ({subject}){hint}",
        key_path.display(), cert_path.display())]
    KeyMismatch {
        name: String,
        cert_path: PathBuf,
        key_path: PathBuf,
        subject: String,
        /// Extra advice, e.g. that the key matches another certificate of the file.
        hint: String,
    },

    /// The certificate's notAfter is in the past.
    #[error(
        "identity `{name}`: certificate {subject} expired on {not_after} (it is now {now}); renew it"
    )]
    Expired {
        name: String,
        subject: String,
        not_after: String,
        now: String,
    },

    /// The certificate's notBefore is in the future.
    #[error(
        "identity `{name}`: certificate {subject} is not valid before {not_before} (it is now {now}); check this machine's clock or wait"
    )]
    NotYetValid {
        name: String,
        subject: String,
        not_before: String,
        now: String,
    },

    /// The certificate's extended key usage forbids client authentication.
    #[error(
        "identity `{name}`: certificate {subject} is not allowed for TLS client authentication (its extended key usage lacks clientAuth); ask for a client certificate"
    )]
    NotForClientAuth { name: String, subject: String },

    /// The key is encrypted and no passphrase was supplied.
    #[error(
        "identity `{name}`: {} is protected by a passphrase; set the environment variable {var} (or OVERSHARE_PASSPHRASE) to it",
        path.display()
    )]
    PassphraseMissing {
        name: String,
        path: PathBuf,
        var: String,
    },

    /// The passphrase does not decrypt the key.
    #[error(
        "identity `{name}`: the passphrase from {var} does not decrypt {}; check the value of {var}",
        path.display()
    )]
    WrongPassphrase {
        name: String,
        path: PathBuf,
        var: String,
    },

    /// An encrypted key in a format we do not decrypt.
    #[error("identity `{name}`: cannot decrypt {}: {reason}", path.display())]
    UnsupportedEncryption {
        name: String,
        path: PathBuf,
        reason: String,
    },

    /// Old OpenSSL `Proc-Type: 4,ENCRYPTED` PEM, whose key derivation is MD5 based.
    #[error(
        "identity `{name}`: {} uses the legacy OpenSSL encryption (`Proc-Type: 4,ENCRYPTED`), which overshare does not read; convert it with `openssl pkcs8 -topk8 -in old.key -out new.key`",
        path.display()
    )]
    LegacyEncryptedKey { name: String, path: PathBuf },

    /// A PKCS#12 bundle that could not be opened.
    #[error("identity `{name}`: cannot read the PKCS#12 bundle {}: {reason}", path.display())]
    Pkcs12 {
        name: String,
        path: PathBuf,
        reason: String,
    },

    /// This build has no PKCS#12 support.
    #[error(
        "identity `{name}`: {} is a PKCS#12 bundle, but this build of overshare has no PKCS#12 support (feature `pkcs12`); convert it with `openssl pkcs12 -in {} -nokeys -out cert.pem` and `openssl pkcs12 -in {} -nocerts -out key.pem`",
        path.display(), path.display(), path.display()
    )]
    Pkcs12Unsupported { name: String, path: PathBuf },

    /// The CA file could not be read.
    #[error("CA file {}: cannot read it: {source}; check the path and its permissions", path.display())]
    CaRead {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// The CA file is not PEM.
    #[error("CA file {}: not valid PEM ({reason})", path.display())]
    CaBadPem { path: PathBuf, reason: String },

    /// The CA file has no certificate in it.
    #[error(
        "CA file {}: contains no certificate (expected one or more `-----BEGIN CERTIFICATE-----` blocks)",
        path.display()
    )]
    CaEmpty { path: PathBuf },

    /// A certificate of the CA file cannot serve as a trust anchor.
    #[error("CA file {}: certificate #{index} cannot be used as a trust anchor: {reason}", path.display())]
    CaInvalid {
        path: PathBuf,
        index: usize,
        reason: String,
    },

    /// The operating system's trust store is empty or unreadable.
    #[error(
        "system CA store: {reason}; pass --ca with the CA that issued the server's certificate"
    )]
    SystemTrust { reason: String },
}

impl IdentityError {
    /// The identity this error is about, if it is about one (not a CA file).
    pub fn identity(&self) -> Option<&str> {
        use IdentityError::*;
        match self {
            Read { name, .. }
            | TooLarge { name, .. }
            | BadPem { name, .. }
            | NoCertificate { name, .. }
            | NoKey { name, .. }
            | MultipleKeys { name, .. }
            | BadCertificate { name, .. }
            | UnsupportedKey { name, .. }
            | KeyMismatch { name, .. }
            | Expired { name, .. }
            | NotYetValid { name, .. }
            | NotForClientAuth { name, .. }
            | PassphraseMissing { name, .. }
            | WrongPassphrase { name, .. }
            | UnsupportedEncryption { name, .. }
            | LegacyEncryptedKey { name, .. }
            | Pkcs12 { name, .. }
            | Pkcs12Unsupported { name, .. } => Some(name),
            InvalidSpec { .. }
            | CaRead { .. }
            | CaBadPem { .. }
            | CaEmpty { .. }
            | CaInvalid { .. } => None,
            SystemTrust { .. } => None,
        }
    }
}
