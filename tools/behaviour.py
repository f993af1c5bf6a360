#!/usr/bin/env python
"""Run the behavioural suite (tests/behaviour, CheckList-style) against a rule folder.

    python tools/behaviour.py                      # bundled rules: table of pass rates
    python tools/behaviour.py --rules my_rules -v  # and every failing case, expected vs got
    python tools/behaviour.py --markdown           # the table as Markdown, for the README
    python tools/behaviour.py --json               # every figure and failing case as JSON
    python tools/behaviour.py --min-rate 0.95      # exit 1 if a capability/language is below 0.95

Exit 0 always, unless --min-rate is given and some capability/language pass rate is below it
(exit 1); 2 for a rule folder that cannot be loaded.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_suite():
    """tests/behaviour as a package of its own name, whatever else is called ``tests`` or ``behaviour``
    on the path (this very file is tools/behaviour.py)."""
    folder = ROOT / "tests" / "behaviour"
    spec = importlib.util.spec_from_file_location("impact_behaviour_suite", folder / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_suite = _load_suite()
CAPABILITIES, KINDS, LANGS = _suite.CAPABILITIES, _suite.KINDS, _suite.LANGS
generate, rates, run = _suite.generate, _suite.rates, _suite.run


def _cell(passed: int, total: int) -> str:
    return f"{passed / total:.2f} ({passed}/{total})" if total else "-"


def rows(figures: dict, capabilities: list[str]) -> list[list[str]]:
    out = []
    for cap in capabilities:
        for lang in LANGS:
            if (cap, lang, "ALL") not in figures:
                continue
            out.append([cap, lang, *(_cell(*figures.get((cap, lang, k), (0, 0))) for k in (*KINDS, "ALL"))])
    return out


def totals(results: list) -> list[list[str]]:
    out = []
    for lang in (*LANGS, "all"):
        chosen = [r for r in results if lang == "all" or r.case.lang == lang]
        if not chosen:
            continue
        cells = []
        for kind in (*KINDS, "ALL"):
            these = [r for r in chosen if kind == "ALL" or r.case.kind == kind]
            cells.append(_cell(sum(r.passed for r in these), len(these)))
        out.append(["TOTAL", lang, *cells])
    return out


def render(table: list[list[str]], markdown: bool) -> str:
    head = ["capability", "lang", *KINDS, "all"]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + "|"]
        lines += ["| " + " | ".join(f"**{c}**" if row[0] == "TOTAL" else c for c in row) + " |" for row in table]
        return "\n".join(lines)
    widths = [max(len(str(r[i])) for r in [head, *table]) for i in range(len(head))]
    fmt = "  ".join(f"{{:<{w}}}" if i < 2 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*head), "  ".join("-" * w for w in widths), *(fmt.format(*r) for r in table)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rules", default=str(ROOT / "rules"), help="rule folder (default: the bundled rules)")
    ap.add_argument("--capability", action="append", choices=sorted(CAPABILITIES), help="only these (repeatable)")
    ap.add_argument("--lang", choices=LANGS, action="append", help="only this language (repeatable)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the failing cases")
    out = ap.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="figures and failing cases as JSON")
    out.add_argument("--markdown", action="store_true", help="the table as Markdown")
    ap.add_argument("--min-rate", type=float, help="exit 1 if any capability/language pass rate is below this")
    args = ap.parse_args(argv)

    from impact import Engine, ImpactError

    try:
        engine = Engine.from_path(args.rules)
    except ImpactError as exc:
        print(f"behaviour: cannot load rules from {args.rules}: {exc}", file=sys.stderr)
        return 2
    capabilities = args.capability or list(CAPABILITIES)
    cases = generate(capabilities, args.lang or LANGS)
    results = run(engine, cases)
    figures = rates(results)
    table = rows(figures, capabilities) + totals(results)
    below = [(c, lang, p / t) for (c, lang, k), (p, t) in sorted(figures.items())
             if k == "ALL" and args.min_rate is not None and p / t < args.min_rate]

    if args.json:
        payload = {
            "rules": args.rules, "cases": len(results), "passed": sum(r.passed for r in results),
            "rates": [{"capability": c, "lang": lang, "kind": k, "passed": p, "total": t, "rate": round(p / t, 4)}
                      for (c, lang, k), (p, t) in sorted(figures.items())],
            "failures": [r.to_dict() for r in results if not r.passed] if args.verbose else
            sum(not r.passed for r in results),
        }
        if args.min_rate is not None:
            payload["below_min_rate"] = [{"capability": c, "lang": lang, "rate": round(r, 4)} for c, lang, r in below]
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        print(render(table, args.markdown))
        if args.verbose:
            failing = [r for r in results if not r.passed]
            print(f"\n{len(failing)} failing cases:")
            for r in failing:
                c = r.case
                print(f"\n[{c.capability} {c.lang} {c.kind} {c.name}] {c.asset}")
                if c.base is not None:
                    print(f"  base: {c.base!r}")
                print(f"  text: {c.text!r}")
                for why in r.why:
                    print(f"  - {why}")
        if below:
            print(f"\nbelow --min-rate {args.min_rate}: " + ", ".join(f"{c}/{lang} {r:.2f}" for c, lang, r in below),
                  file=sys.stderr)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
