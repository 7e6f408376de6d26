//! A throwaway PKI: one CA, one server certificate for 127.0.0.1/localhost, and one client
//! certificate per demo identity. All keys are ECDSA P-256, valid from one hour ago for one day,
//! generated fresh on every call and never reused.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

use crate::{DemoError, SPEC_YAML};

const CA_COMMON_NAME: &str = "overshare demo CA";
const SERVER_COMMON_NAME: &str = "overshare demo server";

/// The demo identities: (name used on the command line, certificate CN).
const DEMO_IDENTITIES: &[(&str, &str)] = &[("partner-a", "partner-a"), ("partner-b", "partner-b")];

/// Certificates and keys (PEM) for the demo. Keys are PKCS#8.
#[derive(Clone)]
pub struct DemoPki {
    /// The CA that issued every certificate below; clients trust it for the server.
    pub ca_cert_pem: String,
    /// The server's leaf certificate (SAN IP 127.0.0.1, DNS localhost).
    pub server_cert_pem: String,
    /// Client identities, `partner-a` first (the primary identity of a scan).
    pub identities: Vec<DemoIdentity>,
    // Private: only the demo server needs these, and nobody should copy them around.
    server_key_pem: String,
    ca_key_pem: String,
}

/// One client certificate and its key.
#[derive(Clone)]
pub struct DemoIdentity {
    /// Identity name, e.g. `partner-a`.
    pub name: String,
    /// The certificate's subject CN, which the server maps to a tenant.
    pub common_name: String,
    pub cert_pem: String,
    /// PKCS#8 private key (`-----BEGIN PRIVATE KEY-----`).
    pub key_pem: String,
}

/// Where [`DemoPki::write_to`] put things.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPaths {
    pub dir: PathBuf,
    /// The CA certificate (`ca.pem`), for `--ca`.
    pub ca: PathBuf,
    /// The design-first spec (`openapi.yaml`), for `--spec`.
    pub spec: PathBuf,
    /// `(name, cert path, key path)` per identity, for `--identity NAME=CERT,KEY`.
    pub identities: Vec<(String, PathBuf, PathBuf)>,
}

impl DemoPki {
    /// Generates a fresh CA, server certificate and the `partner-a` / `partner-b` identities.
    pub fn generate() -> Result<DemoPki, DemoError> {
        let (not_before, not_after) = validity();
        let ca =
            CertifiedIssuer::self_signed(ca_params(not_before, not_after), KeyPair::generate()?)?;
        let server_key = KeyPair::generate()?;
        let server_cert = server_params(not_before, not_after)?.signed_by(&server_key, &ca)?;
        let mut pki = DemoPki {
            ca_cert_pem: ca.pem(),
            server_cert_pem: server_cert.pem(),
            identities: Vec::new(),
            server_key_pem: server_key.serialize_pem(),
            ca_key_pem: ca.key().serialize_pem(),
        };
        for (name, common_name) in DEMO_IDENTITIES {
            pki.issue_identity(name, common_name)?;
        }
        Ok(pki)
    }

    /// Issues one more client certificate from the demo CA and appends it to `identities`.
    /// The server accepts its TLS handshake; a CN that maps to no tenant then gets 403.
    /// Useful for tests of unknown or extra identities.
    pub fn issue_identity(
        &mut self,
        name: &str,
        common_name: &str,
    ) -> Result<&DemoIdentity, DemoError> {
        validate_name(name)?;
        let (not_before, not_after) = validity();
        // Rebuilding the issuer from the same DN and key yields the same issuer name and AKI.
        let issuer = Issuer::new(
            ca_params(not_before, not_after),
            KeyPair::from_pem(&self.ca_key_pem)?,
        );
        let key = KeyPair::generate()?;
        let cert = client_params(common_name, not_before, not_after).signed_by(&key, &issuer)?;
        self.identities.push(DemoIdentity {
            name: name.to_owned(),
            common_name: common_name.to_owned(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        });
        Ok(self.identities.last().expect("just pushed"))
    }

    /// The identity with this name.
    pub fn identity(&self, name: &str) -> Option<&DemoIdentity> {
        self.identities.iter().find(|i| i.name == name)
    }

    pub(crate) fn server_key_pem(&self) -> &str {
        &self.server_key_pem
    }

    /// Writes `ca.pem`, `openapi.yaml`, `NAME.cert.pem` and `NAME.key.pem` (mode 0600 on unix)
    /// into `dir`, creating it if needed. The server key is not written.
    pub fn write_to(&self, dir: &Path) -> Result<DemoPaths, DemoError> {
        fs::create_dir_all(dir)
            .map_err(|e| DemoError::io(format!("creating {}", dir.display()), e))?;
        let ca = dir.join("ca.pem");
        write_public(&ca, &self.ca_cert_pem)?;
        let spec = dir.join("openapi.yaml");
        write_public(&spec, SPEC_YAML)?;
        let mut identities = Vec::with_capacity(self.identities.len());
        for identity in &self.identities {
            validate_name(&identity.name)?;
            let cert = dir.join(format!("{}.cert.pem", identity.name));
            let key = dir.join(format!("{}.key.pem", identity.name));
            write_public(&cert, &identity.cert_pem)?;
            write_private(&key, &identity.key_pem)?;
            identities.push((identity.name.clone(), cert, key));
        }
        Ok(DemoPaths {
            dir: dir.to_path_buf(),
            ca,
            spec,
            identities,
        })
    }
}

/// Keys are never printed, not even in debug output.
impl fmt::Debug for DemoPki {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoPki")
            .field("ca_cert_pem", &self.ca_cert_pem)
            .field("server_cert_pem", &self.server_cert_pem)
            .field("identities", &self.identities)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for DemoIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoIdentity")
            .field("name", &self.name)
            .field("common_name", &self.common_name)
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"[redacted]")
            .finish()
    }
}

/// Identity names become file names: keep them boring.
fn validate_name(name: &str) -> Result<(), DemoError> {
    let ok = !name.is_empty()
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(DemoError::InvalidName(name.to_owned()))
    }
}

/// Now minus an hour (clock skew) to now plus a day (a demo never lives longer).
fn validity() -> (OffsetDateTime, OffsetDateTime) {
    let now = OffsetDateTime::now_utc();
    (now - Duration::hours(1), now + Duration::days(1))
}

fn named(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn
}

fn ca_params(not_before: OffsetDateTime, not_after: OffsetDateTime) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = named(CA_COMMON_NAME);
    // pathlen 0: the CA signs leaves only.
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = not_before;
    params.not_after = not_after;
    params
}

fn server_params(
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> Result<CertificateParams, DemoError> {
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])?;
    params.distinguished_name = named(SERVER_COMMON_NAME);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    params.not_before = not_before;
    params.not_after = not_after;
    Ok(params)
}

fn client_params(
    common_name: &str,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = named(common_name);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.use_authority_key_identifier_extension = true;
    params.not_before = not_before;
    params.not_after = not_after;
    params
}

fn write_public(path: &Path, contents: &str) -> Result<(), DemoError> {
    fs::write(path, contents).map_err(|e| DemoError::io(format!("writing {}", path.display()), e))
}

/// Creates the file with mode 0600 so the key is never readable by others, not even briefly,
/// and tightens the mode of a pre-existing file before writing to it.
fn write_private(path: &Path, contents: &str) -> Result<(), DemoError> {
    let context = || format!("writing {}", path.display());
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| DemoError::io(context(), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(|e| DemoError::io(context(), e))?;
    }
    file.write_all(contents.as_bytes())
        .map_err(|e| DemoError::io(context(), e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use x509_parser::prelude::*;

    fn parse(pem: &str) -> Vec<u8> {
        let (_, pem) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).unwrap();
        pem.contents
    }

    #[test]
    fn generates_two_identities_signed_by_the_ca() {
        let pki = DemoPki::generate().unwrap();
        let names: Vec<&str> = pki.identities.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["partner-a", "partner-b"]);
        let ca_der = parse(&pki.ca_cert_pem);
        let (_, ca) = X509Certificate::from_der(&ca_der).unwrap();
        assert!(ca.is_ca());
        for identity in &pki.identities {
            assert!(identity.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
            let der = parse(&identity.cert_pem);
            let (_, cert) = X509Certificate::from_der(&der).unwrap();
            let cn = cert
                .subject()
                .iter_common_name()
                .next()
                .unwrap()
                .as_str()
                .unwrap();
            assert_eq!(cn, identity.common_name);
            assert_eq!(cert.issuer(), ca.subject());
            let eku = cert.extended_key_usage().unwrap().unwrap().value;
            assert!(eku.client_auth && !eku.server_auth);
        }
    }

    #[test]
    fn server_certificate_covers_loopback_only() {
        let pki = DemoPki::generate().unwrap();
        let der = parse(&pki.server_cert_pem);
        let (_, cert) = X509Certificate::from_der(&der).unwrap();
        let san = cert.subject_alternative_name().unwrap().unwrap().value;
        assert_eq!(san.general_names.len(), 2, "{san:?}");
        assert!(
            san.general_names
                .contains(&GeneralName::IPAddress(&[127, 0, 0, 1])),
            "{san:?}"
        );
        assert!(
            san.general_names
                .contains(&GeneralName::DNSName("localhost")),
            "{san:?}"
        );
        let validity = cert.validity();
        let lifetime = validity.not_after.timestamp() - validity.not_before.timestamp();
        assert!(lifetime <= 25 * 3600 + 60, "{lifetime}");
        assert!(validity.is_valid());
    }

    #[test]
    fn debug_output_redacts_keys() {
        let pki = DemoPki::generate().unwrap();
        let debug = format!("{pki:?}");
        assert!(!debug.contains("PRIVATE KEY"), "{debug}");
        assert!(debug.contains("[redacted]"));
    }

    #[test]
    fn identity_names_must_be_file_safe() {
        let mut pki = DemoPki::generate().unwrap();
        for bad in ["", "../x", "a/b", "-x", "Upper"] {
            assert!(
                matches!(
                    pki.issue_identity(bad, "cn"),
                    Err(DemoError::InvalidName(_))
                ),
                "{bad}"
            );
        }
        assert_eq!(
            pki.issue_identity("intruder", "intruder")
                .unwrap()
                .common_name,
            "intruder"
        );
    }
}
