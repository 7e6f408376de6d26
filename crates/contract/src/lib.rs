//! The contract: an OpenAPI 2.0 / 3.0 / 3.1 document (JSON or YAML, file or URL) normalised
//! into operations and an arena of schemas, so that the planner and the analyzers never look at
//! raw OpenAPI again.
//!
//! ```text
//! spec text ──► load (parse, locate lines) ──► normalise (refs, composition, nullability) ──► Contract
//! ```
//!
//! Fetching a spec over the network is the caller's job (it has the TLS identities); this crate
//! takes text and a name for it, and resolves relative `$ref`s to files next to it.
//!
//! ```no_run
//! let contract = overshare_contract::load_file(std::path::Path::new("openapi.yaml"))?;
//! for op in &contract.operations {
//!     println!("{} {}{}", op.method, contract.base_path, op.path);
//! }
//! # Ok::<(), overshare_contract::SpecError>(())
//! ```

mod bodies;
mod document;
pub mod error;
mod lines;
pub mod model;
mod normalize;
mod operations;
mod params;
pub mod pointer;
mod refs;
mod schema;
mod security;
mod servers;
mod version;
pub mod view;

pub use error::{Location, SpecError};
pub use model::*;

use document::Document;
use std::path::Path;

/// Read and normalise the spec at `path`; `$ref`s to other files resolve next to it.
pub fn load_file(path: &Path) -> Result<Contract, SpecError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Read {
        file: name.clone(),
        source,
    })?;
    // `Path::parent` of a bare file name is `""`, which joins like the current directory.
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = Document::parse(0, &text, &name, Some(dir))?;
    normalize::normalise(root, path.canonicalize().ok())
}

/// Normalise spec `text`. `source_name` names it in messages and in [`Contract::source`] (a
/// path or URL); `base_dir` is where relative-file `$ref`s resolve, `None` for a spec fetched
/// from a URL (a relative file reference is then an error that says so).
pub fn load_str(
    text: &str,
    source_name: &str,
    base_dir: Option<&Path>,
) -> Result<Contract, SpecError> {
    let root = Document::parse(0, text, source_name, base_dir.map(Path::to_path_buf))?;
    normalize::normalise(root, None)
}
