#!/usr/bin/env bash
# golive's load generator vs wrk and oha against the same nginx on loopback, same connection
# count and duration: requests per second and p99, as ratios.
#   bench/load.sh [CONNECTIONS] [SECONDS]
# Needs: nginx and wrk (Debian), oha (cargo install oha), a release build of golive.
source "$(dirname "$0")/lib.sh"
C="${1:-50}"; S="${2:-5}"
OHA="${OHA:-$(command -v oha || echo /tmp/i4-oha/bin/oha)}"
need "$NGINX" "apt-get install nginx"; need wrk "apt-get install wrk"
need "$GOLIVE" "cargo build --release"
PORT="$(free_port)"
start_nginx load "    server { listen 127.0.0.1:$PORT; location / { return 200 \"ok\\n\"; } }" "$PORT"
URL="http://127.0.0.1:$PORT/"
echo "target: nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') on $URL, $C connections, ${S}s each, $(nproc) cores"

wrk_out="$(wrk -t2 -c"$C" -d"${S}s" --latency "$URL")"
wrk_rps="$(awk '/Requests\/sec/ {print $2}' <<<"$wrk_out")"
wrk_p99="$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v=v/1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v=v*1000}; print v}' <<<"$wrk_out")"

oha_rps=0; oha_p99=0
if [ -x "$OHA" ]; then
  oha_json="$("$OHA" -c "$C" -z "${S}s" --no-tui --output-format json "$URL" 2>/dev/null || "$OHA" -c "$C" -z "${S}s" --no-tui -j "$URL")"
  oha_rps="$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["summary"]["requestsPerSec"])' <<<"$oha_json")"
  oha_p99="$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["latencyPercentiles"]["p99"]*1000)' <<<"$oha_json")"
else
  echo "oha: not installed (cargo install oha); skipped" >&2
fi

g_json="$("$GOLIVE" load "$URL" -c "$C" -d "${S}s" --json)"
g_rps="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["rps"])' <<<"$g_json")"
g_p99="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["uncorrected_ms"]["p99"])' <<<"$g_json")"
g_p99c="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["latency_ms"]["p99"])' <<<"$g_json")"
g_err="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["errors"])' <<<"$g_json")"

python3 - "$wrk_rps" "$wrk_p99" "$oha_rps" "$oha_p99" "$g_rps" "$g_p99" "$g_p99c" "$g_err" <<'PY'
import sys
wr, wp, orps, op, gr, gp, gpc, ge = map(float, sys.argv[1:])
print(f"{'tool':<8}{'req/s':>12}{'p99 ms':>10}")
print(f"{'wrk':<8}{wr:>12.0f}{wp:>10.2f}")
if orps: print(f"{'oha':<8}{orps:>12.0f}{op:>10.2f}")
print(f"{'golive':<8}{gr:>12.0f}{gp:>10.2f}   (corrected for coordinated omission: {gpc:.2f} ms; errors {ge:.0f})")
print(f"golive/wrk: throughput {gr/wr:.2f}x, p99 {gp/wp:.2f}x")
if orps: print(f"golive/oha: throughput {gr/orps:.2f}x, p99 {gp/op:.2f}x")
PY
