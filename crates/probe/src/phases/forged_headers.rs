//! The headers TLS terminators use to tell the application who the client is, filled in for a
//! victim's certificate. If the application reads one of them and the proxy in front does not
//! overwrite it, any client can claim any identity.
//!
//! Built from the victim's real (public) certificate: subject, common name, issuer, serial,
//! and the certificate itself in the encodings each terminator uses. Nothing secret is sent.

use base64::Engine;
use overshare_identity::ClientCert;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};

/// One terminator's header family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderFamily {
    /// `nginx`, `apache-env`, `x-client`, `envoy-xfcc`, `aws-alb`, `azure-arr`, `traefik`.
    pub name: &'static str,
    pub headers: Vec<(String, String)>,
}

/// Every family, for `victim`.
pub fn families(victim: &ClientCert) -> Vec<HeaderFamily> {
    let facts = Facts::of(victim);
    let h = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    };
    let Facts {
        dn,
        cn,
        issuer,
        serial,
        escaped_pem,
        der_b64,
        hash,
    } = &facts;
    vec![
        HeaderFamily {
            name: "nginx",
            headers: h(&[
                ("X-SSL-Client-Verify", "SUCCESS"),
                ("X-SSL-Client-S-DN", dn),
                ("X-SSL-Client-S-DN-CN", cn),
                ("X-SSL-Client-DN", dn),
                ("X-SSL-Client-CN", cn),
                ("X-SSL-Client-Subject", dn),
                ("X-SSL-Client-I-DN", issuer),
                ("X-SSL-Client-Serial", serial),
                ("X-SSL-Client-Cert", escaped_pem),
            ]),
        },
        HeaderFamily {
            name: "apache-env",
            headers: h(&[
                ("SSL_CLIENT_VERIFY", "SUCCESS"),
                ("SSL_CLIENT_S_DN", dn),
                ("SSL_CLIENT_S_DN_CN", cn),
                ("SSL_CLIENT_I_DN", issuer),
                ("SSL_CLIENT_CERT", escaped_pem),
            ]),
        },
        HeaderFamily {
            name: "x-client",
            headers: h(&[
                ("X-Client-Verify", "SUCCESS"),
                ("X-Client-DN", dn),
                ("X-Client-CN", cn),
                ("X-Client-Subject", dn),
                ("X-Client-Cert", escaped_pem),
            ]),
        },
        HeaderFamily {
            name: "envoy-xfcc",
            headers: h(&[(
                "X-Forwarded-Client-Cert",
                &format!("Hash={hash};Cert=\"{escaped_pem}\";Subject=\"{dn}\""),
            )]),
        },
        HeaderFamily {
            name: "aws-alb",
            headers: h(&[
                ("X-Amzn-Mtls-Clientcert", escaped_pem),
                ("X-Amzn-Mtls-Clientcert-Subject", dn),
                ("X-Amzn-Mtls-Clientcert-Issuer", issuer),
                ("X-Amzn-Mtls-Clientcert-Serial-Number", serial),
            ]),
        },
        HeaderFamily {
            name: "azure-arr",
            headers: h(&[("X-ARR-ClientCert", der_b64)]),
        },
        HeaderFamily {
            name: "traefik",
            headers: h(&[
                ("X-Forwarded-Tls-Client-Cert", der_b64),
                (
                    "X-Forwarded-Tls-Client-Cert-Info",
                    &format!("Subject=\"{dn}\""),
                ),
            ]),
        },
    ]
}

/// Every family's headers at once, in family order.
pub fn all_headers(families: &[HeaderFamily]) -> Vec<(String, String)> {
    families.iter().flat_map(|f| f.headers.clone()).collect()
}

struct Facts {
    /// RFC 2253 order (last RDN first), as nginx's `$ssl_client_s_dn` writes it.
    dn: String,
    cn: String,
    issuer: String,
    serial: String,
    /// URL-escaped PEM, as nginx's `$ssl_client_escaped_cert` and AWS ALB send it.
    escaped_pem: String,
    /// Base64 DER on one line (Azure ARR, Traefik).
    der_b64: String,
    /// SHA-256 of the DER, hex (Envoy XFCC `Hash`).
    hash: String,
}

impl Facts {
    fn of(victim: &ClientCert) -> Facts {
        let der = victim
            .chain_der()
            .first()
            .map(|d| d.to_vec())
            .unwrap_or_default();
        let der_b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        let pem = pem_of(&der_b64);
        Facts {
            dn: rfc2253(victim.subject()),
            cn: victim.common_name().unwrap_or_default().to_string(),
            issuer: rfc2253(victim.issuer()),
            serial: victim.serial().replace(':', "").to_ascii_uppercase(),
            escaped_pem: percent_escape(&pem),
            der_b64,
            hash: hex::encode(Sha256::digest(&der)),
        }
    }
}

/// `CN=a, O=b` (x509-parser's order) → `O=b,CN=a` (RFC 2253: last RDN first, no spaces,
/// special characters in values escaped: `O=Globex\, Inc.`).
fn rfc2253(dn: &str) -> String {
    let rdns: Vec<String> = split_before_attributes(dn, ", ")
        .into_iter()
        .map(|rdn| {
            let values: Vec<String> = split_before_attributes(&rdn, " + ")
                .iter()
                .map(|value| escape_value(value))
                .collect();
            values.join("+")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

/// x509-parser joins RDNs with ", " (and the values of one RDN with " + ") without escaping
/// them, so a separator counts only where an attribute type and `=` follow it.
fn split_before_attributes(text: &str, separator: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split(separator) {
        let starts_attribute = part.split_once('=').is_some_and(|(kind, _)| {
            !kind.is_empty()
                && kind
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        });
        match out.last_mut() {
            Some(last) if !starts_attribute => {
                last.push_str(separator);
                last.push_str(part);
            }
            _ => out.push(part.to_string()),
        }
    }
    out
}

/// `O=Globex, Inc.` → `O=Globex\, Inc.` (RFC 2253, section 2.4).
fn escape_value(attribute: &str) -> String {
    let Some((kind, value)) = attribute.split_once('=') else {
        return attribute.to_string();
    };
    let mut out = format!("{kind}=");
    let last = value.chars().count().saturating_sub(1);
    for (index, c) in value.chars().enumerate() {
        let edge = (index == 0 && (c == '#' || c == ' ')) || (index == last && c == ' ');
        if edge || ",+\"\\<>;".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn pem_of(b64: &str) -> String {
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

/// RFC 3986 unreserved characters stay; everything else is escaped.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-escape everything but RFC 3986 unreserved characters: a header value must not
/// carry newlines, and this is the escaping nginx and AWS ALB use for certificates.
fn percent_escape(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2253_reverses_the_rdns() {
        assert_eq!(
            rfc2253("CN=partner-b, O=Globex Retail"),
            "O=Globex Retail,CN=partner-b"
        );
    }

    #[test]
    fn escaped_pem_has_no_newlines_or_spaces() {
        let escaped = percent_escape(&pem_of("QUJD"));
        assert!(!escaped.contains('\n') && !escaped.contains(' '));
        assert!(escaped.starts_with("-----BEGIN%20CERTIFICATE-----%0AQUJD%0A"));
    }
}
