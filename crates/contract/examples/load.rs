//! Load spec files and print what the loader made of them, how long it took, and any warning
//! or error: `cargo run --release -p overshare-contract --example load -- openapi.yaml`.

use std::path::Path;
use std::time::Instant;

fn main() {
    for arg in std::env::args().skip(1) {
        let start = Instant::now();
        match overshare_contract::load_file(Path::new(&arg)) {
            Ok(contract) => {
                println!(
                    "{arg}: {} in {:?}: {} operations, {} schemas, base path {:?}",
                    contract.version,
                    start.elapsed(),
                    contract.operations.len(),
                    contract.schemas.len(),
                    contract.base_path,
                );
                for warning in &contract.warnings {
                    println!("  warning: {warning}");
                }
            }
            Err(err) => println!("error: {err}"),
        }
    }
}
