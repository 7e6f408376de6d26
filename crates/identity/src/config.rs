//! rustls client configurations built from checked parts.

use std::sync::Arc;

use rustls::ClientConfig;
use rustls::sign::SingleCertAndKey;

use crate::{ClientCert, TrustAnchors};

/// A rustls client configuration that trusts `trust` and, if given, presents `cert`.
///
/// It uses the ring provider explicitly rather than a process-wide default, so it works
/// whether or not a default provider was installed (and never picks aws-lc-rs). ALPN offers
/// HTTP/2 then HTTP/1.1.
pub fn client_config(trust: &TrustAnchors, cert: Option<&ClientCert>) -> ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        // ring implements TLS 1.2 and 1.3 with the default suites, so this cannot fail.
        .expect("the ring provider supports the default TLS versions")
        .with_root_certificates(trust.root_store());
    // The key was parsed and matched in `ClientCert::load`; a resolver hands rustls that
    // checked signing key instead of parsing the DER a second time.
    let mut config = match cert {
        Some(cert) => builder
            .with_client_cert_resolver(Arc::new(SingleCertAndKey::from(cert.certified_key()))),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config
}
