//! The one writable endpoint (`PATCH /api/members/{id}/`, mass assignment on purpose), its
//! per-server store, and the request body limit, over real mutual TLS.

mod common;

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use common::{client_config, connect, connect_with, get, patch, send_on};
use http_body_util::BodyExt;
use hyper::body::Frame;
use hyper_util::rt::{TokioExecutor, TokioIo};
use overshare_demo::DemoServer;
use serde_json::json;

#[tokio::test]
async fn patch_sets_is_staff_and_sets_it_back() {
    let server = DemoServer::start().await.unwrap();
    let members = get(&server, "partner-a", "/api/members/").await.json();
    let ids: Vec<&serde_json::Value> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["id"])
        .collect();
    assert_eq!(ids, [11, 12]);
    assert_eq!(members[0]["is_staff"], false);

    let answer = patch(
        &server,
        "partner-a",
        "/api/members/11/",
        r#"{"first_name": "Dave", "is_staff": true}"#,
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("allow"), Some("GET, PATCH, HEAD, OPTIONS"));
    assert_eq!(answer.json()["is_staff"], true);
    let stored = get(&server, "partner-a", "/api/members/11/").await;
    assert_eq!(
        stored.json()["is_staff"],
        true,
        "read back on a new connection"
    );

    // partner-b can neither see nor change partner-a's member.
    assert_eq!(
        get(&server, "partner-b", "/api/members/11/").await.status,
        404
    );
    let foreign = patch(
        &server,
        "partner-b",
        "/api/members/11/",
        r#"{"is_staff": false}"#,
    )
    .await;
    assert_eq!(foreign.status, 404);
    assert_eq!(foreign.json(), json!({"detail": "Not found."}));
    assert_eq!(
        get(&server, "partner-a", "/api/members/11/").await.json()["is_staff"],
        true
    );

    let restored = patch(
        &server,
        "partner-a",
        "/api/members/11/",
        r#"{"is_staff": false}"#,
    )
    .await;
    assert_eq!(restored.status, 200);
    let dave = get(&server, "partner-a", "/api/members/11/").await.json();
    assert_eq!(
        dave,
        json!({
            "id": 11, "username": "dave", "first_name": "Dave", "last_name": "Dawson",
            "email": "dave@partner-a.example", "is_staff": false, "role": "member",
        })
    );
    server.shutdown().await;
}

#[tokio::test]
async fn each_server_starts_from_the_seed() {
    let first = DemoServer::start().await.unwrap();
    let answer = patch(
        &first,
        "partner-b",
        "/api/members/21/",
        r#"{"role": "admin"}"#,
    )
    .await;
    assert_eq!(answer.json()["role"], "admin");
    let second = DemoServer::start().await.unwrap();
    assert_eq!(
        get(&second, "partner-b", "/api/members/21/").await.json()["role"],
        "member"
    );
    assert_eq!(
        get(&first, "partner-b", "/api/members/21/").await.json()["role"],
        "admin"
    );
}

#[tokio::test]
async fn bad_bodies_are_400_and_other_writes_405() {
    let server = DemoServer::start().await.unwrap();
    let broken = patch(
        &server,
        "partner-b",
        "/api/members/22/",
        "{\"is_staff\": tru",
    )
    .await;
    assert_eq!(broken.status, 400);
    let detail = broken.json()["detail"].as_str().unwrap().to_owned();
    assert!(detail.starts_with("JSON parse error - "), "{detail}");
    let invalid = patch(
        &server,
        "partner-b",
        "/api/members/22/",
        r#"{"email": "nobody"}"#,
    )
    .await;
    assert_eq!(invalid.status, 400);
    assert_eq!(
        invalid.json(),
        json!({"email": ["Enter a valid email address."]})
    );
    for (method, path) in [
        ("POST", "/api/members/"),
        ("PUT", "/api/members/22/"),
        ("DELETE", "/api/members/22/"),
        ("PATCH", "/api/orders/201/"),
    ] {
        let answer = send_on(
            connect(&server, "partner-b").await,
            method,
            path,
            "",
            br#"{"is_staff": true}"#,
        )
        .await
        .unwrap();
        assert_eq!(answer.status, 405, "{method} {path}");
    }
    assert_eq!(
        get(&server, "partner-b", "/api/members/22/").await.json()["is_staff"],
        false
    );
}

#[tokio::test]
async fn bodies_over_64_kib_are_413() {
    const LIMIT: usize = 64 * 1024;
    let server = DemoServer::start().await.unwrap();
    // Exactly at the limit: read and applied (JSON allows the trailing whitespace).
    let mut body = br#"{"last_name": "Dawes"}"#.to_vec();
    body.resize(LIMIT, b' ');
    let answer = send_on(
        connect(&server, "partner-a").await,
        "PATCH",
        "/api/members/11/",
        "",
        &body,
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["last_name"], "Dawes");

    // One byte more, declared: refused before the body is read (none is sent).
    let answer = send_on(
        connect(&server, "partner-a").await,
        "PATCH",
        "/api/members/11/",
        &format!("Content-Length: {}\r\n", LIMIT + 1),
        b"",
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 413);
    assert!(answer.json()["detail"].is_string());

    // Undeclared length (HTTP/2, no content-length): refused once the stream passes the limit.
    let config = client_config(server.pki(), Some("partner-a"), &[b"h2"]);
    let tls = connect_with(&server, config).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
            .await
            .unwrap();
    tokio::spawn(connection);
    let request = http::Request::patch(format!("{}/api/members/11/", server.base_url()))
        .body(Spaces { left: 4 * LIMIT })
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), 413);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(body["detail"].is_string());

    let dave = get(&server, "partner-a", "/api/members/11/").await.json();
    assert_eq!(
        dave["last_name"], "Dawes",
        "the refused bodies changed nothing"
    );
    assert_eq!(server.requests_served(), 4);
}

/// A request body of `left` spaces in 16 KiB frames, of unknown length.
struct Spaces {
    left: usize,
}

impl hyper::body::Body for Spaces {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let n = self.left.min(16 * 1024);
        self.left -= n;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b' '; n])))))
    }
}
