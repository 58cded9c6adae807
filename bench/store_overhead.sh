#!/usr/bin/env bash
# What recording a run in the history store costs `golive check`, and how fast the store reads
# back: times `check` with and without `--no-record` on the same small repository (SQLite at
# .golive/history.db, or the store in $GOLIVE_STORE, e.g. a postgres:// URL), then `history`
# and `report --format html` after the runs are in.
# Usage: bench/store_overhead.sh            (builds release)
#        GOLIVE_BIN=target/debug/golive bench/store_overhead.sh   (an existing binary)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${GOLIVE_BIN:-}" ]; then
  cargo build --release --quiet
  bin="$PWD/target/release/golive"
else
  bin="$(realpath "$GOLIVE_BIN")"
fi
repo="$(mktemp -d)"
trap 'rm -rf "$repo"' EXIT
printf 'ENVIRONMENT=production\nDEBUG=true\nSECRET_KEY=change-me\nCORS_ORIGINS=*\nLOG_LEVEL=debug\n' > "$repo/.env.production"
printf 'ENVIRONMENT=\nDEBUG=\nSECRET_KEY=\nCORS_ORIGINS=\nLOG_LEVEL=\n' > "$repo/.env.example"
printf '[signoff]\nroles = ["security"]\n' > "$repo/golive.toml"
git -C "$repo" init -q && git -C "$repo" add -A && git -C "$repo" -c user.name=b -c user.email=b@x commit -qm bench

run() { "$bin" "$@" >/dev/null 2>&1 || true; }
hyperfine --warmup 3 --runs 40 -N -i \
  -n "check --no-record" "$bin check $repo --format json --output /dev/null --no-record" \
  -n "check (records)" "$bin check $repo --format json --output /dev/null"
runs=$("$bin" history -C "$repo" -n 100000 --format json | grep -c '"id"' || true)
echo "runs recorded: $runs"
hyperfine --warmup 2 --runs 20 -N -i \
  -n "history -n 20" "$bin history -C $repo" \
  -n "report --format html (latest)" "$bin report -C $repo --format html --output /dev/null"
if [ -z "${GOLIVE_STORE:-}" ]; then
  ls -l "$repo/.golive/"
fi
