//! What a test reads off a running target: nginx's access log (parsed into requests), the
//! database through `manage.py shell`, and the CA key that issues certificates nginx trusts.
//! Each test drives the real target over real mutual TLS with a small rustls client.

use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use overshare_target::{AccessLine, DjangoTarget, Listener, TargetError};
use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use serde_json::{Value, json};

/// A TLS client trusting the target's CA, presenting `(certificate, key)` if given.
fn client(ca: &Path, identity: Option<(PathBuf, PathBuf)>) -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(ca).unwrap())
        .unwrap();
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let config = match identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from_pem_file(cert).unwrap()],
                PrivateKeyDer::from_pem_file(key).unwrap(),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    Arc::new(config)
}

/// One HTTP/1.1 request (`Connection: close`); the status and the JSON body (`Null` if none).
fn call(
    target: &DjangoTarget,
    listener: Listener,
    config: &Arc<ClientConfig>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = target.url(listener);
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let name = ServerName::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST).into());
    let tls = ClientConnection::new(Arc::clone(config), name).unwrap();
    let mut stream = StreamOwned::new(tls, tcp);
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    match stream.read_to_end(&mut raw) {
        Ok(_) => {}
        // A peer that closes without close_notify: everything it sent is in `raw`.
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => {}
        Err(e) => panic!("{method} {path}: {e}"),
    }
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP response");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let json = serde_json::from_str(body).unwrap_or(Value::Null);
    (status, json)
}

fn start() -> DjangoTarget {
    DjangoTarget::start().unwrap_or_else(|e| panic!("{e}"))
}

/// What a test compares of a request: (listener, method, path, status, verify, dn).
type Seen<'a> = (Option<Listener>, &'a str, &'a str, u16, &'a str, &'a str);

fn summary(requests: &[AccessLine]) -> Vec<Seen<'_>> {
    requests
        .iter()
        .map(|r| {
            (
                r.listener,
                r.method.as_str(),
                r.path.as_str(),
                r.status,
                r.verify.as_str(),
                r.dn.as_str(),
            )
        })
        .collect()
}

/// The property names `design-first.yaml` declares for a component schema, read with the
/// target's own Python (PyYAML comes with drf-spectacular).
fn declared(target: &DjangoTarget, schema: &str) -> Vec<String> {
    let code = format!(
        "import json, yaml\n\
         spec = yaml.safe_load(open({:?}))\n\
         print(json.dumps(list(spec['components']['schemas'][{schema:?}]['properties'])))",
        target.design_first_spec().display().to_string()
    );
    serde_json::from_str(&target.django_shell(&code).unwrap()).unwrap()
}

const PARTNER_A: &str = "O=Acme Logistics,CN=partner-a";
const PARTNER_B: &str = "O=Globex Retail,CN=partner-b";

#[test]
fn the_access_log_and_the_database_show_a_mass_assignment_and_its_undoing() {
    let target = start();
    let a = client(target.ca_pem(), Some(target.identity("partner-a")));
    let b = client(target.ca_pem(), Some(target.identity("partner-b")));

    // Only the harness has talked to nginx so far, and its probes are not requests.
    assert_eq!(target.requests(), Vec::new());
    let log = target.access_log();
    assert!(
        log.contains("\"GET /.overshare-target/ready HTTP/1.0\" 400"),
        "{log}"
    );
    assert!(
        log.contains("\"GET /.overshare-target/sync/1 HTTP/1.0\" 400"),
        "{log}"
    );

    assert!(!target.is_staff("bob.keller"));
    let (status, members) = call(&target, Listener::Strict, &a, "GET", "/api/members/", None);
    assert_eq!(status, 200);
    let ids: Vec<&Value> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["id"])
        .collect();
    assert_eq!(ids, [3, 4]);
    assert_eq!(members[0]["username"], "bob.keller");
    // The design-first `Member` (request and response) does not declare `is_staff`: setting it
    // is mass assignment, and its coming back is undeclared.
    let member = declared(&target, "Member");
    assert_eq!(
        member,
        ["id", "username", "first_name", "last_name", "password"]
    );
    assert_eq!(members[0]["is_staff"], false);

    let patch = |config: &Arc<ClientConfig>, staff: bool| {
        call(
            &target,
            Listener::Strict,
            config,
            "PATCH",
            "/api/members/3/",
            Some(json!({ "is_staff": staff })),
        )
    };
    let (status, member) = patch(&a, true);
    assert_eq!(status, 200, "{member}");
    assert_eq!(member["is_staff"], true);
    assert!(
        target.is_staff("bob.keller"),
        "the PATCH reached the database"
    );
    // Another partner's member is out of reach: 404, nothing changes.
    assert_eq!(patch(&b, false).0, 404);
    assert!(target.is_staff("bob.keller"));
    assert_eq!(patch(&a, false).0, 200);
    assert!(!target.is_staff("bob.keller"), "restored");

    // Every request is in the log the moment its response is in: no waiting in the test.
    let strict = Some(Listener::Strict);
    let requests = target.requests();
    assert_eq!(
        summary(&requests),
        [
            (strict, "GET", "/api/members/", 200, "SUCCESS", PARTNER_A),
            (
                strict,
                "PATCH",
                "/api/members/3/",
                200,
                "SUCCESS",
                PARTNER_A
            ),
            (
                strict,
                "PATCH",
                "/api/members/3/",
                404,
                "SUCCESS",
                PARTNER_B
            ),
            (
                strict,
                "PATCH",
                "/api/members/3/",
                200,
                "SUCCESS",
                PARTNER_A
            ),
        ]
    );
    let strict_port: u16 = target
        .strict_url()
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(requests.iter().all(|r| r.port == strict_port));
    let writes: Vec<&str> = requests
        .iter()
        .filter(|r| !r.is_safe())
        .map(|r| r.method.as_str())
        .collect();
    assert_eq!(writes, ["PATCH"; 3]);

    // The same `--active`-less check a scan test makes: a GET only adds a safe request.
    call(&target, Listener::Lax, &a, "GET", "/api/tickets/", None);
    let after = target.requests();
    assert_eq!(after.len(), 5);
    assert_eq!(after[..4], requests[..]);
    assert_eq!(after[4].listener, Some(Listener::Lax));
    assert!(after[4].is_safe());
}

#[test]
fn django_shell_reads_the_runs_database_and_reports_failures() {
    let target = start();
    let tickets = "print(list(SupportTicket.objects.filter(tenant__client_cn='partner-b')\
                   .values_list('id', flat=True)))";
    assert_eq!(target.django_shell(tickets).unwrap(), "[3, 4]\n");
    let staff =
        "print(sorted(User.objects.filter(is_staff=True).values_list('username', flat=True)))";
    assert_eq!(
        target.django_shell(staff).unwrap().trim(),
        "['alice.martin', 'frank.berg', 'ops.root']"
    );
    let error = target
        .django_shell("raise ValueError('no such thing')")
        .expect_err("an exception fails the shell");
    assert!(matches!(error, TargetError::Command { .. }), "{error}");
    assert!(
        error.to_string().contains("ValueError: no such thing"),
        "{error}"
    );

    let unknown = std::panic::catch_unwind(|| target.is_staff("nobody"))
        .expect_err("no such user")
        .downcast::<String>()
        .unwrap();
    assert!(unknown.contains("DoesNotExist"), "{unknown}");
}

/// A client certificate for `cn`, issued here with the target's CA certificate and key.
fn issue(target: &DjangoTarget, dir: &Path, cn: &str) -> (PathBuf, PathBuf) {
    let ca_cert = std::fs::read_to_string(target.ca_pem()).unwrap();
    let ca_key = KeyPair::from_pem(&std::fs::read_to_string(target.ca_key_pem()).unwrap()).unwrap();
    let issuer = Issuer::from_ca_cert_pem(&ca_cert, ca_key).unwrap();
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    dn.push(DnType::OrganizationName, "Issued By The Test");
    params.distinguished_name = dn;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.use_authority_key_identifier_extension = true;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::hours(1);
    params.not_after = now + time::Duration::hours(1);
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    let (cert_path, key_path) = (dir.join(format!("{cn}.pem")), dir.join(format!("{cn}.key")));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    (cert_path, key_path)
}

#[test]
fn the_ca_key_issues_certificates_nginx_accepts_and_tickets_are_unfiltered() {
    use std::os::unix::fs::PermissionsExt;
    let target = start();
    let key = target.ca_key_pem();
    assert_eq!(key, target.dir().join("pki/ca.key.pem"));
    assert_eq!(
        std::fs::metadata(key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        std::fs::read_to_string(key)
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----\n")
    );

    let scratch = tempfile::tempdir().unwrap();
    let own = client(
        target.ca_pem(),
        Some(issue(&target, scratch.path(), "partner-b")),
    );
    // The unfiltered collection: partner-b lists every partner's tickets…
    let (status, tickets) = call(
        &target,
        Listener::Strict,
        &own,
        "GET",
        "/api/tickets/",
        None,
    );
    assert_eq!(status, 200, "{tickets}");
    let owners: Vec<(u64, u64)> = tickets
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_u64().unwrap(), t["tenant"].as_u64().unwrap()))
        .collect();
    assert_eq!(owners, [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3)]);
    let keys: Vec<&str> = tickets[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "tenant",
            "subject",
            "status",
            "contact_email",
            "created_at"
        ]
    );
    // Every property is declared: only a comparison across identities can find this.
    assert_eq!(declared(&target, "SupportTicket"), keys);
    // …and reads partner-a's by id.
    let (status, ticket) = call(
        &target,
        Listener::Strict,
        &own,
        "GET",
        "/api/tickets/1/",
        None,
    );
    assert_eq!((status, &ticket["tenant"]), (200, &json!(1)));

    // Without a certificate the strict listener refuses (nginx's own 400), and says so.
    let anonymous = client(target.ca_pem(), None);
    assert_eq!(
        call(
            &target,
            Listener::Strict,
            &anonymous,
            "GET",
            "/api/tickets/",
            None
        )
        .0,
        400
    );
    let strict = Some(Listener::Strict);
    let issued = "O=Issued By The Test,CN=partner-b";
    assert_eq!(
        summary(&target.requests()),
        [
            (strict, "GET", "/api/tickets/", 200, "SUCCESS", issued),
            (strict, "GET", "/api/tickets/1/", 200, "SUCCESS", issued),
            (strict, "GET", "/api/tickets/", 400, "NONE", ""),
        ]
    );
}
