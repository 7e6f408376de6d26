mod common;
mod html_support;
#[test]
fn write_variants() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    std::fs::create_dir_all(&dir).unwrap();
    let rules = html_support::sample_rules();
    std::fs::write(
        dir.join("sample.html"),
        overshare_report::to_html(&common::sample_report(), &rules),
    )
    .unwrap();
    let mut clean = common::clean_report();
    clean.interrupted = true;
    std::fs::write(
        dir.join("clean.html"),
        overshare_report::to_html(&clean, &rules),
    )
    .unwrap();
}
