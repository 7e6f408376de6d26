//! PKCS#12 bundles (`.p12`, `.pfx`) through the pure-Rust p12-keystore crate, behind the
//! `pkcs12` feature because it pulls pre-release RustCrypto crates.

use std::path::Path;

use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::IdentityError;

/// What a bundle yields: leaf-first chain, key, and the passphrase variable that opened it.
pub(crate) type Bundle = (
    Vec<CertificateDer<'static>>,
    PrivateKeyDer<'static>,
    Option<String>,
);

#[cfg(feature = "pkcs12")]
pub(crate) fn load(
    name: &str,
    path: &Path,
    bytes: &[u8],
    passphrase_source: &dyn Fn(&str) -> Option<String>,
) -> Result<Bundle, IdentityError> {
    use p12_keystore::{KeyStore, Pkcs12ImportPolicy};

    let pass = crate::passphrase::lookup(name, passphrase_source);
    let store = match &pass {
        // Many bundles are exported with an empty password; the shared fallback variable may be
        // set for another identity, so an empty password is tried before giving up.
        Some(p) => KeyStore::from_pkcs12(bytes, &p.value, Pkcs12ImportPolicy::Strict)
            .map(|store| (store, Some(p.var.clone())))
            .or_else(|err| open_without_password(bytes).ok_or(err)),
        None => KeyStore::from_pkcs12(bytes, "", Pkcs12ImportPolicy::Strict).map(|s| (s, None)),
    };
    let (store, var) = store.map_err(|err| classify(name, path, err, pass.as_ref()))?;
    let Some((_, chain)) = store.private_key_chain() else {
        return Err(IdentityError::Pkcs12 {
            name: name.to_owned(),
            path: path.to_owned(),
            reason: "it holds no private key with a matching certificate".to_owned(),
        });
    };
    let certs = chain
        .certs()
        .iter()
        .map(|cert| CertificateDer::from(cert.as_der().to_vec()))
        .collect();
    let key = rustls_pki_types::PrivatePkcs8KeyDer::from(chain.key().as_der().to_vec());
    Ok((certs, key.into(), var))
}

#[cfg(feature = "pkcs12")]
fn open_without_password(bytes: &[u8]) -> Option<(p12_keystore::KeyStore, Option<String>)> {
    p12_keystore::KeyStore::from_pkcs12(bytes, "", p12_keystore::Pkcs12ImportPolicy::Strict)
        .ok()
        .map(|store| (store, None))
}

/// A failed MAC or padding check means the password is wrong (or missing); anything else is
/// a damaged or unsupported bundle.
#[cfg(feature = "pkcs12")]
fn classify(
    name: &str,
    path: &Path,
    err: p12_keystore::error::Error,
    pass: Option<&crate::passphrase::Passphrase>,
) -> IdentityError {
    use p12_keystore::error::Error as E;
    let password_problem = matches!(err, E::MacError(_) | E::UnpadError | E::Pkcs5Error(_));
    match (password_problem, pass) {
        (true, None) => IdentityError::PassphraseMissing {
            name: name.to_owned(),
            path: path.to_owned(),
            var: crate::passphrase::passphrase_env_var(name),
        },
        (true, Some(p)) => IdentityError::WrongPassphrase {
            name: name.to_owned(),
            path: path.to_owned(),
            var: p.var.clone(),
        },
        (false, _) => IdentityError::Pkcs12 {
            name: name.to_owned(),
            path: path.to_owned(),
            reason: err.to_string(),
        },
    }
}

#[cfg(not(feature = "pkcs12"))]
pub(crate) fn load(
    name: &str,
    path: &Path,
    _bytes: &[u8],
    _passphrase_source: &dyn Fn(&str) -> Option<String>,
) -> Result<Bundle, IdentityError> {
    Err(IdentityError::Pkcs12Unsupported {
        name: name.to_owned(),
        path: path.to_owned(),
    })
}
