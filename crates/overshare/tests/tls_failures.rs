//! How a scan fails at the mTLS edge and on bad identities: the right exit code, and a message
//! that names the identity, the side that failed and what to do.

mod common;

use common::{Demo, overshare, stderr};

#[tokio::test(flavor = "multi_thread")]
async fn rogue_ca_identity_is_reported_as_rejected_by_the_server() {
    let demo = Demo::start().await;
    let (cert, key) = demo.rogue_identity();
    let mut args = demo.base_args();
    args.extend(["--identity".into(), format!("rogue={cert},{key}")]);
    let output = overshare(args).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("identity `rogue`"), "{err}");
    assert!(err.contains("the server refused the handshake"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn untrusted_server_certificate_is_our_side_failing() {
    let demo = Demo::start().await;
    let args: Vec<String> = demo
        .scan_args()
        .into_iter()
        .filter(|a| !a.ends_with("ca.pem") && a != "--ca")
        .collect();
    let output = overshare(args).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("overshare rejected the server"), "{err}");
    assert!(err.contains("--ca"), "says what to do: {err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_failing_identity_does_not_stop_the_others() {
    let demo = Demo::start().await;
    let (cert, key) = demo.rogue_identity();
    let mut args = demo.scan_args();
    args.extend(["--identity".into(), format!("rogue={cert},{key}")]);
    args.extend(["--format".into(), "json".into()]);
    let output = overshare(args).await;
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("report");
    let rogue = report["identities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "rogue")
        .unwrap();
    assert_eq!(rogue["status"], "failed");
    assert!(rogue["error"].as_str().unwrap().contains("refused"));
    assert!(!report["findings"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn key_that_does_not_match_the_certificate_is_a_usage_error() {
    let demo = Demo::start().await;
    let (_, a_cert, _) = &demo.paths.identities[0];
    let (_, _, b_key) = &demo.paths.identities[1];
    let mut args = demo.base_args();
    args.extend([
        "--identity".into(),
        format!("mixed={},{}", a_cert.display(), b_key.display()),
    ]);
    let output = overshare(args).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("mixed"), "names the identity: {err}");
    assert!(err.to_lowercase().contains("match"), "{err}");
    assert_eq!(demo.server.requests_served(), 0, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_certificate_file_names_identity_and_file() {
    let demo = Demo::start().await;
    let mut args = demo.base_args();
    args.extend([
        "--identity".into(),
        "ghost=/nonexistent/ghost.pem,/nonexistent/ghost.key".into(),
    ]);
    let output = overshare(args).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("ghost") && err.contains("/nonexistent/ghost.pem"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_target_exits_3() {
    let demo = Demo::start().await;
    let mut args = demo.scan_args();
    // A port nothing listens on: bind one, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url_at = args.iter().position(|a| a == "--url").unwrap() + 1;
    args[url_at] = format!("https://127.0.0.1:{port}");
    let output = overshare(args).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("could not connect"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_spec_names_file_and_line() {
    let demo = Demo::start().await;
    let spec = demo.dir.path().join("broken.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a/:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/Nope'\n",
    )
    .unwrap();
    let mut args = demo.scan_args();
    let spec_at = args.iter().position(|a| a == "--spec").unwrap() + 1;
    args[spec_at] = spec.display().to_string();
    let output = overshare(args).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("broken.yaml"), "{err}");
    assert!(err.contains(":8"), "names the line of the $ref: {err}");
    assert!(err.contains("Nope"), "{err}");
}
