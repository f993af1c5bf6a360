"""Growth per doubling: time and peak RSS of one document at N and 2N copies of a unit.

    python benchmarks/growth.py [--n 2000] [--rules DIR] [--json]

``dense`` (美元走弱提振金价。 repeated: every unit a sentence, a fact and evidence), the same as
one sentence, ``headlines`` (flash headlines one per line, read as one wrapped sentence,
each with a conditional before its trigger). Each size runs in a fresh process (peak RSS is the
process's own); time is the fastest of three evaluations. A linear engine doubles; the target
is a ratio of at most 2.3 per doubling for time and for peak RSS above the loaded engine's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

UNITS = {
    "dense": "美元走弱提振金价。",  # every unit a sentence, a fact and evidence
    "dense-clause": "美元走弱提振金价,",  # the same in one sentence
    "headlines": "如果美联储降息，金价上涨\n",
    "hedged-en": "The Fed may cut rates, and gold could rise, ",
}

CHILD = """
import gc, json, resource, sys, time
from impact import Engine
rules, unit, n = sys.argv[1] or None, sys.argv[2], int(sys.argv[3])
engine = Engine.from_path(rules)
gc.collect(); gc.freeze()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
text = unit * n
best = None
for _ in range(3):
    t = time.perf_counter(); engine.evaluate(text); t = time.perf_counter() - t
    best = t if best is None else min(best, t)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": best, "rss_kb": peak, "rss_above_engine_kb": max(peak - base, 1)}))
"""


def measure(rules: str, unit: str, n: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, rules, unit, str(n)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="copies of the unit in the smaller document")
    parser.add_argument("--rules", default="", help="rule folder (default: the bundled pack)")
    parser.add_argument("--json", action="store_true", help="only the JSON line")
    args = parser.parse_args()
    rows = {}
    for name, unit in UNITS.items():
        a, b = measure(args.rules, unit, args.n), measure(args.rules, unit, 2 * args.n)
        rows[name] = {
            "chars": [len(unit) * args.n, len(unit) * 2 * args.n],
            "seconds": [round(a["seconds"], 3), round(b["seconds"], 3)],
            "time_ratio": round(b["seconds"] / a["seconds"], 2),
            "rss_mb": [round(a["rss_kb"] / 1024, 1), round(b["rss_kb"] / 1024, 1)],
            "rss_growth_ratio": round(b["rss_above_engine_kb"] / a["rss_above_engine_kb"], 2),
        }
        if not args.json:
            r = rows[name]
            print(f"{name:10} {r['chars'][0]:>8,} -> {r['chars'][1]:>8,} chars  time {r['seconds'][0]:.2f} -> "
                  f"{r['seconds'][1]:.2f} s (x{r['time_ratio']})  peak RSS {r['rss_mb'][0]} -> {r['rss_mb'][1]} MB "
                  f"(growth above the engine x{r['rss_growth_ratio']})")
    ok = all(r["time_ratio"] <= 2.3 for r in rows.values())
    print(json.dumps({"n": args.n, "documents": rows, "target_time_ratio": 2.3, "met": ok}))


if __name__ == "__main__":
    main()
