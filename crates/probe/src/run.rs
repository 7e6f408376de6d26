//! The runner: preflight each identity, then request every planned operation in rounds.
//!
//! A round sends every (operation, identity) pair whose parameters can be resolved now, with
//! bounded concurrency; its responses feed the harvest that resolves the next round
//! (`/orders/` before `/orders/{id}/`). The run ends when a round has nothing to send, or when
//! it is cancelled (Ctrl-C, total time limit): what was received so far is returned, never lost.

use crate::client::{Planned, Prober, Sender};
use crate::plan::{self, Harvested, Inputs, Resolution};
use futures::StreamExt;
use overshare_contract::Contract;
use overshare_exchange::{Exchange, Failure, FailureKind, PlannedOperation};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::watch;
use url::Url;

/// What happened to one operation across identities.
#[derive(Debug, Clone, Default)]
pub struct OperationCoverage {
    /// Index into `contract.operations`.
    pub operation: usize,
    /// Identities that got an exchange for it (in identity order).
    pub tested_by: Vec<String>,
    /// `(identity, reason)` for identities that did not; identity `*` means all of them.
    pub skipped: Vec<(String, String)>,
    pub requests: usize,
}

/// Everything a run produced besides the exchanges, which went to the caller one by one.
#[derive(Debug, Default)]
pub struct RunResult {
    pub coverage: Vec<OperationCoverage>,
    /// Set when the run was cancelled before it finished: the reason.
    pub interrupted: Option<String>,
    /// (identity, collection path) → the objects its GET listed: the later phases' inventory
    /// of who can see what.
    pub harvest: HashMap<(usize, String), Harvested>,
    /// Every request the run sent, with its answer's status (`None`: no answer).
    pub requested: Vec<Requested>,
}

/// One request of the run: which operation, as whom, to which URL, and its status.
#[derive(Debug, Clone)]
pub struct Requested {
    pub operation: usize,
    pub identity: usize,
    pub url: Url,
    pub status: Option<u16>,
}

impl RunResult {
    /// The request `identity` sent for `operation`, if it got a 2xx.
    pub fn succeeded(&self, operation: usize, identity: usize) -> Option<&Requested> {
        self.requested.iter().find(|r| {
            r.operation == operation
                && r.identity == identity
                && r.status.is_some_and(|s| (200..300).contains(&s))
        })
    }
}

/// One identity's preflight outcome.
#[derive(Debug, Clone)]
pub struct IdentityCheck {
    pub identity: String,
    pub result: Result<(), Failure>,
}

/// Run options that are not about the transport.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// `--param name=value`.
    pub params: HashMap<String, String>,
}

/// How long requests already in flight may still answer after the scan is told to stop.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// A cancellation signal: `true` with a reason once the run must stop.
pub type Cancel = watch::Receiver<Option<String>>;

/// Check every identity: a bare TLS handshake first (it explains rejections precisely), then
/// one GET of the base URL; any HTTP answer proves the edge accepted the identity.
///
/// Some TLS terminators accept the handshake and answer 400 instead of failing it (nginx with
/// `ssl_verify_client on` and no or a bad certificate): those answers count as failures too.
pub async fn preflight(prober: &Prober) -> (Vec<IdentityCheck>, Vec<Exchange>) {
    let base = prober.settings().base_url.clone();
    let count = prober.identities().count();
    let sends = (0..count).map(|index| {
        let planned = Planned::get(
            PlannedOperation {
                method: "GET".into(),
                path: base.path().to_string(),
                operation_id: None,
            },
            Sender::Identity(index),
            base.clone(),
        );
        prober.send(planned)
    });
    let handshakes = futures::future::join_all((0..count).map(|i| prober.check_handshake(i))).await;
    let mut exchanges = Vec::new();
    let mut checks = Vec::new();
    for (index, (handshake, send)) in handshakes.into_iter().zip(sends).enumerate() {
        let identity = prober.identity(index).name.clone();
        let result = match handshake {
            Err(failure) => Err(failure),
            Ok(()) => {
                let exchange = send.await;
                let verdict = edge_verdict(&exchange);
                exchanges.push(exchange);
                verdict
            }
        };
        checks.push(IdentityCheck { identity, result });
    }
    (checks, exchanges)
}

/// Whether an exchange shows that the TLS edge accepted the identity.
pub fn edge_verdict(exchange: &Exchange) -> Result<(), Failure> {
    let response = exchange.outcome.as_ref().map_err(Clone::clone)?;
    if response.status != 400 {
        return Ok(());
    }
    let body = String::from_utf8_lossy(&response.body);
    let reason = if body.contains("No required SSL certificate was sent") {
        "the TLS terminator (nginx) requires a client certificate and none was sent (HTTP 400)"
    } else if body.contains("The SSL certificate error") {
        "the TLS terminator (nginx) rejected the client certificate (HTTP 400: SSL certificate error)"
    } else {
        return Ok(());
    };
    Err(Failure {
        kind: FailureKind::Tls,
        message: reason.to_string(),
    })
}

/// Request every safe operation for the given identities (indexes into the prober's).
pub async fn run(
    contract: &Contract,
    prober: &Prober,
    identities: &[usize],
    options: &RunOptions,
    mut cancel: Cancel,
    on_exchange: &mut (dyn FnMut(Exchange) + Send),
) -> RunResult {
    let mut state = State::new(contract, identities);
    let mut result = RunResult::default();
    while result.interrupted.is_none() {
        let ready = state.next_round(contract, prober, options);
        if ready.is_empty() {
            break;
        }
        let mut in_flight: HashSet<(usize, usize)> =
            ready.iter().map(|(o, i, _)| (*o, *i)).collect();
        // Set on cancellation: requests not yet sent are not sent; those in flight get a short
        // grace period to answer, so that what they show is not lost.
        let stop = AtomicBool::new(false);
        let stop = &stop;
        let mut stream = futures::stream::iter(ready)
            .map(|(op, identity, planned)| async move {
                if stop.load(Ordering::SeqCst) {
                    return (op, identity, None);
                }
                (op, identity, Some(prober.send(planned).await))
            })
            .buffer_unordered(prober.settings().concurrency.max(1));
        let mut grace: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;
        loop {
            tokio::select! {
                biased;
                reason = cancelled(&mut cancel), if grace.is_none() => {
                    stop.store(true, Ordering::SeqCst);
                    result.interrupted = Some(reason);
                    grace = Some(Box::pin(tokio::time::sleep(STOP_GRACE)));
                }
                () = async { grace.as_mut().expect("guarded").await }, if grace.is_some() => break,
                next = stream.next() => match next {
                    Some((op, identity, Some(exchange))) => {
                        in_flight.remove(&(op, identity));
                        state.record(contract, op, identity, &exchange);
                        result.requested.push(Requested {
                            operation: op,
                            identity,
                            url: Url::parse(&exchange.request.url).unwrap_or_else(|_| {
                                prober.settings().base_url.clone()
                            }),
                            status: exchange.response().map(|r| r.status),
                        });
                        // Handed over at once and not kept: a scan holds one response per
                        // request in flight, not every response it ever saw.
                        on_exchange(exchange);
                    }
                    Some((op, identity, None)) => {
                        in_flight.remove(&(op, identity));
                        let reason = result.interrupted.clone().unwrap_or_default();
                        state.skip(op, identity, format!("not requested: {reason}"));
                    }
                    None => break,
                },
            }
        }
        if let Some(reason) = &result.interrupted {
            for (op, identity) in in_flight.drain() {
                state.skip(
                    op,
                    identity,
                    format!("no answer before the scan stopped: {reason}"),
                );
            }
        }
    }
    state.finish(result.interrupted.as_deref());
    result.coverage = state.coverage;
    result.harvest = state.harvest;
    result
}

async fn cancelled(cancel: &mut Cancel) -> String {
    loop {
        if let Some(reason) = cancel.borrow_and_update().clone() {
            return reason;
        }
        if cancel.changed().await.is_err() {
            // The sender is gone without cancelling: never cancel.
            std::future::pending::<()>().await;
        }
    }
}

/// The planner's bookkeeping across rounds.
struct State {
    pending: Vec<(usize, usize)>,
    /// (identity, collection path) → what it returned.
    harvest: HashMap<(usize, String), Harvested>,
    /// (operation, identity) pairs that will never run.
    abandoned: HashSet<(usize, usize)>,
    coverage: Vec<OperationCoverage>,
    identity_names: HashMap<usize, String>,
}

impl State {
    fn new(contract: &Contract, identities: &[usize]) -> State {
        let mut coverage: Vec<OperationCoverage> = (0..contract.operations.len())
            .map(|operation| OperationCoverage {
                operation,
                ..Default::default()
            })
            .collect();
        let mut pending = Vec::new();
        for (index, operation) in contract.operations.iter().enumerate() {
            match plan::unplanned_reason(operation) {
                Some(reason) => coverage[index].skipped.push(("*".into(), reason)),
                None => pending.extend(identities.iter().map(|&identity| (index, identity))),
            }
        }
        State {
            pending,
            harvest: HashMap::new(),
            abandoned: HashSet::new(),
            coverage,
            identity_names: HashMap::new(),
        }
    }

    /// Everything that can be sent now; pairs that can never be resolved are marked skipped.
    fn next_round(
        &mut self,
        contract: &Contract,
        prober: &Prober,
        options: &RunOptions,
    ) -> Vec<(usize, usize, Planned)> {
        let mut ready = Vec::new();
        let mut waiting = Vec::new();
        for (op, identity) in std::mem::take(&mut self.pending) {
            self.identity_names
                .entry(identity)
                .or_insert_with(|| prober.identity(identity).name.clone());
            match self.resolve(contract, op, identity, options) {
                Resolution::Ready {
                    path,
                    query,
                    headers,
                } => {
                    let planned =
                        planned_request(contract, prober, op, identity, &path, &query, headers);
                    ready.push((op, identity, planned));
                }
                Resolution::Wait => waiting.push((op, identity)),
                Resolution::Unresolvable(reason) => self.skip(op, identity, reason),
            }
        }
        if ready.is_empty() {
            // Nothing moved: whatever still waits, waits for something that will never come.
            for (op, identity) in waiting {
                let reason = "its sibling list operation could not be requested".to_string();
                self.skip(op, identity, reason);
            }
        } else {
            self.pending = waiting;
        }
        ready
    }

    fn resolve(
        &self,
        contract: &Contract,
        op: usize,
        identity: usize,
        options: &RunOptions,
    ) -> Resolution {
        let operation = &contract.operations[op];
        let mut harvested = Vec::new();
        let mut providers_pending = false;
        for provider in plan::providers(contract, operation) {
            match self.harvest.get(&(identity, provider.path.clone())) {
                Some(items) => harvested.push(items),
                None => {
                    let index = contract
                        .operations
                        .iter()
                        .position(|o| std::ptr::eq(o, provider));
                    providers_pending |=
                        index.is_some_and(|index| !self.abandoned.contains(&(index, identity)));
                }
            }
        }
        plan::resolve(
            operation,
            &Inputs {
                contract,
                user_params: &options.params,
                harvested,
                providers_pending,
            },
        )
    }

    fn skip(&mut self, op: usize, identity: usize, reason: String) {
        self.abandoned.insert((op, identity));
        let name = self
            .identity_names
            .get(&identity)
            .cloned()
            .unwrap_or_default();
        self.coverage[op].skipped.push((name, reason));
    }

    fn record(&mut self, contract: &Contract, op: usize, identity: usize, exchange: &Exchange) {
        let coverage = &mut self.coverage[op];
        coverage.requests += 1;
        let name = exchange.identity.clone().unwrap_or_default();
        if !coverage.tested_by.contains(&name) {
            coverage.tested_by.push(name);
        }
        let operation = &contract.operations[op];
        if operation.method == "GET" {
            let harvested = exchange
                .response()
                .filter(|r| (200..300).contains(&r.status))
                .and_then(|r| r.json.as_ref())
                .map(plan::harvest)
                .unwrap_or_default();
            self.harvest
                .insert((identity, operation.path.clone()), harvested);
        }
    }

    fn finish(&mut self, interrupted: Option<&str>) {
        if let Some(reason) = interrupted {
            for (op, identity) in std::mem::take(&mut self.pending) {
                self.skip(op, identity, format!("not requested: {reason}"));
            }
        }
        for coverage in &mut self.coverage {
            coverage.tested_by.sort();
        }
    }
}

fn planned_request(
    contract: &Contract,
    prober: &Prober,
    op: usize,
    identity: usize,
    path: &str,
    query: &[(String, String)],
    headers: Vec<(String, String)>,
) -> Planned {
    let operation = &contract.operations[op];
    Planned {
        method: operation.method.clone(),
        url: target_url(
            &prober.settings().base_url,
            &contract.base_path,
            path,
            query,
        ),
        headers,
        ..Planned::get(
            planned_operation(operation),
            Sender::Identity(identity),
            prober.settings().base_url.clone(),
        )
    }
}

/// The exchange's view of a spec operation.
pub fn planned_operation(operation: &overshare_contract::Operation) -> PlannedOperation {
    PlannedOperation {
        method: operation.method.clone(),
        path: operation.path.clone(),
        operation_id: operation.operation_id.clone(),
    }
}

/// The URL of a concrete path: the user's base URL, then the spec's base path unless the base
/// URL already has a path of its own (the user's URL wins), then the operation's path.
pub fn target_url(base: &Url, spec_base_path: &str, path: &str, query: &[(String, String)]) -> Url {
    let mut url = base.clone();
    let base_path = base.path().trim_end_matches('/');
    let prefix = if base_path.is_empty() {
        spec_base_path.trim_end_matches('/')
    } else {
        base_path
    };
    url.set_path(&format!("{prefix}{path}"));
    url.set_query(None);
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_path_wins_over_spec_servers() {
        let base = Url::parse("https://127.0.0.1:8443").unwrap();
        assert_eq!(
            target_url(&base, "/api/v1", "/users/1/", &[]).as_str(),
            "https://127.0.0.1:8443/api/v1/users/1/"
        );
        let prefixed = Url::parse("https://127.0.0.1:8443/gateway/").unwrap();
        assert_eq!(
            target_url(
                &prefixed,
                "/api/v1",
                "/users/",
                &[("page".into(), "1".into())]
            )
            .as_str(),
            "https://127.0.0.1:8443/gateway/users/?page=1"
        );
    }
}
