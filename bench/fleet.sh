#!/usr/bin/env bash
# Fleet benchmark: N tenant environments (default 1000) checked concurrently against a checklist
# with `golive check --all-envs`. Prints wall time and peak memory (GNU time).
#
#   bench/fleet.sh [N] [golive binary] [shared|files]
#
# shared (default): the tenants share the repository's .env.production and differ by their inputs
#   (api_url, redis_url, ... on loopback), as tenants of one deployment do.
# files: every tenant has its own env file in the repository (N files).
set -euo pipefail
N="${1:-1000}"
BIN="${2:-target/release/golive}"
MODE="${3:-shared}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
[[ "$BIN" = /* ]] || BIN="$ROOT/$BIN"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ "$MODE" = files ]; then
  {
    for i in $(seq -f "%04g" 1 "$N"); do
      printf '[environments.t%s]\nenv_files = [".env.t%s"]\n' "$i" "$i"
    done
  } > "$WORK/golive.toml"
  for i in $(seq -f "%04g" 1 "$N"); do
    debug=false
    (( 10#$i % 10 == 0 )) && debug=true
    printf 'ENVIRONMENT=production\nDEBUG=%s\nLOG_LEVEL=info\nSECRET_KEY=%s\nCORS_ORIGINS=https://t%s.example.com\nENFORCE_TENANT_ISOLATION=true\nREQUIRE_REDIS_SESSIONS=true\n' \
      "$debug" "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" "$i" > "$WORK/.env.t$i"
  done
else
  {
    for i in $(seq -f "%04g" 1 "$N"); do
      printf '[environments.t%s]\napi_url = "http://127.0.0.1:9/t%s"\nredis_url = "redis://127.0.0.1:9/%s"\n' "$i" "$i" "$((10#$i % 16))"
    done
  } > "$WORK/golive.toml"
  printf 'ENVIRONMENT=production\nDEBUG=false\nLOG_LEVEL=info\nSECRET_KEY=%s\nCORS_ORIGINS=https://app.example.com\nENFORCE_TENANT_ISOLATION=true\nREQUIRE_REDIS_SESSIONS=true\n' \
    "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$WORK/.env.production"
fi
cat > "$WORK/CHECKLIST.md" <<'MD'
# Tenant checklist

## Application Configuration
- [ ] All secrets are set and **not** using defaults (`SECRET_KEY`).
- [ ] `REQUIRE_REDIS_SESSIONS=true` verified.
- [ ] `ENFORCE_TENANT_ISOLATION=true` for multi-tenant deployments
- [ ] Debug logging is disabled (`LOG_LEVEL=info` or higher).
- [ ] `DEBUG` disabled (`DEBUG=false`)
- [ ] CORS configured with specific origins (no wildcard `*`)
- [ ] `ENVIRONMENT` set to `production`

## Rollout
- [ ] Stakeholders notified and change window approved.
MD

cd "$WORK"
/usr/bin/time -f 'wall %e s, peak RSS %M KB' "$BIN" check . --all-envs --checklist CHECKLIST.md -f json -o "$WORK/fleet.json" || true
python3 - "$WORK/fleet.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
s = v["summary"]
print(f'{s["environments"]} environments, {s["ready"]} ready, {len(s["not_ready"])} not ready;',
      ", ".join(f'{g["check"]}: {len(g["environments"])}' for g in v["blocking_by_check"]))
PY
