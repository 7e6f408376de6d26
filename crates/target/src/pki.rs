//! The PKI of one target run, generated fresh with rcgen: the partner CA (it also signs the
//! server certificate) and its private key, and one client certificate per [`IDENTITIES`]
//! entry.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SigningKey,
};
use time::{Duration, OffsetDateTime};

use crate::TargetError;

/// The CA's subject. The rogue CA uses the very same subject (but its own key).
const CA_NAME: (&str, &str) = ("Partner Portal Client CA", "Partner Portal");

/// Which CA signs a client certificate, and whether it is valid now.
#[derive(Clone, Copy)]
enum Kind {
    /// Issued by the partner CA, valid now.
    Valid,
    /// Issued by a CA that nginx does not trust, with the same subject as the real one.
    Rogue,
    /// Issued by the partner CA, expired yesterday.
    Expired,
}

/// Every client identity a target run writes: (name, subject CN, subject O, kind).
///
/// - `partner-a`, `partner-b`, `partner-c`: the three seeded tenants (the app maps the CN).
/// - `unknown`: issued by the partner CA, but its CN (`partner-x`) maps to no tenant.
/// - `rogue`: the subject of `partner-a`, from a rogue CA whose subject copies the real CA's.
/// - `expired`: `partner-a`'s subject, from the partner CA, expired.
const IDENTITY_TABLE: &[(&str, &str, &str, Kind)] = &[
    ("partner-a", "partner-a", "Acme Logistics", Kind::Valid),
    ("partner-b", "partner-b", "Globex Retail", Kind::Valid),
    ("partner-c", "partner-c", "Initech Finance", Kind::Valid),
    ("unknown", "partner-x", "Unknown Partner Ltd", Kind::Valid),
    ("rogue", "partner-a", "Acme Logistics", Kind::Rogue),
    ("expired", "partner-a", "Acme Logistics", Kind::Expired),
];

/// The identities of every run, by the name [`crate::DjangoTarget::identity`] takes:
/// - `partner-a`, `partner-b`, `partner-c`: the three seeded tenants (CN = the name);
/// - `unknown`: issued by the partner CA, CN `partner-x`, which maps to no tenant (DRF 403);
/// - `rogue`: `partner-a`'s subject, from a rogue CA with the partner CA's subject (nginx 400);
/// - `expired`: `partner-a`'s subject, from the partner CA, expired yesterday (nginx 400).
pub const IDENTITIES: &[&str] = &[
    "partner-a",
    "partner-b",
    "partner-c",
    "unknown",
    "rogue",
    "expired",
];

/// Where the PEM files of a run are.
#[derive(Debug, Clone)]
pub(crate) struct PkiPaths {
    pub ca: PathBuf,
    /// The partner CA's private key (PKCS#8 PEM, mode 0600), for tests that issue their own
    /// certificates (overshare's `--ca-key`).
    pub ca_key: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    /// `(name, certificate, key)` in [`IDENTITIES`] order.
    pub identities: Vec<(String, PathBuf, PathBuf)>,
}

/// Generates the whole PKI and writes it into `dir` (keys with mode 0600).
pub(crate) fn generate(dir: &Path) -> Result<PkiPaths, TargetError> {
    fs::create_dir_all(dir)
        .map_err(|e| TargetError::io(format!("creating {}", dir.display()), e))?;
    let now = OffsetDateTime::now_utc();
    let current = (now - Duration::hours(1), now + Duration::days(2));
    let expired = (now - Duration::days(30), now - Duration::days(1));

    let ca_key = KeyPair::generate()?;
    let ca_key_pem = ca_key.serialize_pem();
    let ca = CertifiedIssuer::self_signed(ca_params(current), ca_key)?;
    let rogue_ca = CertifiedIssuer::self_signed(ca_params(current), KeyPair::generate()?)?;

    let ca_path = dir.join("ca.pem");
    write(&ca_path, &ca.pem(), false)?;
    let ca_key_path = dir.join("ca.key.pem");
    write(&ca_key_path, &ca_key_pem, true)?;

    let server_key = KeyPair::generate()?;
    let server_cert = server_params(current)?.signed_by(&server_key, &ca)?;
    let server_cert_path = dir.join("server.cert.pem");
    let server_key_path = dir.join("server.key.pem");
    write(&server_cert_path, &server_cert.pem(), false)?;
    write(&server_key_path, &server_key.serialize_pem(), true)?;

    let mut identities = Vec::with_capacity(IDENTITY_TABLE.len());
    for &(name, cn, org, kind) in IDENTITY_TABLE {
        let key = KeyPair::generate()?;
        let cert_pem = match kind {
            Kind::Valid => issue(&key, cn, org, current, &ca)?,
            Kind::Rogue => issue(&key, cn, org, current, &rogue_ca)?,
            Kind::Expired => issue(&key, cn, org, expired, &ca)?,
        };
        let cert = dir.join(format!("{name}.cert.pem"));
        let key_path = dir.join(format!("{name}.key.pem"));
        write(&cert, &cert_pem, false)?;
        write(&key_path, &key.serialize_pem(), true)?;
        identities.push((name.to_string(), cert, key_path));
    }
    Ok(PkiPaths {
        ca: ca_path,
        ca_key: ca_key_path,
        server_cert: server_cert_path,
        server_key: server_key_path,
        identities,
    })
}

fn issue<S: SigningKey>(
    key: &KeyPair,
    cn: &str,
    org: &str,
    (not_before, not_after): (OffsetDateTime, OffsetDateTime),
    issuer: &Issuer<'_, S>,
) -> Result<String, TargetError> {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(cn, org);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.use_authority_key_identifier_extension = true;
    params.not_before = not_before;
    params.not_after = not_after;
    Ok(params.signed_by(key, issuer)?.pem())
}

fn name(cn: &str, org: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    dn.push(DnType::OrganizationName, org);
    dn
}

fn ca_params((not_before, not_after): (OffsetDateTime, OffsetDateTime)) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(CA_NAME.0, CA_NAME.1);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = not_before;
    params.not_after = not_after;
    params
}

fn server_params(
    (not_before, not_after): (OffsetDateTime, OffsetDateTime),
) -> Result<CertificateParams, TargetError> {
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])?;
    params.distinguished_name = name("localhost", CA_NAME.1);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    params.not_before = not_before;
    params.not_after = not_after;
    Ok(params)
}

/// Writes a PEM file; private keys are created with mode 0600 from the start.
fn write(path: &Path, contents: &str, private: bool) -> Result<(), TargetError> {
    let context = || format!("writing {}", path.display());
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| TargetError::io(context(), e))?;
    file.write_all(contents.as_bytes())
        .map_err(|e| TargetError::io(context(), e))
}
