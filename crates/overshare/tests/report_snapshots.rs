//! Snapshots of every human- and CI-facing format for a full demo scan. What changes from run
//! to run (port, temporary paths, times, durations) is replaced by placeholders.

mod common;

use common::{Demo, overshare, stderr};

const FORMATS: &[(&str, &str)] = &[
    ("text", "txt"),
    ("markdown", "md"),
    ("junit", "xml"),
    ("sarif", "sarif"),
];

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(r"/tmp/[^/\s'\x22]+", "[TMP]");
    settings.add_filter(
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00| UTC)?",
        "[TIME]",
    );
    settings.add_filter(r"took \d+(\.\d+)? ?(ms|s)", "took [DURATION]");
    settings.add_filter(r#"time="[\d.]+""#, r#"time="[SECONDS]""#);
    settings.add_filter(r#""duration_ms": \d+"#, r#""duration_ms": [MS]"#);
    settings.add_filter(r"in \d+(\.\d+)? ?(ms|s)\b", "in [DURATION]");
    settings.add_filter(r"requests, \d+(\.\d+)? ?(ms|s)\b", "requests, [DURATION]");
    settings
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_scan_in_every_readable_format() {
    let demo = Demo::start().await;
    let mut args = demo.scan_args();
    for (format, ext) in FORMATS {
        args.extend([
            "--format".to_string(),
            format.to_string(),
            "--output".to_string(),
        ]);
        args.push(
            demo.dir
                .path()
                .join(format!("report.{ext}"))
                .display()
                .to_string(),
        );
    }
    let output = overshare(args).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let settings = settings();
    for (format, ext) in FORMATS {
        let text = std::fs::read_to_string(demo.dir.path().join(format!("report.{ext}"))).unwrap();
        settings.bind(|| insta::assert_snapshot!(format!("demo_{format}"), text));
    }
}
