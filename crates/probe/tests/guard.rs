//! The last gate before the wire, and what the mTLS-edge and `--active` phases prepare.
//!
//! - [`Prober::send`] never sends a DELETE, sends PATCH/PUT/POST only with `allow_writes`
//!   (`--active`), and nothing outside the target's origin and the `--scope`: checked against
//!   a local plain-HTTP server that records every request it gets.
//! - [`forged_headers::families`]: the headers each TLS terminator would set for a victim's
//!   certificate, filled in from a certificate generated here.
//! - [`active::preview`]: what `--active` says it will do before it sends anything.

mod common;
use base64::Engine;
use common::trust;
use overshare_contract::load_str;
use overshare_exchange::{Exchange, FailureKind, PlannedOperation};
use overshare_identity::{CertSource, ClientCert};
use overshare_probe::phases::{active, forged_headers};
use overshare_probe::{Planned, ProbeSettings, Prober, ScanIdentity, Sender};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

// ---------------------------------------------------------------------------------------------
// A server that records what reaches it

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Server {
    url: Url,
    /// Connections accepted: a refused request must not even connect.
    connections: Arc<AtomicUsize>,
    /// Requests read, recorded before the answer is written (so a `send` that returned has
    /// been recorded: no waiting needed).
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    async fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (counter, log) = (connections.clone(), seen.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(answer(stream, log.clone()));
            }
        });
        Server {
            url,
            connections,
            seen,
            task,
        }
    }

    fn url(&self, path: &str) -> Url {
        self.url.join(path).unwrap()
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Read one request (head and `content-length` body), record it, answer `{"ok": true}`.
async fn answer(mut stream: TcpStream, log: Arc<Mutex<Vec<Seen>>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_string();
    let target = request_line.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    if stream.read_exact(&mut body).await.is_err() {
        return;
    }
    log.lock().unwrap().push(Seen {
        method,
        target,
        headers,
        body,
    });
    let _ = stream
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\
              connection: close\r\n\r\n{\"ok\":true}",
        )
        .await;
    let _ = stream.shutdown().await;
}

fn new_prober(settings: ProbeSettings) -> (tempfile::TempDir, Prober) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (dir, trust) = trust();
    let identity = ScanIdentity {
        name: "tester".into(),
        cert: None,
        headers: vec![("X-Api-Key".into(), "k".into())],
    };
    (dir, Prober::new(settings, &trust, vec![identity]).unwrap())
}

fn settings(server: &Server, allow_writes: bool) -> ProbeSettings {
    let mut settings = ProbeSettings::new(server.url.clone());
    settings.allow_writes = allow_writes;
    settings
}

fn planned(method: &str, url: &Url, body: Option<Value>) -> Planned {
    let operation = PlannedOperation {
        method: method.to_ascii_uppercase(),
        path: url.path().into(),
        operation_id: None,
    };
    Planned {
        method: method.into(),
        json_body: body.map(|b| serde_json::to_vec(&b).unwrap()),
        ..Planned::get(operation, Sender::Identity(0), url.clone())
    }
}

/// The refusal's message, asserting it is the gate's refusal (not a transport error).
fn refused(exchange: &Exchange) -> String {
    let failure = exchange
        .outcome
        .as_ref()
        .expect_err("refused before the wire");
    assert_eq!(failure.kind, FailureKind::OffOrigin, "{failure:?}");
    failure.message.clone()
}

fn status(exchange: &Exchange) -> u16 {
    match &exchange.outcome {
        Ok(response) => response.status,
        Err(failure) => panic!("expected a response, got {failure:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Prober::send: DELETE, writes, scope

#[tokio::test]
async fn delete_is_never_sent_even_with_allow_writes() {
    let server = Server::start().await;
    let (_dir, prober) = new_prober(settings(&server, true));
    let url = server.url("/api/users/1/");
    for method in ["DELETE", "delete", "Delete"] {
        let exchange = prober.send(planned(method, &url, None)).await;
        let message = refused(&exchange);
        assert!(
            message.contains("never sends DELETE"),
            "{method}: {message}"
        );
        assert_eq!(
            exchange.request.method, method,
            "the exchange records what was refused"
        );
    }
    // A DELETE with a body is no different.
    let exchange = prober
        .send(planned("DELETE", &url, Some(json!({"id": 1}))))
        .await;
    refused(&exchange);
    assert_eq!(server.connections(), 0, "a DELETE must not even connect");

    // The gate is the only thing in the way: a GET to the same URL arrives.
    let exchange = prober.send(planned("GET", &url, None)).await;
    assert_eq!(status(&exchange), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].target, "/api/users/1/");
}

#[tokio::test]
async fn writes_are_refused_without_allow_writes() {
    let server = Server::start().await;
    let (_dir, prober) = new_prober(settings(&server, false));
    let url = server.url("/api/users/1/");
    for method in ["PATCH", "PUT", "POST", "patch", "DELETE"] {
        let exchange = prober
            .send(planned(method, &url, Some(json!({"is_staff": true}))))
            .await;
        let message = refused(&exchange);
        if method == "DELETE" {
            assert!(message.contains("never sends DELETE"), "{message}");
        } else {
            let upper = method.to_ascii_uppercase();
            assert_eq!(message, format!("{upper} needs --active; not sent"));
        }
    }
    assert_eq!(server.connections(), 0, "{:?}", server.seen());

    // Safe methods go through without --active.
    for method in ["GET", "HEAD", "OPTIONS"] {
        let exchange = prober.send(planned(method, &url, None)).await;
        assert_eq!(status(&exchange), 200, "{method}");
    }
    let methods: Vec<String> = server.seen().into_iter().map(|s| s.method).collect();
    assert_eq!(methods, ["GET", "HEAD", "OPTIONS"]);
}

#[tokio::test]
async fn a_patch_is_sent_with_allow_writes_with_its_body_and_content_type() {
    let server = Server::start().await;
    let (_dir, prober) = new_prober(settings(&server, true));
    let url = server.url("/api/users/1/?fields=all");
    let body = json!({"first_name": "Ada", "is_staff": true});
    let exchange = prober
        .send(planned("PATCH", &url, Some(body.clone())))
        .await;
    assert_eq!(status(&exchange), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let request = &seen[0];
    assert_eq!(request.method, "PATCH");
    assert_eq!(request.target, "/api/users/1/?fields=all");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.header("x-api-key"),
        Some("k"),
        "the identity's headers"
    );
    let received: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(received, body);

    // The exchange says what was sent, and the reproduce command does the same write.
    assert_eq!(exchange.request.method, "PATCH");
    assert_eq!(
        exchange.request.body.as_deref(),
        Some(serde_json::to_vec(&body).unwrap().as_slice())
    );
    assert!(
        exchange
            .request
            .headers
            .iter()
            .any(|(n, v)| n == "content-type" && v == "application/json"),
        "{:?}",
        exchange.request.headers
    );
    let reproduce = exchange.reproduce.as_deref().unwrap();
    assert!(reproduce.contains("-X PATCH"), "{reproduce}");
    assert!(
        reproduce.contains(r#"--data '{"first_name":"Ada","is_staff":true}'"#),
        "{reproduce}"
    );

    // PUT and POST too.
    for method in ["PUT", "POST"] {
        let exchange = prober
            .send(planned(method, &url, Some(json!({"n": 1}))))
            .await;
        assert_eq!(status(&exchange), 200, "{method}");
    }
    let methods: Vec<String> = server.seen().into_iter().map(|s| s.method).collect();
    assert_eq!(methods, ["PATCH", "PUT", "POST"]);
}

#[tokio::test]
async fn a_url_outside_the_origin_and_scope_is_refused() {
    let target = Server::start().await;
    let other = Server::start().await;
    let (_dir, prober) = new_prober(settings(&target, true));
    for method in ["GET", "PATCH"] {
        let exchange = prober
            .send(planned(
                method,
                &other.url("/api/users/1/"),
                Some(json!({})),
            ))
            .await;
        let message = refused(&exchange);
        assert!(
            message.contains("outside the target's origin and the --scope; not sent"),
            "{message}"
        );
        assert!(
            message.contains(other.url.as_str()),
            "names the URL: {message}"
        );
    }
    // Same host and port, other scheme: another origin.
    let mut https = target.url("/api/");
    https.set_scheme("https").unwrap();
    refused(&prober.send(planned("GET", &https, None)).await);
    // Another host name for the same address: another origin.
    let mut localhost = target.url("/api/");
    localhost.set_host(Some("localhost")).unwrap();
    refused(&prober.send(planned("GET", &localhost, None)).await);
    assert_eq!(other.connections(), 0);
    assert_eq!(target.connections(), 0);

    // Put in scope, the other origin is reachable.
    let mut scoped = settings(&target, false);
    scoped.scope = vec![other.url.clone()];
    let (_dir, scoped) = new_prober(scoped);
    let exchange = scoped
        .send(planned("GET", &other.url("/api/users/1/"), None))
        .await;
    assert_eq!(status(&exchange), 200);
    assert_eq!(other.seen().len(), 1);
    // Scope does not lift the other gates.
    let exchange = scoped
        .send(planned("DELETE", &other.url("/api/users/1/"), None))
        .await;
    assert!(refused(&exchange).contains("never sends DELETE"));
    assert_eq!(other.seen().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Forged identity headers

/// A client certificate for `partner-b` (`CN=partner-b, O=<organisation>`) from a CA
/// `CN=Partner CA, O=Example PKI`, loaded as overshare loads identities.
fn victim(dir: &Path, organisation: &str) -> ClientCert {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::default();
    ca.distinguished_name = DistinguishedName::new();
    ca.distinguished_name.push(DnType::CommonName, "Partner CA");
    ca.distinguished_name
        .push(DnType::OrganizationName, "Example PKI");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::default();
    leaf.distinguished_name = DistinguishedName::new();
    leaf.distinguished_name
        .push(DnType::CommonName, "partner-b");
    leaf.distinguished_name
        .push(DnType::OrganizationName, organisation);
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let cert = leaf.signed_by(&key, &issuer).unwrap();
    let (cert_path, key_path) = (dir.join("b.pem"), dir.join("b.key"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    let source = CertSource::Pem {
        cert: cert_path,
        key: key_path,
    };
    ClientCert::load("partner-b", &source, &|_| None).expect("the victim's certificate loads")
}

/// The DER inside a PEM text.
fn pem_der(pem: &str) -> Vec<u8> {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

fn family<'f>(
    families: &'f [forged_headers::HeaderFamily],
    name: &str,
) -> &'f forged_headers::HeaderFamily {
    families
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no family `{name}`"))
}

fn value<'f>(family: &'f forged_headers::HeaderFamily, header: &str) -> &'f str {
    family
        .headers
        .iter()
        .find(|(n, _)| n == header)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no header `{header}` in {}", family.name))
}

#[test]
fn every_family_is_filled_in_from_the_victims_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let cert = victim(dir.path(), "Globex Retail");
    let der = cert.chain_der()[0].to_vec();
    let families = forged_headers::families(&cert);
    let names: Vec<&str> = families.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        [
            "nginx",
            "apache-env",
            "x-client",
            "envoy-xfcc",
            "aws-alb",
            "azure-arr",
            "traefik"
        ]
    );

    let dn = "O=Globex Retail,CN=partner-b";
    let issuer = "O=Example PKI,CN=Partner CA";
    let serial = cert.serial().replace(':', "").to_ascii_uppercase();
    assert!(
        !serial.is_empty() && serial.chars().all(|c| c.is_ascii_hexdigit()),
        "{serial}"
    );
    let b64 = base64::engine::general_purpose::STANDARD.encode(&der);

    let nginx = family(&families, "nginx");
    let header_names: Vec<&str> = nginx.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        header_names,
        [
            "X-SSL-Client-Verify",
            "X-SSL-Client-S-DN",
            "X-SSL-Client-S-DN-CN",
            "X-SSL-Client-DN",
            "X-SSL-Client-CN",
            "X-SSL-Client-Subject",
            "X-SSL-Client-I-DN",
            "X-SSL-Client-Serial",
            "X-SSL-Client-Cert",
        ]
    );
    assert_eq!(value(nginx, "X-SSL-Client-Verify"), "SUCCESS");
    assert_eq!(value(nginx, "X-SSL-Client-S-DN"), dn);
    assert_eq!(value(nginx, "X-SSL-Client-DN"), dn);
    assert_eq!(value(nginx, "X-SSL-Client-Subject"), dn);
    assert_eq!(value(nginx, "X-SSL-Client-S-DN-CN"), "partner-b");
    assert_eq!(value(nginx, "X-SSL-Client-CN"), "partner-b");
    assert_eq!(value(nginx, "X-SSL-Client-I-DN"), issuer);
    assert_eq!(value(nginx, "X-SSL-Client-Serial"), serial);

    // The certificate as nginx's $ssl_client_escaped_cert: URL-escaped PEM on one line.
    let escaped = value(nginx, "X-SSL-Client-Cert");
    assert!(
        escaped.starts_with("-----BEGIN%20CERTIFICATE-----%0A"),
        "{escaped}"
    );
    assert!(
        escaped.ends_with("-----END%20CERTIFICATE-----%0A"),
        "{escaped}"
    );
    assert!(
        !escaped.contains(['\n', '\r', ' ', '+', '/', '=']),
        "{escaped}"
    );
    let pem = percent_encoding::percent_decode_str(escaped)
        .decode_utf8()
        .expect("percent-encoded UTF-8")
        .into_owned();
    assert!(pem.lines().all(|l| l.len() <= 64), "PEM lines of 64: {pem}");
    assert_eq!(pem_der(&pem), der, "the victim's own certificate");

    let apache = family(&families, "apache-env");
    assert_eq!(value(apache, "SSL_CLIENT_VERIFY"), "SUCCESS");
    assert_eq!(value(apache, "SSL_CLIENT_S_DN"), dn);
    assert_eq!(value(apache, "SSL_CLIENT_S_DN_CN"), "partner-b");
    assert_eq!(value(apache, "SSL_CLIENT_I_DN"), issuer);
    assert_eq!(value(apache, "SSL_CLIENT_CERT"), escaped);

    let x_client = family(&families, "x-client");
    assert_eq!(value(x_client, "X-Client-Verify"), "SUCCESS");
    assert_eq!(value(x_client, "X-Client-DN"), dn);
    assert_eq!(value(x_client, "X-Client-CN"), "partner-b");
    assert_eq!(value(x_client, "X-Client-Subject"), dn);
    assert_eq!(value(x_client, "X-Client-Cert"), escaped);

    let envoy = family(&families, "envoy-xfcc");
    assert_eq!(envoy.headers.len(), 1);
    let hash = hex::encode(Sha256::digest(&der));
    assert_eq!(
        value(envoy, "X-Forwarded-Client-Cert"),
        format!("Hash={hash};Cert=\"{escaped}\";Subject=\"{dn}\"")
    );

    let alb = family(&families, "aws-alb");
    assert_eq!(value(alb, "X-Amzn-Mtls-Clientcert"), escaped);
    assert_eq!(value(alb, "X-Amzn-Mtls-Clientcert-Subject"), dn);
    assert_eq!(value(alb, "X-Amzn-Mtls-Clientcert-Issuer"), issuer);
    assert_eq!(value(alb, "X-Amzn-Mtls-Clientcert-Serial-Number"), serial);

    let azure = family(&families, "azure-arr");
    assert_eq!(
        azure.headers,
        [("X-ARR-ClientCert".to_string(), b64.clone())]
    );

    let traefik = family(&families, "traefik");
    assert_eq!(value(traefik, "X-Forwarded-Tls-Client-Cert"), b64);
    assert_eq!(
        value(traefik, "X-Forwarded-Tls-Client-Cert-Info"),
        format!("Subject=\"{dn}\"")
    );

    // Every one can go on the wire as is, and all of them at once keep the family order.
    for family in &families {
        for (name, value) in &family.headers {
            http::HeaderName::from_bytes(name.as_bytes())
                .unwrap_or_else(|e| panic!("{}: `{name}`: {e}", family.name));
            http::HeaderValue::from_str(value)
                .unwrap_or_else(|e| panic!("{}: `{name}`: {e}", family.name));
        }
    }
    let all = forged_headers::all_headers(&families);
    let expected: Vec<(String, String)> = families.iter().flat_map(|f| f.headers.clone()).collect();
    assert_eq!(all, expected);
    assert_eq!(all.len(), 9 + 5 + 5 + 1 + 4 + 1 + 2);
}

/// nginx writes `$ssl_client_s_dn` in RFC 2253 form, where a comma inside a value is escaped
/// (`O=Globex\, Inc.`). Reversing the RDNs by splitting the subject at every ", " cut such a
/// value in two and produced a DN no terminator would ever send.
#[test]
fn rfc2253_dn_keeps_a_comma_inside_a_value() {
    let dir = tempfile::tempdir().unwrap();
    let cert = victim(dir.path(), "Globex, Inc.");
    let families = forged_headers::families(&cert);
    let nginx = family(&families, "nginx");
    assert_eq!(
        value(nginx, "X-SSL-Client-S-DN"),
        r"O=Globex\, Inc.,CN=partner-b"
    );
    assert_eq!(value(nginx, "X-SSL-Client-S-DN-CN"), "partner-b");
    assert_eq!(
        value(family(&families, "envoy-xfcc"), "X-Forwarded-Client-Cert")
            .rsplit_once(";Subject=")
            .unwrap()
            .1,
        r#""O=Globex\, Inc.,CN=partner-b""#
    );

    // Every character RFC 2253 escapes, and an `=` that needs none.
    let cert = victim(dir.path(), r#"R+D "Labs" <EU>; a=b\c"#);
    let families = forged_headers::families(&cert);
    assert_eq!(
        value(family(&families, "nginx"), "X-SSL-Client-S-DN"),
        r#"O=R\+D \"Labs\" \<EU\>\; a=b\\c,CN=partner-b"#
    );
}

// ---------------------------------------------------------------------------------------------
// What --active says it will do

const WRITES: &str = r##"
openapi: 3.1.0
info: {title: writes, version: "1"}
paths:
  /users/{id}/:
    get:
      responses: {"200": {description: a user}}
    patch:
      responses: {"200": {description: updated}}
    put:
      responses: {"200": {description: replaced}}
    delete:
      responses: {"204": {description: gone}}
  /orders/:
    get:
      responses: {"200": {description: orders}}
    post:
      responses: {"201": {description: created}}
  /notes/{id}/:
    get:
      responses: {"200": {description: a note}}
    put:
      responses: {"200": {description: replaced}}
  /orphans/{id}/:
    patch:
      responses: {"200": {description: updated, but nothing reads it back}}
"##;

#[test]
fn the_active_preview_lists_every_write_and_why_some_are_not_sent() {
    let contract = load_str(WRITES, "writes.yaml", None).expect("spec loads");
    let lines = active::preview(&contract);
    let line = |prefix: &str| -> &str {
        lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line for `{prefix}` in {lines:#?}"))
    };
    assert_eq!(
        lines.len(),
        6,
        "one line per write operation, none per GET: {lines:#?}"
    );
    assert!(lines.iter().all(|l| !l.starts_with("GET ")), "{lines:#?}");

    let probed = ": one extra property per request (privileged, owner and read-only fields), \
                  read back with GET, original value written back";
    assert_eq!(
        line("PATCH /users/{id}/"),
        format!("PATCH /users/{{id}}/{probed}")
    );
    assert_eq!(
        line("PUT /notes/{id}/"),
        format!("PUT /notes/{{id}}/{probed}")
    );
    assert_eq!(
        line("PUT /users/{id}/"),
        "PUT /users/{id}/: not sent (the PATCH on the same path is probed instead)"
    );
    assert_eq!(
        line("DELETE /users/{id}/"),
        "DELETE /users/{id}/: not sent (overshare never sends DELETE)"
    );
    assert_eq!(
        line("POST /orders/"),
        "POST /orders/: not sent (a POST creates an object that only a DELETE could remove, \
         and overshare never sends DELETE)"
    );
    assert_eq!(
        line("PATCH /orphans/{id}/"),
        "PATCH /orphans/{id}/: not sent (no GET /orphans/{id}/ to read the object back)"
    );
}

#[test]
fn the_active_preview_of_a_read_only_api_is_empty() {
    let spec = r##"
openapi: 3.1.0
info: {title: read only, version: "1"}
paths:
  /users/:
    get:
      responses: {"200": {description: users}}
"##;
    let contract = load_str(spec, "ro.yaml", None).expect("spec loads");
    assert!(active::preview(&contract).is_empty());
}
