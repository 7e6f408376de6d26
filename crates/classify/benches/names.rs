//! What classifying field names costs next to hashing them: `cargo bench -p overshare-classify`.
//!
//! Prints ratios against baselines measured in the same run, never absolute targets: the
//! machines are shared and noisy. Baselines: hashing each field name with the standard hasher
//! (the least any per-field lookup costs) and `serde_json` parsing the page (the issue's
//! yardstick: analysis should cost no more than the parse). Over every object member of a
//! realistic DRF page:
//! - `names`: name rules only (`classify_name`), i.e. the cache hit path;
//! - `classify`: names and value detectors (`classify`), what the analyzers call;
//! - `cold`: `classify` on a fresh classifier each round (the cache filled once per page);
//! - `detect alone`: `overshare_detect::detect` on the strings, for scale.

use overshare_classify::Classifier;
use serde_json::{Value, json};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn page(n: usize) -> Value {
    let results: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "id": i, "display_name": format!("user {i}"), "bio": "lorem ipsum dolor sit amet",
                "date_of_birth": "1990-01-01", "phone": "+44 20 7946 0000", "salary": "72000.00",
                "tenant": 1, "created_at": "2026-01-01T00:00:00Z", "is_staff_pick": false,
                "user": {"id": i, "username": format!("u{i}"), "email": format!("u{i}@example.com"),
                         "password": "pbkdf2_sha256$20000$EXAMPLEsalt$hiu4ddLjD9+31P7/7kPz7CeFxsR2ahy3+okdix+pwxk=",
                         "first_name": "Alice", "last_name": "Example", "is_active": true,
                         "is_staff": false, "last_login": "2026-01-01T00:00:00Z", "groups": [1, 2]},
                "activities": [{"id": 1, "ip_address": "81.2.69.160", "user_agent": "Mozilla/5.0",
                                "session_key": "kq3v9x2m4p8w1z7n5b6c0d3f2g8h1j4k", "created_at": "2026-01-01"}]
            })
        })
        .collect();
    json!({"count": n, "next": null, "previous": null, "results": results})
}

/// Every object member: (keys from the root, array indexes left out; value).
fn members<'a>(
    value: &'a Value,
    keys: &mut Vec<&'a str>,
    out: &mut Vec<(Vec<&'a str>, &'a Value)>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                keys.push(key);
                out.push((keys.clone(), child));
                members(child, keys, out);
                keys.pop();
            }
        }
        Value::Array(items) => items.iter().for_each(|item| members(item, keys, out)),
        _ => {}
    }
}

/// Best of `rounds` timings of `f` (the least disturbed by other work on the machine).
fn best(rounds: usize, mut f: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap()
}

fn main() {
    let body = page(500);
    let mut fields = Vec::new();
    members(&body, &mut Vec::new(), &mut fields);
    let classifier = Classifier::builtin();
    let rounds = 15;

    let baseline = best(rounds, || {
        for (keys, _) in &fields {
            let mut h = DefaultHasher::new();
            keys.last().hash(&mut h);
            black_box(h.finish());
        }
    });
    let names = best(rounds, || {
        for (keys, _) in &fields {
            black_box(classifier.classify_name(keys));
        }
    });
    let classify = best(rounds, || {
        for (keys, value) in &fields {
            black_box(classifier.classify(keys, value));
        }
    });
    let detect = best(rounds, || {
        for (_, value) in &fields {
            if let Some(s) = value.as_str() {
                black_box(overshare_detect::detect(s, Default::default()));
            }
        }
    });
    let parse_bytes = serde_json::to_vec(&body).unwrap();
    let parse = best(rounds, || {
        black_box(serde_json::from_slice::<Value>(&parse_bytes).unwrap());
    });
    let cold = best(rounds, || {
        let fresh = Classifier::builtin();
        for (keys, value) in &fields {
            black_box(fresh.classify(keys, value));
        }
    });

    let per = |d: Duration| d.as_nanos() as f64 / fields.len() as f64;
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!("{} fields per round, best of {rounds} rounds", fields.len());
    println!(
        "{:<24} {:>8.1} ns/field",
        "baseline: hash the name",
        per(baseline)
    );
    println!(
        "{:<24} {:>8.1} ns/field",
        "baseline: parse the page",
        per(parse)
    );
    for (label, d) in [
        ("names", names),
        ("classify", classify),
        ("cold", cold),
        ("detect alone (strings)", detect),
    ] {
        println!(
            "{label:<24} {:>8.1} ns/field  {:>5.1}x hash  {:>5.2}x parse",
            per(d),
            ratio(d, baseline),
            ratio(d, parse)
        );
    }
}
