#!/usr/bin/env bash
# Runs every cargo-fuzz target under fuzz/ for SECONDS each (default 180), one at a time, and
# exits non-zero when any target finds a crash, a timeout (input running > 5 s) or an
# out-of-memory (> 2 GiB). Findings land in fuzz/artifacts/<target>/; logs in fuzz/logs/.
# Not part of CI (a full run takes 12 x SECONDS plus the build): the regression tests made
# from findings are.
#
#   scripts/fuzz-all.sh [SECONDS] [TARGET...]
#
# Needs `cargo install cargo-fuzz`. cargo-fuzz passes nightly-only flags (-Zsanitizer);
# RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
set -uo pipefail

secs=${1:-180}
shift || true
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

./seed-corpus.sh >/dev/null
mkdir -p logs
cargo fuzz build || exit 2

failed=()
printf '%-20s %8s %12s %s\n' target seconds executions result
for t in "${targets[@]}"; do
  log=logs/$t.log
  cargo fuzz run "$t" "corpus/$t" -- \
    -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  took=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*')
  if [ $rc -eq 0 ]; then
    result=clean
  else
    result="FOUND (exit $rc): $(grep -m1 -oE 'ERROR: libFuzzer: [a-z-]+|panicked at [^ ]+' "$log"); see fuzz/$log"
    failed+=("$t")
  fi
  printf '%-20s %8s %12s %s\n' "$t" "${took:-?}" "${runs:-?}" "$result"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "findings in: ${failed[*]} (artifacts in fuzz/artifacts/)" >&2
  exit 1
fi
