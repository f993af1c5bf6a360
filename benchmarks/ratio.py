"""``engine_vs_scan`` on any news you have: the bundled pack's engine against a bare scan.

    python benchmarks/ratio.py NEWS.jsonl [MORE.jsonl ...] [--rules DIR] [--json]

For each batch file (JSONL, CSV or Parquet, read as ``impact evaluate`` reads them; unreadable
records skipped) prints the documents, characters, term hits and evidence per 1,000 characters,
and the engine's time over the time of a bare pyahocorasick scan of the same text with the same
term set, taken as in ``benchmarks/run.py`` (engine and scan in turns; each side's fastest of
``--passes``). The ratio follows the density of the text: how many hits and how much evidence a
thousand characters hold.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import engine_and_scan, scan_automaton  # noqa: E402


def texts(path: Path) -> list[str]:
    """The texts of a batch file (JSONL, CSV or Parquet, read as ``impact evaluate`` reads it);
    records that cannot be read, or hold no text, are left out."""
    from impact.io.records import read_records

    return [r.text for r in read_records(str(path)) if r.error is None and isinstance(r.text, str)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--rules", help="rule folder (default: the bundled pack)")
    parser.add_argument("--passes", type=int, default=3, help="passes per file; the fastest counts")
    parser.add_argument("--json", action="store_true", help="one JSON object per file")
    args = parser.parse_args()
    from impact import Engine

    engine = Engine.from_path(args.rules)
    gc.freeze()
    automaton, _ = scan_automaton(engine)
    for path in args.files:
        docs = texts(path)
        chars = sum(map(len, docs))
        runs = [engine_and_scan(engine, automaton, docs, {}) for _ in range(max(1, args.passes))]
        # each side's fastest pass: noise only slows a pass, and neither side is favoured
        best = {**runs[0], "engine_s": min(r["engine_s"] for r in runs), "scan_s": min(r["scan_s"] for r in runs)}
        row = {
            "file": str(path),
            "docs": len(docs),
            "chars": chars,
            "hits_per_kchar": round(best["hits"] / max(chars, 1) * 1000, 1),
            "evidence_per_kchar": round(best["evidence"] / max(chars, 1) * 1000, 2),
            "engine_vs_scan": round(best["engine_s"] / best["scan_s"], 2) if best["scan_s"] else None,
            "docs_per_s": round(len(docs) / best["engine_s"], 1) if best["engine_s"] else None,
        }
        if args.json:
            print(json.dumps(row))
        else:
            print(
                f"{path.name:40} {row['docs']:7,} docs {chars:11,} chars  hits/kchar {row['hits_per_kchar']:5}"
                f"  evidence/kchar {row['evidence_per_kchar']:5}  engine_vs_scan {row['engine_vs_scan']}"
                f"  {row['docs_per_s']} docs/s"
            )


if __name__ == "__main__":
    main()
