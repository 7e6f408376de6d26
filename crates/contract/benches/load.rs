//! Loading a large spec, against parsing its YAML alone: `cargo bench -p overshare-contract`.
//!
//! Prints the ratio of `load_str` (parse + line map + normalisation) to `yaml_serde` parsing the
//! same text into a `serde_json::Value`, both measured in this run. Target: ≤ 2.0.

#[path = "../tests/common/big_spec.rs"]
mod big_spec;

use std::hint::black_box;
use std::time::{Duration, Instant};

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
    for n in [400, 4000] {
        let text = big_spec::big_spec(n);
        let parse = median(5, || {
            black_box(yaml_serde::from_str::<serde_json::Value>(black_box(&text)).unwrap());
        });
        let load = median(5, || {
            black_box(overshare_contract::load_str(black_box(&text), "big.yaml", None).unwrap());
        });
        println!(
            "load/{} KiB YAML: load_str / yaml parse = {:.2} (target ≤ 2.00)",
            text.len() / 1024,
            load.as_secs_f64() / parse.as_secs_f64()
        );
    }
}
