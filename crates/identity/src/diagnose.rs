//! Plain-English explanations of TLS handshake failures, with the side that refused.

use std::error::Error as StdError;
use std::fmt;

use rustls::{AlertDescription, CertificateError};
use time::OffsetDateTime;

/// Which end of the connection refused the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TlsSide {
    /// We (the client) rejected the server, usually its certificate.
    Client,
    /// The server rejected us, usually our client certificate or its absence.
    Server,
    /// The error does not say.
    Unknown,
}

/// What went wrong in a TLS handshake, for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsDiagnosis {
    pub side: TlsSide,
    pub reason: String,
}

impl fmt::Display for TlsDiagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Finds the rustls error in `err`'s source chain and explains it. `presented_cert` tells
/// whether this connection offered a client certificate, which decides how a bare
/// `handshake_failure` alert reads. `None` when no rustls error is in the chain.
pub fn diagnose(err: &(dyn StdError + 'static), presented_cert: bool) -> Option<TlsDiagnosis> {
    find_rustls_error(err).map(|tls| explain(tls, presented_cert))
}

/// Walks `source()`. `std::io::Error` needs a look inside as well: its `source()` skips the
/// error it wraps (returning that error's own source), and tokio-rustls wraps rustls errors
/// in an `io::Error`.
fn find_rustls_error<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        let inner = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>());
        if inner.is_some() {
            return inner;
        }
        current = e.source();
    }
    None
}

fn explain(err: &rustls::Error, presented_cert: bool) -> TlsDiagnosis {
    match err {
        rustls::Error::InvalidCertificate(cert_err) => client(server_cert_reason(cert_err)),
        rustls::Error::AlertReceived(alert) => alert_reason(*alert, presented_cert),
        other => TlsDiagnosis {
            side: TlsSide::Unknown,
            reason: format!("TLS handshake failed: {other}"),
        },
    }
}

fn client(reason: String) -> TlsDiagnosis {
    TlsDiagnosis {
        side: TlsSide::Client,
        reason,
    }
}

fn server(reason: String) -> TlsDiagnosis {
    TlsDiagnosis {
        side: TlsSide::Server,
        reason,
    }
}

/// Why we did not accept the server's certificate.
fn server_cert_reason(err: &CertificateError) -> String {
    use CertificateError as E;
    match err {
        E::UnknownIssuer => "the server's certificate is not signed by a trusted CA (pass --ca with the CA that issued it)".to_owned(),
        E::NotValidForName => "the server's certificate is not valid for this host name (use the name the certificate was issued for)".to_owned(),
        E::NotValidForNameContext { expected, presented } => format!(
            "the server's certificate is not valid for {expected:?} (it names {}); use the name the certificate was issued for",
            presented.join(", ")
        ),
        E::Expired => "the server's certificate has expired".to_owned(),
        E::ExpiredContext { not_after, .. } => format!(
            "the server's certificate expired on {}",
            unix_utc(not_after.as_secs())
        ),
        E::NotValidYet => "the server's certificate is not valid yet (check this machine's clock)".to_owned(),
        E::NotValidYetContext { not_before, .. } => format!(
            "the server's certificate is not valid before {} (check this machine's clock)",
            unix_utc(not_before.as_secs())
        ),
        E::Revoked => "the server's certificate has been revoked".to_owned(),
        E::InvalidPurpose | E::InvalidPurposeContext { .. } => {
            "the server's certificate is not issued for TLS servers (extended key usage lacks serverAuth)".to_owned()
        }
        E::BadSignature => "the server's certificate has an invalid signature".to_owned(),
        other => format!("the server's certificate was rejected: {other}"),
    }
}

/// What the server's alert means, given whether we sent a certificate.
fn alert_reason(alert: AlertDescription, presented_cert: bool) -> TlsDiagnosis {
    use AlertDescription as A;
    let rejected = |what: &str| {
        server(format!(
            "the server rejected the client certificate ({what}); check that the server trusts the CA that issued it"
        ))
    };
    match (alert, presented_cert) {
        (A::CertificateRequired, _) | (A::HandshakeFailure, false) => server(
            "the server requires a client certificate and none was sent (pass --identity NAME=CERT,KEY)".to_owned(),
        ),
        (A::UnknownCA, true) => rejected("unknown_ca: the server does not trust its issuer"),
        (A::BadCertificate, true) => rejected("bad_certificate"),
        (A::UnsupportedCertificate, true) => rejected("unsupported_certificate"),
        (A::CertificateUnknown, true) => rejected("certificate_unknown"),
        (A::CertificateExpired, true) => rejected("certificate_expired"),
        (A::CertificateRevoked, true) => rejected("certificate_revoked"),
        (A::AccessDenied, true) => rejected("access_denied"),
        (A::DecryptError, true) => rejected("decrypt_error: the signature made with the key was not accepted"),
        (A::HandshakeFailure, true) => rejected("handshake_failure"),
        // Still the server's doing (it sent the alert), but not about our certificate.
        (other, _) => server(format!(
            "the server ended the handshake: {}",
            rustls::Error::AlertReceived(other)
        )),
    }
}

fn unix_utc(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .map(crate::cert::utc)
        .unwrap_or_else(|| format!("{secs} seconds after 1970"))
}
