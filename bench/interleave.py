#!/usr/bin/env python3
"""Interleaved timing of golive builds against each other and ripgrep, for changes smaller
than a shared machine's drift: each round runs every variant once, in turn, so a slow minute
slows them all alike. Prints best and median wall and CPU (user+sys) per variant, and each
golive variant's throughput as a fraction of ripgrep's.

    python3 bench/interleave.py --tree TREE --rounds 30 BIN [ENV=VALUE... BIN]...

A variant is a golive binary, optionally preceded by environment settings in one argument
("MIMALLOC_ALLOW_THP=0 target/release/golive"). Local inputs only; every run is bounded by
--rounds.
"""
import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import KEYWORDS  # noqa: E402  (the keyword alternation bench.py gives ripgrep)


def run(cmd, env):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    return time.perf_counter() - t, ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tree", required=True)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("variants", nargs="+")
    a = ap.parse_args()
    if a.rounds < 1 or a.rounds > 500:
        sys.exit("--rounds must be 1..500")
    runs = {}
    for v in a.variants:
        parts = shlex.split(v)
        env = dict(os.environ)
        while parts and "=" in parts[0]:
            k, val = parts.pop(0).split("=", 1)
            env[k] = val
        if not parts:
            sys.exit(f"no binary in {v!r}")
        runs[v] = (parts + ["check", a.tree, "--no-record", "--format", "json", "-o", os.devnull], env)
    rg = shutil.which("rg")
    if rg:
        pattern = "|".join(k.replace(".", r"\.").replace("+", r"\+") for k in KEYWORDS)
        runs["ripgrep"] = ([rg, "-i", "-c", "--hidden", "-g", "!.git", "-e", pattern, a.tree], dict(os.environ))
    times = {k: [] for k in runs}
    for _ in range(a.rounds):
        for k, (cmd, env) in runs.items():
            times[k].append(run(cmd, env))
    print(f"| variant | best wall | median wall | median CPU | throughput / ripgrep (best, median) |")
    print("|---|---:|---:|---:|---:|")
    rg_best = min(w for w, _ in times["ripgrep"]) if rg else None
    rg_med = statistics.median(w for w, _ in times["ripgrep"]) if rg else None
    for k, t in times.items():
        walls = [w for w, _ in t]
        best, med = min(walls), statistics.median(walls)
        cpu = statistics.median(c for _, c in t)
        ratio = f"{rg_best / best:.2f}×, {rg_med / med:.2f}×" if rg and k != "ripgrep" else ""
        print(f"| {k} | {best * 1000:.1f} ms | {med * 1000:.1f} ms | {cpu * 1000:.1f} ms | {ratio} |")


if __name__ == "__main__":
    main()
