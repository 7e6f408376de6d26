//! From the directive tree to [`Server`]s and [`Route`]s, with each server's inheritance rules.
//!
//! nginx: `ssl_verify_client`, `underscores_in_headers` and the header lists inherit from `http`
//! to `server` to `location`; a level that has any `proxy_set_header` **replaces** the inherited
//! list (it does not add to it), which is why a location with one header of its own silently
//! loses the server's identity headers. Order inside a level does not matter.
//!
//! Apache: the main server's directives apply to every `<VirtualHost>`; `RequestHeader` lists
//! add up (main server, virtual host, then matching `<Location>`s) and apply in that order;
//! `SSLOptions` `+X`/`-X` add to or remove from the inherited set, a bare option replaces it.
//! `<IfModule>`, `<IfDefine>`, `<IfVersion>` are read as if their condition held.

use crate::{
    Dialect, Directive, HeaderAction, HeaderRule, PassKind, Route, Server, Setting, VerifyClient,
};
use overshare_finding::SourceLocation;

pub(crate) fn servers(dialect: Dialect, directives: &[Directive]) -> (Vec<Server>, Vec<String>) {
    match dialect {
        Dialect::Nginx => {
            let mut servers = Vec::new();
            let mut vars = Vec::new();
            let top = NCtx {
                block: SourceLocation::default(),
                ..NCtx::default()
            };
            nginx_block(directives, &top, Level::Top, None, &mut servers, &mut vars);
            vars.sort();
            vars.dedup();
            (servers, vars)
        }
        Dialect::Apache => (apache_servers(directives), Vec::new()),
    }
}

// ---------------------------------------------------------------------------------------------
// nginx

/// The nginx upstream modules: pass directive, header directive, "pass request headers" switch.
const NGINX_KINDS: [(PassKind, &str, &str, &str); 5] = [
    (
        PassKind::Http,
        "proxy_pass",
        "proxy_set_header",
        "proxy_pass_request_headers",
    ),
    (
        PassKind::Uwsgi,
        "uwsgi_pass",
        "uwsgi_param",
        "uwsgi_pass_request_headers",
    ),
    (
        PassKind::FastCgi,
        "fastcgi_pass",
        "fastcgi_param",
        "fastcgi_pass_request_headers",
    ),
    (
        PassKind::Scgi,
        "scgi_pass",
        "scgi_param",
        "scgi_pass_request_headers",
    ),
    (PassKind::Grpc, "grpc_pass", "grpc_set_header", ""),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Top,
    Http,
    Server,
    Location,
}

#[derive(Debug, Clone, Default)]
struct NCtx {
    verify: Option<Setting<VerifyClient>>,
    underscores: Option<Setting<bool>>,
    ignore_invalid: Option<Setting<bool>>,
    /// Per kind: the effective header list and the head of the block that defines it.
    headers: [Option<(Vec<HeaderRule>, SourceLocation)>; 5],
    pass_headers: [Option<Setting<bool>>; 5],
    /// The innermost `server` or `location` head.
    block: SourceLocation,
    location: Option<Setting<String>>,
}

fn flag(d: &Directive) -> Setting<bool> {
    Setting {
        value: d.args.first().is_some_and(|a| a.eq_ignore_ascii_case("on")),
        source: d.source.clone(),
    }
}

/// A request-header rule from `proxy_set_header NAME VALUE` or `uwsgi_param HTTP_NAME VALUE`.
fn nginx_header(kind: PassKind, d: &Directive) -> Option<HeaderRule> {
    let name = d.args.first()?;
    let param_style = matches!(kind, PassKind::Uwsgi | PassKind::FastCgi | PassKind::Scgi);
    // Only `HTTP_*` params replace request headers; the others are CGI variables.
    let http_param = name.len() > 5
        && name
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("HTTP_"));
    if param_style && !http_param {
        return None;
    }
    let value = d.args.get(1).cloned().unwrap_or_default();
    Some(HeaderRule {
        action: if value.is_empty() {
            HeaderAction::Clear
        } else {
            HeaderAction::Set
        },
        name: name.clone(),
        value: Some(value),
        conditional: false,
        early: false,
        source: d.source.clone(),
    })
}

/// Apply the settings a level declares itself (order does not matter in nginx).
fn nginx_level(children: &[Directive], parent: &NCtx, head: &SourceLocation) -> NCtx {
    let mut ctx = parent.clone();
    ctx.block = head.clone();
    for (i, (kind, _, header, pass_switch)) in NGINX_KINDS.iter().enumerate() {
        let own: Vec<&Directive> = children.iter().filter(|d| d.name == *header).collect();
        if !own.is_empty() {
            let rules = own.iter().filter_map(|d| nginx_header(*kind, d)).collect();
            ctx.headers[i] = Some((rules, head.clone()));
        }
        if let Some(d) = children
            .iter()
            .rev()
            .find(|d| !pass_switch.is_empty() && d.name == *pass_switch)
        {
            ctx.pass_headers[i] = Some(flag(d));
        }
    }
    for d in children {
        match d.name.as_str() {
            "ssl_verify_client" => {
                if let Some(v) = d.args.first() {
                    ctx.verify = Some(Setting {
                        value: VerifyClient::parse(v),
                        source: d.source.clone(),
                    });
                }
            }
            "underscores_in_headers" => ctx.underscores = Some(flag(d)),
            "ignore_invalid_headers" => ctx.ignore_invalid = Some(flag(d)),
            _ => {}
        }
    }
    ctx
}

fn nginx_block(
    children: &[Directive],
    ctx: &NCtx,
    level: Level,
    mut server: Option<&mut Server>,
    servers: &mut Vec<Server>,
    vars: &mut Vec<String>,
) {
    for d in children {
        define_variables(d, vars);
        let name = d.name.as_str();
        match name {
            "http" if level == Level::Top => {
                let inner = nginx_level(d.children(), ctx, &d.source);
                nginx_block(d.children(), &inner, Level::Http, None, servers, vars);
            }
            "server" if matches!(level, Level::Top | Level::Http) && d.block.is_some() => {
                let inner = nginx_level(d.children(), ctx, &d.source);
                let mut s = Server {
                    source: d.source.clone(),
                    names: d
                        .children()
                        .iter()
                        .filter(|c| c.name == "server_name")
                        .flat_map(|c| c.args.iter().cloned())
                        .collect(),
                    listen: d
                        .children()
                        .iter()
                        .filter(|c| c.name == "listen")
                        .map(|c| Setting {
                            value: c.args.join(" "),
                            source: c.source.clone(),
                        })
                        .collect(),
                    verify_client: inner.verify.clone(),
                    underscores_in_headers: inner.underscores.clone(),
                    ignore_invalid_headers: inner.ignore_invalid.clone(),
                    ssl_options: Vec::new(),
                    headers: inner.headers[0]
                        .as_ref()
                        .map(|(h, _)| h.clone())
                        .unwrap_or_default(),
                    routes: Vec::new(),
                };
                nginx_block(
                    d.children(),
                    &inner,
                    Level::Server,
                    Some(&mut s),
                    servers,
                    vars,
                );
                servers.push(s);
            }
            "location" if matches!(level, Level::Server | Level::Location) => {
                let mut inner = nginx_level(d.children(), ctx, &d.source);
                inner.location = Some(Setting {
                    value: d.args.join(" "),
                    source: d.source.clone(),
                });
                nginx_block(
                    d.children(),
                    &inner,
                    Level::Location,
                    server.as_deref_mut(),
                    servers,
                    vars,
                );
            }
            // `if` and `limit_except` cannot hold header directives: their passes use the
            // enclosing location's list.
            "if" | "limit_except" if matches!(level, Level::Server | Level::Location) => {
                nginx_block(
                    d.children(),
                    ctx,
                    Level::Location,
                    server.as_deref_mut(),
                    servers,
                    vars,
                );
            }
            _ => {
                let Some(i) = NGINX_KINDS.iter().position(|k| k.1 == name) else {
                    continue;
                };
                let Some(s) = server.as_deref_mut() else {
                    continue;
                };
                let (kind, ..) = NGINX_KINDS[i];
                let (headers, headers_block) = match &ctx.headers[i] {
                    Some((h, block)) => (h.clone(), block.clone()),
                    None => (Vec::new(), ctx.block.clone()),
                };
                s.routes.push(Route {
                    kind,
                    pass: Setting {
                        value: d.args.first().cloned().unwrap_or_default(),
                        source: d.source.clone(),
                    },
                    location: ctx.location.clone(),
                    headers,
                    headers_block,
                    pass_request_headers: ctx.pass_headers[i].as_ref().is_none_or(|p| p.value),
                    verify_client: ctx.verify.clone(),
                    ssl_options: Vec::new(),
                });
            }
        }
    }
}

/// Variables a directive defines: `map $a $b`, `geo [$a] $b`, `split_clients … $b`,
/// `set $b …`, `perl_set` / `js_set $b …`.
fn define_variables(d: &Directive, vars: &mut Vec<String>) {
    let var = match d.name.as_str() {
        "map" | "geo" | "split_clients" if d.block.is_some() => d.args.last(),
        "set" | "perl_set" | "js_set" => d.args.first(),
        _ => None,
    };
    if let Some(v) = var.and_then(|v| v.strip_prefix('$')) {
        vars.push(v.to_string());
    }
}

// ---------------------------------------------------------------------------------------------
// Apache

#[derive(Debug, Clone, Default)]
struct ACtx {
    verify: Option<Setting<VerifyClient>>,
    ssl_options: Vec<Setting<String>>,
    headers: Vec<HeaderRule>,
    block: SourceLocation,
}

/// Sections whose condition is taken as true: their content belongs to the enclosing level.
fn transparent(d: &Directive) -> bool {
    d.block.is_some()
        && ["IfModule", "IfDefine", "IfVersion", "IfFile"]
            .iter()
            .any(|s| d.is(s))
}

/// The directives of a level, conditional sections flattened, in order.
fn flatten(children: &[Directive]) -> Vec<&Directive> {
    let mut out = Vec::new();
    for d in children {
        if transparent(d) {
            out.extend(flatten(d.children()));
        } else {
            out.push(d);
        }
    }
    out
}

fn apache_header(d: &Directive) -> Option<HeaderRule> {
    let action = d.args.first()?.to_ascii_lowercase();
    let name = d.args.get(1)?.clone();
    let (action, value_args) = match action.as_str() {
        "set" => (HeaderAction::Set, 1),
        "unset" => (HeaderAction::Clear, 0),
        "append" | "merge" | "add" => (HeaderAction::Append, 1),
        "setifempty" => (HeaderAction::SetIfEmpty, 1),
        "edit" | "edit*" => (HeaderAction::Edit, 2),
        _ => return None,
    };
    let value = (value_args > 0).then(|| {
        d.args[2..]
            .iter()
            .take(value_args)
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    });
    let rest = d.args.iter().skip(2 + value_args);
    let (mut conditional, mut early) = (false, false);
    for arg in rest {
        let lower = arg.to_ascii_lowercase();
        if lower == "early" {
            early = true;
        } else if lower.starts_with("env=") || lower.starts_with("expr=") {
            conditional = true;
        }
    }
    Some(HeaderRule {
        action,
        name,
        value: value.filter(|v| !v.is_empty()),
        conditional,
        early,
        source: d.source.clone(),
    })
}

/// Apply a level's own settings, in order, on top of the inherited ones.
fn apache_level(children: &[&Directive], parent: &ACtx, head: &SourceLocation) -> ACtx {
    let mut ctx = parent.clone();
    ctx.block = head.clone();
    for d in children {
        if d.is("SSLVerifyClient") {
            if let Some(v) = d.args.first() {
                ctx.verify = Some(Setting {
                    value: VerifyClient::parse(v),
                    source: d.source.clone(),
                });
            }
        } else if d.is("SSLOptions") {
            let mut replaced = false;
            for option in &d.args {
                if let Some(name) = option.strip_prefix('+') {
                    ctx.ssl_options
                        .retain(|o| !o.value.eq_ignore_ascii_case(name));
                    ctx.ssl_options.push(Setting {
                        value: name.to_string(),
                        source: d.source.clone(),
                    });
                } else if let Some(name) = option.strip_prefix('-') {
                    ctx.ssl_options
                        .retain(|o| !o.value.eq_ignore_ascii_case(name));
                } else {
                    if !replaced {
                        ctx.ssl_options.clear();
                        replaced = true;
                    }
                    ctx.ssl_options.push(Setting {
                        value: option.to_string(),
                        source: d.source.clone(),
                    });
                }
            }
        } else if d.is("RequestHeader")
            && let Some(rule) = apache_header(d)
        {
            ctx.headers.push(rule);
        }
    }
    ctx
}

/// The protocol of a `ProxyPass` target.
fn apache_kind(url: &str) -> PassKind {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("uwsgi://") {
        PassKind::Uwsgi
    } else if lower.starts_with("fcgi://") {
        PassKind::FastCgi
    } else if lower.starts_with("ajp://") {
        PassKind::Ajp
    } else if lower.starts_with("scgi://") {
        PassKind::Scgi
    } else {
        PassKind::Http
    }
}

/// `RewriteRule pattern target [P,…]`: a proxying rewrite.
fn rewrite_proxies(d: &Directive) -> bool {
    d.is("RewriteRule")
        && d.args.get(2).is_some_and(|flags| {
            flags.trim_matches(['[', ']']).split(',').any(|f| {
                f.trim().eq_ignore_ascii_case("P") || f.trim().eq_ignore_ascii_case("proxy")
            })
        })
}

/// Whether a `<Location path>` covers every request under `prefix` (path-segment prefix).
fn location_covers(location: &str, prefix: &str) -> bool {
    let location = location.trim_end_matches('/');
    location.is_empty()
        || prefix == location
        || prefix
            .strip_prefix(location)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn route(
    kind: PassKind,
    target: &str,
    d: &Directive,
    location: Option<Setting<String>>,
    ctx: &ACtx,
) -> Route {
    Route {
        kind,
        pass: Setting {
            value: target.to_string(),
            source: d.source.clone(),
        },
        location,
        headers: ctx.headers.clone(),
        headers_block: ctx.block.clone(),
        pass_request_headers: true,
        verify_client: ctx.verify.clone(),
        ssl_options: ctx.ssl_options.clone(),
    }
}

/// The routes of a scope (main server or virtual host) with its context: `ProxyPass` /
/// `ProxyPassMatch` / proxying `RewriteRule`s at the scope level (with the `<Location>`s that
/// cover their path), and those inside `<Location>` / `<LocationMatch>`.
fn apache_routes(level: &[&Directive], ctx: &ACtx) -> Vec<Route> {
    let locations: Vec<(&Directive, ACtx)> = level
        .iter()
        .filter(|d| d.block.is_some() && (d.is("Location") || d.is("LocationMatch")))
        .map(|d| (*d, apache_level(&flatten(d.children()), ctx, &d.source)))
        .collect();
    let mut routes = Vec::new();
    for d in level {
        let (path, target) = if d.is("ProxyPass") || d.is("ProxyPassMatch") {
            match (d.args.first(), d.args.get(1)) {
                (Some(path), Some(target)) => (path.as_str(), target.as_str()),
                _ => continue,
            }
        } else if rewrite_proxies(d) {
            (d.args[0].as_str(), d.args[1].as_str())
        } else {
            continue;
        };
        if target == "!" {
            continue;
        }
        // The scope's context, then every plain <Location> that covers the whole path. A new
        // header directive still belongs in the scope itself (lists add up in Apache).
        let mut merged = ctx.clone();
        for (loc, _) in &locations {
            if loc.is("Location")
                && let Some(lpath) = loc.args.first()
                && location_covers(lpath, path)
            {
                merged = apache_level(&flatten(loc.children()), &merged, &loc.source);
            }
        }
        merged.block = ctx.block.clone();
        let location = Some(Setting {
            value: path.to_string(),
            source: d.source.clone(),
        });
        routes.push(route(apache_kind(target), target, d, location, &merged));
    }
    for (loc, loc_ctx) in &locations {
        for d in flatten(loc.children()) {
            let target = if d.is("ProxyPass") || d.is("ProxyPassMatch") {
                d.args.first()
            } else if rewrite_proxies(d) {
                d.args.get(1)
            } else {
                None
            };
            let Some(target) = target.filter(|t| *t != "!") else {
                continue;
            };
            let location = Some(Setting {
                value: loc.args.join(" "),
                source: loc.source.clone(),
            });
            routes.push(route(apache_kind(target), target, d, location, loc_ctx));
        }
    }
    routes
}

fn apache_servers(directives: &[Directive]) -> Vec<Server> {
    let top = flatten(directives);
    let global = apache_level(&top, &ACtx::default(), &SourceLocation::default());
    let global_pass: Vec<&Directive> = top
        .iter()
        .copied()
        .filter(|d| d.is("ProxyPass") || d.is("ProxyPassMatch") || rewrite_proxies(d))
        .collect();
    let mut servers = Vec::new();
    for vhost in top
        .iter()
        .filter(|d| d.is("VirtualHost") && d.block.is_some())
    {
        let level = flatten(vhost.children());
        let ctx = apache_level(&level, &global, &vhost.source);
        // The main server's ProxyPass rules apply in every virtual host too (mod_proxy merges
        // them), with the virtual host's headers.
        let mut scope: Vec<&Directive> = global_pass.clone();
        scope.extend(level.iter().copied());
        servers.push(Server {
            source: vhost.source.clone(),
            names: names(&level),
            listen: vec![Setting {
                value: vhost.args.join(" "),
                source: vhost.source.clone(),
            }],
            verify_client: ctx.verify.clone(),
            underscores_in_headers: None,
            ignore_invalid_headers: None,
            ssl_options: ctx.ssl_options.clone(),
            headers: ctx.headers.clone(),
            routes: apache_routes(&scope, &ctx),
        });
    }
    if servers.is_empty() {
        let routes = apache_routes(&top, &global);
        if !routes.is_empty() {
            servers.push(Server {
                source: routes[0].pass.source.clone(),
                names: names(&top),
                listen: top
                    .iter()
                    .filter(|d| d.is("Listen"))
                    .map(|d| Setting {
                        value: d.args.join(" "),
                        source: d.source.clone(),
                    })
                    .collect(),
                verify_client: global.verify.clone(),
                underscores_in_headers: None,
                ignore_invalid_headers: None,
                ssl_options: global.ssl_options.clone(),
                headers: global.headers.clone(),
                routes,
            });
        }
    }
    servers
}

fn names(level: &[&Directive]) -> Vec<String> {
    let mut out: Vec<String> = level
        .iter()
        .filter(|d| d.is("ServerName"))
        .filter_map(|d| d.args.first().cloned())
        .collect();
    out.extend(
        level
            .iter()
            .filter(|d| d.is("ServerAlias"))
            .flat_map(|d| d.args.iter().cloned()),
    );
    out
}
