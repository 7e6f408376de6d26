fn main() {
    let t = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let e = yaml_serde::from_str::<serde_json::Value>(&t).unwrap_err();
    println!("{e}\n{:?}", e.location().map(|l| (l.line(), l.column())));
}
