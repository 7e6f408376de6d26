//! Passphrases come from environment variables, never from argv (where `ps` and shell
//! history would show them). Each identity has its own variable, with one shared fallback.

use std::fmt;

/// The variable every identity falls back to when its own is not set.
pub const GENERIC_PASSPHRASE_VAR: &str = "OVERSHARE_PASSPHRASE";

/// `OVERSHARE_PASSPHRASE_<NAME>`: the identity name in upper case, every character that is not
/// an ASCII letter or digit replaced by `_` (so `partner-a` reads `OVERSHARE_PASSPHRASE_PARTNER_A`).
pub fn passphrase_env_var(identity_name: &str) -> String {
    let suffix: String = identity_name
        .chars()
        .map(|c| match c.is_ascii_alphanumeric() {
            true => c.to_ascii_uppercase(),
            false => '_',
        })
        .collect();
    match suffix.is_empty() {
        true => GENERIC_PASSPHRASE_VAR.to_owned(),
        false => format!("{GENERIC_PASSPHRASE_VAR}_{suffix}"),
    }
}

/// The passphrase source for real runs: the process environment. Tests pass a closure instead.
pub fn env_passphrase(var: &str) -> Option<String> {
    std::env::var(var).ok()
}

/// A passphrase and the variable it came from. Its Debug hides the value.
pub(crate) struct Passphrase {
    pub(crate) value: String,
    pub(crate) var: String,
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Passphrase(from {})", self.var)
    }
}

/// Asks `source` for the identity's own variable, then for the shared one.
pub(crate) fn lookup(
    identity_name: &str,
    source: &dyn Fn(&str) -> Option<String>,
) -> Option<Passphrase> {
    [
        passphrase_env_var(identity_name),
        GENERIC_PASSPHRASE_VAR.to_owned(),
    ]
    .into_iter()
    .find_map(|var| source(&var).map(|value| Passphrase { value, var }))
}
