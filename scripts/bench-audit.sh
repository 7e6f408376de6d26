#!/usr/bin/env bash
# The `overshare audit` speed benchmark (issue 7, "Speed"): overshare against Semgrep running
# one equivalent rule and against Bandit, on the same tree of real Django/DRF code, in the same
# run. Prints wall time (median of N runs), files per second and the ratios
# semgrep/overshare and bandit/overshare.
#
#   ./scripts/bench-audit.sh                 # set up what is missing, build, measure
#   ./scripts/bench-audit.sh --setup-only    # venv, tools and corpus only
#   ./scripts/bench-audit.sh --no-build      # use the existing target/release/overshare
#   ./scripts/bench-audit.sh --without-bandit  # Semgrep only (a Bandit run takes minutes)
#   BENCH_RUNS=7 ./scripts/bench-audit.sh    # more repetitions (default 5: with 3, one slow
#                                            # run of a noisy VM decides the median)
#
# overshare is measured twice: as it runs by default (parsing only what a rule can read) and
# with --full-parse; the script then checks that both reported the same findings.
#
# Everything it downloads lives in bench/audit/build/ (ignored by git); a re-run reuses it.
# Nothing is fetched at measurement time: Semgrep runs a local rule file with metrics and the
# version check off, so it needs neither a login nor the network.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# Pinned tools and corpus. The corpus is the sdists of Django, DRF and three large Django
# applications (weblate; wagtail; pulpcore, a DRF API), unpacked side by side: about 5,600 .py
# files. (pretix's sdist cannot be prepared by pip: its build requirements pin an
# importlib_metadata that the build backend's own requirement rejects.)
SEMGREP_VERSION=1.185.0
BANDIT_VERSION=1.9.4
CORPUS_PACKAGES=(
  "Django==5.2.19"
  "djangorestframework==3.16.1"
  "weblate==5.14.3"
  "wagtail==8.0.1"
  "pulpcore==3.123.1"
)
RUNS=${BENCH_RUNS:-5}

BUILD=$ROOT/bench/audit/build
VENV=$BUILD/venv
SDISTS=$BUILD/sdists
CORPUS=$BUILD/corpus
RULE=$ROOT/bench/audit/all-fields.yml
OVERSHARE=$ROOT/target/release/overshare

setup_only=false
build=true
bandit=true
for arg in "$@"; do
  case $arg in
    --setup-only) setup_only=true ;;
    --no-build) build=false ;;
    --without-bandit) bandit=false ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
mkdir -p "$BUILD"

# 1. The tools, in their own venv.
stamp=$VENV/.bench-tools-$SEMGREP_VERSION-$BANDIT_VERSION
if [[ ! -e $stamp ]]; then
  log "creating $VENV with semgrep $SEMGREP_VERSION and bandit $BANDIT_VERSION"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "semgrep==$SEMGREP_VERSION" "bandit==$BANDIT_VERSION"
  touch "$stamp"
fi

# 2. The corpus: sdists only (real source as published, no wheels, no dependencies).
mkdir -p "$SDISTS" "$CORPUS"
for spec in "${CORPUS_PACKAGES[@]}"; do
  name=${spec%%==*}
  version=${spec##*==}
  marker=$CORPUS/.unpacked-$name-$version
  [[ -e $marker ]] && continue
  log "downloading the $spec sdist"
  # `--no-binary NAME`, not `:all:`: pip still prepares the sdist's metadata in an isolated
  # build environment, whose build tools (Cython, setuptools, …) may then come as wheels.
  "$VENV/bin/pip" download --quiet --disable-pip-version-check --no-deps \
    --no-binary "$name" -d "$SDISTS" "$spec"
  # sdist names normalise differently across packages (Django-5.2.19, django-5.2.19): match both.
  archive=$(find "$SDISTS" -maxdepth 1 -iname "${name//-/[-_]}-$version.tar.gz" -print -quit)
  if [[ -z $archive ]]; then
    echo "no sdist for $spec in $SDISTS" >&2
    exit 1
  fi
  log "unpacking $(basename "$archive")"
  tar -xzf "$archive" -C "$CORPUS"
  touch "$marker"
done
# Semgrep ignores tests/, test/, build/ and more when a tree has no .semgrepignore: an empty
# one, at the project root it is given (`--project-root .`, run from the corpus), makes it scan
# what the other tools scan. Without `--project-root` it takes the enclosing git checkout as
# the project and skips the whole corpus, which .gitignore lists.
: >"$CORPUS/.semgrepignore"

py_files=$(find "$CORPUS" -name '*.py' -type f | wc -l)
py_lines=$(find "$CORPUS" -name '*.py' -type f -print0 | xargs -0 cat | wc -l)
log "corpus: $py_files .py files, $py_lines lines, in $CORPUS"
$setup_only && exit 0

# 3. overshare, optimised.
if $build; then
  log "cargo build --release"
  cargo build --release --locked -p overshare
fi

# 4. Measure, every command from the corpus root on `.`. Each tool's output goes to
# build/out/ (its findings are not what is measured, but a run that fails is reported, not
# timed).
export SEMGREP_SEND_METRICS=off SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_IN_DOCKER=0
OUT=$BUILD/out
mkdir -p "$OUT"

commands=(
  "overshare|$OVERSHARE audit . --format json"
  "overshare-full|$OVERSHARE audit . --format json --full-parse"
  "semgrep|$VENV/bin/semgrep scan --config $RULE --metrics=off --disable-version-check --jobs 2 --project-root . --max-target-bytes 0 --json --quiet ."
)
$bandit && commands+=("bandit|$VENV/bin/bandit -r -q -f json .")

"$VENV/bin/python" "$ROOT/bench/audit/measure.py" \
  --runs "$RUNS" --files "$py_files" --lines "$py_lines" --cwd "$CORPUS" --out "$OUT" \
  "${commands[@]}"

# 5. Parsing only what a rule reads must not change what the audit finds.
"$VENV/bin/python" - "$OUT/overshare.1.out" "$OUT/overshare-full.1.out" <<'PY'
import json, sys
def findings(path):
    report = json.load(open(path))
    return sorted(
        (f["rule"], json.dumps(f.get("source"), sort_keys=True), f["message"])
        for f in report["findings"]
    )
selective, full = (findings(p) for p in sys.argv[1:3])
if selective != full:
    sys.exit(f"overshare: {len(selective)} findings by default, {len(full)} with --full-parse")
print(f"overshare: the same {len(full)} findings by default and with --full-parse")
PY
