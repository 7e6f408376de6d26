#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a warm one: installs what the tests need when it
# is missing (nothing already present is reinstalled), then runs every Rust test.
#
#   ./scripts/test.sh            # everything
#   ./scripts/test.sh -p overshare-contract   # extra arguments go to `cargo test`
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Rust toolchain components used by the checks below.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  log "installing rustfmt and clippy"
  rustup component add rustfmt clippy
fi

# The Django + nginx reference target (tests/target), then xmllint and Chromium.
./tests/target/install.sh
./scripts/install-test-tools.sh
log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "cargo test"
# Snapshot tests must match what is committed; a CI run never writes new snapshots.
export INSTA_UPDATE=no
cargo test --workspace --locked "$@"
