//! How much analysing a response costs next to parsing it: `cargo bench -p overshare-analyze`.
//!
//! Prints ratios against a baseline measured in the same run (serde_json parsing the same body),
//! never absolute targets: the machines are shared and noisy. The target: checking a large
//! DRF page against its schema costs no more than parsing it (ratio ≤ 1.0).

use overshare_exchange::{Exchange, PlannedOperation, Request, Response};
use serde_json::{Value, json};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SPEC: &str = r##"
openapi: 3.1.0
info: {title: bench, version: "1"}
paths:
  /profiles/:
    get:
      responses:
        "200":
          description: page
          content:
            application/json:
              schema:
                type: object
                properties:
                  count: {type: integer}
                  results: {type: array, items: {$ref: "#/components/schemas/Profile"}}
components:
  schemas:
    Profile:
      type: object
      properties:
        id: {type: integer}
        display_name: {type: string}
        bio: {type: string}
        user: {$ref: "#/components/schemas/User"}
    User:
      type: object
      properties:
        id: {type: integer}
        username: {type: string}
"##;

fn page(n: usize) -> Value {
    let results: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "id": i, "display_name": format!("user {i}"), "bio": "lorem ipsum dolor sit amet",
                "date_of_birth": "1990-01-01", "phone": "+44 20 7946 0000", "salary": "72000.00",
                "user": {"id": i, "username": format!("u{i}"), "password": "pbkdf2_sha256$870000$salt$hash=",
                         "is_staff": false, "last_login": "2026-01-01T00:00:00Z", "groups": [1, 2]}
            })
        })
        .collect();
    json!({"count": n, "results": results})
}

fn exchange(body: Value) -> Exchange {
    Exchange {
        seq: 0,
        identity: Some("bench".into()),
        operation: PlannedOperation {
            method: "GET".into(),
            path: "/profiles/".into(),
            operation_id: None,
        },
        request: Request {
            method: "GET".into(),
            url: "https://127.0.0.1/profiles/".into(),
            headers: vec![],
            body: None,
        },
        outcome: Ok(Response {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Vec::new(),
            truncated: false,
            json: Some(body),
            json_error: None,
        }),
        elapsed: Duration::ZERO,
        reproduce: None,
    }
}

/// Median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn main() {
    let contract = overshare_contract::load_str(SPEC, "bench.yaml", None).expect("spec");
    for n in [1_000, 20_000] {
        let body = page(n);
        let bytes = serde_json::to_vec(&body).unwrap();
        let exchange = exchange(body);
        let parse = median(15, || {
            black_box(serde_json::from_slice::<Value>(black_box(&bytes)).unwrap());
        });
        let analyze = median(15, || {
            black_box(overshare_analyze::analyze_all(
                black_box([&exchange]),
                &contract,
            ));
        });
        let ratio = analyze.as_secs_f64() / parse.as_secs_f64();
        println!(
            "conformance/{n} objects ({} KiB): analyze / parse = {ratio:.2} (target ≤ 1.00)",
            bytes.len() / 1024
        );
    }
}
