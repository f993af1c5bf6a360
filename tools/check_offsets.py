"""Evaluate JSONL corpora and check that every evidence cites its input exactly.

    python tools/check_offsets.py ../shared/eval/dev/*.jsonl

For each file: documents, documents with signals, evidence count, and offset mismatches
(``text[start:end] != sentence`` or a trigger span outside its sentence). Exit 1 on any mismatch.
"""

from __future__ import annotations

import json
import sys

from impact import Engine


def main(paths: list[str]) -> int:
    engine = Engine.from_path()
    bad_total = 0
    for path in paths:
        docs = with_signals = evidence = bad = 0
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                text = json.loads(line)["text"]
                report = engine.evaluate(text)
                docs += 1
                with_signals += bool(report.signals)
                for signal in report.with_evidence():
                    for ev in signal.evidence:
                        evidence += 1
                        if text[ev.start : ev.end] != ev.sentence or not (
                            ev.start <= ev.trigger.start < ev.trigger.end <= ev.end
                            and text[ev.trigger.start : ev.trigger.end] == ev.trigger.text
                        ):
                            bad += 1
        bad_total += bad
        print(f"{path}: {docs} documents, {with_signals} with signals, {evidence} evidence, {bad} offset mismatches")
    return 1 if bad_total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
