//! Nothing is lost: a scan stopped by Ctrl-C or by `--max-time` still writes what it found.

mod common;

use std::process::Stdio;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc};

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: slow, version: "1"}
paths:
  /fast/:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: integer}}}
  /slow/:
    get:
      responses: {"200": {description: ok}}
"#;

/// Plain-HTTP server: `/slow/` reports that it was asked, then never answers, or answers with a
/// body when `release` is notified; anything else answers at once with a leaky body.
async fn slow_server(
    release: Option<Arc<Notify>>,
) -> (
    String,
    mpsc::UnboundedReceiver<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let tx = tx.clone();
            let release = release.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).await.unwrap_or(0) == 1
                {
                    head.push(byte[0]);
                }
                let mut body = r#"{"id": 1, "secret_note": "do not share"}"#;
                if head.starts_with(b"GET /slow/") {
                    let _ = tx.send(());
                    match &release {
                        Some(release) => release.notified().await,
                        None => {
                            let _ = stream.read(&mut byte).await; // until the client goes away
                            return;
                        }
                    }
                    body = r#"{"status": "late but here"}"#;
                }
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    (url, rx, task)
}

fn scan_command(
    url: &str,
    spec: &std::path::Path,
    report: &std::path::Path,
    extra: &[&str],
) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_overshare"));
    command
        .args(["scan", "--quiet", "--url", url, "--spec"])
        .arg(spec)
        .args([
            "--identity-header",
            "probe=X-Probe: 1",
            "--concurrency",
            "1",
            "--fail-on",
            "medium",
            "--format",
            "json",
            "--output",
        ])
        .arg(report)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_still_writes_the_report() {
    let (url, mut asked, _server) = slow_server(None).await;
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, SPEC).unwrap();
    let report = dir.path().join("report.json");
    let child = scan_command(&url, &spec, &report, &[]).spawn().unwrap();
    // Wait until the scan is stuck on /slow/, then interrupt it like a user would.
    asked.recv().await.expect("the scan reached /slow/");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the finding before the interruption counts: {stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(report["interrupted"], true);
    let errors = report["errors"].to_string();
    assert!(errors.contains("Ctrl-C"), "{errors}");
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["pattern"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["/secret_note"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn max_time_stops_the_scan_and_keeps_the_results() {
    let (url, _asked, _server) = slow_server(None).await;
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, SPEC).unwrap();
    let report = dir.path().join("report.json");
    let mut command = scan_command(
        &url,
        &spec,
        &report,
        &["--max-time", "2", "--timeout", "60"],
    );
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(report["interrupted"], true);
    assert!(report["errors"].to_string().contains("--max-time"));
    let slow = report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "/slow/")
        .unwrap();
    assert_eq!(slow["status"], "skipped", "{slow}");
    assert!(
        slow["reason"]
            .as_str()
            .unwrap()
            .contains("before the scan stopped"),
        "{slow}"
    );
}

/// After Ctrl-C no new request starts, but one already in flight may still answer within the
/// grace period, and what it shows is in the report.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_keeps_what_requests_in_flight_answer_within_the_grace() {
    let release = Arc::new(Notify::new());
    let (url, mut asked, _server) = slow_server(Some(release.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, SPEC).unwrap();
    let report = dir.path().join("report.json");
    let mut child = scan_command(&url, &spec, &report, &[]).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    asked.recv().await.expect("the scan reached /slow/");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // Answer only once the scanner says it is stopping: the answer lands inside the grace.
    let said = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .find(|line| line.starts_with("stopping:"))
    })
    .await
    .unwrap();
    assert!(said.is_some(), "the scanner says it is stopping");
    release.notify_one();
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(report["interrupted"], true);
    let late = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["operation"]["path"] == "/slow/" && f["rule"] == "OVS102");
    assert!(late.is_some(), "the late answer was analysed: {report:#}");
    let slow = report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "/slow/")
        .unwrap();
    assert_eq!(slow["status"], "tested", "{slow}");
}
