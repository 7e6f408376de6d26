//! IPv4 and IPv6 addresses, public or private.
//!
//! Parsing is `std::net`'s (which rejects leading zeros, short forms such as `10.1` and
//! out-of-range octets), followed by the IANA special-purpose tables:
//!
//! - **Private** ([`ValueKind::PrivateIp`]): RFC 1918, loopback, link-local, CGNAT shared space
//!   (`100.64.0.0/10`), benchmarking (`198.18.0.0/15`), reserved `240.0.0.0/4`, IPv6 unique-local
//!   (`fc00::/7`), link-local (`fe80::/10`), site-local (`fec0::/10`), `::1`. An internal address
//!   in a response is an infrastructure leak, not personal data, so it gets its own kind.
//! - **Public** ([`ValueKind::PublicIp`]): everything else that is unicast, *including the
//!   documentation ranges* (`192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`,
//!   `2001:db8::/32`). Those cannot appear on the Internet, but they are exactly what test data
//!   and the demo use to stand for a client's public address, so treating them as public makes
//!   planted values detectable; the detail says `range=documentation`.
//! - **Not reported**: unspecified (`0.0.0.0/8`, `::`), broadcast, multicast.
//!
//! Four single-digit octets (`1.2.3.4`, `8.8.8.8`) read as version strings far more often than
//! as client addresses, so they are not reported either.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::{Certainty, Detection, ValueKind};

/// `(kind, range name)` for a v4 address, or `None` if not reportable.
fn classify_v4(ip: Ipv4Addr) -> Option<(ValueKind, &'static str)> {
    let [a, b, c, _] = ip.octets();
    let private = |r| Some((ValueKind::PrivateIp, r));
    let public = |r| Some((ValueKind::PublicIp, r));
    match (a, b, c) {
        (0, _, _) => None,
        (255, 255, 255) if ip.is_broadcast() => None,
        (224..=239, _, _) => None,
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => private("private"),
        (127, _, _) => private("loopback"),
        (169, 254, _) => private("link-local"),
        (100, 64..=127, _) => private("shared"),
        (198, 18..=19, _) => private("benchmarking"),
        (192, 0, 0) => private("ietf-protocol"),
        (240..=255, _, _) => private("reserved"),
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => public("documentation"),
        _ => public("public"),
    }
}

fn classify_v6(ip: Ipv6Addr) -> Option<(ValueKind, &'static str)> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let s = ip.segments();
    if ip.is_unspecified() {
        return None;
    }
    if ip.is_loopback() {
        return Some((ValueKind::PrivateIp, "loopback"));
    }
    match s[0] {
        0xff00..=0xffff => None,
        0xfc00..=0xfdff => Some((ValueKind::PrivateIp, "unique-local")),
        0xfe80..=0xfebf => Some((ValueKind::PrivateIp, "link-local")),
        0xfec0..=0xfeff => Some((ValueKind::PrivateIp, "site-local")),
        0x2001 if s[1] == 0x0db8 => Some((ValueKind::PublicIp, "documentation")),
        0x3fff if s[1] <= 0x0fff => Some((ValueKind::PublicIp, "documentation")),
        _ => Some((ValueKind::PublicIp, "public")),
    }
}

pub(crate) fn detect(v: &str) -> Option<Detection> {
    if v.len() > 45 {
        return None;
    }
    let ip: IpAddr = v.parse().ok()?;
    let (kind, range) = match ip {
        IpAddr::V4(v4) => {
            if v4.octets().iter().all(|&o| o < 10) {
                return None; // version-string shaped
            }
            classify_v4(v4)?
        }
        IpAddr::V6(v6) => classify_v6(v6)?,
    };
    let family = if ip.is_ipv4() { "ipv4" } else { "ipv6" };
    Some(Detection::new(
        kind,
        Certainty::High,
        Some(format!("{family}, range={range}")),
        "",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let k = |s: &str| detect(s).map(|d| (d.kind, d.detail.unwrap()));
        assert_eq!(k("203.0.113.11").unwrap().0, ValueKind::PublicIp);
        assert_eq!(k("10.0.0.1").unwrap().0, ValueKind::PrivateIp);
        assert_eq!(k("::1").unwrap().0, ValueKind::PrivateIp);
        assert_eq!(k("2001:db8::1").unwrap().1, "ipv6, range=documentation");
        assert!(k("0.0.0.0").is_none());
        assert!(k("224.0.0.1").is_none());
        assert!(k("1.2.3.4").is_none());
        assert!(k("010.0.0.1").is_none());
    }
}
