#!/usr/bin/env bash
# A full live run of every HTTP and TLS check against one well-configured nginx target, vs
# each check run alone: the full run's wall time should be within 1.5x of the slowest single
# check (checks run concurrently and share their facts).
#   bench/live_run.sh
# Needs: nginx, openssl, a release build of golive.
source "$(dirname "$0")/lib.sh"
need "$NGINX" "apt-get install nginx"; need "$GOLIVE" "cargo build --release"
make_certs
PORT="$(free_port)"; HTTP="$(free_port)"
mkdir -p "$WORK/www"; echo '[]' > "$WORK/www/search.json"
start_nginx live "
    map \$http_origin \$cors_origin { default \"\"; \"https://app.example.test\" \$http_origin; }
    map \$http_origin \$cors_creds { default \"\"; \"https://app.example.test\" \"true\"; }
    map \$http_x_request_id \$rid { default \$http_x_request_id; \"\" \$request_id; }
    limit_req_zone \$binary_remote_addr zone=api:1m rate=10r/s;
    server { listen 127.0.0.1:$HTTP; return 301 https://localhost:$PORT\$request_uri; }
    server {
        listen 127.0.0.1:$PORT ssl;
        server_name localhost;
        ssl_certificate $WORK/cert.pem;
        ssl_certificate_key $WORK/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        server_tokens off;
        root $WORK/www;
        add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;
        add_header Content-Security-Policy \"default-src 'self'; frame-ancestors 'none'\" always;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header Referrer-Policy strict-origin-when-cross-origin always;
        add_header X-Request-ID \$rid always;
        add_header Access-Control-Allow-Origin \$cors_origin always;
        add_header Access-Control-Allow-Credentials \$cors_creds always;
        add_header Set-Cookie \"session=abc; Path=/; Secure; HttpOnly; SameSite=Lax\" always;
        add_header Retry-After 1 always;
        location = / { if (\$request_method = OPTIONS) { return 204; } return 200 '{\"items\":[{\"id\":1,\"name\":\"Widget\"}]}'; }
        location ~ ^/(health|ready|live)\$ { return 200 '{\"status\":\"ok\"}'; }
        location = /api/search { limit_req zone=api burst=5 nodelay; limit_req_status 429; try_files /search.json =404; }
        location = /admin { return 401; }
        location / { return 404; }
    }" "$PORT" "$HTTP"

mkdir -p "$WORK/proj"; cp "$WORK/ca.pem" "$WORK/proj/ca.pem"
cat > "$WORK/proj/golive.toml" <<TOML
[environments.bench]
api_url = "https://localhost:$PORT"
ca_file = "ca.pem"

[checks.HTTP011]
http_url = "http://localhost:$HTTP/"

[checks.HTTP012]
allowed_origin = "https://app.example.test"

[checks.HTTP013]
path = "/api/search"

[checks.HTTP015]
paths = ["/admin"]
TOML
echo "target: nginx on https://localhost:$PORT (+ http://localhost:$HTTP redirecting)"

codes="$("$GOLIVE" rules --format json | python3 -c 'import json,sys; print(" ".join(r["code"] for r in json.load(sys.stdin)["checks"] if r["code"].startswith(("HTTP","TLS"))))')"
slowest=0; slowest_code=""
for c in $codes; do
  sleep 1.1  # let the rate limiter's window pass so every run starts alike
  t0=$(now_ms); "$GOLIVE" check "$WORK/proj" --only "$c" --format json > "$WORK/$c.json" || true; t1=$(now_ms)
  d=$((t1-t0)); st="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["status"])' "$WORK/$c.json")"
  printf '  %-8s %6d ms  %s\n' "$c" "$d" "$st"
  if [ "$d" -gt "$slowest" ]; then slowest=$d; slowest_code=$c; fi
done
sleep 1.1
t0=$(now_ms); "$GOLIVE" check "$WORK/proj" --only HTTP,TLS --format json > "$WORK/all.json" || true; t1=$(now_ms)
full=$((t1-t0))
python3 - "$WORK/all.json" "$full" "$slowest" "$slowest_code" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); full, slow, code = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
st = {}
for x in r["results"]: st[x["status"]] = st.get(x["status"], 0) + 1
print(f"full run of {len(r['results'])} checks: {full} ms ({st}); slowest single check {code}: {slow} ms; ratio {full/slow:.2f}x")
bad = [(x['check'], x['status'], x['message']) for x in r['results'] if x['status'] != 'pass']
for b in bad: print("  not pass:", b)
PY
