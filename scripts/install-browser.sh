#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the HTML report test
# (crates/report/tests/html_browser.rs), and nothing when a `chromium` is already on PATH.
# Idempotent; on a warm machine it returns at once.
#
#   ./scripts/install-browser.sh
set -euo pipefail

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'scripts/install-browser.sh: %s\n' "$*" >&2; exit 1; }

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install Chromium yourself (a \`chromium\` on PATH)"
log "installing Debian's chromium (apt-get)"
as_root apt-get update -qq
# Fonts come with chromium's dependencies (fonts-liberation or similar); no recommends needed.
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
command -v chromium >/dev/null 2>&1 || die "apt-get installed chromium but no \`chromium\` is on PATH"
log "chromium: $(chromium --version 2>/dev/null || echo 'installed')"
