#!/usr/bin/env bash
# Installs what the Django reference target (tests/target) needs, and nothing that is there:
#   - Debian's nginx, with apt-get, only when no nginx binary is found (never left running);
#   - a Python venv at tests/target/build/venv with requirements.txt, rebuilt only when
#     requirements.txt or the Python interpreter changed (a stamp file records both).
# Idempotent; on a warm machine it returns in well under a second.
#
#   ./tests/target/install.sh          # PYTHON=python3.11 to pick the interpreter
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$here/build"
venv="$build/venv"
stamp="$venv/.overshare-stamp"
python="${PYTHON:-python3}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'tests/target/install.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

apt_updated=""
policy_added=""
# Keep the packages' maintainer scripts from starting services (there is no init system in
# CI, and a system-wide nginx on port 80 is not wanted): policy-rc.d exiting 101 = deny.
# Removed again on exit, however the script ends.
deny_service_starts() {
  local policy=/usr/sbin/policy-rc.d
  if [ -z "$policy_added" ] && [ ! -e "$policy" ]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    policy_added=1
    trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* yourself"
  deny_service_starts
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

find_nginx() {
  command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true
}

# --- nginx -------------------------------------------------------------------------------
if [ -z "$(find_nginx)" ]; then
  log "installing Debian's nginx (apt-get)"
  apt_install nginx
  nginx_bin="$(find_nginx)"
  [ -n "$nginx_bin" ] || die "apt-get installed nginx but no nginx binary was found"
  # Should a maintainer script have started it anyway, stop it: tests start their own.
  if [ -s /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
    as_root "$nginx_bin" -s quit || true
  fi
fi

# --- Python venv -------------------------------------------------------------------------
command -v "$python" >/dev/null 2>&1 || die "$python not found (Python 3.10+ is needed for Django 5.2)"
pyversion="$("$python" -c 'import sys; print(sys.version.replace("\n", " ")); sys.exit(sys.version_info < (3, 10))')" \
  || die "$pyversion is too old: Django 5.2 needs Python 3.10+ (set PYTHON=...)"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1) $pyversion"
if [ -x "$venv/bin/gunicorn" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

log "creating the target's venv (tests/target/build/venv) from requirements.txt"
rm -rf "$venv"
mkdir -p "$build"
if ! "$python" -m venv "$venv" 2>/dev/null; then
  # Debian's python3 without ensurepip: the venv module comes in python3-venv.
  rm -rf "$venv"
  apt_install python3-venv
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$here/requirements.txt"
printf '%s' "$want" > "$stamp"
log "target venv ready: $("$venv/bin/python" -c 'import django, rest_framework, drf_spectacular, gunicorn; print("Django", django.get_version(), "DRF", rest_framework.VERSION, "drf-spectacular", drf_spectacular.__version__, "gunicorn", gunicorn.__version__)')"
