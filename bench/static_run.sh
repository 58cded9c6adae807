#!/usr/bin/env bash
# Times a static `golive check` on a generated repository of a few hundred files (sources,
# docs, env files, manifests, CI), in one run: build, generate, time with hyperfine (or a
# plain loop when hyperfine is missing), print the figures.
# Usage: bench/static_run.sh [FILES]   (default 600)
set -euo pipefail
cd "$(dirname "$0")/.."
files="${1:-600}"
cargo build --release --quiet
bin="$PWD/target/release/golive"
repo="$(mktemp -d)"
trap 'rm -rf "$repo"' EXIT

mkdir -p "$repo/app" "$repo/docs" "$repo/.github/workflows" "$repo/k8s"
for i in $(seq 1 "$files"); do
  d="$repo/app/mod$((i % 20))"
  mkdir -p "$d"
  printf 'import os\n\nVALUE_%d = os.getenv("VALUE_%d", "x")\n\ndef handler_%d(request):\n    return {"ok": True, "n": %d}\n' "$i" "$i" "$i" "$i" > "$d/file_$i.py"
done
for i in $(seq 1 40); do
  printf '# Doc %d\n\nThis page describes part %d of the service and how it is operated in production.\n' "$i" "$i" > "$repo/docs/page_$i.md"
done
printf '# Runbook\n\n%s\n' "$(printf 'Roll back with kubectl rollout undo and watch the health endpoint. %.0s' $(seq 1 20))" > "$repo/docs/RUNBOOK.md"
printf 'ENVIRONMENT=production\nDEBUG=true\nSECRET_KEY=change-me\nCORS_ORIGINS=*\nLOG_LEVEL=debug\n' > "$repo/.env.production"
printf 'ENVIRONMENT=\nDEBUG=\nSECRET_KEY=\nCORS_ORIGINS=\nLOG_LEVEL=\nREDIS_URL=\n' > "$repo/.env.example"
printf 'flask==3.0.3\nsqlalchemy>=2\n' > "$repo/requirements.txt"
printf 'on: push\njobs:\n  t:\n    steps:\n      - run: pytest -q\n      - run: ruff check .\n' > "$repo/.github/workflows/ci.yml"
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n' > "$repo/k8s/api.yaml"
count=$(find "$repo" -type f | wc -l)
echo "repository: $count files"

if command -v hyperfine >/dev/null; then
  hyperfine --warmup 3 --runs 30 -N -i \
    "$bin check $repo --format json --output /dev/null --no-record" \
    "$bin check $repo --format json --output /dev/null"
else
  runs=30
  start=$(date +%s%N)
  for _ in $(seq 1 "$runs"); do "$bin" check "$repo" --format json --output /dev/null --no-record || true; done
  end=$(date +%s%N)
  echo "mean over $runs runs: $(( (end - start) / runs / 1000000 )) ms"
fi
