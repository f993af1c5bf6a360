"""Check a page against an expectations file of the seed_expected.yaml form; print each check.

    python tools/check_seed.py ../shared/eval/seed_expected.yaml fixtures/2025-07-02-news-page-zh.txt

Each article (a line range of the page) is evaluated on its own: its expected net views, the
citations (some evidence sentence of the asset's signal contains one of the `cite` strings),
the contrary evidence in `also`, and silence on the `silent` assets. Then the whole page is
evaluated and every evidence offset is checked against the page. Exit 1 if any check fails.
"""

from __future__ import annotations

import argparse
import sys

import yaml

from impact import Engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("expected")
    parser.add_argument("page")
    parser.add_argument("--rules", default=None)
    args = parser.parse_args()
    engine = Engine.from_path(args.rules)
    page = open(args.page, encoding="utf-8").read()
    lines = page.split("\n")
    spec = yaml.safe_load(open(args.expected, encoding="utf-8"))
    passed = failed = 0

    def check(ok: bool, what: str) -> None:
        nonlocal passed, failed
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {what}")

    for art in spec["articles"]:
        a, b = art["lines"]
        report = engine.evaluate("\n".join(lines[a - 1 : b]), doc_id=art["name"])
        for asset, exp in (art.get("expect") or {}).items():
            signal = report.signal(asset)
            got = signal.direction if signal else "none"
            check(got == exp["net"], f"{art['name']}: {asset} net {exp['net']} (got {got})")
            sentences = [e.sentence for e in signal.evidence] if signal else []
            check(any(c in s for c in exp["cite"] for s in sentences), f"{art['name']}: {asset} cites one of {exp['cite']}")
            for also in exp.get("also", []):
                same = [e.sentence for e in signal.evidence if e.direction == also["direction"]] if signal else []
                check(any(c in s for c in also["cite"] for s in same),
                      f"{art['name']}: {asset} also {also['direction']} citing one of {also['cite']}")
        for asset in art.get("silent", []):
            check(report.signal(asset) is None, f"{art['name']}: silent on {asset}")
    report = engine.evaluate(page)
    evidence = [e for s in report.signals for e in s.evidence]
    exact = all(page[e.start : e.end] == e.sentence for e in evidence)
    check(exact and bool(evidence), f"whole page: {len(evidence)} evidence offsets cite the page exactly")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
