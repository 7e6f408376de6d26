//! `cargo run -p overshare-audit --example audit -- [--full-parse] PATH...`: print an audit's
//! findings.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let full_parse = args.iter().any(|a| a == "--full-parse");
    args.retain(|a| a != "--full-parse");
    let paths: Vec<std::path::PathBuf> = args.into_iter().map(Into::into).collect();
    let options = overshare_audit::AuditOptions {
        full_parse,
        ..Default::default()
    };
    let start = std::time::Instant::now();
    let audit = match overshare_audit::audit(&paths, &options) {
        Ok(audit) => audit,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let elapsed = start.elapsed();
    for f in &audit.findings {
        println!("{} {} [{}] {}", f.rule, f.severity, f.name, f.title);
        println!("    {}", f.message);
        for s in &f.source {
            println!("    at {s} ({})", s.role.as_deref().unwrap_or(""));
        }
    }
    for p in &audit.parse_errors {
        println!(
            "parse error {}:{}:{} {}",
            p.file, p.line, p.column, p.message
        );
    }
    eprintln!(
        "{} files ({} of {} bytes parsed), {} findings, {} parse errors in {:.3}s",
        audit.files_scanned,
        audit.bytes_parsed,
        audit.bytes_read,
        audit.findings.len(),
        audit.parse_errors.len(),
        elapsed.as_secs_f64()
    );
}
