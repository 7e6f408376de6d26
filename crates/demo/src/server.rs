//! The mTLS server: an own accept loop over tokio-rustls (so each connection's client
//! certificate is at hand), hyper-util's auto builder for HTTP/1.1 and HTTP/2, and a watch
//! channel for graceful shutdown.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use rustls::RootCertStore;
use rustls::server::{ServerConfig, WebPkiClientVerifier};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;
use tracing::debug;

use crate::api::{self, ApiResponse};
use crate::data;
use crate::store::Store;
use crate::{DemoError, DemoPki};

/// Connections beyond this are closed right after accept: the demo must not be a resource sink.
const MAX_CONNECTIONS: usize = 1024;
/// A client that does not finish the handshake in time is dropped (slowloris).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// A request's headers must arrive within this.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// A request's body must arrive within this.
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long open connections get to finish in-flight requests on shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
/// Request bodies beyond this are refused with 413, before or while reading them.
const MAX_BODY: usize = 64 * 1024;

/// A running demo API on `127.0.0.1:<ephemeral port>`. Stops on [`DemoServer::shutdown`] or drop.
///
/// Each start seeds its own store of the writable rows (the members behind
/// `PATCH /api/members/{id}/`): what one server's clients change, no other server sees, and a
/// new start begins from the same data.
pub struct DemoServer {
    addr: SocketAddr,
    pki: DemoPki,
    served: Arc<AtomicU64>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl DemoServer {
    /// Starts the demo with a freshly generated PKI.
    pub async fn start() -> Result<DemoServer, DemoError> {
        Self::start_with(DemoPki::generate()?).await
    }

    /// Starts the demo with the given PKI. Binds 127.0.0.1 only, on a port the OS picks.
    pub async fn start_with(pki: DemoPki) -> Result<DemoServer, DemoError> {
        let acceptor = TlsAcceptor::from(Arc::new(tls_config(&pki)?));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| DemoError::io("binding 127.0.0.1:0", e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| DemoError::io("reading the bound address", e))?;
        let (stop, stopped) = watch::channel(false);
        let served = Arc::new(AtomicU64::new(0));
        let store = Arc::new(Store::seeded());
        let task = tokio::spawn(accept_loop(
            listener,
            acceptor,
            stopped,
            Arc::clone(&served),
            store,
        ));
        debug!(%addr, "overshare demo API listening");
        Ok(DemoServer {
            addr,
            pki,
            served,
            stop,
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `https://127.0.0.1:PORT` (no trailing slash; the spec's server URL is `/`).
    pub fn base_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    pub fn pki(&self) -> &DemoPki {
        &self.pki
    }

    /// HTTP requests answered so far (any status), across all connections.
    pub fn requests_served(&self) -> u64 {
        self.served.load(Ordering::Relaxed)
    }

    /// Stops accepting, lets open connections finish briefly, then closes them. When this
    /// returns the port is released.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for DemoServer {
    /// Without an `.await` there is no grace period: abort the loop, which drops the listener
    /// and the `JoinSet`, aborting every connection task.
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl std::fmt::Debug for DemoServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoServer")
            .field("addr", &self.addr)
            .field("requests_served", &self.requests_served())
            .finish_non_exhaustive()
    }
}

/// TLS 1.2/1.3 with the ring provider passed explicitly (nothing process-global is installed),
/// a client certificate required and chained to the demo CA, ALPN h2 and http/1.1.
fn tls_config(pki: &DemoPki) -> Result<ServerConfig, DemoError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots.add(CertificateDer::from_pem_slice(pki.ca_cert_pem.as_bytes())?)?;
    let verifier =
        WebPkiClientVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider))
            .build()?;
    let chain = vec![CertificateDer::from_pem_slice(
        pki.server_cert_pem.as_bytes(),
    )?];
    let key = PrivateKeyDer::from_pem_slice(pki.server_key_pem().as_bytes())?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Resolves once shutdown is requested (or the server handle is gone).
async fn stop_requested(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    mut stopped: watch::Receiver<bool>,
    served: Arc<AtomicU64>,
    store: Arc<Store>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = stop_requested(&mut stopped) => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) if connections.len() < MAX_CONNECTIONS => {
                    let conn = serve_connection(
                        tcp,
                        peer,
                        acceptor.clone(),
                        stopped.clone(),
                        Arc::clone(&served),
                        Arc::clone(&store),
                    );
                    connections.spawn(conn);
                }
                Ok((_, peer)) => debug!(%peer, "connection limit reached; closing"),
                Err(error) => {
                    // Typically EMFILE: back off instead of spinning.
                    debug!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener); // free the port before waiting for stragglers
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, drain).await.is_err() {
        connections.shutdown().await;
    }
}

/// One TCP connection: handshake, read the client's CN once, then serve HTTP on it.
async fn serve_connection(
    tcp: TcpStream,
    peer: SocketAddr,
    acceptor: TlsAcceptor,
    mut stopped: watch::Receiver<bool>,
    served: Arc<AtomicU64>,
    store: Arc<Store>,
) {
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(tls)) => tls,
        // Clients without (or with a foreign) certificate end here: expected, not an error.
        Ok(Err(error)) => {
            debug!(%peer, %error, "TLS handshake failed");
            return;
        }
        Err(_) => {
            debug!(%peer, "TLS handshake timed out");
            return;
        }
    };
    let common_name: Option<Arc<str>> =
        client_common_name(tls.get_ref().1.peer_certificates()).map(Into::into);
    let tenant = common_name
        .as_deref()
        .and_then(data::tenant_for_cn)
        .map(|t| t.name);
    debug!(%peer, cn = ?common_name, ?tenant, "client connected");
    let service = service_fn(move |request: Request<Incoming>| {
        served.fetch_add(1, Ordering::Relaxed);
        let common_name = common_name.clone();
        let store = Arc::clone(&store);
        async move { Ok::<_, Infallible>(handle(common_name.as_deref(), request, &store).await) }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // A timer makes hyper enforce its header read timeout (slow clients cannot pin a slot).
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    builder.http2().timer(TokioTimer::new());
    let connection = builder.serve_connection(TokioIo::new(tls), service);
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = stop_requested(&mut stopped) => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        debug!(%peer, %error, "connection ended with an error");
    }
}

/// The subject CN of the client's leaf certificate. rustls has already verified the chain.
fn client_common_name(certificates: Option<&[CertificateDer<'_>]>) -> Option<String> {
    let leaf = certificates?.first()?;
    let (_, cert) = x509_parser::parse_x509_certificate(leaf).ok()?;
    let cn = cert.subject().iter_common_name().next()?;
    cn.as_str().ok().map(str::to_owned)
}

/// Adapts the framework-free [`api::respond`] to HTTP: reads the body (bounded), answers, and
/// renders the answer.
async fn handle(
    common_name: Option<&str>,
    request: Request<Incoming>,
    store: &Store,
) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let answer = match read_body(&parts.headers, body).await {
        Ok(body) => api::respond(common_name, &parts.method, parts.uri.path(), &body, store),
        Err(refusal) => refusal,
    };
    render(&parts.method, answer)
}

/// The whole request body, at most [`MAX_BODY`] bytes: a larger `Content-Length` is refused
/// before reading, a longer stream as soon as it passes the limit (413 either way).
async fn read_body(headers: &HeaderMap, body: Incoming) -> Result<Bytes, ApiResponse> {
    let too_large = || {
        api::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("Request body larger than {MAX_BODY} bytes."),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY as u64) {
        return Err(too_large());
    }
    let collected = tokio::time::timeout(BODY_READ_TIMEOUT, Limited::new(body, MAX_BODY).collect());
    match collected.await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Ok(Err(error)) => {
            debug!(%error, "reading the request body failed");
            Err(api::error(
                StatusCode::BAD_REQUEST,
                "The request body could not be read.",
            ))
        }
        Err(_) => Err(api::error(
            StatusCode::REQUEST_TIMEOUT,
            "The request body did not arrive in time.",
        )),
    }
}

fn render(method: &Method, answer: ApiResponse) -> Response<Full<Bytes>> {
    let body = if method == Method::HEAD {
        Bytes::new()
    } else {
        Bytes::from(answer.body.to_string())
    };
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = answer.status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::ALLOW, HeaderValue::from_static(answer.allow));
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}
