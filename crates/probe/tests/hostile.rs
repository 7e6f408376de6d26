//! A hostile or broken server must never crash, hang or exhaust the scanner. Each test starts
//! its own raw HTTP server on 127.0.0.1 (OS-chosen port) that misbehaves in one way.

mod common;
use common::trust;
use overshare_exchange::{Exchange, FailureKind, PlannedOperation};
use overshare_probe::{BodyLimits, Planned, ProbeSettings, Prober, ScanIdentity, Sender};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

/// What the server does once it has read a request head.
type Behaviour =
    Arc<dyn Fn(String, TcpStream) -> futures::future::BoxFuture<'static, ()> + Send + Sync>;

struct Server {
    url: Url,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(behaviour: Behaviour) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let behaviour = behaviour.clone();
            tokio::spawn(async move {
                let head = read_head(&mut stream).await;
                behaviour(head, stream).await;
            });
        }
    });
    Server {
        url,
        connections,
        task,
    }
}

async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn respond(bytes: Vec<u8>) -> Behaviour {
    Arc::new(move |_, mut stream| {
        let bytes = bytes.clone();
        Box::pin(async move {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        })
    })
}

fn prober(
    url: &Url,
    limits: BodyLimits,
    timeout: Duration,
    headers: Vec<(String, String)>,
) -> (tempfile::TempDir, Prober) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (dir, trust) = trust();
    let mut settings = ProbeSettings::new(url.clone());
    settings.limits = limits;
    settings.timeout = timeout;
    let identity = ScanIdentity {
        name: "tester".into(),
        cert: None,
        headers,
    };
    (dir, Prober::new(settings, &trust, vec![identity]).unwrap())
}

async fn get(prober: &Prober, url: &Url) -> Exchange {
    prober
        .send(Planned::get(
            PlannedOperation {
                method: "GET".into(),
                path: url.path().into(),
                operation_id: None,
            },
            Sender::Identity(0),
            url.clone(),
        ))
        .await
}

fn small_limits() -> BodyLimits {
    BodyLimits {
        max_wire_bytes: 64 * 1024,
        max_decoded_bytes: 256 * 1024,
        max_json_depth: 16,
    }
}

#[tokio::test]
async fn endless_body_is_cut_at_the_wire_cap() {
    let server = serve(Arc::new(|_, mut stream| {
        Box::pin(async move {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                .await;
            let chunk = format!("{:x}\r\n{}\r\n", 4096, "a".repeat(4096));
            // Stops only when the client goes away.
            while stream.write_all(chunk.as_bytes()).await.is_ok() {}
        })
    }))
    .await;
    let (_dir, prober) = prober(&server.url, small_limits(), Duration::from_secs(20), vec![]);
    let exchange = get(&prober, &server.url).await;
    let response = exchange.response().expect("a response");
    assert!(response.truncated);
    assert_eq!(response.body.len(), 64 * 1024);
    assert!(response.json.is_none());
    assert!(
        response
            .json_error
            .as_deref()
            .unwrap()
            .contains("truncated")
    );
}

#[tokio::test]
async fn gzip_bomb_is_cut_at_the_decoded_cap() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![b' '; 30 * 1024 * 1024]).unwrap();
    let bomb = gz.finish().unwrap();
    assert!(
        bomb.len() < 64 * 1024,
        "fits under the wire cap: {}",
        bomb.len()
    );
    let mut bytes = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
        bomb.len()
    )
    .into_bytes();
    bytes.extend_from_slice(&bomb);
    let server = serve(respond(bytes)).await;
    let (_dir, prober) = prober(&server.url, small_limits(), Duration::from_secs(20), vec![]);
    let response = get(&prober, &server.url)
        .await
        .response()
        .cloned()
        .expect("a response");
    assert!(response.truncated);
    assert_eq!(response.body.len(), 256 * 1024);
}

#[tokio::test]
async fn silent_server_times_out() {
    let server = serve(Arc::new(|_, stream| {
        Box::pin(async move {
            // Hold the connection open, say nothing, until the client gives up.
            let mut stream = stream;
            let mut buf = [0u8; 1];
            let _ = stream.read(&mut buf).await;
        })
    }))
    .await;
    let (_dir, prober) = prober(&server.url, small_limits(), Duration::from_secs(1), vec![]);
    let exchange = get(&prober, &server.url).await;
    let failure = exchange.outcome.expect_err("no response");
    assert_eq!(failure.kind, FailureKind::Timeout, "{failure:?}");
}

#[tokio::test]
async fn deep_json_is_not_parsed() {
    let body = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let bytes = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let server = serve(respond(bytes.into_bytes())).await;
    let (_dir, prober) = prober(&server.url, small_limits(), Duration::from_secs(20), vec![]);
    let response = get(&prober, &server.url).await.response().cloned().unwrap();
    assert!(response.json.is_none());
    assert!(response.json_error.unwrap().contains("deeper than 16"));
}

#[tokio::test]
async fn redirect_to_another_origin_is_not_followed() {
    let elsewhere = serve(respond(
        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}".to_vec(),
    ))
    .await;
    let location = elsewhere.url.join("/steal").unwrap();
    let redirect =
        format!("HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n");
    let server = serve(respond(redirect.into_bytes())).await;
    let headers = vec![(
        "Authorization".to_string(),
        "Bearer secret-token-value".to_string(),
    )];
    let (_dir, prober) = prober(
        &server.url,
        small_limits(),
        Duration::from_secs(20),
        headers,
    );
    let exchange = get(&prober, &server.url).await;
    assert_eq!(
        exchange.response().unwrap().status,
        302,
        "the redirect itself is the answer"
    );
    assert_eq!(
        elsewhere.connections.load(Ordering::SeqCst),
        0,
        "nothing sent to the other origin"
    );
    let reproduce = exchange.reproduce.unwrap();
    assert!(!reproduce.contains("secret-token-value"), "{reproduce}");
    assert!(reproduce.contains("Bearer …[redacted"), "{reproduce}");
}

#[tokio::test]
async fn redirect_within_the_origin_is_followed_with_identity_headers() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let server = serve(Arc::new(move |head: String, mut stream| {
        log.lock().unwrap().push(head.clone());
        Box::pin(async move {
            let reply: &[u8] = if head.starts_with("GET /start") {
                b"HTTP/1.1 301 Moved\r\nlocation: /final\r\ncontent-length: 0\r\n\r\n"
            } else {
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}"
            };
            let _ = stream.write_all(reply).await;
            let _ = stream.shutdown().await;
        })
    }))
    .await;
    let start = server.url.join("/start").unwrap();
    let headers = vec![("X-Api-Key".to_string(), "k-123".to_string())];
    let (_dir, prober) = prober(
        &server.url,
        small_limits(),
        Duration::from_secs(20),
        headers,
    );
    let exchange = get(&prober, &start).await;
    let response = exchange.response().unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.json, Some(serde_json::json!({"ok": true})));
    let heads = seen.lock().unwrap();
    assert_eq!(heads.len(), 2);
    assert!(
        heads[1].to_ascii_lowercase().contains("x-api-key: k-123"),
        "{}",
        heads[1]
    );
}

#[tokio::test]
async fn urls_outside_the_target_origin_are_never_sent() {
    let server = serve(respond(
        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_vec(),
    ))
    .await;
    let other = serve(respond(
        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_vec(),
    ))
    .await;
    let (_dir, prober) = prober(&server.url, small_limits(), Duration::from_secs(20), vec![]);
    let exchange = get(&prober, &other.url).await;
    assert_eq!(exchange.outcome.unwrap_err().kind, FailureKind::OffOrigin);
    assert_eq!(other.connections.load(Ordering::SeqCst), 0);
}

/// Regression: a server that closes an idle keep-alive connection just as the next request
/// arrives on it made that request fail ("connection closed before message completed"), and the
/// finding it would have shown was lost. Here the server answers the first request of each
/// connection and drops the connection on the second.
#[tokio::test]
async fn keep_alive_connection_closed_by_the_server_is_retried_once() {
    let server = serve(Arc::new(|_, mut stream| {
        Box::pin(async move {
            let reply = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}";
            let _ = stream.write_all(reply).await;
            // Wait for the next request on this connection, then close without answering.
            let _ = read_head(&mut stream).await;
        })
    }))
    .await;
    let (_dir, prober) = prober(&server.url, small_limits(), Duration::from_secs(20), vec![]);
    for round in 0..4 {
        let exchange = get(&prober, &server.url).await;
        let response = exchange
            .response()
            .unwrap_or_else(|| panic!("round {round}: {:?}", exchange.outcome));
        assert_eq!(response.status, 200);
    }
}

#[tokio::test]
async fn redirect_to_an_origin_in_scope_is_followed() {
    let files = serve(respond(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}".to_vec(),
    ))
    .await;
    let location = files.url.join("/download").unwrap();
    let redirect =
        format!("HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n");
    let server = serve(respond(redirect.into_bytes())).await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (_dir, trust) = trust();
    let mut settings = ProbeSettings::new(server.url.clone());
    settings.scope = vec![files.url.clone()];
    let identity = ScanIdentity {
        name: "tester".into(),
        cert: None,
        headers: vec![],
    };
    let prober = Prober::new(settings, &trust, vec![identity]).unwrap();
    let exchange = get(&prober, &server.url).await;
    assert_eq!(
        exchange.response().unwrap().status,
        200,
        "followed into the scope"
    );
    assert_eq!(files.connections.load(Ordering::SeqCst), 1);
}
