//! A minimal mTLS client for the integration tests: rustls + raw HTTP/1.1, or hyper for h2.

#![allow(dead_code)] // each test binary uses a different subset

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use overshare_demo::{DemoPki, DemoServer};
use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// A client config trusting the demo CA, presenting `identity`'s certificate if given.
pub fn client_config(pki: &DemoPki, identity: Option<&str>, alpn: &[&[u8]]) -> ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(pki.ca_cert_pem.as_bytes()).unwrap())
        .unwrap();
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let mut config = match identity {
        Some(name) => {
            let id = pki
                .identity(name)
                .unwrap_or_else(|| panic!("no identity {name}"));
            let cert = CertificateDer::from_pem_slice(id.cert_pem.as_bytes()).unwrap();
            let key = PrivateKeyDer::from_pem_slice(id.key_pem.as_bytes()).unwrap();
            builder.with_client_auth_cert(vec![cert], key).unwrap()
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    config
}

pub async fn connect_with(
    server: &DemoServer,
    config: ClientConfig,
) -> std::io::Result<TlsStream<TcpStream>> {
    connect_to(server.addr(), config).await
}

pub async fn connect_to(
    addr: SocketAddr,
    config: ClientConfig,
) -> std::io::Result<TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST).into());
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
}

pub async fn connect(server: &DemoServer, identity: &str) -> TlsStream<TcpStream> {
    connect_with(
        server,
        client_config(server.pki(), Some(identity), &[b"http/1.1"]),
    )
    .await
    .unwrap()
}

/// A parsed HTTP/1.1 response.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// Sends one request on a TLS stream (`Connection: close`) and reads the whole response.
pub async fn request_on(
    tls: TlsStream<TcpStream>,
    method: &str,
    path: &str,
) -> std::io::Result<Answer> {
    send_on(tls, method, path, "", b"").await
}

/// Sends one request with `extra` header lines (each ending in `\r\n`) and `body` (with its
/// `Content-Length` unless `extra` names one), and reads the whole response.
pub async fn send_on(
    mut tls: TlsStream<TcpStream>,
    method: &str,
    path: &str,
    extra: &str,
    body: &[u8],
) -> std::io::Result<Answer> {
    let length = if body.is_empty() || extra.to_ascii_lowercase().contains("content-length") {
        String::new()
    } else {
        format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        )
    };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\
         Connection: close\r\n{extra}{length}\r\n"
    );
    tls.write_all(request.as_bytes()).await?;
    tls.write_all(body).await?;
    let mut raw = Vec::new();
    tls.read_to_end(&mut raw).await?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| {
            std::io::Error::other(format!(
                "no HTTP response: {:?}",
                String::from_utf8_lossy(&raw)
            ))
        })?;
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Ok(Answer {
        status,
        head,
        body: raw[split + 4..].to_vec(),
    })
}

/// `PATCH path` with a JSON `body` as `identity` on a fresh connection.
pub async fn patch(server: &DemoServer, identity: &str, path: &str, body: &str) -> Answer {
    send_on(
        connect(server, identity).await,
        "PATCH",
        path,
        "",
        body.as_bytes(),
    )
    .await
    .unwrap()
}

/// `GET path` as `identity` on a fresh connection.
pub async fn get(server: &DemoServer, identity: &str, path: &str) -> Answer {
    request_on(connect(server, identity).await, "GET", path)
        .await
        .unwrap()
}
