"""Before and after in one process: the engine of another commit against this worktree's, per feed.

    python benchmarks/ab.py [--base COMMIT] [--passes 5] [--eval DIR] [--json] [--same]

On a shared machine two runs of ``benchmarks/run.py`` minutes apart differ by more than most
changes do (the load moves the ratios, not only the seconds). Here the package of ``--base``
(default ``HEAD~1``; taken with ``git archive`` into a temporary folder and imported as
``impact_base``) and this worktree's ``impact`` run in the same process on the same rules (this
worktree's ``rules/``): for every chunk of 50 documents the two engines take turns (which goes
first alternates by pass), then the bare pyahocorasick scan of run.py; each side's fastest
pass counts. Feeds as in run.py (``--eval`` folder of the dev sets; the synthetic corpus
sample), and 5,000 empty documents. Prints ``engine_vs_scan`` of each side and before/after.
(The base's package name is rewritten in its text, the report's schema string too.) ``--same``
then evaluates every document with both engines and compares their report JSON (the schema
string put back): the run fails if any differs.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402
from run import FEEDS, feed_texts, sample, scan_automaton  # noqa: E402

_IMPORT = re.compile(r"\bimpact\.(?=[a-z_])|\bfrom impact import\b|^import impact$", re.MULTILINE)


def base_package(commit: str, into: Path) -> None:
    """``impact/`` of ``commit`` written to ``into/impact_base`` with its imports renamed."""
    blob = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "impact"], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            target = into / ("impact_base" + member.name[len("impact"):])
            target.parent.mkdir(parents=True, exist_ok=True)
            data = tar.extractfile(member).read()
            if member.name.endswith(".py"):
                text = _IMPORT.sub(lambda m: m.group().replace("impact", "impact_base", 1), data.decode("utf-8"))
                data = text.encode("utf-8")
            target.write_bytes(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="HEAD~1")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    parser.add_argument("--synthetic-mb", type=float, default=1.0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--same", action="store_true",
                        help="also compare both engines' report JSON on every document (fails on a difference)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="impact-ab-"))
    base_package(args.base, tmp)
    sys.path.insert(0, str(tmp))
    from impact import Engine as After
    from impact_base import Engine as Before

    rules = ROOT / "rules"
    before, after = Before.from_path(rules), After.from_path(rules)
    gc.freeze()
    automaton, _ = scan_automaton(after)
    paths = corpus.build()
    feeds = {kind: feed_texts(args.eval / name) for kind, (name, _) in FEEDS.items() if (args.eval / name).exists()}
    feeds["synthetic"] = sample(paths, int(args.synthetic_mb * 1e6))
    feeds["empty"] = [""] * 5000
    clock = time.perf_counter
    out: dict = {"base": args.base}
    for kind, docs in feeds.items():
        for d in docs[:50]:  # warm both (fold tables, weight caches)
            before.evaluate(d)
            after.evaluate(d)
        best = [float("inf")] * 3
        for p in range(max(1, args.passes)):
            took = [0.0, 0.0, 0.0]
            for lo in range(0, len(docs), 50):
                chunk = docs[lo : lo + 50]
                lowered = [d.lower() for d in chunk]
                for side in ((0, 1) if p % 2 == 0 else (1, 0)):
                    engine = before if side == 0 else after
                    t0 = clock()
                    for d in chunk:
                        engine.evaluate(d)
                    took[side] += clock() - t0
                t0 = clock()
                for d in lowered:
                    list(automaton.iter(d))
                took[2] += clock() - t0
            best = [min(b, t) for b, t in zip(best, took)]
        if kind == "empty":
            out[kind] = {"before_us": round(best[0] / len(docs) * 1e6, 2), "after_us": round(best[1] / len(docs) * 1e6, 2),
                         "before_vs_after": round(best[0] / best[1], 2)}
        else:
            out[kind] = {"before": round(best[0] / best[2], 2), "after": round(best[1] / best[2], 2),
                         "before_vs_after": round(best[0] / best[1], 2)}
        if not args.json:
            row = out[kind]
            if kind == "empty":
                print(f"{kind:22} us per document: before {row['before_us']:7}  after {row['after_us']:7}  x{row['before_vs_after']}")
            else:
                print(f"{kind:22} engine_vs_scan:  before {row['before']:7}  after {row['after']:7}  x{row['before_vs_after']}")
    if args.same:
        out["differing_reports"] = differing = same_reports(before, after, feeds)
        if not args.json:
            print(f"reports compared on {sum(map(len, feeds.values())):,} documents: {differing} differ")
    print(json.dumps(out))
    if args.same and out["differing_reports"]:
        sys.exit(1)


def same_reports(before, after, feeds: dict[str, list[str]]) -> int:
    """How many documents get a report (``evaluate``'s JSON) from ``after`` other than from
    ``before`` (whose schema string names ``impact_base``: put back before comparing)."""
    differing = 0
    for docs in feeds.values():
        for d in docs:
            old = before.evaluate(d).to_json().replace("impact_base.report/", "impact.report/", 1)
            if old != after.evaluate(d).to_json():
                differing += 1
    return differing


if __name__ == "__main__":
    main()
