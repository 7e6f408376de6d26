fn main() {
    for arg in std::env::args().skip(1) {
        match overshare_contract::load_file(std::path::Path::new(&arg)) {
            Ok(c) => println!(
                "{arg}: OK {} ops, {} schemas, warnings: {:#?}",
                c.operations.len(),
                c.schemas.len(),
                c.warnings
            ),
            Err(e) => println!(
                "{arg}: ERR {e}\n   line={:?} ptr={:?}",
                e.line(),
                e.pointer()
            ),
        }
    }
}
