"""``impact evaluate --jobs N`` against one process, on the same batch, whole commands timed.

    python benchmarks/jobs.py [--jobs 2] [--runs 5] [--copies 8] [--eval DIR]

Builds a JSONL batch from the Jin10 and Sinha dev sets in ``--eval`` (``../shared/eval/dev``;
else 4 MB of the benchmark corpus), repeated ``--copies`` times with fresh ids, one unreadable
line in every thousand; then runs ``impact evaluate BATCH -q -o OUT`` with one process and with
``--jobs N`` in turn, ``--runs`` times each. It prints each side's median wall and CPU seconds
(the command and every process it waited for), the speed-up and the CPU ratio, and fails if the
two outputs differ by a byte. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
from run import feed_texts  # noqa: E402


def texts(eval_dir: Path) -> tuple[list[str], str]:
    sets = [eval_dir / "jin10_gold15m_2025q3.jsonl", eval_dir / "sinha_gold_2000_2012.jsonl"]
    if all(p.exists() for p in sets):
        return [t for p in sets for t in feed_texts(p)], "the Jin10 and Sinha dev sets"
    paths = corpus.build()
    return corpus.read(paths["zh"], 2_000_000) + corpus.read(paths["en"], 2_000_000), "4 MB of the benchmark corpus"


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and every process it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--eval", type=Path, default=HERE.parent.parent / "shared" / "eval" / "dev")
    args = parser.parse_args()
    docs, source = texts(args.eval)
    impact = [sys.executable, "-m", "impact.cli", "evaluate"]
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch.jsonl"
        n = 0
        with open(batch, "w", encoding="utf-8") as out:
            for copy in range(args.copies):
                for k, text in enumerate(docs):
                    out.write(json.dumps({"id": f"c{copy}-{k}", "text": text}, ensure_ascii=False) + "\n")
                    n += 1
                    if n % 1000 == 0:
                        out.write("{not json\n")
                        n += 1
        one, many = Path(tmp) / "one.jsonl", Path(tmp) / "many.jsonl"
        sides: dict[str, list[tuple[float, float]]] = {"one": [], "jobs": []}
        timed([*impact, str(batch), "-q", "-o", str(one)])  # warm-up: the rule-set cache, the page cache
        for _ in range(args.runs):
            sides["one"].append(timed([*impact, str(batch), "-q", "-o", str(one)]))
            sides["jobs"].append(timed([*impact, str(batch), "-q", "-o", str(many), "--jobs", str(args.jobs)]))
        same = one.read_bytes() == many.read_bytes()
    median = {side: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
              for side, runs in sides.items()}
    figures = {
        "records": n,
        "source": source,
        "jobs": args.jobs,
        "one_wall_s": round(median["one"][0], 2),
        "jobs_wall_s": round(median["jobs"][0], 2),
        "speedup": round(median["one"][0] / median["jobs"][0], 2),
        "cpu_ratio": round(median["jobs"][1] / median["one"][1], 2),
        "same_output": same,
    }
    print(f"{n:,} records ({source}), median of {args.runs} runs each, taking turns")
    print(f"one process:   {figures['one_wall_s']} s wall, {median['one'][1]:.2f} s CPU")
    print(f"--jobs {args.jobs}:      {figures['jobs_wall_s']} s wall, {median['jobs'][1]:.2f} s CPU")
    print(f"speed-up {figures['speedup']}x at {figures['cpu_ratio']}x the CPU; outputs identical: {same}")
    print(json.dumps(figures))
    if not same:
        raise SystemExit("the outputs differ")


if __name__ == "__main__":
    main()
