"""Summarises one tool's JSON output for bench/compare_containers.sh: hadolint, checkov or golive."""
import json
import sys


def main() -> None:
    kind = sys.argv[1]
    try:
        data = json.load(sys.stdin)
    except Exception:
        print("(no output)")
        return
    out = set()
    if kind == "hadolint":
        for x in data:
            out.add("%s@%s" % (x["code"], x["line"]))
    elif kind == "checkov":
        for r in data if isinstance(data, list) else [data]:
            for f in r.get("results", {}).get("failed_checks", []):
                out.add("%s@%s:%s" % (f["check_id"], f["file_path"].lstrip("/"), f["file_line_range"][0]))
    else:
        for r in data["results"]:
            if r["status"] in ("fail", "warn", "error"):
                locs = ",".join("%s:%s" % (l["path"], l.get("line", "")) for l in r["locations"])
                out.add("%s:%s[%s]" % (r["check"], r["status"], locs))
    print(" ".join(sorted(out)) or "(nothing)")


main()
