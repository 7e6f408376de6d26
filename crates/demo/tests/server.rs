//! The demo API over real mutual TLS.

mod common;

use std::time::Duration;

use common::{client_config, connect, connect_to, connect_with, get, request_on};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::{TokioExecutor, TokioIo};
use overshare_demo::{DemoPki, DemoServer};
use serde_json::{Value, json};

#[tokio::test]
async fn profiles_leak_the_password_hash() {
    let server = DemoServer::start().await.unwrap();
    let answer = get(&server, "partner-a", "/api/profiles/").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body = answer.json();
    let password = body[0]["user"]["password"].as_str().unwrap();
    assert!(password.starts_with("pbkdf2_sha256$870000$"), "{password}");
    assert_eq!(body[0]["user"]["username"], "alice");
    assert_eq!(body[0]["user"]["is_staff"], true);
    server.shutdown().await;
}

#[tokio::test]
async fn partner_b_sees_only_its_own_profile() {
    let server = DemoServer::start().await.unwrap();
    let body = get(&server, "partner-b", "/api/profiles/").await.json();
    let profiles = body.as_array().unwrap();
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0]["id"], 2);
    assert_eq!(profiles[0]["tenant"], 2);
    assert_eq!(profiles[0]["user"]["username"], "bob");
    let other = get(&server, "partner-b", "/api/profiles/1/").await;
    assert_eq!(other.status, 404);
    assert_eq!(other.json(), json!({"detail": "Not found."}));
    assert_eq!(
        get(&server, "partner-b", "/api/profiles/2/").await.status,
        200
    );
}

#[tokio::test]
async fn orders_detail_is_a_deliberate_bola() {
    let server = DemoServer::start().await.unwrap();
    let answer = get(&server, "partner-b", "/api/orders/101/").await;
    assert_eq!(answer.status, 200);
    let order = answer.json();
    assert_eq!(order["id"], 101);
    assert_eq!(order["tenant"], 1, "partner-b reads partner-a's order");
    let list = get(&server, "partner-b", "/api/orders/").await.json();
    assert!(
        list["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["tenant"] == 2)
    );
}

#[tokio::test]
async fn shipments_list_every_tenants_shipments_to_everyone() {
    let server = DemoServer::start().await.unwrap();
    let a = get(&server, "partner-a", "/api/shipments/").await;
    assert_eq!(a.status, 200);
    let a = a.json();
    assert_eq!(a, get(&server, "partner-b", "/api/shipments/").await.json());
    let tenants: Vec<u64> = a
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["tenant"].as_u64().unwrap())
        .collect();
    assert_eq!(tenants, [1, 1, 2, 2, 3]);
    // Each identity's own tenant, as its profiles tell it.
    for (identity, tenant) in [("partner-a", 1), ("partner-b", 2)] {
        let profiles = get(&server, identity, "/api/profiles/").await.json();
        assert_eq!(profiles[0]["tenant"], tenant, "{identity}");
    }
}

#[tokio::test]
async fn secure_profile_refuses_other_objects() {
    let server = DemoServer::start().await.unwrap();
    let me = get(&server, "partner-b", "/api/secure-profiles/me/")
        .await
        .json();
    assert_eq!(me.as_object().unwrap().len(), 3);
    assert_eq!(me["id"], 2);
    assert_eq!(
        get(&server, "partner-b", "/api/secure-profiles/1/")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn ping_returns_a_body_and_post_is_405() {
    let server = DemoServer::start().await.unwrap();
    let ping = get(&server, "partner-a", "/api/ping/").await;
    assert_eq!(ping.status, 200);
    assert_eq!(
        ping.json()["database"],
        "postgres://app@db.internal:5432/app"
    );
    let post = request_on(connect(&server, "partner-a").await, "POST", "/api/orders/")
        .await
        .unwrap();
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD, OPTIONS"));
    let missing = get(&server, "partner-a", "/nope").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json(), json!({"detail": "Not found."}));
}

#[tokio::test]
async fn head_has_no_body() {
    let server = DemoServer::start().await.unwrap();
    let head = request_on(
        connect(&server, "partner-a").await,
        "HEAD",
        "/api/catalogue/",
    )
    .await
    .unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
}

#[tokio::test]
async fn handshake_without_client_certificate_fails() {
    let server = DemoServer::start().await.unwrap();
    let config = client_config(server.pki(), None, &[b"http/1.1"]);
    // With TLS 1.3 the client may finish its side of the handshake before the server rejects
    // it; the rejection then surfaces on the first read. Either way no HTTP answer comes back.
    let outcome = match connect_with(&server, config).await {
        Err(error) => Err(error),
        Ok(tls) => request_on(tls, "GET", "/api/catalogue/").await,
    };
    assert!(
        outcome.is_err(),
        "got an HTTP answer without a client certificate: {outcome:?}"
    );
    // The server survives it.
    assert_eq!(
        get(&server, "partner-a", "/api/catalogue/").await.status,
        200
    );
}

#[tokio::test]
async fn certificate_from_another_ca_is_rejected() {
    let server = DemoServer::start().await.unwrap();
    let foreign = DemoPki::generate().unwrap();
    // Trust the right server CA but present a client certificate from the foreign CA.
    let mut pki = foreign.clone();
    pki.ca_cert_pem = server.pki().ca_cert_pem.clone();
    let config = client_config(&pki, Some("partner-a"), &[b"http/1.1"]);
    let outcome = match connect_with(&server, config).await {
        Err(error) => Err(error),
        Ok(tls) => request_on(tls, "GET", "/api/profiles/").await,
    };
    assert!(
        outcome.is_err(),
        "foreign client certificate accepted: {outcome:?}"
    );
}

#[tokio::test]
async fn unknown_common_name_gets_403() {
    let mut pki = DemoPki::generate().unwrap();
    pki.issue_identity("intruder", "intruder").unwrap();
    let server = DemoServer::start_with(pki).await.unwrap();
    let answer = get(&server, "intruder", "/api/profiles/").await;
    assert_eq!(answer.status, 403);
    assert!(answer.json()["detail"].is_string());
}

#[tokio::test]
async fn serves_http2_via_alpn() {
    let server = DemoServer::start().await.unwrap();
    let config = client_config(server.pki(), Some("partner-a"), &[b"h2", b"http/1.1"]);
    let tls = connect_with(&server, config).await.unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
            .await
            .unwrap();
    tokio::spawn(connection);
    let request = http::Request::get(format!("{}/api/users/", server.base_url()))
        .body(Empty::<bytes::Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let users: Value = serde_json::from_slice(&body).unwrap();
    let key = users[0]["activities"][0]["session_key"].as_str().unwrap();
    assert_eq!(key.len(), 32);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_connections_are_counted() {
    let server = DemoServer::start().await.unwrap();
    assert!(server.base_url().starts_with("https://127.0.0.1:"));
    assert!(server.addr().ip().is_loopback());
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..40 {
        let identity = if i % 2 == 0 { "partner-a" } else { "partner-b" };
        let config = client_config(server.pki(), Some(identity), &[b"http/1.1"]);
        let addr = server.addr();
        tasks.spawn(async move {
            let tls = connect_to(addr, config).await.unwrap();
            request_on(tls, "GET", "/api/catalogue/")
                .await
                .unwrap()
                .status
        });
    }
    let statuses = tasks.join_all().await;
    assert_eq!(statuses, vec![200; 40]);
    assert_eq!(server.requests_served(), 40);
}

#[tokio::test]
async fn shutdown_frees_the_port_even_with_an_idle_connection_open() {
    let server = DemoServer::start().await.unwrap();
    let addr = server.addr();
    let _idle = connect(&server, "partner-a").await;
    tokio::time::timeout(Duration::from_secs(5), server.shutdown())
        .await
        .expect("shutdown hangs");
    let error = tokio::net::TcpStream::connect(addr)
        .await
        .expect_err("port still open");
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionRefused);
}

#[tokio::test]
async fn drop_stops_the_server() {
    let server = DemoServer::start().await.unwrap();
    let addr = server.addr();
    drop(server);
    // Abort is processed asynchronously: poll briefly until the listener is gone.
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("listener still open after drop");
}
