//! [`SpecError`]: everything that stops a spec from becoming a [`crate::Contract`], each naming
//! the file, the JSON pointer and (when known) the line, and saying what to do about it.
//!
//! The display form is `file:line: pointer: message`, the shape editors and terminals turn into
//! links, e.g. ``spec.yaml:42: /paths/~1users~1/get/responses/200/content/application~1json/
//! schema/$ref: cannot resolve `#/components/schemas/Usr`: no such component (did you mean
//! `User`?)``.

use std::fmt;

/// A place in a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file (or URL) as the user named it; for a file reached through a `$ref`, that file.
    pub file: String,
    /// JSON pointer inside `file` (`""` is the document root).
    pub pointer: String,
    /// 1-based line, when the line map knows it.
    pub line: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: ", self.file)?,
            None => write!(f, "{}: ", self.file)?,
        }
        if self.pointer.is_empty() {
            f.write_str("(document root)")
        } else {
            f.write_str(&self.pointer)
        }
    }
}

/// Why a spec could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The file could not be read.
    #[error("{file}: cannot read the spec: {source} (check the path and its permissions)")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },

    /// The text is not valid JSON / YAML.
    #[error(
        "{file}:{line}:{column}: not valid {format}: {message} (fix the {format} at that line)"
    )]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        /// `"JSON"` or `"YAML"`.
        format: &'static str,
        message: String,
    },

    /// Not an OpenAPI version this crate reads.
    #[error("{at}: {found}: overshare reads Swagger 2.0, OpenAPI 3.0.x and 3.1.x{hint}")]
    Version {
        at: Location,
        /// What the document says, quoted (or a description when the field is missing).
        found: String,
        /// Extra advice, starting with `; ` when present.
        hint: String,
    },

    /// A `$ref` that leads nowhere (missing component, missing file, remote URL, ...).
    #[error("{at}: cannot resolve `{reference}`: {reason}")]
    Ref {
        /// Where the `$ref` is written (the pointer ends in `/$ref`).
        at: Location,
        reference: String,
        reason: String,
    },

    /// `$ref`s that only point at each other and never reach a definition.
    #[error(
        "{at}: `$ref` cycle that never reaches a definition: {}; point one of them at a real object",
        chain.join(" → ")
    )]
    RefCycle {
        /// Where the first `$ref` of the cycle is written.
        at: Location,
        /// The references followed, the repeated one last.
        chain: Vec<String>,
    },

    /// The document has the wrong shape somewhere (a list where an object must be, ...).
    #[error("{at}: {message}")]
    Invalid { at: Location, message: String },
}

impl SpecError {
    /// The 1-based line the error is about, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            SpecError::Read { .. } => None,
            SpecError::Syntax { line, .. } => Some(*line),
            _ => self.location().and_then(|at| at.line),
        }
    }

    /// The JSON pointer the error is about (syntax and read errors have none).
    pub fn pointer(&self) -> Option<&str> {
        self.location().map(|at| at.pointer.as_str())
    }

    /// The file (or URL) the error is in.
    pub fn file(&self) -> &str {
        match self {
            SpecError::Read { file, .. } | SpecError::Syntax { file, .. } => file,
            _ => self.location().map_or("", |at| at.file.as_str()),
        }
    }

    /// The full location, for errors that have a pointer.
    pub fn location(&self) -> Option<&Location> {
        match self {
            SpecError::Read { .. } | SpecError::Syntax { .. } => None,
            SpecError::Version { at, .. }
            | SpecError::Ref { at, .. }
            | SpecError::RefCycle { at, .. }
            | SpecError::Invalid { at, .. } => Some(at),
        }
    }
}

/// Result alias for the crate.
pub type Result<T, E = SpecError> = std::result::Result<T, E>;
