//! # overshare-demo: a deliberately leaky mTLS API
//!
//! An embedded HTTP/JSON API behind **mutual TLS** that reproduces the classic Django REST
//! framework (DRF) mistakes behind excessive data exposure, with a throwaway PKI and a
//! design-first OpenAPI 3.1 spec ([`SPEC_YAML`]) that declares only what clients *should* get.
//! `overshare demo` starts it and scans it; the test suite uses it as a live target.
//!
//! mTLS decides *who* the caller is (client certificate CN → tenant); it limits nothing about
//! *what* the server sends back. Each endpoint imitates one Django mistake (or the fix):
//!
//! | endpoint | imitates | what leaks |
//! |---|---|---|
//! | `GET /api/profiles/`, `/api/profiles/{id}/` | `ProfileSerializer` with `fields = '__all__'` and `depth = 1` | the whole `auth_user` row (password hash, `is_staff`, `is_superuser`, …) and undeclared profile columns (`date_of_birth`, `phone`, `salary`, `national_id`, `tenant`) |
//! | `GET /api/users/`, `/api/users/{id}/` | explicit `fields`, but a nested reverse relation `activities = ActivitySerializer(many=True)` | IP addresses, user agents and **session keys** |
//! | `GET /api/secure-profiles/me/`, `/api/secure-profiles/{id}/` | the fix: explicit `fields = ["id", "display_name", "bio"]` and an object-level permission | nothing (the control case) |
//! | `GET /api/orders/` | tenant-filtered `ListAPIView` with `PageNumberPagination` | nothing |
//! | `GET /api/orders/{id}/` | `Order.objects.get(pk=pk)` without tenant filter or object permission (BOLA, API1:2023) | other tenants' orders |
//! | `GET /api/shipments/` | `queryset = Shipment.objects.all()` and no `get_queryset`: explicit, fully declared fields, but never filtered by tenant (an unfiltered collection, API1:2023) | every tenant's shipments, to every tenant |
//! | `GET /api/members/`, `/api/members/{id}/`, `PATCH /api/members/{id}/` | a tenant-scoped `ModelViewSet` whose serializer leaves `is_staff` and `role` writable; the spec's request schema allows `first_name`, `last_name`, `email` only (mass assignment, CWE-915) | privilege: a partner makes its member staff or admin |
//! | `GET /api/catalogue/` | a clean model whose names *look* sensitive (`password_policy`, `token_count`, `checksum`, `is_staff_pick`) | nothing: false-positive bait |
//! | `GET /api/ping/` | a health check returning `DEBUG` and the database DSN where the spec declares no body | `debug`, `database` |
//!
//! Tenants: `partner-a` (tenant 1, user `alice`, staff), `partner-b` (tenant 2, user `bob`), and
//! Partner C (tenant 3, user `carol`) with no certificate: only the BOLA and the unfiltered
//! shipments reach its data. Profiles carry the caller's `tenant` id, which is how a scanner
//! learns each identity's own tenant. Shipments 1-2 are partner-a's, 3-4 partner-b's, 5 Partner
//! C's; members 11-12 are partner-a's, 21-22 partner-b's, 31 Partner C's (none staff).
//!
//! A CN that maps to no tenant gets `403 {"detail": …}`; unknown URLs get
//! `404 {"detail": "Not found."}`. The one write is `PATCH /api/members/{id}/` (a JSON object;
//! unknown and read-only keys are ignored, bad JSON or values are a 400, another tenant's member
//! a 404); every other `POST`, `PUT`, `PATCH` or `DELETE` is a 405. Request bodies over 64 KiB get
//! 413. The members live in the running server: each [`DemoServer`] start begins from the same
//! seed.
//!
//! ```no_run
//! # async fn demo() -> Result<(), overshare_demo::DemoError> {
//! let server = overshare_demo::DemoServer::start().await?;
//! let paths = server.pki().write_to(std::path::Path::new("/tmp/overshare-demo"))?;
//! println!("scan {} with --spec {}", server.base_url(), paths.spec.display());
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! All data is synthetic and deterministic: `.example` emails, +44 20 7946 0xxx phone numbers,
//! documentation IP ranges, and real-shaped but meaningless Django password hashes.

mod api;
mod data;
mod pki;
mod server;
mod store;

pub use data::planted_values;
pub use pki::{DemoIdentity, DemoPaths, DemoPki};
pub use server::DemoServer;

/// The design-first OpenAPI 3.1.0 spec of the demo API: what clients *should* receive.
pub const SPEC_YAML: &str = include_str!("../openapi.yaml");

/// Everything that can go wrong starting the demo or writing its files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    #[error("generating the demo PKI: {0}")]
    Pki(#[from] rcgen::Error),
    #[error("reading demo PEM data: {0}")]
    Pem(#[from] rustls_pki_types::pem::Error),
    #[error("building the demo TLS configuration: {0}")]
    Tls(#[from] rustls::Error),
    #[error("building the demo client-certificate verifier: {0}")]
    Verifier(#[from] rustls::server::VerifierBuilderError),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid identity name {0:?}: use lowercase letters, digits and '-'")]
    InvalidName(String),
}

impl DemoError {
    fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        DemoError::Io {
            context: context.into(),
            source,
        }
    }
}
