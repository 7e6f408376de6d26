//! Loading identities in every supported format, and every way loading must fail before a
//! request is sent.

mod common;

use common::*;
use overshare_identity::{CertSource, ClientCert, IdentityError, TrustAnchors};
use rcgen::ExtendedKeyUsagePurpose;
use time::{Duration, OffsetDateTime};

struct Fixture {
    dir: tempfile::TempDir,
    ca: Ca,
    leaf: Leaf,
}

fn fixture() -> Fixture {
    let ca = Ca::new("Test Client CA");
    let leaf = ca.client("partner-a");
    Fixture {
        dir: tempfile::tempdir().unwrap(),
        ca,
        leaf,
    }
}

impl Fixture {
    fn pem_source(&self, key_pem: &str) -> CertSource {
        CertSource::Pem {
            cert: write(self.dir.path(), "client.pem", self.leaf.cert_pem()),
            key: write(self.dir.path(), "client.key", key_pem),
        }
    }
}

fn load_err(name: &str, source: &CertSource, pass: &dyn Fn(&str) -> Option<String>) -> String {
    let err = ClientCert::load(name, source, pass).expect_err("loading should fail");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("identity `{name}`:")),
        "error should name the identity first: {text}"
    );
    text
}

#[test]
fn loads_pkcs8_pem_and_reads_the_certificate() {
    let f = fixture();
    let source = f.pem_source(&f.leaf.pkcs8_pem());
    let cert = ClientCert::load("partner-a", &source, &no_passphrase).unwrap();
    assert_eq!(cert.name(), "partner-a");
    assert_eq!(cert.common_name(), Some("partner-a"));
    assert!(
        cert.subject().contains("CN=partner-a"),
        "{}",
        cert.subject()
    );
    assert!(
        cert.issuer().contains("CN=Test Client CA"),
        "{}",
        cert.issuer()
    );
    assert!(!cert.serial().is_empty());
    assert!(cert.not_after() > OffsetDateTime::now_utc());
    assert!(cert.not_before() < OffsetDateTime::now_utc());
    assert_eq!(cert.chain_der().len(), 1);
    assert_eq!(cert.chain_der()[0].as_ref(), f.leaf.cert.der().as_ref());
    assert_eq!(cert.passphrase_var(), None);
    let expected = format!(
        "--cert '{}' --key '{}'",
        f.dir.path().join("client.pem").display(),
        f.dir.path().join("client.key").display()
    );
    assert_eq!(cert.curl_args(), expected);
}

#[test]
fn loads_sec1_ec_key() {
    let f = fixture();
    let sec1 = f.leaf.sec1_pem();
    assert!(sec1.starts_with("-----BEGIN EC PRIVATE KEY-----"));
    let cert = ClientCert::load("ec", &f.pem_source(&sec1), &no_passphrase).unwrap();
    assert_eq!(cert.common_name(), Some("partner-a"));
}

#[test]
fn loads_pkcs1_rsa_key() {
    let f = fixture();
    let now = OffsetDateTime::now_utc();
    let rsa_cert = f.ca.issue(
        "rsa-client",
        &RsaPublicKey::of_fixture(),
        now - Duration::days(1),
        now + Duration::days(30),
        ExtendedKeyUsagePurpose::ClientAuth,
    );
    let source = CertSource::Pem {
        cert: write(f.dir.path(), "rsa.pem", rsa_cert.pem()),
        key: write(f.dir.path(), "rsa.key", RSA_PKCS1_PEM),
    };
    assert!(RSA_PKCS1_PEM.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    let cert = ClientCert::load("rsa", &source, &no_passphrase).unwrap();
    assert_eq!(cert.common_name(), Some("rsa-client"));
}

#[test]
fn loads_combined_pem_with_chain() {
    let f = fixture();
    let combined = format!("{}{}{}", f.leaf.cert_pem(), f.ca.pem(), f.leaf.pkcs8_pem());
    let path = write(f.dir.path(), "combined.pem", combined);
    let source = CertSource::parse_cli(path.to_str().unwrap()).unwrap();
    assert_eq!(source, CertSource::CombinedPem(path.clone()));
    let cert = ClientCert::load("combined", &source, &no_passphrase).unwrap();
    assert_eq!(cert.chain_der().len(), 2);
    assert_eq!(cert.curl_args(), format!("--cert '{}'", path.display()));
}

#[test]
fn loads_encrypted_pkcs8_with_the_identity_passphrase_variable() {
    let f = fixture();
    let source = f.pem_source(&f.leaf.encrypted_pkcs8_pem(PASSPHRASE));
    let pass = passphrase_in("OVERSHARE_PASSPHRASE_PARTNER_A", PASSPHRASE);
    let cert = ClientCert::load("partner-a", &source, &pass).unwrap();
    assert_eq!(
        cert.passphrase_var(),
        Some("OVERSHARE_PASSPHRASE_PARTNER_A")
    );
    assert!(
        cert.curl_args()
            .ends_with("--pass \"$OVERSHARE_PASSPHRASE_PARTNER_A\""),
        "{}",
        cert.curl_args()
    );
    assert!(!cert.curl_args().contains(PASSPHRASE));
}

#[test]
fn encrypted_key_falls_back_to_the_shared_passphrase_variable() {
    let f = fixture();
    let source = f.pem_source(&f.leaf.encrypted_pkcs8_pem(PASSPHRASE));
    let pass = passphrase_in("OVERSHARE_PASSPHRASE", PASSPHRASE);
    let cert = ClientCert::load("partner-a", &source, &pass).unwrap();
    assert_eq!(cert.passphrase_var(), Some("OVERSHARE_PASSPHRASE"));
}

#[test]
fn encrypted_key_without_passphrase_names_the_variable() {
    let f = fixture();
    let source = f.pem_source(&f.leaf.encrypted_pkcs8_pem(PASSPHRASE));
    let text = load_err("partner-a", &source, &no_passphrase);
    assert!(text.contains("protected by a passphrase"), "{text}");
    assert!(text.contains("OVERSHARE_PASSPHRASE_PARTNER_A"), "{text}");
}

#[test]
fn encrypted_key_with_wrong_passphrase() {
    let f = fixture();
    let source = f.pem_source(&f.leaf.encrypted_pkcs8_pem(PASSPHRASE));
    let pass = passphrase_in("OVERSHARE_PASSPHRASE_PARTNER_A", "wrong");
    let text = load_err("partner-a", &source, &pass);
    assert!(text.contains("does not decrypt"), "{text}");
    assert!(text.contains("OVERSHARE_PASSPHRASE_PARTNER_A"), "{text}");
    assert!(
        !text.contains("wrong"),
        "the passphrase must not be echoed: {text}"
    );
}

#[test]
fn legacy_openssl_encryption_says_how_to_convert() {
    let f = fixture();
    let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\
                  DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n\
                  bm90IGEgcmVhbCBrZXk=\n-----END RSA PRIVATE KEY-----\n";
    let text = load_err("old", &f.pem_source(legacy), &no_passphrase);
    assert!(text.contains("legacy OpenSSL encryption"), "{text}");
    assert!(
        text.contains("openssl pkcs8 -topk8 -in old.key -out new.key"),
        "{text}"
    );
}

#[test]
fn mismatched_key_is_refused() {
    let f = fixture();
    let other = f.ca.client("someone-else");
    let text = load_err(
        "partner-a",
        &f.pem_source(&other.pkcs8_pem()),
        &no_passphrase,
    );
    assert!(text.contains("does not match the certificate"), "{text}");
    assert!(text.contains("client.key"), "{text}");
    assert!(text.contains("CN=partner-a"), "{text}");
}

#[test]
fn chain_with_ca_first_gets_a_hint() {
    let f = fixture();
    let combined = format!("{}{}{}", f.ca.pem(), f.leaf.cert_pem(), f.leaf.pkcs8_pem());
    let source = CertSource::CombinedPem(write(f.dir.path(), "swapped.pem", combined));
    let text = load_err("swapped", &source, &no_passphrase);
    assert!(text.contains("put the client certificate first"), "{text}");
}

#[test]
fn expired_certificate_names_the_date() {
    let f = fixture();
    let leaf = f.ca.client_valid(
        "old",
        OffsetDateTime::new_utc(
            time::Date::from_calendar_date(2020, time::Month::January, 1).unwrap(),
            time::Time::MIDNIGHT,
        ),
        OffsetDateTime::new_utc(
            time::Date::from_calendar_date(2021, time::Month::March, 4).unwrap(),
            time::Time::MIDNIGHT,
        ),
    );
    let source = CertSource::Pem {
        cert: write(f.dir.path(), "old.pem", leaf.cert_pem()),
        key: write(f.dir.path(), "old.key", leaf.pkcs8_pem()),
    };
    let text = load_err("old", &source, &no_passphrase);
    assert!(
        text.contains("expired on 2021-03-04 00:00:00 UTC"),
        "{text}"
    );
}

#[test]
fn not_yet_valid_certificate_names_the_date() {
    let f = fixture();
    let now = OffsetDateTime::now_utc();
    let leaf =
        f.ca.client_valid("future", now + Duration::days(2), now + Duration::days(30));
    let source = CertSource::Pem {
        cert: write(f.dir.path(), "future.pem", leaf.cert_pem()),
        key: write(f.dir.path(), "future.key", leaf.pkcs8_pem()),
    };
    let text = load_err("future", &source, &no_passphrase);
    assert!(text.contains("is not valid before"), "{text}");
    assert!(text.contains(" UTC"), "{text}");
}

#[test]
fn server_only_certificate_is_refused() {
    let f = fixture();
    let server = f.ca.server("api.example.test");
    let source = CertSource::Pem {
        cert: write(f.dir.path(), "server.pem", server.cert_pem()),
        key: write(f.dir.path(), "server.key", server.pkcs8_pem()),
    };
    let text = load_err("srv", &source, &no_passphrase);
    assert!(
        text.contains("not allowed for TLS client authentication"),
        "{text}"
    );
}

#[test]
fn missing_file_names_identity_file_and_os_error() {
    let f = fixture();
    let source = CertSource::Pem {
        cert: f.dir.path().join("nope.pem"),
        key: f.dir.path().join("nope.key"),
    };
    let err = ClientCert::load("ghost", &source, &no_passphrase).unwrap_err();
    assert!(matches!(err, IdentityError::Read { .. }));
    let text = err.to_string();
    assert!(text.starts_with("identity `ghost`:"), "{text}");
    assert!(text.contains("nope.pem"), "{text}");
    assert!(
        text.contains("os error 2") || text.contains("No such file"),
        "{text}"
    );
}

#[test]
fn file_without_certificate_or_key() {
    let f = fixture();
    let key_only = CertSource::Pem {
        cert: write(f.dir.path(), "key-as-cert.pem", f.leaf.pkcs8_pem()),
        key: write(f.dir.path(), "k.key", f.leaf.pkcs8_pem()),
    };
    let text = load_err("a", &key_only, &no_passphrase);
    assert!(text.contains("contains no certificate"), "{text}");

    let cert_only =
        CertSource::CombinedPem(write(f.dir.path(), "cert-only.pem", f.leaf.cert_pem()));
    let text = load_err("b", &cert_only, &no_passphrase);
    assert!(text.contains("contains no private key"), "{text}");
}

#[test]
fn two_keys_are_ambiguous() {
    let f = fixture();
    let other = f.ca.client("other");
    let both = format!("{}{}", f.leaf.pkcs8_pem(), other.pkcs8_pem());
    let text = load_err("two", &f.pem_source(&both), &no_passphrase);
    assert!(text.contains("contains 2 private keys"), "{text}");
}

#[test]
fn debug_output_never_contains_the_key() {
    let f = fixture();
    let key_pem = f.leaf.pkcs8_pem();
    let cert = ClientCert::load("partner-a", &f.pem_source(&key_pem), &no_passphrase).unwrap();
    let debug = format!("{cert:?}");
    assert!(debug.contains("CN=partner-a"), "{debug}");
    let body: Vec<&str> = key_pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    assert!(!body.is_empty());
    for line in body {
        assert!(!debug.contains(line), "Debug leaks key material: {debug}");
    }
    assert!(!debug.to_uppercase().contains("PRIVATE KEY"), "{debug}");
}

#[cfg(feature = "pkcs12")]
mod pkcs12 {
    use super::*;

    #[test]
    fn loads_password_protected_bundle() {
        let f = fixture();
        let path = write(
            f.dir.path(),
            "partner.p12",
            f.leaf.pkcs12(&f.ca, PASSPHRASE),
        );
        let source = CertSource::parse_cli(path.to_str().unwrap()).unwrap();
        assert_eq!(source, CertSource::Pkcs12(path.clone()));
        let pass = passphrase_in("OVERSHARE_PASSPHRASE_PARTNER", PASSPHRASE);
        let cert = ClientCert::load("partner", &source, &pass).unwrap();
        assert_eq!(cert.common_name(), Some("partner-a"));
        assert_eq!(cert.chain_der().len(), 2, "leaf and CA");
        assert_eq!(
            cert.curl_args(),
            format!(
                "--cert-type P12 --cert '{}'\":$OVERSHARE_PASSPHRASE_PARTNER\"",
                path.display()
            )
        );
    }

    #[test]
    fn loads_bundle_with_empty_password() {
        let f = fixture();
        let path = write(f.dir.path(), "open.pfx", f.leaf.pkcs12(&f.ca, ""));
        let cert = ClientCert::load("open", &CertSource::Pkcs12(path), &no_passphrase).unwrap();
        assert_eq!(cert.passphrase_var(), None);
        assert!(!cert.curl_args().contains('$'));
    }

    #[test]
    fn bundle_without_or_with_wrong_password() {
        let f = fixture();
        let source = CertSource::Pkcs12(write(
            f.dir.path(),
            "p.p12",
            f.leaf.pkcs12(&f.ca, PASSPHRASE),
        ));
        let text = load_err("partner", &source, &no_passphrase);
        assert!(text.contains("OVERSHARE_PASSPHRASE_PARTNER"), "{text}");
        assert!(text.contains("protected by a passphrase"), "{text}");

        let pass = passphrase_in("OVERSHARE_PASSPHRASE_PARTNER", "nope");
        let text = load_err("partner", &source, &pass);
        assert!(text.contains("does not decrypt"), "{text}");
    }
}

#[cfg(not(feature = "pkcs12"))]
#[test]
fn pkcs12_without_the_feature_says_so() {
    let f = fixture();
    let source = CertSource::Pkcs12(write(f.dir.path(), "p.p12", b"not read"));
    let text = load_err("partner", &source, &no_passphrase);
    assert!(text.contains("no PKCS#12 support"), "{text}");
}

#[test]
fn ca_file_loads_and_rejects_an_empty_file() {
    let f = fixture();
    let ca_path = write(f.dir.path(), "ca.pem", f.ca.pem());
    let trust = TrustAnchors::from_pem_file(&ca_path).unwrap();
    assert_eq!(trust.path(), Some(ca_path.as_path()));
    assert_eq!(trust.certificates().len(), 1);
    assert_eq!(
        trust.curl_args(),
        format!("--cacert '{}'", ca_path.display())
    );

    let empty = write(f.dir.path(), "empty-ca.pem", f.leaf.pkcs8_pem());
    let text = TrustAnchors::from_pem_file(&empty).unwrap_err().to_string();
    assert!(
        text.starts_with(&format!("CA file {}:", empty.display())),
        "{text}"
    );
    assert!(text.contains("contains no certificate"), "{text}");

    let missing = f.dir.path().join("missing-ca.pem");
    let text = TrustAnchors::from_pem_file(&missing)
        .unwrap_err()
        .to_string();
    assert!(
        text.starts_with(&format!("CA file {}:", missing.display())),
        "{text}"
    );
}

#[test]
fn system_trust_store_loads_or_explains() {
    // The machine may or may not ship CA certificates; either outcome must be well formed.
    match TrustAnchors::system() {
        Ok(trust) => {
            assert!(trust.path().is_none());
            assert!(!trust.certificates().is_empty());
            assert_eq!(trust.curl_args(), "");
        }
        Err(err) => assert!(err.to_string().starts_with("system CA store:"), "{err}"),
    }
}
