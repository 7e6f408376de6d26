//! A bare TLS handshake check, one per identity, before any HTTP request.
//!
//! With TLS 1.3 the server judges the client certificate after the client considers the
//! handshake done, so a rejection arrives as an alert on the first read. Through an HTTP
//! client that alert surfaces as "connection closed" and the reason is lost. Here the
//! handshake is driven by hand and followed by one read, so the alert (unknown CA, bad
//! certificate, certificate required) reaches [`overshare_identity::diagnose`] intact.

use overshare_exchange::{Failure, FailureKind};
use overshare_identity::{ClientCert, TlsSide, TrustAnchors, client_config, diagnose};
use rustls_pki_types::ServerName;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use url::Url;

/// Connect, handshake, send a minimal `HEAD`, read the first bytes. `Ok` when the server
/// answered anything over TLS; otherwise a failure naming the side and the reason.
pub async fn check(
    url: &Url,
    trust: &TrustAnchors,
    cert: Option<&ClientCert>,
    timeout: Duration,
) -> Result<(), Failure> {
    if url.scheme() != "https" {
        return Ok(());
    }
    match tokio::time::timeout(timeout, attempt(url, trust, cert)).await {
        Ok(result) => result,
        Err(_) => Err(Failure {
            kind: FailureKind::Timeout,
            message: format!(
                "no TLS answer from {} within {}s",
                origin(url),
                timeout.as_secs()
            ),
        }),
    }
}

async fn attempt(
    url: &Url,
    trust: &TrustAnchors,
    cert: Option<&ClientCert>,
) -> Result<(), Failure> {
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let tcp = TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|err| Failure {
            kind: FailureKind::Connect,
            message: format!("could not connect to {}: {err}", origin(url)),
        })?;
    let name = ServerName::try_from(host.clone()).map_err(|_| Failure {
        kind: FailureKind::Other,
        message: format!("`{host}` is not a valid TLS server name"),
    })?;
    let mut config = client_config(trust, cert);
    // HTTP/1.1 only: the single HEAD below must be understood as written.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let presented = cert.is_some();
    let mut tls = connector
        .connect(name, tcp)
        .await
        .map_err(|err| tls_failure(&err, presented))?;
    let request = format!("HEAD / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes())
        .await
        .map_err(|err| tls_failure(&err, presented))?;
    let mut first = [0u8; 1];
    match tls.read(&mut first).await {
        Ok(_) => Ok(()),
        Err(err) => Err(tls_failure(&err, presented)),
    }
}

/// A failure worded the same way for the handshake check and for HTTP requests.
pub fn tls_failure(err: &(dyn std::error::Error + 'static), presented: bool) -> Failure {
    match diagnose(err, presented) {
        Some(diagnosis) => {
            let side = match diagnosis.side {
                TlsSide::Client => "overshare rejected the server",
                TlsSide::Server => "the server refused the handshake",
                TlsSide::Unknown => "handshake failed",
            };
            Failure {
                kind: FailureKind::Tls,
                message: format!("TLS handshake failed ({side}): {diagnosis}"),
            }
        }
        None => Failure {
            kind: FailureKind::Tls,
            message: format!("TLS connection failed: {err}"),
        },
    }
}

fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}
