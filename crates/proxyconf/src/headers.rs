//! Header names as the app and the proxy spell them, and the proxy value that carries the
//! verified certificate's version of a header.

/// The comparison key of a header: upper case, `-` as `_`, without the WSGI `HTTP_` prefix.
/// `X-SSL-Client-S-DN-CN`, `x-ssl-client-s-dn-cn` and `HTTP_X_SSL_CLIENT_S_DN_CN` all give
/// `X_SSL_CLIENT_S_DN_CN`: what Django's `request.META` makes of them.
pub fn header_key(name: &str) -> String {
    let name = name.trim();
    let wsgi = !name.contains('-')
        && name.len() > 5
        && name
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("HTTP_"));
    let name = if wsgi { &name[5..] } else { name };
    name.chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

/// A header name to show in a fix: as the app wrote it when it used the header form, otherwise
/// rebuilt from the key (`X_SSL_CLIENT_S_DN_CN` → `X-SSL-Client-S-DN-CN`).
pub(crate) fn display_name(name: &str) -> String {
    if name.contains('-') {
        return name.trim().to_string();
    }
    header_key(name)
        .split('_')
        .map(|word| {
            if word.len() <= 3 {
                word.to_string()
            } else {
                let mut chars = word.chars();
                let first = chars.next().map(String::from).unwrap_or_default();
                first + &chars.as_str().to_ascii_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// nginx's built-in client-certificate variables (ngx_http_ssl_module).
const NGINX_BUILTIN: &[&str] = &[
    "ssl_client_cert",
    "ssl_client_escaped_cert",
    "ssl_client_fingerprint",
    "ssl_client_i_dn",
    "ssl_client_i_dn_legacy",
    "ssl_client_raw_cert",
    "ssl_client_s_dn",
    "ssl_client_s_dn_legacy",
    "ssl_client_serial",
    "ssl_client_v_end",
    "ssl_client_v_remain",
    "ssl_client_v_start",
    "ssl_client_verify",
];

/// What part of the client certificate a header name is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Verify,
    SubjectCn,
    SubjectDn,
    IssuerDn,
    Serial,
    Fingerprint,
    Cert,
}

fn part_of(key: &str) -> Option<Part> {
    let k = key.strip_prefix("X_").unwrap_or(key);
    let has = |w: &str| k.split('_').any(|p| p == w);
    if k.contains("VERIFY") {
        Some(Part::Verify)
    } else if k.ends_with("_CN") || k == "CN" || k.contains("COMMON_NAME") {
        Some(Part::SubjectCn)
    } else if k.ends_with("I_DN") || k.contains("ISSUER") {
        Some(Part::IssuerDn)
    } else if has("DN") || k.contains("SUBJECT") {
        Some(Part::SubjectDn)
    } else if k.contains("SERIAL") {
        Some(Part::Serial)
    } else if k.contains("FINGERPRINT") {
        Some(Part::Fingerprint)
    } else if k.contains("CERT") {
        Some(Part::Cert)
    } else {
        None
    }
}

/// The nginx variable (without `$`) that carries the certificate's value for a header, and
/// whether nginx has it built in (a CN needs a `map` over `$ssl_client_s_dn`). `defined` are
/// the variables the config defines itself.
pub(crate) fn nginx_variable(key: &str, defined: &[String]) -> Option<(String, bool)> {
    let direct = key.strip_prefix("X_").unwrap_or(key).to_ascii_lowercase();
    let known = |v: &str| NGINX_BUILTIN.contains(&v) || defined.iter().any(|d| d == v);
    if direct.starts_with("ssl_client_") && known(&direct) {
        return Some((direct.clone(), true));
    }
    let var = match part_of(key)? {
        Part::Verify => "ssl_client_verify",
        Part::SubjectCn => "ssl_client_s_dn_cn",
        Part::SubjectDn => "ssl_client_s_dn",
        Part::IssuerDn => "ssl_client_i_dn",
        Part::Serial => "ssl_client_serial",
        Part::Fingerprint => "ssl_client_fingerprint",
        Part::Cert => "ssl_client_escaped_cert",
    };
    Some((var.to_string(), known(var)))
}

/// The `map` that defines `$ssl_client_s_dn_cn` from the subject DN (RFC 2253 form, as nginx
/// 1.11.6+ writes `$ssl_client_s_dn`).
pub(crate) const NGINX_CN_MAP: &str = "map $ssl_client_s_dn $ssl_client_s_dn_cn {\n    default \"\";\n    ~(^|,)CN=(?<cn>[^,]+) $cn;\n}";

/// The mod_ssl variable for a header (`SSL_CLIENT_S_DN_CN`), used as `%{VAR}s`.
pub(crate) fn apache_variable(key: &str) -> Option<String> {
    let direct = key.strip_prefix("X_").unwrap_or(key);
    if direct.starts_with("SSL_CLIENT_") {
        return Some(direct.to_string());
    }
    let var = match part_of(key)? {
        Part::Verify => "SSL_CLIENT_VERIFY",
        Part::SubjectCn => "SSL_CLIENT_S_DN_CN",
        Part::SubjectDn => "SSL_CLIENT_S_DN",
        Part::IssuerDn => "SSL_CLIENT_I_DN",
        Part::Serial => "SSL_CLIENT_M_SERIAL",
        Part::Fingerprint => return None,
        Part::Cert => "SSL_CLIENT_CERT",
    };
    Some(var.to_string())
}

/// Whether a proxy value hands on what the client sent in the header with this key (nginx
/// `$http_x_foo`, Apache `%{X-Foo}i`): setting a header to the client's own value protects
/// nothing.
pub(crate) fn forwards_client_value(value: &str, key: &str) -> bool {
    let nginx = format!("$http_{}", key.to_ascii_lowercase());
    let braced = format!("${{http_{}}}", key.to_ascii_lowercase());
    let lower = value.to_ascii_lowercase();
    let nginx_hit = [nginx, braced].iter().any(|needle| {
        lower.match_indices(needle.as_str()).any(|(i, m)| {
            // `$http_x_ssl_client_s_dn` must not match inside `$http_x_ssl_client_s_dn_cn`.
            !lower[i + m.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    });
    if nginx_hit {
        return true;
    }
    // Apache: %{Header-Name}i
    let mut rest = value;
    while let Some(start) = rest.find("%{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        if after[end + 1..].starts_with('i') && header_key(&after[..end]) == key {
            return true;
        }
        rest = &after[end + 1..];
    }
    false
}

/// Whether a value reads a client-certificate variable (nginx `$ssl_client_*` or a variable
/// the config derives, Apache `%{SSL_CLIENT_*}s` / `…e`).
pub(crate) fn carries_certificate(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower.contains("$ssl_client_")
        || lower.contains("${ssl_client_")
        || lower.contains("%{ssl_client_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_dashes_and_the_wsgi_prefix() {
        assert_eq!(header_key("X-SSL-Client-S-DN-CN"), "X_SSL_CLIENT_S_DN_CN");
        assert_eq!(
            header_key("HTTP_X_SSL_CLIENT_S_DN_CN"),
            "X_SSL_CLIENT_S_DN_CN"
        );
        assert_eq!(header_key("x-ssl-client-verify"), "X_SSL_CLIENT_VERIFY");
        // A header that itself starts with Http- keeps its name.
        assert_eq!(header_key("Http-Token"), "HTTP_TOKEN");
        assert_eq!(header_key("HTTé_X"), "HTTé_X");
    }

    #[test]
    fn display_names_read_like_headers() {
        assert_eq!(
            display_name("HTTP_X_SSL_CLIENT_S_DN_CN"),
            "X-SSL-Client-S-DN-CN"
        );
        assert_eq!(display_name("X-Client-Cert"), "X-Client-Cert");
    }

    #[test]
    fn variables_for_common_headers() {
        assert_eq!(
            nginx_variable("X_SSL_CLIENT_S_DN_CN", &[]),
            Some(("ssl_client_s_dn_cn".into(), false))
        );
        assert_eq!(
            nginx_variable("X_SSL_CLIENT_S_DN_CN", &["ssl_client_s_dn_cn".into()]),
            Some(("ssl_client_s_dn_cn".into(), true))
        );
        assert_eq!(
            nginx_variable("X_CLIENT_VERIFY", &[]),
            Some(("ssl_client_verify".into(), true))
        );
        assert_eq!(nginx_variable("X_TENANT", &[]), None);
        assert_eq!(
            apache_variable("X_SSL_CLIENT_S_DN_CN").as_deref(),
            Some("SSL_CLIENT_S_DN_CN")
        );
        assert_eq!(
            apache_variable("X_CLIENT_DN").as_deref(),
            Some("SSL_CLIENT_S_DN")
        );
    }

    #[test]
    fn client_values_are_recognised_exactly() {
        assert!(forwards_client_value(
            "$http_x_ssl_client_s_dn_cn",
            "X_SSL_CLIENT_S_DN_CN"
        ));
        assert!(!forwards_client_value(
            "$http_x_ssl_client_s_dn_cn",
            "X_SSL_CLIENT_S_DN"
        ));
        assert!(forwards_client_value(
            "%{X-SSL-Client-S-DN}i",
            "X_SSL_CLIENT_S_DN"
        ));
        assert!(!forwards_client_value(
            "%{SSL_CLIENT_S_DN}s",
            "X_SSL_CLIENT_S_DN"
        ));
    }
}
