//! The phases after the baseline run. The baseline run ([`crate::run`]) asks every identity
//! for its own objects; these phases use what it learned to ask the questions mTLS alone does
//! not answer:
//!
//! - [`cross`]: identity B asks for an object only identity A listed (BOLA, API1:2023);
//! - [`edge`]: the TLS edge without a certificate, with forged certificates, and with the
//!   headers a TLS terminator would set for another identity;
//! - [`active`]: with `--active` only, writes one extra property at a time and reads it back
//!   (mass assignment, CWE-915), then restores the original value.
//!
//! Phases decide *what to send*; whether a response is a finding is the analyzers' call. Where
//! a phase must look at a response to decide its next request (narrowing a forged header set,
//! reading a write back), it uses the same comparisons the analyzers use
//! ([`overshare_exchange::compare`]). Every request still goes through [`Prober::send`], whose
//! last gate refuses anything out of scope, any DELETE, and any write without `--active`.

pub mod active;
pub mod cross;
pub mod edge;
pub mod forged_headers;

use crate::client::{Planned, Prober};
use crate::run::{Cancel, RunResult};
use futures::StreamExt;
use overshare_contract::Contract;
use overshare_exchange::Exchange;

/// What every phase works from.
pub struct PhaseInput<'a> {
    pub contract: &'a Contract,
    pub prober: &'a Prober,
    pub run: &'a RunResult,
    /// The identities that passed preflight (indexes into the prober's), primary first.
    pub identities: &'a [usize],
    pub cancel: Cancel,
}

impl PhaseInput<'_> {
    /// The scan was told to stop: phases send nothing more.
    pub fn cancelled(&self) -> bool {
        self.cancel.borrow().is_some()
    }

    fn name(&self, identity: usize) -> String {
        self.prober.identity(identity).name.clone()
    }
}

/// What a phase reports besides its exchanges.
#[derive(Debug, Default)]
pub struct PhaseNotes {
    /// `(operation index, reason)` for operations the phase could not test.
    pub skipped: Vec<(usize, String)>,
    /// `(operation index, identity name)` for write operations the phase tested.
    pub tested: Vec<(usize, String)>,
    /// Things the user must know (a value that could not be restored).
    pub warnings: Vec<String>,
}

/// Send a batch with the prober's concurrency and hand each exchange over as it comes, in
/// order, so that a phase holds the responses in flight, not all of them. Stops sending when
/// the scan is cancelled.
pub(crate) async fn send_each(
    input: &PhaseInput<'_>,
    batch: Vec<Planned>,
    on_exchange: &mut (dyn FnMut(Exchange) + Send),
) {
    if input.cancelled() || batch.is_empty() {
        return;
    }
    let concurrency = input.prober.settings().concurrency.max(1);
    let mut answers = futures::stream::iter(batch)
        .map(|planned| input.prober.send(planned))
        .buffered(concurrency);
    while let Some(exchange) = answers.next().await {
        on_exchange(exchange);
        if input.cancelled() {
            break;
        }
    }
}

/// Send a small batch whose answers the phase needs together (baselines to compare).
pub(crate) async fn send_batch(input: &PhaseInput<'_>, batch: Vec<Planned>) -> Vec<Exchange> {
    if input.cancelled() || batch.is_empty() {
        return Vec::new();
    }
    let concurrency = input.prober.settings().concurrency.max(1);
    futures::stream::iter(batch)
        .map(|planned| input.prober.send(planned))
        .buffered(concurrency)
        .collect()
        .await
}

/// Send one request unless the scan was cancelled.
pub(crate) async fn send_one(input: &PhaseInput<'_>, planned: Planned) -> Option<Exchange> {
    if input.cancelled() {
        return None;
    }
    Some(input.prober.send(planned).await)
}

/// The response body as JSON, when the exchange got a 2xx with one.
pub(crate) fn ok_json(exchange: &Exchange) -> Option<&serde_json::Value> {
    exchange
        .response()
        .filter(|r| (200..300).contains(&r.status))
        .and_then(|r| r.json.as_ref())
}
