//! Certificates overshare makes itself, to test what the TLS edge accepts: the same subject as
//! a real identity from a throwaway CA ([`rogue`]), and, when the user hands over the CA's key
//! for a test environment ([`CertificateAuthority`]), expired, not-yet-valid and server-only
//! certificates for a real identity.
//!
//! Forged identities are [`ClientCert`]s like any other, so they go through the same rustls
//! configuration; they skip only the "usable now" check, since being unusable is their point.
//! Their keys are generated here, live in memory and die with the scan.

use crate::{CertSource, ClientCert, IdentityError};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::path::{Path, PathBuf};
use time::{Duration, OffsetDateTime};
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};

/// How a forged certificate is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Forgery {
    /// Issued by the real CA, expired yesterday.
    Expired,
    /// Issued by the real CA, valid from tomorrow.
    NotYetValid,
    /// Issued by the real CA with `serverAuth` only.
    WrongEku,
}

impl Forgery {
    pub const ALL: [Forgery; 3] = [Forgery::Expired, Forgery::NotYetValid, Forgery::WrongEku];
}

/// A certificate with `victim`'s subject, issued by a CA made on the spot whose subject copies
/// the victim's issuer: what an attacker who knows the subject can present.
pub fn rogue(victim: &ClientCert) -> Result<ClientCert, IdentityError> {
    let forge_err = forge_error(victim.name());
    let (subject, issuer) = names(victim).map_err(&forge_err)?;
    let now = OffsetDateTime::now_utc();
    let mut ca = CertificateParams::default();
    ca.distinguished_name = issuer;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = now - Duration::hours(1);
    ca.not_after = now + Duration::days(1);
    let ca_key = KeyPair::generate().map_err(|e| forge_err(e.to_string()))?;
    let ca_cert = ca
        .self_signed(&ca_key)
        .map_err(|e| forge_err(e.to_string()))?;
    let issuer = Issuer::new(ca, ca_key);
    let leaf = leaf_params(subject, now, None);
    issue(
        victim,
        "rogue CA",
        leaf,
        &issuer,
        Some(ca_cert.der().clone()),
    )
}

/// The real CA of a test environment, from its certificate and private key (PEM files).
pub struct CertificateAuthority {
    issuer: Issuer<'static, KeyPair>,
    cert_path: PathBuf,
}

impl std::fmt::Debug for CertificateAuthority {
    // The key stays out of every log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateAuthority")
            .field("cert", &self.cert_path)
            .finish_non_exhaustive()
    }
}

impl CertificateAuthority {
    pub fn load(cert: &Path, key: &Path) -> Result<CertificateAuthority, IdentityError> {
        let bad = |path: &Path, reason: String| IdentityError::BadCertificate {
            name: "--ca-key".to_owned(),
            path: path.to_owned(),
            reason,
        };
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|e| bad(path, format!("cannot read it: {e}")))
        };
        let key_pair = KeyPair::from_pem(&read(key)?)
            .map_err(|e| bad(key, format!("not a PEM private key rcgen can use: {e}")))?;
        let cert_pem = read(cert)?;
        let issuer = Issuer::from_ca_cert_pem(&cert_pem, key_pair)
            .map_err(|e| bad(cert, format!("not a PEM CA certificate: {e}")))?;
        // A key of another CA would sign certificates that every server refuses for their
        // signature alone, and the checks would pass without testing anything.
        let (public_key, subject) = public_key_and_subject(&cert_pem).unwrap_or_default();
        if public_key != issuer.key().public_key_raw() {
            return Err(IdentityError::KeyMismatch {
                name: "--ca-key".to_owned(),
                cert_path: cert.to_owned(),
                key_path: key.to_owned(),
                subject,
                hint: "; give the certificate of the CA that key belongs to with --client-ca"
                    .to_owned(),
            });
        }
        Ok(CertificateAuthority {
            issuer,
            cert_path: cert.to_owned(),
        })
    }

    /// A certificate for `victim`'s subject, from this CA, wrong in the way `forgery` says.
    pub fn forge(
        &self,
        victim: &ClientCert,
        forgery: Forgery,
    ) -> Result<ClientCert, IdentityError> {
        let (subject, _) = names(victim).map_err(forge_error(victim.name()))?;
        let now = OffsetDateTime::now_utc();
        let mut leaf = leaf_params(subject, now, Some(forgery));
        if forgery == Forgery::WrongEku {
            leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        }
        let label = match forgery {
            Forgery::Expired => "expired",
            Forgery::NotYetValid => "not yet valid",
            Forgery::WrongEku => "server-only EKU",
        };
        issue(victim, label, leaf, &self.issuer, None)
    }
}

/// The public key and subject of the first certificate of a PEM text.
fn public_key_and_subject(pem: &str) -> Option<(Vec<u8>, String)> {
    let der: CertificateDer<'_> = PemObject::from_pem_slice(pem.as_bytes()).ok()?;
    let (_, cert) = X509Certificate::from_der(&der).ok()?;
    let key = cert.public_key().subject_public_key.data.to_vec();
    Some((key, cert.subject().to_string()))
}

fn leaf_params(
    subject: DistinguishedName,
    now: OffsetDateTime,
    forgery: Option<Forgery>,
) -> CertificateParams {
    let mut leaf = CertificateParams::default();
    leaf.distinguished_name = subject;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    leaf.use_authority_key_identifier_extension = true;
    (leaf.not_before, leaf.not_after) = match forgery {
        Some(Forgery::Expired) => (now - Duration::days(30), now - Duration::days(1)),
        Some(Forgery::NotYetValid) => (now + Duration::days(1), now + Duration::days(30)),
        _ => (now - Duration::hours(1), now + Duration::days(1)),
    };
    leaf
}

fn issue(
    victim: &ClientCert,
    label: &str,
    params: CertificateParams,
    issuer: &Issuer<'_, KeyPair>,
    ca_der: Option<CertificateDer<'static>>,
) -> Result<ClientCert, IdentityError> {
    let forge_err = forge_error(victim.name());
    let key = KeyPair::generate().map_err(|e| forge_err(e.to_string()))?;
    let cert = params
        .signed_by(&key, issuer)
        .map_err(|e| forge_err(e.to_string()))?;
    let mut chain = vec![cert.der().clone()];
    chain.extend(ca_der);
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let name = format!("{} ({label})", victim.name());
    ClientCert::generated(
        &name,
        CertSource::Generated(label.to_owned()),
        chain,
        key_der,
    )
}

fn forge_error(name: &str) -> impl Fn(String) -> IdentityError + '_ {
    move |reason| IdentityError::BadCertificate {
        name: name.to_owned(),
        path: PathBuf::from("(forged certificate)"),
        reason: format!("cannot forge a certificate from it: {reason}"),
    }
}

/// The victim's subject and issuer as rcgen names.
fn names(victim: &ClientCert) -> Result<(DistinguishedName, DistinguishedName), String> {
    let der = victim.chain_der().first().ok_or("no certificate")?;
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
    Ok((dn(cert.subject())?, dn(cert.issuer())?))
}

fn dn(name: &X509Name<'_>) -> Result<DistinguishedName, String> {
    let mut out = DistinguishedName::new();
    for attribute in name.iter_attributes() {
        let oid: Vec<u64> = attribute
            .attr_type()
            .iter()
            .ok_or("an attribute type too long to copy")?
            .collect();
        let kind = match oid.as_slice() {
            [2, 5, 4, 3] => DnType::CommonName,
            [2, 5, 4, 6] => DnType::CountryName,
            [2, 5, 4, 7] => DnType::LocalityName,
            [2, 5, 4, 8] => DnType::StateOrProvinceName,
            [2, 5, 4, 10] => DnType::OrganizationName,
            [2, 5, 4, 11] => DnType::OrganizationalUnitName,
            _ => DnType::CustomDnType(oid),
        };
        let value = attribute
            .as_str()
            .map_err(|_| "a subject attribute that is not text")?;
        out.push(kind, value);
    }
    Ok(out)
}
