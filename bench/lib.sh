# Shared helpers of the bench scripts: a free loopback port, nginx as a non-daemon child in a
# temporary directory, certificates, and the golive binary. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GOLIVE="${GOLIVE:-$ROOT/target/release/golive}"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
WORK="$(mktemp -d /tmp/golive-bench.XXXXXX)"
PIDS=()

cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

need() {
  command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || { echo "bench: $1 is not installed ($2)" >&2; exit 2; }
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# A CA and a localhost leaf signed by it (EC P-256), in $WORK.
make_certs() {
  openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$WORK/ca.key" -subj "/CN=golive bench CA" -days 30 -out "$WORK/ca.pem" 2>/dev/null
  openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/key.pem" 2>/dev/null
  openssl req -new -key "$WORK/key.pem" -subj "/CN=localhost" -out "$WORK/leaf.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$WORK/ext.cnf"
  openssl x509 -req -in "$WORK/leaf.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial \
    -days 90 -extfile "$WORK/ext.cnf" -out "$WORK/cert.pem" 2>/dev/null
}

# start_nginx NAME HTTP_BLOCK: runs nginx with the given http{} contents; waits for PORTS.
start_nginx() {
  local name="$1" body="$2"; shift 2
  local d="$WORK/$name"
  mkdir -p "$d/tmp"
  cat > "$d/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
$body
}
CONF
  "$NGINX" -c "$d/nginx.conf" -p "$d" &
  PIDS+=("$!")
  for port in "$@"; do
    for _ in $(seq 100); do
      (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
      sleep 0.05
    done
  done
}

# now_ms: wall clock in milliseconds.
now_ms() { date +%s%3N; }
