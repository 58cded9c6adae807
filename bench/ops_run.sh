#!/usr/bin/env bash
# Times the operations-files family (OPS001-004: Prometheus rule files, the Alembic graph,
# files named by runbooks and scripts) on a generated repository: N runbook pages with links,
# inline paths and shell blocks, N/2 shell scripts, a Makefile, rule files with N alerts and
# an Alembic chain of N migrations. Or on an existing directory (a real repository).
# Usage: bench/ops_run.sh [N]          (default 400)
#        bench/ops_run.sh --dir PATH
set -euo pipefail
cd "$(dirname "$0")/.."
# GOLIVE_BIN runs another binary (a check of the script itself, not a measurement).
if [ -z "${GOLIVE_BIN:-}" ]; then
  cargo build --release --quiet
fi
bin="${GOLIVE_BIN:-$PWD/target/release/golive}"
if [ "${1:-}" = "--dir" ]; then
  repo="$2"
else
  n="${1:-400}"
  repo="$(mktemp -d)"
  trap 'rm -rf "$repo"' EXIT
  mkdir -p "$repo/docs/runbooks" "$repo/scripts" "$repo/monitoring" "$repo/migrations/versions"
  for i in $(seq 1 "$n"); do
    printf '#!/usr/bin/env bash\nset -euo pipefail\nsource scripts/lib_%d.sh\n./scripts/step_%d.sh --all\n' "$i" "$i" > "$repo/scripts/step_$i.sh"
    printf 'log() { echo "$*"; }\n' > "$repo/scripts/lib_$i.sh"
    printf '# Runbook %d\n\n- [ ] Backup: `./scripts/step_%d.sh --mode full`\n- See [the previous page](runbook_%d.md) and `scripts/lib_%d.sh`.\n\n```bash\n./scripts/step_%d.sh --restore\nbash scripts/missing_%d.sh\n```\n' \
      "$i" "$i" "$(( i > 1 ? i - 1 : 1 ))" "$i" "$i" "$i" > "$repo/docs/runbooks/runbook_$i.md"
    down=$([ "$i" -eq 1 ] && echo None || echo "\"r$((i - 1))\"")
    printf 'revision = "r%d"\ndown_revision = %s\n\ndef upgrade():\n    pass\n' "$i" "$down" > "$repo/migrations/versions/m_$i.py"
  done
  {
    echo "groups:"
    for g in $(seq 1 $(( n / 10 + 1 ))); do
      printf '  - name: g%d\n    rules:\n' "$g"
      for a in $(seq 1 10); do
        printf '      - alert: A%d_%d\n        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) > %d\n        for: 5m\n        labels: {severity: warning}\n        annotations: {runbook_url: https://runbooks.example.com/a}\n' "$g" "$a" "$a"
      done
    done
  } > "$repo/monitoring/alerts.yml"
  printf 'deploy:\n\t./scripts/step_1.sh\n\tbash scripts/lib_1.sh\n' > "$repo/Makefile"
fi
echo "repository: $(find "$repo" -type f | wc -l) files; $(uptime)"
"$bin" check "$repo" --only OPS --no-record | tail -n 8 || true
cmd="$bin check $repo --only OPS --format json --output /dev/null --no-record"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 3 --runs 20 -N -i "$cmd"
else
  runs=20
  start=$(date +%s%N)
  for _ in $(seq 1 "$runs"); do $cmd || true; done
  end=$(date +%s%N)
  echo "mean over $runs runs: $(( (end - start) / runs / 1000000 )) ms"
fi
