#!/usr/bin/env bash
# golive's TLS assessment (TLS001-TLS006) vs sslscan and testssl.sh on the same nginx endpoint
# (TLS 1.0-1.3 enabled, so there is something to find): wall time and agreement of findings.
#   bench/tls.sh
# Needs: nginx, sslscan, testssl.sh (Debian), openssl, a release build of golive.
source "$(dirname "$0")/lib.sh"
need "$NGINX" "apt-get install nginx"; need sslscan "apt-get install sslscan"; need testssl "apt-get install testssl.sh"
need "$GOLIVE" "cargo build --release"
make_certs
PORT="$(free_port)"
start_nginx tls "    server {
        listen 127.0.0.1:$PORT ssl;
        server_name localhost;
        ssl_certificate $WORK/cert.pem;
        ssl_certificate_key $WORK/key.pem;
        ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
        ssl_ciphers DEFAULT:@SECLEVEL=0;
        location / { return 200 \"ok\\n\"; }
    }" "$PORT"
echo "target: nginx on https://localhost:$PORT (TLS 1.0-1.3 enabled, EC P-256 leaf from a private CA)"

mkdir -p "$WORK/proj"; cp "$WORK/ca.pem" "$WORK/proj/ca.pem"
printf '[environments.bench]\napi_url = "https://localhost:%s"\nca_file = "ca.pem"\n' "$PORT" > "$WORK/proj/golive.toml"

t0=$(now_ms); "$GOLIVE" check "$WORK/proj" --only TLS --format json > "$WORK/golive.json" || true; t1=$(now_ms)
t2=$(now_ms); sslscan --no-colour --sni-name=localhost "127.0.0.1:$PORT" > "$WORK/sslscan.txt" 2>&1 || true; t3=$(now_ms)
t4=$(now_ms); testssl --quiet --color 0 --warnings off -p -S "localhost:$PORT" > "$WORK/testssl.txt" 2>&1 || true; t5=$(now_ms)

echo
echo "wall time: golive $((t1-t0)) ms, sslscan $((t3-t2)) ms, testssl.sh $((t5-t4)) ms"
echo
python3 - "$WORK" <<'PY'
import json, re, sys
w = sys.argv[1]
g = {r["check"]: r for r in json.load(open(f"{w}/golive.json"))["results"]}
ss = open(f"{w}/sslscan.txt").read()
ts = open(f"{w}/testssl.txt").read()
def ssl_proto(v):   # sslscan: "TLSv1.0   enabled"
    m = re.search(rf"^{re.escape(v)}\s+(enabled|disabled)", ss, re.M); return m and m.group(1) == "enabled"
def ts_proto(v):    # testssl: " TLS 1      offered (deprecated)" / "not offered"
    m = re.search(rf"^\s*{re.escape(v)}\s+(not offered|offered)", ts, re.M); return m and m.group(1) == "offered"
legacy = g["TLS002"]["message"]
rows = [
  ("TLS 1.0 accepted", "TLSv1.0" in legacy and "accepts" in legacy, ssl_proto("TLSv1.0"), ts_proto("TLS 1")),
  ("TLS 1.1 accepted", "TLSv1.1" in legacy and "accepts" in legacy, ssl_proto("TLSv1.1"), ts_proto("TLS 1.1")),
  ("TLS 1.3 negotiated", "TLSv1.3" in g["TLS001"]["message"], ssl_proto("TLSv1.3"), ts_proto("TLS 1.3")),
]
m = re.search(r"ECC Curve Name:\s+(\S+)", ss); ss_key = m and m.group(1)
m = re.search(r"Server key size\s+(\S+ \d+) bits", ts) or re.search(r"Server key size\s+(.*)", ts); ts_key = m and m.group(1).strip()
print(f"{'finding':<22}{'golive':>10}{'sslscan':>10}{'testssl':>10}")
agree = 0
for name, a, b, c in rows:
    ok = (a == b == c); agree += ok
    print(f"{name:<22}{str(a):>10}{str(b):>10}{str(c):>10}{'' if ok else '   <- disagree'}")
print(f"key: golive \"{g['TLS006']['message']}\"; sslscan curve {ss_key}; testssl {ts_key}")
print(f"expiry: golive \"{g['TLS005']['message']}\"")
print(f"chain: golive {g['TLS003']['status']} ({g['TLS003']['message'][:80]})")
print(f"agreement on protocols: {agree}/{len(rows)}")
PY
