#!/usr/bin/env bash
# Installs the Debian tools the tests use beyond Rust, only when missing:
#   - xmllint (libxml2-utils): validates the JUnit report against Jenkins' XSD;
#   - chromium: renders the HTML report (scripts/install-browser.sh).
# Idempotent; on a warm machine it returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v xmllint >/dev/null 2>&1; then
  printf '\033[1m==> %s\033[0m\n' "installing xmllint (apt-get libxml2-utils)" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libxml2-utils
fi
./scripts/install-browser.sh
