//! The probe: turns a contract into requests and sends them, over mutual TLS, within limits.
//!
//! ```text
//! Contract ──► plan (which operation, which identity, which parameter values)
//!          ──► client (one rustls config per identity, origin-scoped, rate- and size-bounded)
//!          ──► Exchange*
//! ```
//!
//! - [`plan`]: pure planning (safe methods only, parameter values, harvesting ids from lists);
//! - [`client`]: the HTTP clients and the scope rules every request obeys;
//! - [`body`]: decompression and JSON parsing with caps, so hostile servers cannot exhaust us;
//! - [`handshake`]: a bare TLS check per identity, so a rejected certificate is explained;
//! - [`run`]: preflight and the round-by-round run, cancellable without losing results.

pub mod body;
pub mod client;
pub mod handshake;
pub mod phases;
pub mod plan;
pub mod run;

pub use body::BodyLimits;
pub use client::{Planned, ProbeError, ProbeSettings, Prober, ScanIdentity, Sender};
pub use run::{
    Cancel, IdentityCheck, OperationCoverage, Requested, RunOptions, RunResult, preflight, run,
};
