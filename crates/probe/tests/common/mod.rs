//! Helpers shared by the probe's integration tests.

use overshare_identity::TrustAnchors;

/// A freshly generated demo PKI, and trust in its CA (the directory holds the files).
pub fn trust() -> (tempfile::TempDir, TrustAnchors) {
    let dir = tempfile::tempdir().unwrap();
    let pki = overshare_demo::DemoPki::generate().unwrap();
    let paths = pki.write_to(dir.path()).unwrap();
    let trust = TrustAnchors::from_pem_file(&paths.ca).unwrap();
    (dir, trust)
}
