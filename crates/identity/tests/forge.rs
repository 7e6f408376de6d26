//! Certificates overshare forges for the mTLS edge checks: a rogue CA's copy of a real
//! identity's subject, and (with `--ca-key`) expired, not-yet-valid and server-only
//! certificates from the real CA. Each is checked the way a server would check it: its
//! signature against the real CA's key, and rustls' own client-certificate verifier.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use common::*;
use overshare_identity::forge::{self, CertificateAuthority, Forgery};
use overshare_identity::{CertSource, ClientCert, IdentityError};
use rustls::server::WebPkiClientVerifier;
use rustls::{CertificateError, RootCertStore};
use rustls_pki_types::{CertificateDer, UnixTime};
use time::{Duration, OffsetDateTime};
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

/// A real CA and one identity it issued, on disk.
struct Pki {
    dir: tempfile::TempDir,
    ca: Ca,
    victim: ClientCert,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let ca = Ca::new("Partner CA");
        let leaf = ca.client("partner-a");
        let source = CertSource::Pem {
            cert: write(dir.path(), "a.pem", leaf.cert_pem()),
            key: write(dir.path(), "a.key", leaf.pkcs8_pem()),
        };
        let victim = ClientCert::load("partner-a", &source, &no_passphrase).unwrap();
        Pki { dir, ca, victim }
    }

    fn ca_files(&self) -> (PathBuf, PathBuf) {
        (
            write(self.dir.path(), "ca.pem", self.ca.pem()),
            write(self.dir.path(), "ca.key", self.ca.key_pem()),
        )
    }

    fn authority(&self) -> CertificateAuthority {
        let (cert, key) = self.ca_files();
        CertificateAuthority::load(&cert, &key).expect("the real CA loads")
    }

    fn ca_der(&self) -> CertificateDer<'static> {
        self.ca.cert.der().clone()
    }
}

fn parse<'a>(der: &'a [u8]) -> X509Certificate<'a> {
    X509Certificate::from_der(der).expect("a certificate").1
}

/// (clientAuth, serverAuth) of a certificate's extended key usage.
fn eku(cert: &X509Certificate<'_>) -> (bool, bool) {
    let ext = cert
        .extended_key_usage()
        .unwrap()
        .expect("an extended key usage extension");
    (ext.value.client_auth, ext.value.server_auth)
}

fn subject_key_id(cert: &X509Certificate<'_>) -> Vec<u8> {
    cert.extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0.to_vec()),
            _ => None,
        })
        .expect("a subject key identifier")
}

fn authority_key_id(cert: &X509Certificate<'_>) -> Vec<u8> {
    cert.extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                aki.key_identifier.as_ref().map(|id| id.0.to_vec())
            }
            _ => None,
        })
        .expect("an authority key identifier")
}

/// Whether `issuer`'s key signed `cert`.
fn signed_by(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> bool {
    cert.verify_signature(Some(issuer.public_key())).is_ok()
}

/// What a server that trusts `root` says of `cert`'s chain at `at`.
fn server_verdict(
    root: &CertificateDer<'_>,
    cert: &ClientCert,
    at: OffsetDateTime,
) -> Result<(), rustls::Error> {
    let mut roots = RootCertStore::empty();
    roots.add(root.clone().into_owned()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .unwrap();
    let chain = cert.chain_der();
    let now = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        at.unix_timestamp().try_into().unwrap(),
    ));
    verifier
        .verify_client_cert(&chain[0], &chain[1..], now)
        .map(|_| ())
}

fn certificate_error(result: Result<(), rustls::Error>) -> CertificateError {
    match result {
        Err(rustls::Error::InvalidCertificate(error)) => error,
        other => panic!("expected a certificate error, got {other:?}"),
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

// ---------------------------------------------------------------------------------------------
// rogue

#[test]
fn a_rogue_certificate_copies_subject_and_issuer_name_but_not_the_issuers_key() {
    let pki = Pki::new();
    let rogue = forge::rogue(&pki.victim).expect("forged");
    assert_eq!(rogue.name(), "partner-a (rogue CA)");
    assert_eq!(rogue.subject(), pki.victim.subject());
    assert_eq!(rogue.common_name(), Some("partner-a"));
    assert_eq!(
        rogue.issuer(),
        pki.victim.issuer(),
        "the real issuer's name"
    );
    assert_ne!(rogue.serial(), pki.victim.serial());

    let chain = rogue.chain_der();
    assert_eq!(chain.len(), 2, "leaf and the throwaway CA");
    let leaf = parse(&chain[0]);
    let rogue_ca = parse(&chain[1]);
    let real_ca_der = pki.ca_der();
    let real_ca = parse(&real_ca_der);
    assert_ne!(chain[1].as_ref(), real_ca_der.as_ref(), "not the real CA");
    assert_eq!(
        rogue_ca.subject().to_string(),
        real_ca.subject().to_string()
    );
    assert!(rogue_ca.is_ca(), "the second certificate is a CA");
    assert_ne!(
        rogue_ca.public_key().raw,
        real_ca.public_key().raw,
        "a key of its own"
    );
    assert!(signed_by(&leaf, &rogue_ca), "signed by the rogue CA");
    assert!(!signed_by(&leaf, &real_ca), "not by the real one");
    assert_eq!(authority_key_id(&leaf), subject_key_id(&rogue_ca));
    assert_ne!(authority_key_id(&leaf), subject_key_id(&real_ca));

    assert_eq!(eku(&leaf), (true, false), "clientAuth only");
    assert!(
        rogue.not_before() <= now() && now() <= rogue.not_after(),
        "valid now"
    );

    // A server that trusts the real CA refuses it; one that trusted the rogue CA would not:
    // only the chain is wrong.
    assert!(server_verdict(&real_ca_der, &rogue, now()).is_err());
    server_verdict(&chain[1], &rogue, now()).expect("valid under its own CA");
}

#[test]
fn every_rogue_certificate_has_its_own_throwaway_ca() {
    let pki = Pki::new();
    let first = forge::rogue(&pki.victim).unwrap();
    let second = forge::rogue(&pki.victim).unwrap();
    assert_ne!(
        parse(&first.chain_der()[1]).public_key().raw,
        parse(&second.chain_der()[1]).public_key().raw
    );
}

#[test]
fn a_rogue_copy_keeps_every_attribute_of_a_multi_attribute_subject() {
    let pki = Pki::new();
    // Ca::client makes `CN=..., O=overshare tests`.
    let rogue = forge::rogue(&pki.victim).unwrap();
    assert_eq!(pki.victim.subject(), "CN=partner-a, O=overshare tests");
    assert_eq!(rogue.subject(), "CN=partner-a, O=overshare tests");
}

// ---------------------------------------------------------------------------------------------
// CertificateAuthority::forge

#[test]
fn an_expired_certificate_is_from_the_real_ca_and_expired() {
    let pki = Pki::new();
    let cert = pki
        .authority()
        .forge(&pki.victim, Forgery::Expired)
        .unwrap();
    assert_eq!(cert.name(), "partner-a (expired)");
    assert_eq!(cert.subject(), pki.victim.subject());
    assert_eq!(cert.issuer(), pki.victim.issuer());
    assert_eq!(cert.chain_der().len(), 1, "the server has the CA");
    assert!(cert.not_after() < now(), "expired: {}", cert.not_after());
    assert!(cert.not_before() < cert.not_after());

    let real_ca_der = pki.ca_der();
    let real_ca = parse(&real_ca_der);
    let leaf = parse(&cert.chain_der()[0]);
    assert!(signed_by(&leaf, &real_ca), "signed with the real CA's key");
    assert_eq!(authority_key_id(&leaf), subject_key_id(&real_ca));
    assert_eq!(eku(&leaf), (true, false), "only the dates are wrong");

    assert!(matches!(
        certificate_error(server_verdict(&real_ca_der, &cert, now())),
        CertificateError::Expired | CertificateError::ExpiredContext { .. }
    ));
    // Within its dates, the real CA's chain holds: only the dates are wrong.
    server_verdict(&real_ca_der, &cert, cert.not_after() - Duration::hours(1))
        .expect("valid before it expired");
}

#[test]
fn a_not_yet_valid_certificate_starts_in_the_future() {
    let pki = Pki::new();
    let cert = pki
        .authority()
        .forge(&pki.victim, Forgery::NotYetValid)
        .unwrap();
    assert_eq!(cert.name(), "partner-a (not yet valid)");
    assert_eq!(cert.subject(), pki.victim.subject());
    assert!(cert.not_before() > now(), "from {}", cert.not_before());
    assert!(cert.not_before() < cert.not_after());

    let real_ca_der = pki.ca_der();
    let leaf = parse(&cert.chain_der()[0]);
    assert!(signed_by(&leaf, &parse(&real_ca_der)));
    assert_eq!(eku(&leaf), (true, false));
    assert!(matches!(
        certificate_error(server_verdict(&real_ca_der, &cert, now())),
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. }
    ));
    server_verdict(&real_ca_der, &cert, cert.not_before() + Duration::hours(1))
        .expect("valid once its time comes");
}

#[test]
fn a_wrong_eku_certificate_is_for_servers_only_and_valid_now() {
    let pki = Pki::new();
    let cert = pki
        .authority()
        .forge(&pki.victim, Forgery::WrongEku)
        .unwrap();
    assert_eq!(cert.name(), "partner-a (server-only EKU)");
    assert_eq!(cert.subject(), pki.victim.subject());
    assert!(
        cert.not_before() <= now() && now() <= cert.not_after(),
        "valid now"
    );

    let real_ca_der = pki.ca_der();
    let leaf = parse(&cert.chain_der()[0]);
    assert!(signed_by(&leaf, &parse(&real_ca_der)));
    assert_eq!(eku(&leaf), (false, true), "serverAuth, no clientAuth");
    assert!(matches!(
        certificate_error(server_verdict(&real_ca_der, &cert, now())),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. }
    ));
}

#[test]
fn forgeries_are_fresh_certificates_with_fresh_keys() {
    let pki = Pki::new();
    let ca = pki.authority();
    let serials: Vec<String> = Forgery::ALL
        .iter()
        .map(|&forgery| ca.forge(&pki.victim, forgery).unwrap().serial().to_string())
        .chain([pki.victim.serial().to_string()])
        .collect();
    let mut unique = serials.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), serials.len(), "{serials:?}");
    let keys: Vec<Vec<u8>> = Forgery::ALL
        .iter()
        .map(|&f| {
            parse(&ca.forge(&pki.victim, f).unwrap().chain_der()[0])
                .public_key()
                .raw
                .to_vec()
        })
        .collect();
    assert!(
        keys.iter()
            .all(|k| *k != parse(&pki.victim.chain_der()[0]).public_key().raw),
        "never the victim's key"
    );
}

#[test]
fn the_authority_never_shows_its_key_in_debug_output() {
    let pki = Pki::new();
    let text = format!("{:?}", pki.authority());
    assert!(text.contains("ca.pem"), "{text}");
    assert!(!text.contains("PRIVATE KEY"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// CertificateAuthority::load errors

fn load_error(cert: &std::path::Path, key: &std::path::Path) -> String {
    match CertificateAuthority::load(cert, key) {
        Ok(_) => panic!("{} with {} should not load", cert.display(), key.display()),
        Err(err) => err.to_string(),
    }
}

#[test]
fn a_bad_key_file_is_named() {
    let pki = Pki::new();
    let (cert, _) = pki.ca_files();
    let key = write(pki.dir.path(), "garbage.key", "not a key at all\n");
    let message = load_error(&cert, &key);
    assert!(message.contains(&key.display().to_string()), "{message}");
    assert!(message.contains("--ca-key"), "{message}");

    let missing = pki.dir.path().join("missing.key");
    let message = load_error(&cert, &missing);
    assert!(
        message.contains(&missing.display().to_string()),
        "{message}"
    );
    assert!(message.contains("cannot read it"), "{message}");
}

#[test]
fn a_bad_certificate_file_is_named() {
    let pki = Pki::new();
    let (_, key) = pki.ca_files();
    let cert = write(
        pki.dir.path(),
        "garbage.pem",
        "-----BEGIN CERTIFICATE-----\nAAAA\n",
    );
    let message = load_error(&cert, &key);
    assert!(message.contains(&cert.display().to_string()), "{message}");

    // The key where the certificate should be.
    let message = load_error(&key, &key);
    assert!(message.contains(&key.display().to_string()), "{message}");
}

/// `--ca-key` with the wrong certificate (the `--ca` of the server when the client CA is
/// another one, and `--client-ca` was forgotten): every forged certificate would name the
/// certificate's issuer but carry a signature of another key, every server would refuse it for
/// that reason alone, and the report would say the server checks dates and EKU when nothing
/// was tested. The pair must match, or the error says so.
#[test]
fn a_ca_key_that_does_not_match_the_ca_certificate_is_refused() {
    let pki = Pki::new();
    let (cert, _) = pki.ca_files();
    let other = Ca::new("Server CA");
    let key = write(pki.dir.path(), "other-ca.key", other.key_pem());
    let message = load_error(&cert, &key);
    assert!(message.contains(&key.display().to_string()), "{message}");
    assert!(message.contains(&cert.display().to_string()), "{message}");
    assert!(message.contains("does not match"), "{message}");
    assert!(
        message.contains("--client-ca"),
        "says what to do: {message}"
    );
}

#[test]
fn load_errors_carry_no_key_material() {
    let pki = Pki::new();
    let (cert, _) = pki.ca_files();
    let pem = Ca::new("Server CA").key_pem();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    // A PEM key whose DER is cut short, and a whole key of another CA.
    let truncated = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        &body[..48]
    );
    for (name, text) in [("cut.key", truncated), ("other.key", pem.clone())] {
        let key = write(pki.dir.path(), name, &text);
        let result: Result<CertificateAuthority, IdentityError> =
            CertificateAuthority::load(&cert, &key);
        let message = match result {
            Ok(_) => panic!("{name} should not load"),
            Err(err) => format!("{err} {err:?}"),
        };
        assert!(message.contains(name), "{message}");
        assert!(!message.contains(&body[..24]), "{message}");
    }
}
