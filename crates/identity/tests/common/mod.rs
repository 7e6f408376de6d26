//! A throwaway PKI generated at test time with rcgen, and helpers to write it to disk in the
//! formats users bring. Nothing here is committed key material except the one RSA key under
//! `fixtures/` (ring cannot generate RSA keys).

#![allow(dead_code)] // each test binary uses a different part

use std::path::{Path, PathBuf};

use pkcs8::der::{Any, Decode, Encode, Tag, TagNumber, Tagged};
use pkcs8::pkcs5::pbes2;
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PublicKeyData, SignatureAlgorithm,
};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;
use time::{Duration, OffsetDateTime};
use x509_parser::prelude::FromDer;

pub const PASSPHRASE: &str = "correct horse battery staple";

/// The committed test-only RSA key, PKCS#1 PEM.
pub const RSA_PKCS1_PEM: &str = include_str!("../fixtures/TEST-ONLY-rsa2048-pkcs1.key");

/// A certificate authority that can issue client and server certificates.
pub struct Ca {
    pub cert: Certificate,
    issuer: Issuer<'static, KeyPair>,
}

/// An issued certificate and its (P-256) key.
pub struct Leaf {
    pub cert: Certificate,
    pub key: KeyPair,
}

impl Ca {
    pub fn new(cn: &str) -> Ca {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "overshare tests");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).unwrap();
        Ca {
            cert,
            issuer: Issuer::new(params, key),
        }
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// The CA's private key, PKCS#8 PEM (what `--ca-key` reads).
    pub fn key_pem(&self) -> String {
        self.issuer.key().serialize_pem()
    }

    /// A client certificate valid from yesterday for a year.
    pub fn client(&self, cn: &str) -> Leaf {
        let now = OffsetDateTime::now_utc();
        self.client_valid(cn, now - Duration::days(1), now + Duration::days(365))
    }

    pub fn client_valid(
        &self,
        cn: &str,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Leaf {
        let key = KeyPair::generate().unwrap();
        let cert = self.issue(
            cn,
            &key,
            not_before,
            not_after,
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        Leaf { cert, key }
    }

    /// A certificate for an arbitrary public key (e.g. the RSA fixture's).
    pub fn issue(
        &self,
        cn: &str,
        public_key: &impl PublicKeyData,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
        eku: ExtendedKeyUsagePurpose,
    ) -> Certificate {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "overshare tests");
        params.not_before = not_before;
        params.not_after = not_after;
        params.extended_key_usages = vec![eku];
        params.signed_by(public_key, &self.issuer).unwrap()
    }

    /// A server certificate for `host`.
    pub fn server(&self, host: &str) -> Leaf {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec![host.to_owned()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, host);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf { cert, key }
    }
}

impl Leaf {
    pub fn cert_pem(&self) -> String {
        self.cert.pem()
    }

    /// PKCS#8 `PRIVATE KEY` PEM.
    pub fn pkcs8_pem(&self) -> String {
        self.key.serialize_pem()
    }

    /// SEC1 `EC PRIVATE KEY` PEM, as `openssl ec` writes it.
    pub fn sec1_pem(&self) -> String {
        pem_block("EC PRIVATE KEY", &pkcs8_to_sec1(self.key.serialized_der()))
    }

    /// PKCS#8 `ENCRYPTED PRIVATE KEY` PEM (PBES2: PBKDF2-SHA256 + AES-256-CBC, what
    /// `openssl pkcs8 -topk8` writes).
    pub fn encrypted_pkcs8_pem(&self, passphrase: &str) -> String {
        let info = pkcs8::PrivateKeyInfo::try_from(self.key.serialized_der()).unwrap();
        // Fixed salt and IV: this is test data, and it keeps the test free of an RNG.
        let params = pbes2::Parameters::pbkdf2_sha256_aes256cbc(2048, &[7; 16], &[9; 16]).unwrap();
        let doc = info.encrypt_with_params(params, passphrase).unwrap();
        doc.to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF)
            .unwrap()
            .to_string()
    }

    /// A PKCS#12 bundle holding this leaf, its CA and key.
    #[cfg(feature = "pkcs12")]
    pub fn pkcs12(&self, ca: &Ca, password: &str) -> Vec<u8> {
        use p12_keystore::{
            Certificate as P12Cert, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain,
        };
        let chain = [
            P12Cert::from_der(self.cert.der()).unwrap(),
            P12Cert::from_der(ca.cert.der()).unwrap(),
        ];
        let key = PrivateKey::from_der(self.key.serialized_der()).unwrap();
        let mut store = KeyStore::new();
        store.add_entry(
            "client",
            KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new("client-key-id", key, chain)),
        );
        store.writer(password).write().unwrap()
    }
}

/// ring writes the ECPrivateKey inside PKCS#8 without its curve; a standalone SEC1 key
/// carries the curve as `[0] parameters`, so we copy it from the PKCS#8 algorithm identifier.
fn pkcs8_to_sec1(pkcs8_der: &[u8]) -> Vec<u8> {
    let info = pkcs8::PrivateKeyInfo::try_from(pkcs8_der).unwrap();
    let curve = info.algorithm.parameters.unwrap().to_der().unwrap();
    let mut fields: Vec<Any> = <Vec<Any> as Decode>::from_der(info.private_key).unwrap();
    let params_tag = Tag::ContextSpecific {
        constructed: true,
        number: TagNumber::N0,
    };
    if fields.iter().all(|field| field.tag() != params_tag) {
        fields.insert(2, Any::new(params_tag, curve).unwrap());
    }
    fields.to_der().unwrap()
}

pub fn pem_block(label: &str, der: &[u8]) -> String {
    pkcs8::der::pem::encode_string(label, pkcs8::LineEnding::LF, der).unwrap()
}

/// The RSA fixture's public key, so that rcgen can put it in a certificate.
pub struct RsaPublicKey {
    spki: Vec<u8>,
    raw: Vec<u8>,
}

impl RsaPublicKey {
    pub fn of_fixture() -> RsaPublicKey {
        let key = PrivateKeyDer::from_pem_slice(RSA_PKCS1_PEM.as_bytes()).unwrap();
        let signing = rustls::crypto::ring::sign::any_supported_type(&key).unwrap();
        let spki = signing.public_key().unwrap().as_ref().to_vec();
        let (_, parsed) = x509_parser::x509::SubjectPublicKeyInfo::from_der(&spki).unwrap();
        let raw = parsed.subject_public_key.data.to_vec();
        RsaPublicKey { spki, raw }
    }
}

impl PublicKeyData for RsaPublicKey {
    fn subject_public_key_info(&self) -> Vec<u8> {
        self.spki.clone()
    }

    fn der_bytes(&self) -> &[u8] {
        &self.raw
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

/// Writes `contents` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

pub fn no_passphrase(_var: &str) -> Option<String> {
    None
}

/// A passphrase source that knows one variable.
pub fn passphrase_in(var: &'static str, value: &'static str) -> impl Fn(&str) -> Option<String> {
    move |asked| (asked == var).then(|| value.to_owned())
}
