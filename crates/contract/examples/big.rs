//! Time the loader on a spec file (development aid): `cargo run --release --example big -- FILE`.
fn main() {
    for arg in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&arg).expect("read");
        let t = std::time::Instant::now();
        let v: serde_json::Value = yaml_serde::from_str(&text).expect("yaml");
        eprintln!("yaml_serde: {:?}", t.elapsed());
        drop(v);
        let t = std::time::Instant::now();
        let n = saphyr_parser::Parser::new_from_str(&text).count();
        eprintln!("saphyr events ({n}): {:?}", t.elapsed());
        let t = std::time::Instant::now();
        let c = overshare_contract::load_str(&text, &arg, None).expect("load");
        eprintln!(
            "load_str: {:?} ({} ops, {} schemas)",
            t.elapsed(),
            c.operations.len(),
            c.schemas.len()
        );
        let value: serde_json::Value = yaml_serde::from_str(&text).expect("yaml");
        let json = serde_json::to_string_pretty(&value).expect("json");
        let t = std::time::Instant::now();
        let c = overshare_contract::load_str(&json, &arg, None).expect("load");
        eprintln!("load_str of it as JSON: {:?} ({} ops)", t.elapsed(), c.operations.len());
    }
}
