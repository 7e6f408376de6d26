//! The HTTP side: one reqwest client per identity, each with its own rustls configuration,
//! all sharing one rate limiter, and every response read within [`BodyLimits`].
//!
//! Scope rules live here because they must hold for every request: a redirect is followed only
//! within the target's origin (the client certificate and identity headers must never be handed
//! to another host), proxies from the environment are ignored (a scanner that quietly sends
//! client certificates through `HTTPS_PROXY` is a leak), and no request leaves without passing
//! the origin check.

use crate::body::{BodyLimits, decode, parse_json};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use overshare_exchange::{
    Exchange, Failure, FailureKind, PlannedOperation, Purpose, Request, Response,
};
use overshare_identity::{ClientCert, TrustAnchors, client_config, diagnose};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use url::Url;

/// Who sends a request: a client certificate, extra headers (bearer tokens, API keys), or both.
#[derive(Debug)]
pub struct ScanIdentity {
    pub name: String,
    pub cert: Option<ClientCert>,
    /// Sent with every request of this identity. Values are secrets: shown redacted only.
    pub headers: Vec<(String, String)>,
}

/// How the probe behaves; every limit has a bound.
#[derive(Debug, Clone)]
pub struct ProbeSettings {
    /// The target's base URL (scheme, host, port and optional path prefix).
    pub base_url: Url,
    pub limits: BodyLimits,
    /// Whole request, connect to last body byte.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Requests in flight at once, across identities.
    pub concurrency: usize,
    /// Requests per second, across identities; `None` for unlimited.
    pub rate: Option<NonZeroU32>,
    pub max_redirects: usize,
    /// Other origins the user put in scope (`--scope`): redirects to them are followed with
    /// the identity, and planned requests may go there. Everything else is out of bounds.
    pub scope: Vec<Url>,
    /// `--active`: PATCH, PUT and POST may be sent. DELETE never is, whatever this says.
    pub allow_writes: bool,
}

impl ProbeSettings {
    /// The target's origin or one the user added to the scope.
    pub fn in_scope(&self, url: &Url) -> bool {
        same_origin(&self.base_url, url) || self.scope.iter().any(|s| same_origin(s, url))
    }

    pub fn new(base_url: Url) -> ProbeSettings {
        ProbeSettings {
            base_url,
            limits: BodyLimits::default(),
            timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
            concurrency: 8,
            rate: None,
            max_redirects: 5,
            scope: Vec::new(),
            allow_writes: false,
        }
    }
}

/// Errors building the probe (before any request).
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("cannot build the HTTP client for identity `{identity}`: {message}")]
    Client { identity: String, message: String },
    #[error("the target URL `{0}` must use http or https")]
    Scheme(String),
}

struct Agent {
    identity: ScanIdentity,
    client: reqwest::Client,
}

/// Sends requests for a set of identities, within the settings' limits.
pub struct Prober {
    settings: ProbeSettings,
    agents: Vec<Agent>,
    /// Identities overshare made itself (forged certificates): never preflighted or planned,
    /// only used by the mTLS edge checks.
    synthetic: Vec<Agent>,
    anonymous: reqwest::Client,
    limiter: Option<DefaultDirectRateLimiter>,
    trust: TrustAnchors,
    trust_file: Option<PathBuf>,
    seq: AtomicUsize,
}

/// Who sends a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sender {
    /// One of the user's identities (index into the prober's identities).
    Identity(usize),
    /// No certificate, no identity headers.
    Anonymous,
    /// A certificate overshare made (index from [`Prober::add_synthetic`]).
    Synthetic(usize),
}

/// Where a request goes and what it is for.
#[derive(Debug, Clone)]
pub struct Planned {
    pub operation: PlannedOperation,
    pub sender: Sender,
    pub method: String,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    /// A JSON body (writes only).
    pub json_body: Option<Vec<u8>>,
    pub purpose: Purpose,
}

impl Planned {
    /// A GET of `url` for `operation`, as a baseline request.
    pub fn get(operation: PlannedOperation, sender: Sender, url: Url) -> Planned {
        Planned {
            operation,
            sender,
            method: "GET".into(),
            url,
            headers: Vec::new(),
            json_body: None,
            purpose: Purpose::Baseline,
        }
    }
}

impl Prober {
    pub fn new(
        settings: ProbeSettings,
        trust: &TrustAnchors,
        identities: Vec<ScanIdentity>,
    ) -> Result<Prober, ProbeError> {
        if !matches!(settings.base_url.scheme(), "http" | "https") {
            return Err(ProbeError::Scheme(settings.base_url.to_string()));
        }
        let agents = identities
            .into_iter()
            .map(|identity| {
                let client =
                    build_client(&settings, trust, identity.cert.as_ref()).map_err(|message| {
                        ProbeError::Client {
                            identity: identity.name.clone(),
                            message,
                        }
                    })?;
                Ok(Agent { identity, client })
            })
            .collect::<Result<Vec<_>, ProbeError>>()?;
        let anonymous =
            build_client(&settings, trust, None).map_err(|message| ProbeError::Client {
                identity: "(anonymous)".to_string(),
                message,
            })?;
        let limiter = settings
            .rate
            .map(|rate| RateLimiter::direct(Quota::per_second(rate)));
        Ok(Prober {
            trust_file: trust.path().map(PathBuf::from),
            trust: trust.clone(),
            settings,
            agents,
            synthetic: Vec::new(),
            anonymous,
            limiter,
            seq: AtomicUsize::new(0),
        })
    }

    pub fn settings(&self) -> &ProbeSettings {
        &self.settings
    }

    pub fn identities(&self) -> impl Iterator<Item = &ScanIdentity> {
        self.agents.iter().map(|a| &a.identity)
    }

    pub fn identity(&self, index: usize) -> &ScanIdentity {
        &self.agents[index].identity
    }

    /// Add an identity overshare made (a forged certificate); returns its [`Sender`].
    pub fn add_synthetic(&mut self, identity: ScanIdentity) -> Result<Sender, ProbeError> {
        let client = build_client(&self.settings, &self.trust, identity.cert.as_ref()).map_err(
            |message| ProbeError::Client {
                identity: identity.name.clone(),
                message,
            },
        )?;
        self.synthetic.push(Agent { identity, client });
        Ok(Sender::Synthetic(self.synthetic.len() - 1))
    }

    /// The identity behind a sender, if any.
    pub fn sender_identity(&self, sender: Sender) -> Option<&ScanIdentity> {
        match sender {
            Sender::Identity(index) => Some(&self.agents[index].identity),
            Sender::Synthetic(index) => Some(&self.synthetic[index].identity),
            Sender::Anonymous => None,
        }
    }

    /// A bare handshake check for one identity (see [`crate::handshake`]).
    pub async fn check_handshake(&self, index: usize) -> Result<(), Failure> {
        let cert = self.agents[index].identity.cert.as_ref();
        let timeout = self.settings.connect_timeout + self.settings.timeout;
        crate::handshake::check(&self.settings.base_url, &self.trust, cert, timeout).await
    }

    /// A bare handshake check for any sender: the precise reason a server refuses a missing or
    /// forged certificate (TLS 1.3 reports it after the handshake, where hyper loses it).
    pub async fn check_sender_handshake(&self, sender: Sender) -> Result<(), Failure> {
        let cert = self.sender_identity(sender).and_then(|i| i.cert.as_ref());
        let timeout = self.settings.connect_timeout + self.settings.timeout;
        crate::handshake::check(&self.settings.base_url, &self.trust, cert, timeout).await
    }

    /// Requests sent so far.
    pub fn requests_sent(&self) -> usize {
        self.seq.load(Ordering::Relaxed)
    }

    /// Send one planned request and record the exchange. Never panics, never hangs past the
    /// timeout; every failure becomes a [`Failure`] that says what went wrong.
    pub async fn send(&self, planned: Planned) -> Exchange {
        // Numbered in planned order, before any rate-limit wait, so that ordering by `seq` is
        // stable from run to run.
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        if let Some(limiter) = &self.limiter {
            limiter.until_ready().await;
        }
        let (client, identity) = match planned.sender {
            Sender::Identity(index) => (
                &self.agents[index].client,
                Some(&self.agents[index].identity),
            ),
            Sender::Synthetic(index) => (
                &self.synthetic[index].client,
                Some(&self.synthetic[index].identity),
            ),
            Sender::Anonymous => (&self.anonymous, None),
        };
        let mut headers = planned.headers.clone();
        if let Some(identity) = identity {
            headers.extend(identity.headers.iter().cloned());
        }
        if planned.json_body.is_some() {
            headers.push(("content-type".into(), "application/json".into()));
        }
        let request = Request {
            method: planned.method.clone(),
            url: planned.url.to_string(),
            headers,
            body: planned.json_body.clone(),
        };
        let reproduce = Some(self.reproduce(&request, identity));
        let started = Instant::now();
        let outcome = match self.refusal(&planned) {
            Some(failure) => Err(failure),
            None => {
                self.execute(
                    client,
                    &request,
                    identity.and_then(|i| i.cert.as_ref()).is_some(),
                )
                .await
            }
        };
        Exchange {
            seq,
            identity: identity.map(|i| i.name.clone()),
            operation: planned.operation,
            request,
            outcome,
            elapsed: started.elapsed(),
            reproduce,
            purpose: planned.purpose,
        }
    }

    /// Why a planned request must not leave at all: outside the scope, a write without
    /// `--active`, or a DELETE (never sent). Checked here, at the last gate, so that no phase
    /// of the scan can get it wrong.
    fn refusal(&self, planned: &Planned) -> Option<Failure> {
        let refuse = |message: String| {
            Some(Failure {
                kind: FailureKind::OffOrigin,
                message,
            })
        };
        if !self.settings.in_scope(&planned.url) {
            return refuse(format!(
                "{} is outside the target's origin and the --scope; not sent",
                planned.url
            ));
        }
        let method = planned.method.to_ascii_uppercase();
        if method == "DELETE" {
            return refuse("overshare never sends DELETE; not sent".into());
        }
        if !crate::plan::is_safe_method(&method) && !self.settings.allow_writes {
            return refuse(format!("{method} needs --active; not sent"));
        }
        None
    }

    async fn execute(
        &self,
        client: &reqwest::Client,
        request: &Request,
        presented_cert: bool,
    ) -> Result<Response, Failure> {
        let method =
            reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| Failure {
                kind: FailureKind::Other,
                message: format!("invalid method `{}`", request.method),
            })?;
        let send = || {
            let mut builder = client
                .request(method.clone(), &request.url)
                .header("accept", "application/json, */*;q=0.1")
                .header("accept-encoding", "gzip, deflate, br");
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            if let Some(body) = &request.body {
                builder = builder.body(body.clone());
            }
            builder.send()
        };
        let idempotent = matches!(request.method.as_str(), "GET" | "HEAD" | "OPTIONS" | "PUT");
        let response = match send().await {
            // A pooled keep-alive connection the server had already closed fails at once.
            // Retried only for idempotent methods, where one fresh try is safe and honest.
            Err(err) if idempotent && is_stale_connection(&err) => send().await,
            other => other,
        }
        .map_err(|err| classify(&err, presented_cert))?;
        read_response(response, &self.settings.limits).await
    }

    /// Fetch a document the user pointed at (a spec served by the API), as the primary
    /// identity and within the body limits. The URL is the user's own choice, so it is in scope
    /// even when its origin differs from the target's.
    pub async fn fetch_document(&self, url: &Url) -> Result<String, String> {
        let (client, presented) = match self.agents.first() {
            Some(agent) => (&agent.client, agent.identity.cert.is_some()),
            None => (&self.anonymous, false),
        };
        let mut builder = client
            .get(url.as_str())
            .header(
                "accept",
                "application/vnd.oai.openapi+json, application/json, application/yaml, */*;q=0.1",
            )
            .header("accept-encoding", "gzip, deflate, br");
        if let Some(agent) = self.agents.first() {
            for (name, value) in &agent.identity.headers {
                builder = builder.header(name, value);
            }
        }
        let response = builder
            .send()
            .await
            .map_err(|err| classify(&err, presented).message)?;
        let response = read_response(response, &self.settings.limits)
            .await
            .map_err(|failure| failure.message)?;
        if !(200..300).contains(&response.status) {
            return Err(format!("the server answered HTTP {}", response.status));
        }
        if response.truncated {
            return Err("the spec is larger than --max-body / --max-decoded".to_string());
        }
        String::from_utf8(response.body).map_err(|_| "the spec is not UTF-8 text".to_string())
    }

    /// A curl command that reproduces the request without embedding a secret: certificate and
    /// key by file path, secret headers redacted.
    fn reproduce(&self, request: &Request, identity: Option<&ScanIdentity>) -> String {
        let mut parts = vec!["curl -sS".to_string()];
        if request.method != "GET" {
            parts.push(format!("-X {}", request.method));
        }
        if let Some(ca) = &self.trust_file {
            parts.push(format!(
                "--cacert {}",
                shell_quote(&ca.display().to_string())
            ));
        }
        if let Some(cert) = identity.and_then(|i| i.cert.as_ref()) {
            parts.push(cert.curl_args());
        }
        for (name, value) in &request.headers {
            let shown = overshare_finding::redact::redact_header(name, value);
            parts.push(format!("-H {}", shell_quote(&format!("{name}: {shown}"))));
        }
        if let Some(body) = &request.body {
            // Write bodies are overshare's own probe values, never a secret of the target.
            parts.push(format!(
                "--data {}",
                shell_quote(&String::from_utf8_lossy(body))
            ));
        }
        parts.push(shell_quote(&request.url));
        parts.join(" ")
    }
}

/// Build one client. Redirects stay within the origin of the URL being redirected from (the
/// probe never sends to another origin to begin with); environment proxies are ignored.
fn build_client(
    settings: &ProbeSettings,
    trust: &TrustAnchors,
    cert: Option<&ClientCert>,
) -> Result<reqwest::Client, String> {
    let max_redirects = settings.max_redirects;
    let scope = settings.clone();
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        // Stay within the origin redirected from, or go to one the user put in scope.
        let leaves_scope = attempt.previous().first().is_some_and(|first| {
            !same_origin(first, attempt.url()) && !scope.in_scope(attempt.url())
        });
        if leaves_scope || attempt.previous().len() > max_redirects {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    reqwest::Client::builder()
        .tls_backend_preconfigured(client_config(trust, cert))
        .redirect(policy)
        .no_proxy()
        .timeout(settings.timeout)
        .connect_timeout(settings.connect_timeout)
        .user_agent(concat!("overshare/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|err| error_chain(&err))
}

/// Scheme, host and port equal (RFC 6454 origin).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

async fn read_response(
    mut response: reqwest::Response,
    limits: &BodyLimits,
) -> Result<Response, Failure> {
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut raw = Vec::new();
    let mut wire_truncated = false;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limits.max_wire_bytes.saturating_sub(raw.len());
                raw.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if chunk.len() > room {
                    wire_truncated = true;
                    break;
                }
            }
            Ok(None) => break,
            Err(err) if err.is_timeout() => {
                return Err(Failure {
                    kind: FailureKind::Timeout,
                    message: "the response body did not arrive within the request timeout".into(),
                });
            }
            Err(err) => {
                return Err(Failure {
                    kind: FailureKind::Other,
                    message: format!("reading the body failed: {}", error_chain(&err)),
                });
            }
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let decoded = decode(
        raw,
        header("content-encoding"),
        wire_truncated,
        limits.max_decoded_bytes,
    );
    let (json, json_error) = parse_json(
        &decoded.body,
        header("content-type"),
        decoded.truncated,
        limits.max_json_depth,
    );
    Ok(Response {
        status,
        headers,
        body: decoded.body,
        truncated: decoded.truncated,
        json,
        json_error: decoded.error.or(json_error),
    })
}

/// The request died on a reused connection before any response: reset, closed or broken pipe.
fn is_stale_connection(err: &reqwest::Error) -> bool {
    if err.is_timeout() || err.is_connect() || diagnose(err, false).is_some() {
        return false;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::UnexpectedEof
            );
        }
        if let Some(hyper) = current.downcast_ref::<hyper::Error>()
            && (hyper.is_incomplete_message() || hyper.is_canceled() || hyper.is_closed())
        {
            return true;
        }
        source = current.source();
    }
    false
}

/// Turn a transport error into a failure that names the side and the reason.
fn classify(err: &reqwest::Error, presented_cert: bool) -> Failure {
    if diagnose(err, presented_cert).is_some() {
        return crate::handshake::tls_failure(err, presented_cert);
    }
    let (kind, what) = if err.is_timeout() {
        (FailureKind::Timeout, "timed out")
    } else if err.is_connect() {
        (FailureKind::Connect, "could not connect")
    } else {
        (FailureKind::Other, "request failed")
    };
    Failure {
        kind,
        message: format!("{what}: {}", error_chain(err)),
    }
}

/// `a: b: c` from an error and its sources, without repeating a source's text.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![err.to_string()];
    let mut source = err.source();
    while let Some(next) = source {
        let text = next.to_string();
        if !parts.last().is_some_and(|last| last.contains(&text)) {
            parts.push(text);
        }
        source = next.source();
    }
    parts.join(": ")
}

/// Single-quote for POSIX shells.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let a = Url::parse("https://127.0.0.1:8443/api/").unwrap();
        assert!(same_origin(
            &a,
            &Url::parse("https://127.0.0.1:8443/other").unwrap()
        ));
        assert!(!same_origin(
            &a,
            &Url::parse("https://127.0.0.1:9443/").unwrap()
        ));
        assert!(!same_origin(
            &a,
            &Url::parse("http://127.0.0.1:8443/").unwrap()
        ));
        assert!(!same_origin(
            &a,
            &Url::parse("https://evil.example:8443/").unwrap()
        ));
        let default_port = Url::parse("https://h/").unwrap();
        assert!(same_origin(
            &default_port,
            &Url::parse("https://h:443/x").unwrap()
        ));
    }

    #[test]
    fn shell_quote_quotes_only_when_needed() {
        assert_eq!(shell_quote("https://h:1/a/"), "https://h:1/a/");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
