//! Reading certificate and key files: PEM certificates, plain keys in the three PEM forms
//! rustls knows, and encrypted PKCS#8 keys.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use pkcs8::{EncryptedPrivateKeyInfo, PrivateKeyInfo, pkcs5};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::IdentityError;
use crate::passphrase::{self, Passphrase};

/// Certificate, key and CA files are kilobytes; a CA bundle is at most a few hundred. The cap
/// keeps a wrong path (a disk image, /dev/zero) from being read into memory.
pub(crate) const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

const ENCRYPTED_LABEL: &str = "ENCRYPTED PRIVATE KEY";

/// Reads a whole file of an identity, with the identity and the OS error in the failure.
pub(crate) fn read_identity_file(name: &str, path: &Path) -> Result<Vec<u8>, IdentityError> {
    read_capped(path).map_err(|err| match err {
        ReadError::Io(source) => IdentityError::Read {
            name: name.to_owned(),
            path: path.to_owned(),
            source,
        },
        ReadError::TooLarge => IdentityError::TooLarge {
            name: name.to_owned(),
            path: path.to_owned(),
            limit: MAX_FILE_BYTES,
        },
    })
}

pub(crate) enum ReadError {
    Io(std::io::Error),
    TooLarge,
}

pub(crate) fn read_capped(path: &Path) -> Result<Vec<u8>, ReadError> {
    let file = File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    match bytes.len() as u64 > MAX_FILE_BYTES {
        true => Err(ReadError::TooLarge),
        false => Ok(bytes),
    }
}

/// Every `CERTIFICATE` block of a PEM file, in file order; other blocks are skipped.
pub(crate) fn certificates(
    bytes: &[u8],
) -> Result<Vec<CertificateDer<'static>>, rustls_pki_types::pem::Error> {
    CertificateDer::pem_slice_iter(bytes).collect()
}

/// Old OpenSSL "traditional" encryption puts `Proc-Type`/`DEK-Info` headers inside the key
/// block. We refuse it by name rather than fail later with a confusing base64 error.
pub(crate) fn reject_legacy_encryption(
    name: &str,
    path: &Path,
    bytes: &[u8],
) -> Result<(), IdentityError> {
    match String::from_utf8_lossy(bytes).contains("Proc-Type: 4,ENCRYPTED") {
        true => Err(IdentityError::LegacyEncryptedKey {
            name: name.to_owned(),
            path: path.to_owned(),
        }),
        false => Ok(()),
    }
}

/// The one private key of a PEM file, decrypted if needed, and the passphrase variable used.
pub(crate) fn private_key(
    name: &str,
    path: &Path,
    bytes: &[u8],
    passphrase_source: &dyn Fn(&str) -> Option<String>,
) -> Result<(PrivateKeyDer<'static>, Option<String>), IdentityError> {
    reject_legacy_encryption(name, path, bytes)?;
    let plain: Vec<PrivateKeyDer<'static>> = PrivateKeyDer::pem_slice_iter(bytes)
        .collect::<Result<_, _>>()
        .map_err(|err| bad_pem(name, path, err.to_string()))?;
    let encrypted = pem_blocks(name, path, bytes, ENCRYPTED_LABEL)?;
    match (plain.len(), encrypted.len()) {
        (0, 0) => Err(IdentityError::NoKey {
            name: name.to_owned(),
            path: path.to_owned(),
        }),
        (1, 0) => Ok((plain.into_iter().next().expect("one key"), None)),
        (0, 1) => {
            let pass = passphrase::lookup(name, passphrase_source);
            let key = decrypt_pkcs8(name, path, &encrypted[0], pass.as_ref())?;
            Ok((key, pass.map(|p| p.var)))
        }
        (p, e) => Err(IdentityError::MultipleKeys {
            name: name.to_owned(),
            path: path.to_owned(),
            count: p + e,
        }),
    }
}

/// The text of each `-----BEGIN <label>-----` ... `-----END <label>-----` block.
/// rustls-pki-types skips labels it does not know, such as `ENCRYPTED PRIVATE KEY`, so we
/// cut these blocks out ourselves and hand them to the `pkcs8` crate.
fn pem_blocks(
    name: &str,
    path: &Path,
    bytes: &[u8],
    label: &str,
) -> Result<Vec<String>, IdentityError> {
    let text = String::from_utf8_lossy(bytes);
    let (begin, end) = (
        format!("-----BEGIN {label}-----"),
        format!("-----END {label}-----"),
    );
    let mut blocks = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find(&begin) {
        let Some(stop) = rest[start..].find(&end) else {
            return Err(bad_pem(name, path, format!("no `{end}` line")));
        };
        let stop = start + stop + end.len();
        blocks.push(rest[start..stop].to_owned());
        rest = &rest[stop..];
    }
    Ok(blocks)
}

/// Decrypts an `ENCRYPTED PRIVATE KEY` (PKCS#8 with PBES2, what `openssl pkcs8 -topk8` writes).
fn decrypt_pkcs8(
    name: &str,
    path: &Path,
    block: &str,
    pass: Option<&Passphrase>,
) -> Result<PrivateKeyDer<'static>, IdentityError> {
    let (_, doc) =
        pkcs8::Document::from_pem(block).map_err(|err| bad_pem(name, path, err.to_string()))?;
    let info = EncryptedPrivateKeyInfo::try_from(doc.as_bytes())
        .map_err(|err| bad_pem(name, path, format!("not an encrypted PKCS#8 key: {err}")))?;
    let Some(pass) = pass else {
        return Err(IdentityError::PassphraseMissing {
            name: name.to_owned(),
            path: path.to_owned(),
            var: passphrase::passphrase_env_var(name),
        });
    };
    let wrong = || IdentityError::WrongPassphrase {
        name: name.to_owned(),
        path: path.to_owned(),
        var: pass.var.clone(),
    };
    match info.decrypt(pass.value.as_bytes()) {
        // A wrong passphrase usually fails the CBC padding check; about one time in 256 the
        // padding looks right and the plaintext is garbage, so the result is parsed as well.
        Ok(secret) => match PrivateKeyInfo::try_from(secret.as_bytes()) {
            Ok(_) => Ok(PrivatePkcs8KeyDer::from(secret.as_bytes().to_vec()).into()),
            Err(_) => Err(wrong()),
        },
        // pkcs5 0.7 reports a failed padding check on decryption as `EncryptFailed`.
        Err(pkcs8::Error::EncryptedPrivateKey(
            pkcs5::Error::DecryptFailed | pkcs5::Error::EncryptFailed,
        ))
        | Err(pkcs8::Error::Asn1(_)) => Err(wrong()),
        Err(other) => Err(IdentityError::UnsupportedEncryption {
            name: name.to_owned(),
            path: path.to_owned(),
            reason: format!(
                "{other}; re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out new.key`"
            ),
        }),
    }
}

pub(crate) fn bad_pem(name: &str, path: &Path, reason: String) -> IdentityError {
    IdentityError::BadPem {
        name: name.to_owned(),
        path: path.to_owned(),
        reason,
    }
}
