//! The small pure parts: parsing `--identity`, passphrase variable names, curl quoting and
//! the mapping of rustls errors to diagnoses.

use std::error::Error;
use std::fmt;
use std::io;
use std::path::PathBuf;

use overshare_identity::{CertSource, TlsSide, diagnose, parse_identity_arg, passphrase_env_var};
use rustls::{AlertDescription, CertificateError};

#[test]
fn parse_cli_recognises_the_three_forms() {
    assert_eq!(
        CertSource::parse_cli("a.pem,a.key").unwrap(),
        CertSource::Pem {
            cert: PathBuf::from("a.pem"),
            key: PathBuf::from("a.key")
        }
    );
    assert_eq!(
        CertSource::parse_cli("dir/bundle.P12").unwrap(),
        CertSource::Pkcs12(PathBuf::from("dir/bundle.P12"))
    );
    assert_eq!(
        CertSource::parse_cli("bundle.pfx").unwrap(),
        CertSource::Pkcs12(PathBuf::from("bundle.pfx"))
    );
    assert_eq!(
        CertSource::parse_cli("combined.pem").unwrap(),
        CertSource::CombinedPem(PathBuf::from("combined.pem"))
    );
}

#[test]
fn parse_cli_rejects_malformed_specs() {
    for bad in ["", "a.pem,", ",a.key", "a,b,c"] {
        let err = CertSource::parse_cli(bad).unwrap_err().to_string();
        assert!(err.starts_with("identity spec"), "{bad:?}: {err}");
    }
}

#[test]
fn parse_identity_arg_splits_the_name() {
    let (name, source) = parse_identity_arg("partner-a=a.pem,a.key").unwrap();
    assert_eq!(name, "partner-a");
    assert_eq!(source.cert_path(), PathBuf::from("a.pem"));
    assert_eq!(source.key_path(), PathBuf::from("a.key"));
    assert!(parse_identity_arg("a.pem,a.key").is_err());
    assert!(parse_identity_arg("=a.pem,a.key").is_err());
}

#[test]
fn passphrase_variable_names() {
    assert_eq!(
        passphrase_env_var("partner-a"),
        "OVERSHARE_PASSPHRASE_PARTNER_A"
    );
    assert_eq!(
        passphrase_env_var("ops.Admin 2"),
        "OVERSHARE_PASSPHRASE_OPS_ADMIN_2"
    );
    assert_eq!(passphrase_env_var("é"), "OVERSHARE_PASSPHRASE__");
}

/// A wrapper like reqwest's or hyper's: the rustls error sits a few `source()` levels down,
/// inside an `io::Error`.
#[derive(Debug)]
struct Wrapper(io::Error);

impl fmt::Display for Wrapper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("error sending request")
    }
}

impl Error for Wrapper {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.0)
    }
}

fn wrapped(err: rustls::Error) -> Wrapper {
    Wrapper(io::Error::new(io::ErrorKind::InvalidData, err))
}

#[test]
fn diagnose_walks_the_source_chain() {
    let err = wrapped(CertificateError::UnknownIssuer.into());
    let d = diagnose(&err, false).unwrap();
    assert_eq!(d.side, TlsSide::Client);
    assert!(d.reason.contains("not signed by a trusted CA"), "{d:?}");
    // A bare rustls::Error works too.
    let bare = rustls::Error::from(CertificateError::UnknownIssuer);
    assert_eq!(diagnose(&bare, false).unwrap(), d);
}

#[test]
fn diagnose_server_certificate_problems() {
    let d = diagnose(&wrapped(CertificateError::NotValidForName.into()), true).unwrap();
    assert_eq!(d.side, TlsSide::Client);
    assert!(d.reason.contains("not valid for this host name"), "{d:?}");

    let d = diagnose(&wrapped(CertificateError::Expired.into()), true).unwrap();
    assert_eq!(d.side, TlsSide::Client);
    assert!(
        d.reason.contains("server's certificate has expired"),
        "{d:?}"
    );

    let expired_at =
        rustls_pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_614_816_000));
    let err = CertificateError::ExpiredContext {
        time: rustls_pki_types::UnixTime::now(),
        not_after: expired_at,
    };
    let d = diagnose(&wrapped(err.into()), true).unwrap();
    assert!(
        d.reason.contains("expired on 2021-03-04 00:00:00 UTC"),
        "{d:?}"
    );
}

#[test]
fn diagnose_alerts_depend_on_whether_a_certificate_was_sent() {
    let alert = |a| wrapped(rustls::Error::AlertReceived(a));

    for a in [
        AlertDescription::CertificateRequired,
        AlertDescription::HandshakeFailure,
    ] {
        let d = diagnose(&alert(a), false).unwrap();
        assert_eq!(d.side, TlsSide::Server);
        assert!(
            d.reason
                .contains("requires a client certificate and none was sent"),
            "{d:?}"
        );
    }
    for a in [
        AlertDescription::UnknownCA,
        AlertDescription::BadCertificate,
        AlertDescription::CertificateUnknown,
        AlertDescription::AccessDenied,
        AlertDescription::CertificateExpired,
    ] {
        let d = diagnose(&alert(a), true).unwrap();
        assert_eq!(d.side, TlsSide::Server);
        assert!(
            d.reason.contains("rejected the client certificate"),
            "{d:?}"
        );
    }
}

#[test]
fn diagnose_other_errors() {
    let d = diagnose(&wrapped(rustls::Error::DecryptError), false).unwrap();
    assert_eq!(d.side, TlsSide::Unknown);
    assert!(
        d.reason.contains(&rustls::Error::DecryptError.to_string()),
        "{d:?}"
    );

    let not_tls = io::Error::new(io::ErrorKind::ConnectionRefused, "connection refused");
    assert_eq!(diagnose(&not_tls, false), None);
}
