//! Analysis throughput against plain parsing: `cargo bench -p overshare-analyze`.
//!
//! The analyzers run on every response byte (and later on every response the guard proxies),
//! so their cost is measured against the one cost every response pays anyway: `serde_json`
//! parsing the same bytes, in the same run. Criterion measures each; the ratio of throughputs
//! is printed at the end. Target (issue 4): conformance plus classification at ≥ 0.5× the parse
//! throughput.
//!
//! The corpus is a few MB of nested, profile-like JSON, mostly clean: a DRF page of profiles
//! where one field in ten is sensitive.

use criterion::{BenchmarkId, Criterion, Throughput};
use overshare_analyze::Analyzer;
use overshare_classify::Classifier;
use overshare_exchange::{Exchange, PlannedOperation, Request, Response};
use serde_json::{Value, json};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

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
                  next: {type: [string, "null"]}
                  results: {type: array, items: {$ref: "#/components/schemas/Profile"}}
components:
  schemas:
    Profile:
      type: object
      properties:
        id: {type: integer}
        display_name: {type: string}
        bio: {type: string}
        created_at: {type: string}
        tags: {type: array, items: {type: string}}
        address: {$ref: "#/components/schemas/Address"}
        user: {$ref: "#/components/schemas/User"}
    Address:
      type: object
      properties:
        city: {type: string}
        country: {type: string}
    User:
      type: object
      properties:
        id: {type: integer}
        username: {type: string}
"##;

/// A page of `n` profiles: mostly clean text, one leaky nested user per profile.
fn corpus(n: usize) -> Value {
    let results: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "id": i,
                "display_name": format!("Member number {i}"),
                "bio": "Enjoys hiking, photography and long walks along the river in the evening.",
                "created_at": "2025-03-14T09:26:53Z",
                "tags": ["outdoors", "photography", "travel"],
                "address": {"city": "Springfield", "country": "GB"},
                "user": {"id": i, "username": format!("member{i}"), "is_staff": i % 10 == 0,
                         "email": format!("member{i}@example.com")},
            })
        })
        .collect();
    json!({"count": n, "next": null, "results": results})
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
        purpose: Default::default(),
    }
}

fn main() {
    let out = tempfile::tempdir().expect("criterion output dir");
    let mut criterion = Criterion::default()
        .output_directory(out.path())
        .sample_size(20)
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    let contract = overshare_contract::load_str(SPEC, "bench.yaml", None).expect("spec");
    let classifier = Classifier::builtin();
    let analyzer = Analyzer::new(&contract, &classifier);
    let body = corpus(8_000);
    let bytes = serde_json::to_vec(&body).expect("serialise");
    let exchange = exchange(body);

    let mut group = criterion.benchmark_group("analysis");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function(BenchmarkId::new("serde_json_parse", bytes.len()), |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&bytes)).expect("parse"))
    });
    group.bench_function(
        BenchmarkId::new("conformance_and_classification", bytes.len()),
        |b| b.iter(|| analyzer.exchange(black_box(&exchange))),
    );
    group.finish();
    criterion.final_summary();

    let parse = mean_ns(out.path(), "serde_json_parse", bytes.len());
    let analyze = mean_ns(out.path(), "conformance_and_classification", bytes.len());
    if let (Some(parse), Some(analyze)) = (parse, analyze) {
        println!(
            "analysis throughput / parse throughput = {:.2} on {} KiB (target ≥ 0.50)",
            parse / analyze,
            bytes.len() / 1024
        );
    }
}

/// Criterion's mean estimate (ns) for one benchmark of the group, from its saved estimates.
fn mean_ns(dir: &Path, name: &str, size: usize) -> Option<f64> {
    let file = dir
        .join("analysis")
        .join(name)
        .join(size.to_string())
        .join("new/estimates.json");
    let estimates: Value = serde_json::from_slice(&std::fs::read(file).ok()?).ok()?;
    estimates["mean"]["point_estimate"].as_f64()
}
