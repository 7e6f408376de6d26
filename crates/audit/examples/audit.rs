//! `cargo run -p overshare-audit --example audit -- PATH...`: print an audit's findings.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let start = std::time::Instant::now();
    let audit = match overshare_audit::audit(&paths, &overshare_audit::AuditOptions::default()) {
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
        "{} files, {} findings, {} parse errors in {:.3}s",
        audit.files_scanned,
        audit.findings.len(),
        audit.parse_errors.len(),
        elapsed.as_secs_f64()
    );
}
