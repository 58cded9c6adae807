#!/usr/bin/env bash
# The infrastructure benchmark (issue 5): one well-configured server of each kind on loopback
# (PostgreSQL with SSL, Redis with TLS, moto for S3, the Vault stand-in, Prometheus and
# Alertmanager, two OTLP ports), then `golive check` timed per family alone, for all families
# together (target: within 1.5x the slowest family), at concurrency 16 and 64, and with the
# database on a refused and on a silent port (target: PG fails within its timeout, nothing
# else waits). The servers are the integration tests' (tests/integration/servers.rs), so the
# timing loop lives in the ignored test `infra_bench`; this script builds, runs it against the
# release binary and prints its BENCH lines with the load average.
#   bench/infra_run.sh
# Needs: what the infrastructure tests need (postgresql, redis-server, prometheus,
# prometheus-alertmanager, moto_server, openssl).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
cargo build --release --quiet
echo "load: $(uptime)"
out="$(mktemp /tmp/golive-infra-bench.XXXXXX)"
trap 'rm -f "$out"' EXIT
status=0
GOLIVE_BIN="$ROOT/target/release/golive" \
  cargo test --quiet --test integration infra_bench -- --ignored --nocapture >"$out" 2>&1 || status=$?
grep -E '^BENCH' "$out" || true
[ "$status" -eq 0 ] || { echo "infra_bench failed:"; tail -40 "$out"; }
echo "load: $(uptime)"
exit "$status"
