//! Load spec files and print the time each took (development aid).
fn main() {
    for arg in std::env::args().skip(1) {
        let t = std::time::Instant::now();
        let c = overshare_contract::load_file(std::path::Path::new(&arg)).expect("load");
        eprintln!("{arg}: {:?} ({} ops, {} schemas)", t.elapsed(), c.operations.len(), c.schemas.len());
    }
}
