//! The nginx and Apache parsers: quoting, comments, nesting, positions, includes, errors.

use overshare_proxyconf::{
    Dialect, Directive, HeaderAction, ProxyError, VerifyClient, load, load_str,
    looks_like_proxy_config,
};
use std::path::{Path, PathBuf};

fn nowhere() -> &'static Path {
    Path::new("/nonexistent-base")
}

fn nginx(text: &str) -> Vec<Directive> {
    load_str(text, "test.conf", nowhere())
        .unwrap_or_else(|e| panic!("{e}"))
        .directives
}

fn err(text: &str, name: &str) -> (ProxyError, String) {
    let e = load_str(text, name, nowhere()).expect_err("must not parse");
    let shown = e.to_string();
    (e, shown)
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parser")
}

// ----------------------------------------------------------------------------------------------
// nginx

#[test]
fn nginx_quotes_escapes_and_variables() {
    let d = nginx(concat!(
        "add_header X-A \"a b;c {d}\" always;\n",
        "add_header X-B 'single \"quoted\"';\n",
        "return 200 \"say \\\"hi\\\"\\n\";\n",
        "set $x ${host}_suffix;\n",
        "rewrite ^/a\\ b$ /c;\n",
    ));
    assert_eq!(d.len(), 5, "{d:#?}");
    assert_eq!(d[0].args, ["X-A", "a b;c {d}", "always"]);
    assert_eq!(d[1].args, ["X-B", "single \"quoted\""]);
    assert_eq!(d[2].args, ["200", "say \"hi\"\n"]);
    assert_eq!(d[3].args, ["$x", "${host}_suffix"]);
    // An escaped space does not end the word; like nginx, the backslash stays (only quotes,
    // backslashes, t, r and n are unescaped).
    assert_eq!(d[4].args, ["^/a\\ b$", "/c"]);
}

#[test]
fn nginx_comments_only_start_words() {
    let d = nginx(concat!(
        "# a comment line\n",
        "server_name a#b.example;   # trailing comment\n",
        "location / { # after a brace\n",
        "  root /srv; }\n",
    ));
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].args, ["a#b.example"]);
    assert_eq!(d[1].children()[0].name, "root");
}

#[test]
fn nginx_positions_and_snippets_are_exact() {
    let d = nginx("http {\n    server {\n        listen 443 ssl;\n    }\n}\n");
    let server = &d[0].children()[0];
    let listen = &server.children()[0];
    let at = &listen.source;
    assert_eq!(at.file, "test.conf");
    assert_eq!((at.line, at.column), (3, Some(9)));
    assert_eq!((at.end_line, at.end_column), (Some(3), Some(24)));
    assert_eq!(at.snippet.as_deref(), Some("listen 443 ssl;"));
    assert_eq!(at.role.as_deref(), Some("proxy"));
    // A block's source is its head; block_end is the closing brace.
    assert_eq!(server.source.snippet.as_deref(), Some("server {"));
    assert_eq!((server.source.line, server.source.column), (2, Some(5)));
    let end = server.block_end.as_ref().unwrap();
    assert_eq!(
        (end.line, end.column, end.end_column),
        (4, Some(5), Some(6))
    );
    // Columns count characters, not bytes.
    let d = nginx("# é\nreturn 200 \"é\"; listen 1;\n");
    assert_eq!(d[1].source.column, Some(17));
}

#[test]
fn nginx_multiline_directive_keeps_its_range() {
    let d = nginx("log_format main\n    '$remote_addr'\n    '$status';\n");
    let at = &d[0].source;
    assert_eq!((at.line, at.end_line), (1, Some(3)));
    assert_eq!(d[0].args, ["main", "$remote_addr", "$status"]);
}

#[test]
fn nginx_map_if_lua_and_many_servers() {
    let config = load_str(
        concat!(
            "http {\n",
            "  map $ssl_client_s_dn $cn { default \"\"; \"~CN=(?<c>[^,]{1,64})\" $c; }\n",
            "  server { listen 1; location / { if ($cn = \"\") { return 403; } proxy_pass http://a; } }\n",
            "  server { listen 2; content_by_lua_block { if x then ngx.say(\"}\") end } }\n",
            "  server { listen 3; location /x { location /x/y { proxy_pass http://b; } } }\n",
            "}\n",
        ),
        "nginx.conf",
        nowhere(),
    )
    .unwrap();
    assert_eq!(config.servers.len(), 3);
    assert_eq!(config.defined_variables, ["cn"]);
    let map = &config.directives[0].children()[0];
    assert_eq!(map.children()[1].name, "~CN=(?<c>[^,]{1,64})");
    assert_eq!(config.servers[0].routes.len(), 1);
    assert!(config.servers[1].routes.is_empty());
    // A nested location's route names the innermost location.
    let route = &config.servers[2].routes[0];
    assert_eq!(route.location.as_ref().unwrap().value, "/x/y");
    assert_eq!(route.pass.value, "http://b");
}

#[test]
fn nginx_syntax_errors_name_file_line_and_column() {
    let (e, shown) = err("http {\n  server {\n    listen 443\n  }\n}\n", "site.conf");
    assert_eq!(
        shown.split(": ").next().unwrap(),
        "site.conf:4:3",
        "{shown}"
    );
    assert!(shown.contains("\"listen\""), "{shown}");
    assert!(matches!(
        e,
        ProxyError::Syntax {
            line: 4,
            column: 3,
            ..
        }
    ));

    let (_, shown) = err("events {\n}\nhttp {\n  server {\n", "n.conf");
    assert!(
        shown.starts_with("n.conf:4:3: unexpected end of file"),
        "{shown}"
    );
    assert!(shown.contains("\"server\" block"), "{shown}");

    let (_, shown) = err("worker_processes 1;\n}\n", "n.conf");
    assert_eq!(shown, "n.conf:2:1: unexpected \"}\"");

    let (_, shown) = err("listen 80;\nserver_name \"a\"b;\n", "n.conf");
    assert!(
        shown.starts_with("n.conf:2:16: unexpected \"b\""),
        "{shown}"
    );

    let (_, shown) = err("return 200 'open\n", "n.conf");
    assert!(
        shown.starts_with("n.conf:1:12: unterminated quoted string"),
        "{shown}"
    );

    let (_, shown) = err("user nobody", "n.conf");
    assert!(
        shown.starts_with("n.conf:1:1: unexpected end of file"),
        "{shown}"
    );

    let (_, shown) = err("http {\n  ;\n}\n", "n.conf");
    assert_eq!(shown, "n.conf:2:3: unexpected \";\"");
}

#[test]
fn nginx_includes_globs_in_order_with_their_own_positions() {
    let root = fixtures().join("nginx-include/nginx.conf");
    let config = load(&root).unwrap();
    assert_eq!(config.dialect, Dialect::Nginx);
    let files: Vec<String> = config
        .files
        .iter()
        .map(|f| f.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "nginx.conf",
            "a-first.conf",
            "b-second.conf",
            "identity.conf"
        ]
    );
    let listens: Vec<&str> = config
        .servers
        .iter()
        .map(|s| s.listen[0].value.as_str())
        .collect();
    assert_eq!(listens, ["8001", "8002"]);
    // The second server's header comes from the snippet, with the snippet's position.
    let header = &config.servers[1].routes[0].headers[0];
    assert_eq!(header.name, "X-SSL-Client-S-DN-CN");
    assert_eq!(header.action, HeaderAction::Set);
    assert!(
        header.source.file.ends_with("snippets/identity.conf"),
        "{}",
        header.source.file
    );
    assert_eq!((header.source.line, header.source.column), (1, Some(1)));
    let listen = &config.servers[0].listen[0].source;
    assert!(listen.file.ends_with("conf.d/a-first.conf"));
    assert_eq!(listen.line, 3);
    // The absolute system include is recorded, not fatal.
    assert_eq!(config.unresolved_includes.len(), 1);
    assert_eq!(
        config.unresolved_includes[0].snippet.as_deref(),
        Some("include /etc/nginx/mime.types;")
    );
}

#[test]
fn nginx_include_errors_name_the_included_file_and_loops_stop() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("nginx.conf"),
        "http {\n  include bad.conf;\n}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("bad.conf"), "server {\n  listen 80\n}\n").unwrap();
    let e = load(&dir.path().join("nginx.conf")).unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("bad.conf:3:1: unexpected \"}\""), "{shown}");

    std::fs::write(
        dir.path().join("loop.conf"),
        "include loop.conf;\nlisten 1;\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("nginx.conf"), "include loop.conf;\n").unwrap();
    let config = load(&dir.path().join("nginx.conf")).unwrap();
    assert_eq!(config.unresolved_includes.len(), 1, "the loop is cut once");
    assert_eq!(config.files.len(), 2);
}

#[test]
fn template_placeholders_are_tolerated() {
    let config = load_str(
        "@USER@\nworker_processes 1;\nhttp { server { listen 127.0.0.1:@PORT@ ssl; ssl_verify_client @VERIFY@; } }\n",
        "nginx.conf.in",
        nowhere(),
    )
    .unwrap();
    assert_eq!(config.directives[0].name, "worker_processes");
    assert_eq!(config.directives[0].source.line, 2);
    let server = &config.servers[0];
    assert_eq!(server.listen[0].value, "127.0.0.1:@PORT@ ssl");
    assert_eq!(
        server.verify_client.as_ref().unwrap().value,
        VerifyClient::Other("@VERIFY@".into())
    );
}

// ----------------------------------------------------------------------------------------------
// Apache

#[test]
fn apache_case_continuations_sections_and_includes() {
    let config = load(&fixtures().join("apache-include/httpd.conf")).unwrap();
    assert_eq!(config.dialect, Dialect::Apache);
    assert_eq!(config.servers.len(), 1);
    let vhost = &config.servers[0];
    assert_eq!(vhost.names, ["api.example.com"]);
    assert_eq!(vhost.listen[0].value, "*:443");
    assert_eq!(vhost.source.snippet.as_deref(), Some("<VirtualHost *:443>"));
    // The global SSLVerifyClient (inside <IfModule>) applies to the virtual host.
    let verify = vhost.verify_client.as_ref().unwrap();
    assert_eq!(verify.value, VerifyClient::Off);
    assert!(verify.source.file.ends_with("httpd.conf"));
    // `REQUESTHEADER` across two lines: one directive, first line to last.
    let header = &vhost.routes[0].headers[0];
    assert_eq!(header.action, HeaderAction::Set);
    assert_eq!(header.value.as_deref(), Some("%{SSL_CLIENT_S_DN_CN}s"));
    assert_eq!((header.source.line, header.source.end_line), (4, Some(5)));
    assert_eq!(header.source.column, Some(9));
    assert!(header.source.file.ends_with("sites-enabled/api.conf"));
    assert_eq!(vhost.routes[0].pass.value, "http://127.0.0.1:8000/");
    assert_eq!(config.unresolved_includes.len(), 1);
    assert_eq!(config.unresolved_includes[0].line, 7);
}

#[test]
fn apache_quotes_and_comments() {
    let config = load_str(
        concat!(
            "# comment\n",
            "  # indented comment \\\n",
            "    continued comment\n",
            "<VirtualHost 10.0.0.1:443 [::1]:443>\n",
            "  ServerName 'a.example'\n",
            "  RequestHeader set X-Note \"say \\\"hi\\\" there\" early\n",
            "  RequestHeader unset X-Other env=!SSL_CLIENT_VERIFY\n",
            "  ProxyPass /static !\n",
            "  ProxyPass / fcgi://127.0.0.1:9000/\n",
            "</virtualhost>\n",
        ),
        "site.conf",
        nowhere(),
    )
    .unwrap();
    assert_eq!(config.dialect, Dialect::Apache);
    let vhost = &config.servers[0];
    assert_eq!(vhost.listen[0].value, "10.0.0.1:443 [::1]:443");
    assert_eq!(vhost.names, ["a.example"]);
    assert_eq!(vhost.headers[0].value.as_deref(), Some("say \"hi\" there"));
    assert!(vhost.headers[0].early);
    assert_eq!(vhost.headers[1].action, HeaderAction::Clear);
    assert!(vhost.headers[1].conditional);
    assert_eq!(vhost.routes.len(), 1, "the `!` exclusion is no route");
    assert_eq!(vhost.routes[0].kind, overshare_proxyconf::PassKind::FastCgi);
}

#[test]
fn apache_errors_name_file_line_and_column() {
    let (_, shown) = err(
        "<VirtualHost *:443>\n  <Location />\n  </VirtualHost>\n</Location>\n",
        "httpd.conf",
    );
    assert!(
        shown.starts_with("httpd.conf:3:3: expected </Location> but saw </VirtualHost>"),
        "{shown}"
    );
    let (_, shown) = err("<VirtualHost *:443>\n  ServerName a\n", "httpd.conf");
    assert!(
        shown.starts_with("httpd.conf:1:1: <VirtualHost> section is never closed"),
        "{shown}"
    );
    let (_, shown) = err("ServerName a\n  </Location>\n", "httpd.conf");
    assert!(
        shown.starts_with("httpd.conf:2:3: </Location> without matching"),
        "{shown}"
    );
    let (_, shown) = err("<VirtualHost *:443\n</VirtualHost>\n", "httpd.conf");
    assert!(
        shown.starts_with("httpd.conf:1:1: section tag is not closed"),
        "{shown}"
    );
}

// ----------------------------------------------------------------------------------------------
// Detection

#[test]
fn which_files_look_like_proxy_config() {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    };
    assert!(looks_like_proxy_config(&write(
        "deploy/nginx.conf",
        "events {}"
    )));
    assert!(looks_like_proxy_config(&write(
        "tests/target/nginx.conf.in",
        ""
    )));
    assert!(looks_like_proxy_config(&write("apache/httpd.conf", "")));
    assert!(looks_like_proxy_config(&write("x/apache2.conf", "")));
    assert!(looks_like_proxy_config(&write(
        "site.conf",
        "upstream a {}\nserver {\n listen 1;\n}\n"
    )));
    assert!(looks_like_proxy_config(&write(
        "api.conf.in",
        "http  {\n}\n"
    )));
    assert!(looks_like_proxy_config(&write(
        "vhost.conf",
        "<VirtualHost *:443>\n</VirtualHost>\n"
    )));
    assert!(looks_like_proxy_config(&write(
        "sites-enabled/default",
        "server {\n}\n"
    )));
    // Not proxy config: other .conf files, commented-out blocks, other extensions.
    assert!(!looks_like_proxy_config(&write(
        "supervisord.conf",
        "[program:x]\ncommand=y\n"
    )));
    assert!(!looks_like_proxy_config(&write("old.conf", "# server {\n")));
    assert!(!looks_like_proxy_config(&write("server.py", "server {\n")));
    assert!(!looks_like_proxy_config(&write(
        "sites-enabled/readme",
        "see docs\n"
    )));
    assert!(!looks_like_proxy_config(&dir.path().join("missing.conf")));
    // Multi-byte text where a tag or prefix is compared must not panic.
    assert!(looks_like_proxy_config(&write(
        "u.conf",
        "ééééééé x\n<VirtualHost *:1>\n"
    )));
    assert!(!looks_like_proxy_config(&write("v.conf", "éééééééééééé\n")));
}

#[test]
fn unreadable_file_is_an_io_error_naming_it() {
    let e = load(Path::new("/nonexistent/nginx.conf")).unwrap_err();
    assert!(matches!(&e, ProxyError::Io { file, .. } if file == "/nonexistent/nginx.conf"));
    assert!(
        e.to_string()
            .starts_with("/nonexistent/nginx.conf: cannot read")
    );
}
