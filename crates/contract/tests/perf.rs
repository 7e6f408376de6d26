//! A generated ~5 MB spec loads completely. Every schema references the next one, so the
//! `$ref` chain is thousands long: it must not overflow the stack. How fast it loads is measured
//! by `cargo bench -p overshare-contract`, not here.

#[path = "common/big_spec.rs"]
mod big_spec;

use big_spec::big_spec;
use overshare_contract::{TypeSet, load_str};

#[test]
fn five_megabyte_spec_with_a_long_ref_chain_loads_without_overflow() {
    let text = big_spec(4000);
    if let Ok(path) = std::env::var("OVERSHARE_DUMP_BIG_SPEC") {
        std::fs::write(path, &text).expect("dump");
    }
    assert!(text.len() > 5_000_000, "{} bytes", text.len());
    let contract = load_str(&text, "big.yaml", None).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(contract.operations.len(), 8000);
    // Base, the 2300 components, their inline parts; no duplicates from the many refs
    let named = contract
        .schemas
        .iter()
        .filter(|s| s.name.as_deref() == Some("S7"))
        .count();
    assert_eq!(named, 1);
    let last = contract.operations.last().expect("ops");
    assert_eq!(last.line.map(|l| l > 100_000), Some(true));
    assert!(
        contract
            .schemas
            .iter()
            .any(|s| s.types.contains(TypeSet::NULL))
    );
}
