//! [`ClientCert`]: a client certificate chain and the private key that matches it, checked
//! once at load time so that no request is ever sent with a broken identity.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::sign::CertifiedKey;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::{CertSource, IdentityError, pem, pkcs12};

/// A loaded, validated client identity.
///
/// The only way to get one is [`ClientCert::load`], which checks that the key matches the
/// leaf certificate and that the certificate is valid now. The private key lives inside a
/// rustls signing key: it is never exposed, printed by `Debug`, or serialized.
#[derive(Clone)]
pub struct ClientCert {
    name: String,
    source: CertSource,
    certified: Arc<CertifiedKey>,
    subject: String,
    common_name: Option<String>,
    issuer: String,
    serial: String,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    passphrase_var: Option<String>,
}

/// What we read out of the leaf certificate.
struct LeafInfo {
    subject: String,
    common_name: Option<String>,
    issuer: String,
    serial: String,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    /// False when an extended key usage extension is present without clientAuth (or any).
    client_auth_allowed: bool,
}

impl ClientCert {
    /// Loads the identity `identity_name` from `source` and validates it.
    ///
    /// `passphrase` is asked for an environment variable's value by name (see
    /// [`passphrase_env_var`](crate::passphrase_env_var)); pass
    /// [`env_passphrase`](crate::env_passphrase) in real runs.
    pub fn load(
        identity_name: &str,
        source: &CertSource,
        passphrase: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ClientCert, IdentityError> {
        let name = identity_name;
        let (chain, key, passphrase_var) = read_material(name, source, passphrase)?;
        let leaf = LeafInfo::parse(name, source.cert_path(), &chain[0])?;
        let certified = certify(name, source, &leaf.subject, chain, key)?;
        leaf.check_usable(name, OffsetDateTime::now_utc())?;
        Ok(ClientCert {
            name: name.to_owned(),
            source: source.clone(),
            certified: Arc::new(certified),
            subject: leaf.subject,
            common_name: leaf.common_name,
            issuer: leaf.issuer,
            serial: leaf.serial,
            not_before: leaf.not_before,
            not_after: leaf.not_after,
            passphrase_var,
        })
    }

    /// A certificate overshare generated (see [`crate::forge`]): the key is checked against the
    /// leaf like any other, but validity dates and EKU are not, since a forged certificate is
    /// meant to be wrong in exactly those ways.
    pub(crate) fn generated(
        name: &str,
        source: CertSource,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> Result<ClientCert, IdentityError> {
        let leaf = LeafInfo::parse(name, source.cert_path(), &chain[0])?;
        let certified = certify(name, &source, &leaf.subject, chain, key)?;
        Ok(ClientCert {
            name: name.to_owned(),
            source,
            certified: Arc::new(certified),
            subject: leaf.subject,
            common_name: leaf.common_name,
            issuer: leaf.issuer,
            serial: leaf.serial,
            not_before: leaf.not_before,
            not_after: leaf.not_after,
            passphrase_var: None,
        })
    }

    /// The identity's name, as given on the command line or in the config file.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the certificate and key were read from.
    pub fn source(&self) -> &CertSource {
        &self.source
    }

    /// The leaf certificate's subject DN, e.g. `CN=partner-a, O=Example`.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The leaf certificate's first common name, if it has one.
    pub fn common_name(&self) -> Option<&str> {
        self.common_name.as_deref()
    }

    /// The leaf certificate's issuer DN.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The leaf certificate's serial number, as colon-separated hex bytes.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// Start of the leaf certificate's validity.
    pub fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }

    /// End of the leaf certificate's validity.
    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// The environment variable that held the key's passphrase, if the key was encrypted.
    pub fn passphrase_var(&self) -> Option<&str> {
        self.passphrase_var.as_deref()
    }

    /// The certificate chain as DER, leaf first.
    pub fn chain_der(&self) -> &[CertificateDer<'static>] {
        &self.certified.cert
    }

    /// The chain with its signing key, for a rustls resolver (`SingleCertAndKey`).
    pub fn certified_key(&self) -> Arc<CertifiedKey> {
        Arc::clone(&self.certified)
    }

    /// curl options that present this identity, for reproduce commands: file paths and, for an
    /// encrypted key, a reference to the passphrase variable (`"$OVERSHARE_PASSPHRASE_A"`),
    /// never a secret.
    pub fn curl_args(&self) -> String {
        self.source.curl_args(self.passphrase_var.as_deref())
    }
}

impl fmt::Debug for ClientCert {
    // Hand-written so that nothing derived from the key can ever reach a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCert")
            .field("name", &self.name)
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("serial", &self.serial)
            .field("not_after", &utc(self.not_after))
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Reads the certificate chain and key from whatever files `source` names.
fn read_material(
    name: &str,
    source: &CertSource,
    passphrase: &dyn Fn(&str) -> Option<String>,
) -> Result<pkcs12::Bundle, IdentityError> {
    let (cert_path, key_path) = match source {
        CertSource::Pkcs12(path) => {
            let bytes = pem::read_identity_file(name, path)?;
            return pkcs12::load(name, path, &bytes, passphrase);
        }
        CertSource::Pem { cert, key } => (cert.as_path(), key.as_path()),
        CertSource::CombinedPem(path) => (path.as_path(), path.as_path()),
        CertSource::Generated(_) => {
            return Err(IdentityError::InvalidSpec {
                spec: source.to_string(),
                reason: "a generated certificate has no files to load".to_owned(),
            });
        }
    };
    let cert_bytes = pem::read_identity_file(name, cert_path)?;
    let key_bytes = match key_path == cert_path {
        true => cert_bytes.clone(),
        false => pem::read_identity_file(name, key_path)?,
    };
    // Checked before the certificates are parsed: legacy headers in a combined file would
    // otherwise surface as a base64 error from the certificate parser.
    pem::reject_legacy_encryption(name, key_path, &key_bytes)?;
    let chain = pem_chain(name, cert_path, &cert_bytes)?;
    let (key, var) = pem::private_key(name, key_path, &key_bytes, passphrase)?;
    Ok((chain, key, var))
}

fn pem_chain(
    name: &str,
    path: &Path,
    bytes: &[u8],
) -> Result<Vec<CertificateDer<'static>>, IdentityError> {
    let chain =
        pem::certificates(bytes).map_err(|err| pem::bad_pem(name, path, err.to_string()))?;
    match chain.is_empty() {
        true => Err(IdentityError::NoCertificate {
            name: name.to_owned(),
            path: path.to_owned(),
        }),
        false => Ok(chain),
    }
}

/// Turns the key into a ring signing key and proves it belongs to the leaf certificate, by
/// comparing the SubjectPublicKeyInfo derived from the key with the certificate's
/// (`CertifiedKey::keys_match`).
fn certify(
    name: &str,
    source: &CertSource,
    subject: &str,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<CertifiedKey, IdentityError> {
    let signing_key = rustls::crypto::ring::sign::any_supported_type(&key).map_err(|err| {
        IdentityError::UnsupportedKey {
            name: name.to_owned(),
            path: source.key_path().to_owned(),
            reason: err.to_string(),
        }
    })?;
    let certified = CertifiedKey::new(chain, signing_key);
    match certified.keys_match() {
        Ok(()) => Ok(certified),
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            Err(IdentityError::KeyMismatch {
                name: name.to_owned(),
                cert_path: source.cert_path().to_owned(),
                key_path: source.key_path().to_owned(),
                subject: subject.to_owned(),
                hint: mismatch_hint(&certified),
            })
        }
        // Every ring signing key can derive its public key, so this is a key we cannot vouch
        // for: refuse it rather than risk a handshake that fails for an unclear reason.
        Err(rustls::Error::InconsistentKeys(_)) => Err(IdentityError::UnsupportedKey {
            name: name.to_owned(),
            path: source.key_path().to_owned(),
            reason: "its public key cannot be derived to check it against the certificate"
                .to_owned(),
        }),
        Err(other) => Err(IdentityError::BadCertificate {
            name: name.to_owned(),
            path: source.cert_path().to_owned(),
            reason: other.to_string(),
        }),
    }
}

/// A frequent mistake is a chain file with the CA first: say so when the key matches a later
/// certificate of the file.
fn mismatch_hint(certified: &CertifiedKey) -> String {
    let Some(key_spki) = certified.key.public_key() else {
        return String::new();
    };
    let later = certified.cert.iter().enumerate().skip(1).find(|(_, der)| {
        X509Certificate::from_der(der)
            .is_ok_and(|(_, cert)| cert.public_key().raw == key_spki.as_ref())
    });
    match later {
        Some((index, _)) => format!(
            "; it matches certificate #{} of the file: put the client certificate first",
            index + 1
        ),
        None => "; use the key that was generated together with this certificate".to_owned(),
    }
}

impl LeafInfo {
    fn parse(name: &str, path: &Path, der: &CertificateDer<'_>) -> Result<Self, IdentityError> {
        let bad = |reason: String| IdentityError::BadCertificate {
            name: name.to_owned(),
            path: path.to_owned(),
            reason,
        };
        let (_, cert) = X509Certificate::from_der(der).map_err(|err| bad(err.to_string()))?;
        let eku = cert
            .extended_key_usage()
            .map_err(|err| bad(err.to_string()))?;
        Ok(LeafInfo {
            subject: cert.subject().to_string(),
            common_name: cert
                .subject()
                .iter_common_name()
                .next()
                .and_then(|cn| cn.as_str().ok())
                .map(str::to_owned),
            issuer: cert.issuer().to_string(),
            serial: cert.raw_serial_as_string(),
            not_before: cert.validity().not_before.to_datetime(),
            not_after: cert.validity().not_after.to_datetime(),
            client_auth_allowed: eku.is_none_or(|ext| ext.value.client_auth || ext.value.any),
        })
    }

    /// A server rejects an expired, not yet valid or server-only certificate with a bare TLS
    /// alert; catching these here gives the user the dates instead.
    fn check_usable(&self, name: &str, now: OffsetDateTime) -> Result<(), IdentityError> {
        if now < self.not_before {
            return Err(IdentityError::NotYetValid {
                name: name.to_owned(),
                subject: self.subject.clone(),
                not_before: utc(self.not_before),
                now: utc(now),
            });
        }
        if now > self.not_after {
            return Err(IdentityError::Expired {
                name: name.to_owned(),
                subject: self.subject.clone(),
                not_after: utc(self.not_after),
                now: utc(now),
            });
        }
        match self.client_auth_allowed {
            true => Ok(()),
            false => Err(IdentityError::NotForClientAuth {
                name: name.to_owned(),
                subject: self.subject.clone(),
            }),
        }
    }
}

/// `2026-01-31 23:59:59 UTC`: certificates' dates are UTC, so are ours.
pub(crate) fn utc(time: OffsetDateTime) -> String {
    let t = time.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
