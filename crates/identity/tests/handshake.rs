//! Real mutual-TLS handshakes against a tokio-rustls server on 127.0.0.1 that requires client
//! certificates, and what `diagnose` says when they fail.

mod common;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use overshare_identity::{CertSource, ClientCert, TlsSide, TrustAnchors, client_config, diagnose};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::{TlsAcceptor, TlsConnector};

const GREETING: &[u8] = b"hello, authenticated client\n";

/// A TLS server that requires a client certificate issued by `client_ca`. Aborted on drop.
struct Server {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start_server(server_leaf: &Leaf, client_ca: &Ca) -> Server {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots.add(client_ca.cert.der().clone()).unwrap();
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_leaf.key.serialize_der()));
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![server_leaf.cert.der().clone()], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A rejected handshake is the point of several tests: the error is the
                // client's to observe, so the server just drops the connection.
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let _ = tls.write_all(GREETING).await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    Server { addr, task }
}

/// Connects, completes the handshake and reads until the server closes. In TLS 1.3 the
/// server checks the client certificate after the client's handshake is done, so a rejection
/// may only surface on the first read: reading is part of the exchange.
async fn exchange(config: ClientConfig, addr: SocketAddr) -> io::Result<Vec<u8>> {
    let attempt = async {
        let tcp = TcpStream::connect(addr).await?;
        let name = ServerName::try_from("localhost").unwrap();
        let mut tls = TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await?;
        let mut received = Vec::new();
        tls.read_to_end(&mut received).await?;
        Ok(received)
    };
    tokio::time::timeout(Duration::from_secs(10), attempt)
        .await
        .expect("the exchange finished in time")
}

struct Setup {
    dir: tempfile::TempDir,
    server_ca: Ca,
    client_ca: Ca,
    server: Server,
}

async fn setup() -> Setup {
    let server_ca = Ca::new("Server CA");
    let client_ca = Ca::new("Client CA");
    let server = start_server(&server_ca.server("localhost"), &client_ca).await;
    Setup {
        dir: tempfile::tempdir().unwrap(),
        server_ca,
        client_ca,
        server,
    }
}

impl Setup {
    fn trust(&self, ca: &Ca, file: &str) -> TrustAnchors {
        TrustAnchors::from_pem_file(write(self.dir.path(), file, ca.pem())).unwrap()
    }

    fn identity(&self, name: &str, ca: &Ca) -> ClientCert {
        let leaf = ca.client(name);
        let source = CertSource::Pem {
            cert: write(self.dir.path(), &format!("{name}.pem"), leaf.cert_pem()),
            key: write(self.dir.path(), &format!("{name}.key"), leaf.pkcs8_pem()),
        };
        ClientCert::load(name, &source, &no_passphrase).unwrap()
    }
}

#[tokio::test]
async fn right_certificate_is_accepted() {
    let s = setup().await;
    let trust = s.trust(&s.server_ca, "server-ca.pem");
    let cert = s.identity("partner-a", &s.client_ca);
    let received = exchange(client_config(&trust, Some(&cert)), s.server.addr)
        .await
        .expect("handshake with the right certificate succeeds");
    assert_eq!(received, GREETING);
}

#[tokio::test]
async fn missing_certificate_is_diagnosed_as_required_by_the_server() {
    let s = setup().await;
    let trust = s.trust(&s.server_ca, "server-ca.pem");
    let err = exchange(client_config(&trust, None), s.server.addr)
        .await
        .expect_err("the server requires a certificate");
    let diagnosis = diagnose(&err, false).expect("a TLS error");
    assert_eq!(diagnosis.side, TlsSide::Server, "{diagnosis:?}");
    assert!(
        diagnosis.reason.contains("requires a client certificate"),
        "{diagnosis:?}"
    );
}

#[tokio::test]
async fn certificate_from_another_ca_is_diagnosed_as_rejected() {
    let s = setup().await;
    let trust = s.trust(&s.server_ca, "server-ca.pem");
    let stranger_ca = Ca::new("Stranger CA");
    let cert = s.identity("stranger", &stranger_ca);
    let err = exchange(client_config(&trust, Some(&cert)), s.server.addr)
        .await
        .expect_err("the server does not trust the stranger CA");
    let diagnosis = diagnose(&err, true).expect("a TLS error");
    assert_eq!(diagnosis.side, TlsSide::Server, "{diagnosis:?}");
    assert!(
        diagnosis.reason.contains("rejected the client certificate"),
        "{diagnosis:?}"
    );
}

#[tokio::test]
async fn server_from_an_untrusted_ca_is_diagnosed_on_the_client_side() {
    let s = setup().await;
    let wrong_trust = s.trust(&s.client_ca, "client-ca-as-server-ca.pem");
    let cert = s.identity("partner-a", &s.client_ca);
    let err = exchange(client_config(&wrong_trust, Some(&cert)), s.server.addr)
        .await
        .expect_err("we do not trust the server's CA");
    let diagnosis = diagnose(&err, true).expect("a TLS error");
    assert_eq!(diagnosis.side, TlsSide::Client, "{diagnosis:?}");
    assert!(
        diagnosis.reason.contains("not signed by a trusted CA")
            && diagnosis.reason.contains("--ca"),
        "{diagnosis:?}"
    );
}

#[tokio::test]
async fn client_config_offers_h2_and_http11() {
    let s = setup().await;
    let config = client_config(&s.trust(&s.server_ca, "ca.pem"), None);
    assert_eq!(
        config.alpn_protocols,
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    );
    assert!(!config.client_auth_cert_resolver.has_certs());
    let cert = s.identity("partner-a", &s.client_ca);
    let config = client_config(&s.trust(&s.server_ca, "ca.pem"), Some(&cert));
    assert!(config.client_auth_cert_resolver.has_certs());
}
