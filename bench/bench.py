#!/usr/bin/env python3
"""golive's static run against its peers, on local inputs only.

Two measurements, in one run:

1. Throughput on a directory tree (TREE): golive's full static run, golive's secret scan alone,
   ripsecrets, detect-secrets, and ripgrep searching for the same keyword alternation golive's
   scanner pre-filters with (the bound of what reading the tree costs). Each tool runs --runs
   times; the best wall time counts. Prints seconds, MB/s and ratios to golive.
2. Accuracy on a planted corpus (--planted): a generated repository with known secrets at known
   lines and decoys that are not secrets (hashes, UUIDs, placeholders, environment reads, vendor
   example keys). Prints true positives, false negatives and false positives per tool.

Usage:
    cargo build --release
    python3 bench/bench.py --tree /path/to/checkout --planted [--runs 3]

Missing peers are reported as "not installed" and skipped: `cargo install ripsecrets`,
`pip install detect-secrets`, `apt-get install ripgrep`.
"""

import argparse
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# What golive's secret scanner searches each file for before any rule runs (LINE_KEYS in
# crates/golive-facts/src/secrets_scan.rs; every rule keyword holds one of them), for ripgrep.
KEYWORDS = [
    "akia", "asia", "abia", "acca", "aws", "k_live_", "k_test_", "ghp_", "gho_", "ghu_", "ghs_",
    "ghr_", "github_pat_", "glp", "gldt-", "glrt-", "xox", "xapp-", "hooks.slack.com", "aiza",
    "sk-proj-", "t3blbkfj", "sg.", "npm_", "eyj", "://", "secret", "token", "passw", "key",
    "credential", "golive:allow",
]


def tool(name):
    return shutil.which(name)


def timed(cmd, runs, cwd=None):
    best = None
    out = None
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
        if best is None or dt < best:
            best = dt
        out = p
    return best, out


def tree_bytes(tree):
    """Bytes of the files ripgrep would read (honouring .gitignore, skipping hidden)."""
    rg = tool("rg")
    total = 0
    files = 0
    if rg:
        p = subprocess.run([rg, "--files", "--hidden", "-g", "!.git", tree], stdout=subprocess.PIPE)
        paths = p.stdout.decode(errors="replace").splitlines()
    else:
        paths = []
        for d, dirs, fs in os.walk(tree):
            dirs[:] = [x for x in dirs if x != ".git"]
            paths += [os.path.join(d, f) for f in fs]
    for path in paths:
        try:
            total += os.path.getsize(path)
            files += 1
        except OSError:
            pass
    return total, files


def golive_bin(arg):
    if arg:
        return arg
    p = os.path.join(ROOT, "target", "release", "golive")
    if os.path.exists(p):
        return p
    return tool("golive")


def throughput(tree, runs, golive):
    size, files = tree_bytes(tree)
    mb = size / 1e6
    print(f"\n## Throughput on {tree}: {files} files, {mb:.1f} MB (as ripgrep lists them)\n")
    rows = []
    rg = tool("rg")
    pattern = "|".join(k.replace(".", r"\.").replace("+", r"\+") for k in KEYWORDS)
    cmds = [
        ("golive check (full static run)", [golive, "check", tree, "--no-record", "--format", "json", "-o", os.devnull] if golive else None),
        ("golive check --only SECRET", [golive, "check", tree, "--no-record", "--only", "SECRET", "--format", "json", "-o", os.devnull] if golive else None),
        ("ripgrep -i keyword alternation", [rg, "-i", "-c", "--hidden", "-g", "!.git", "-e", pattern, tree] if rg else None),
        ("ripsecrets", [tool("ripsecrets"), tree] if tool("ripsecrets") else None),
        ("detect-secrets scan --all-files", [tool("detect-secrets"), "scan", "--all-files", tree] if tool("detect-secrets") else None),
    ]
    for name, cmd in cmds:
        if cmd is None:
            rows.append((name, None))
            continue
        n = runs if "detect-secrets" not in name else max(1, min(runs, 1))
        dt, _ = timed(cmd, n)
        rows.append((name, dt))
    base = rows[0][1]
    print(f"| tool | seconds (best of {runs}) | MB/s | time / golive full run |")
    print("|---|---:|---:|---:|")
    for name, dt in rows:
        if dt is None:
            print(f"| {name} | not installed | | |")
            continue
        ratio = f"{dt / base:.2f}x" if base else ""
        print(f"| {name} | {dt:.3f} | {mb / dt:.1f} | {ratio} |")
    return rows


# ---------------------------------------------------------------- planted corpus

ALNUM = string.ascii_letters + string.digits
B32 = string.ascii_uppercase + "234567"


def rnd(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64url(rng, n):
    return rnd(rng, ALNUM + "-_", n)


def planted_value(rng, kind):
    if kind == "aws":
        return f'AWS_ACCESS_KEY_ID = "AKIA{rnd(rng, B32, 16)}"'
    if kind == "stripe":
        return f'stripe.api_key = "sk_live_{rnd(rng, ALNUM, 24)}"'
    if kind == "github":
        return f'GITHUB_TOKEN = "ghp_{rnd(rng, ALNUM, 36)}"'
    if kind == "gitlab":
        return f'gitlab_token: "glpat-{rnd(rng, ALNUM, 20)}"'
    if kind == "slack":
        return f'SLACK_BOT = "xoxb-{rnd(rng, string.digits, 12)}-{rnd(rng, string.digits, 13)}-{rnd(rng, ALNUM, 24)}"'
    if kind == "google":
        return f'const mapsKey = "AIza{rnd(rng, ALNUM + "-_", 35)}";'
    if kind == "jwt":
        return f'AUTH_HEADER = "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ{b64url(rng, 40)}.{b64url(rng, 43)}"'
    if kind == "dburl":
        return f'DATABASE_URL = "postgresql://app:{rnd(rng, ALNUM, 18)}@db.prod.internal:5432/app"'
    if kind == "generic":
        return f'WEBHOOK_SIGNING_SECRET = "{rnd(rng, ALNUM, 32)}"'
    if kind == "pem":
        body = "\n".join(rnd(rng, ALNUM + "+/", 64) for _ in range(4))
        return "-----BEGIN RSA " + "PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----"
    raise ValueError(kind)


KINDS = ["aws", "stripe", "github", "gitlab", "slack", "google", "jwt", "dburl", "generic", "pem"]


def decoy(rng):
    """Lines that look like secrets to a naive scanner but are not."""
    choices = [
        lambda: f'checksum = "{rnd(rng, "0123456789abcdef", 64)}"',
        lambda: f'commit = "{rnd(rng, "0123456789abcdef", 40)}"',
        lambda: f'request_id = "{rnd(rng, "0123456789abcdef", 8)}-{rnd(rng, "0123456789abcdef", 4)}-4{rnd(rng, "0123456789abcdef", 3)}-a{rnd(rng, "0123456789abcdef", 3)}-{rnd(rng, "0123456789abcdef", 12)}"',
        lambda: 'SECRET_KEY = os.environ["SECRET_KEY"]',
        lambda: 'API_KEY = "your-api-key-here"',
        lambda: 'password = getpass.getpass("Password: ")',
        lambda: 'DATABASE_URL = "postgresql://app:${DB_PASSWORD}@db:5432/app"',
        lambda: 'EXAMPLE_KEY = "AKIAIOSFODNN7EXAMPLE"  # from the AWS documentation',
        lambda: 'token = request.headers.get("Authorization", "")',
        lambda: 'STRIPE_PUBLISHABLE = "pk_live_placeholder"',
        lambda: f'font_integrity = "sha384-{rnd(rng, ALNUM + "+/", 64)}"',
        lambda: 'REDIS_URL = "redis://localhost:6379/0"',
        lambda: f'image: ghcr.io/acme/api@sha256:{rnd(rng, "0123456789abcdef", 64)}',
    ]
    return rng.choice(choices)()


FILLER = [
    "import os",
    "import logging",
    "logger = logging.getLogger(__name__)",
    "def handler(event, context):",
    "    return {\"status\": 200}",
    "# Retry with exponential backoff.",
    "MAX_RETRIES = 5",
    "class Config:",
    "    debug = False",
    "    timeout = 30",
    "for item in items:",
    "    process(item)",
    "if __name__ == \"__main__\":",
    "    main()",
]


def make_corpus(path, n_files=300, seed=20261122):
    rng = random.Random(seed)
    planted = []  # (rel, first_line, last_line, kind)
    decoys = 0
    for i in range(n_files):
        rel = f"src/pkg{i % 17}/module_{i}.py"
        lines = []
        for _ in range(rng.randint(40, 120)):
            r = rng.random()
            if r < 0.03:
                kind = rng.choice(KINDS)
                v = planted_value(rng, kind).split("\n")
                planted.append((rel, len(lines) + 1, len(lines) + len(v), kind))
                lines.extend(v)
            elif r < 0.09:
                lines.append(decoy(rng))
                decoys += 1
            else:
                lines.append(rng.choice(FILLER))
        full = os.path.join(path, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write("\n".join(lines) + "\n")
    return planted, decoys


def findings_golive(golive, corpus):
    p = subprocess.run([golive, "check", corpus, "--no-record", "--only", "SECRET001,SECRET002,SECRET003,SECRET004", "--format", "json"], stdout=subprocess.PIPE)
    r = json.loads(p.stdout)
    out = set()
    for res in r["results"]:
        for loc in res.get("locations", []):
            out.add((loc["path"], loc.get("line") or 0))
    return out


def findings_ripsecrets(corpus):
    p = subprocess.run([tool("ripsecrets"), "."], cwd=corpus, stdout=subprocess.PIPE)
    out = set()
    for line in p.stdout.decode(errors="replace").splitlines():
        parts = line.split(":", 2)
        if len(parts) >= 2 and parts[1].isdigit():
            out.add((parts[0].removeprefix("./"), int(parts[1])))
    return out


def findings_detect_secrets(corpus):
    p = subprocess.run([tool("detect-secrets"), "scan", "--all-files", "."], cwd=corpus, stdout=subprocess.PIPE)
    r = json.loads(p.stdout)
    out = set()
    for fname, items in r.get("results", {}).items():
        for it in items:
            out.add((fname.removeprefix("./"), it["line_number"]))
    return out


def score(found, planted):
    tp = 0
    matched = set()
    for rel, a, b, _kind in planted:
        hit = [f for f in found if f[0] == rel and a <= f[1] <= b]
        if hit:
            tp += 1
            matched.update(hit)
    fn = len(planted) - tp
    fp = len(found - matched)
    missed = {}
    for rel, a, b, kind in planted:
        if not any(f[0] == rel and a <= f[1] <= b for f in found):
            missed[kind] = missed.get(kind, 0) + 1
    return tp, fn, fp, missed


def accuracy(golive):
    with tempfile.TemporaryDirectory(prefix="golive-planted-") as corpus:
        planted, decoys = make_corpus(corpus)
        print(f"\n## Planted corpus: 300 files, {len(planted)} planted secrets of {len(KINDS)} kinds, {decoys} decoys\n")
        print("| tool | found (TP) | missed (FN) | false alarms (FP) | missed by kind |")
        print("|---|---:|---:|---:|---|")
        tools = [
            ("golive (SECRET001-004)", (lambda: findings_golive(golive, corpus)) if golive else None),
            ("ripsecrets", (lambda: findings_ripsecrets(corpus)) if tool("ripsecrets") else None),
            ("detect-secrets", (lambda: findings_detect_secrets(corpus)) if tool("detect-secrets") else None),
        ]
        for name, f in tools:
            if f is None:
                print(f"| {name} | not installed | | | |")
                continue
            tp, fn, fp, missed = score(f(), planted)
            m = ", ".join(f"{k} {v}" for k, v in sorted(missed.items())) or "-"
            print(f"| {name} | {tp} | {fn} | {fp} | {m} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", help="a local directory tree to measure throughput on")
    ap.add_argument("--planted", action="store_true", help="also score accuracy on a generated corpus")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--golive", help="the golive binary (default: target/release/golive)")
    a = ap.parse_args()
    golive = golive_bin(a.golive)
    if not golive:
        print("golive binary not found: cargo build --release", file=sys.stderr)
    if not a.tree and not a.planted:
        ap.error("give --tree DIR and/or --planted")
    print(f"golive: {golive}; ripsecrets: {tool('ripsecrets')}; detect-secrets: {tool('detect-secrets')}; rg: {tool('rg')}; cores: {os.cpu_count()}")
    if a.tree:
        throughput(a.tree, a.runs, golive)
    if a.planted:
        accuracy(golive)


if __name__ == "__main__":
    main()
