"""Fuzzing the rule-file loader and the evaluator: no input may raise, every citation stays exact.

    python benchmarks/fuzz.py [--inputs 100000] [--seed 1] [--json]

A seeded mutation fuzzer (fast enough for 10^5 inputs a target in about a minute, which
hypothesis's per-example overhead is not; the property tests in tests/test_properties.py are
the hypothesis side):

* loader: the bundled rule files and small hand-written ones, mutated (bit flips, byte inserts
  and deletes, spliced lines from other files, truncation, random bytes, indentation shifts), fed
  to ``load_rule_file`` as bytes. It must return a model or located problems, never raise.
* evaluator: random Unicode (all planes, surrogates left out since a str from UTF-8 has none),
  mutated corpus and fixture sentences, and random mixes of news fragments (triggers,
  modifiers, full-width forms, wraps, NUL), fed to ``Engine.evaluate``. It must not raise, and
  every evidence must satisfy ``text[start:end] == sentence``.

Prints the figures (inputs, outcomes, failures, inputs/s); the last line is a JSON object.
Exit status 1 if any input failed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SMALL_RULE_FILES = [
    b"events:\n  e:\n    description: d\n    terms: {zh: [\xe9\xbb\x84\xe9\x87\x91], en: [gold]}\n"
    b"rules:\n  - id: r\n    description: d\n    when: {any: [e]}\n    then: [{asset: gold, direction: bullish}]\n"
    b"    rationale: r\n    explain: e\n",
    b"lexicons:\n  hedge: {zh: [\xe5\x8f\xaf\xe8\x83\xbd], en: [may], scope: clause}\n",
    b"assets:\n  gold:\n    names: {en: [gold]}\n    not_regex: ['[0-9]gold']\n",
]
FRAGMENTS = [
    "美元走弱提振金价", "金价承压", "解除制裁", "和平谈判", "不会", "可能", "然而", "虽然", "铜价", "亿美元", "LME",
    "。", ",", ",", ";", "!", "?", "\n", "\n\n", " ", "\u3000", "…", "ＧＯＬＤ", "①", "ﬁ", "\x00", "\r\n",
    "gold", "Gold prices rose", " as the dollar weakened", "could", "not", "however", "U.S.", "Mr.", ". ",
    "sanctions were lifted", "inventories rose", "e\u0301", "\u200b", "\ufeff", "🙂", "𠀀",
]


def mutate(data: bytes, rnd: random.Random, pool: list[bytes]) -> bytes:
    b = bytearray(data)
    for _ in range(rnd.randint(1, 6)):
        op = rnd.randrange(7)
        if op == 0 and b:
            i = rnd.randrange(len(b))
            b[i] ^= 1 << rnd.randrange(8)
        elif op == 1:
            i = rnd.randint(0, len(b))
            b[i:i] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 4)))
        elif op == 2 and b:
            i = rnd.randrange(len(b))
            del b[i : i + rnd.randint(1, 8)]
        elif op == 3:
            lines = bytes(b).split(b"\n")
            donor = rnd.choice(pool).split(b"\n")
            i = rnd.randint(0, len(lines))
            lines[i:i] = [rnd.choice(donor)]
            b = bytearray(b"\n".join(lines))
        elif op == 4 and b:
            del b[rnd.randrange(len(b)) :]
        elif op == 5:
            lines = bytes(b).split(b"\n")
            i = rnd.randrange(len(lines))
            lines[i] = b" " * rnd.choice([1, 2, 4]) + lines[i] if rnd.random() < 0.5 else lines[i].lstrip()
            b = bytearray(b"\n".join(lines))
        else:
            token = rnd.choice([b"\t", b":", b"- ", b"{", b"[", b"'", b'"', b"&a", b"*a", b"!!python/object", b"~",
                                b"yes", b"1e400", b"---\n", b"\xef\xbb\xbf", b"%YAML 1.1\n"])
            i = rnd.randint(0, len(b))
            b[i:i] = token
    return bytes(b)


def fuzz_loader(n: int, rnd: random.Random) -> dict:
    from impact.ruleset.loader import load_rule_file

    pool = [p.read_bytes() for p in sorted((ROOT / "rules").glob("*.yaml"))] + SMALL_RULE_FILES
    small = SMALL_RULE_FILES + [p[:1500] for p in pool]
    outcomes = {"valid": 0, "problems": 0}
    failures: list[str] = []
    path = Path("fuzz.yaml")
    t0 = time.perf_counter()
    for i in range(n):
        r = rnd.random()
        if r < 0.05:
            data = bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 200)))
        elif r < 0.1:
            data = mutate(rnd.choice(pool), rnd, pool)  # a whole bundled file: slower, rarer
        else:
            data = mutate(rnd.choice(small), rnd, pool)
        try:
            model, _, problems = load_rule_file(path, "fuzz.yaml", raw=data)
            if model is None and not problems:
                raise AssertionError("no model and no problem")
            for p in problems:
                assert p.line >= 1 and p.col >= 1 and p.message, p
            outcomes["valid" if model is not None and not problems else "problems"] += 1
        except Exception:
            failures.append(f"input {i}: {data[:200]!r}\n{traceback.format_exc(limit=3)}")
    elapsed = time.perf_counter() - t0
    return {"inputs": n, **outcomes, "failures": len(failures), "seconds": round(elapsed, 1),
            "inputs_per_s": round(n / elapsed), "first_failures": failures[:3]}


def fuzz_evaluator(n: int, rnd: random.Random) -> dict:
    from impact import Engine

    engine = Engine.from_path()
    seeds: list[str] = []
    for p in [ROOT / "fixtures" / "2025-07-02-news-page-zh.txt", *sorted((ROOT / "fixtures" / "articles").glob("*.txt"))]:
        text = p.read_text(encoding="utf-8")
        seeds += [text[i : i + 300] for i in range(0, len(text), 300)]
    encoded = [s.encode("utf-8") for s in seeds]
    with_signals = 0
    evidence = 0
    failures: list[str] = []
    t0 = time.perf_counter()
    for i in range(n):
        r = rnd.random()
        if r < 0.3:
            text = "".join(chr(rnd.choice([rnd.randrange(0x20, 0x7F), rnd.randrange(0x80, 0xD800),
                                           rnd.randrange(0xE000, 0x110000), rnd.randrange(0, 0x20)]))
                           for _ in range(rnd.randint(0, 80)))
        elif r < 0.6:
            text = mutate(rnd.choice(seeds).encode("utf-8"), rnd, encoded).decode("utf-8", "replace")
        else:
            text = "".join(rnd.choice(FRAGMENTS) for _ in range(rnd.randint(0, 40)))
        try:
            report = engine.evaluate(text)
            with_signals += bool(report.signals)
            for s in report.with_evidence():  # signals and undecided assets
                assert -1 <= s.score <= 1
                for ev in s.evidence:
                    evidence += 1
                    assert text[ev.start : ev.end] == ev.sentence, (ev.start, ev.end)
                    assert text[ev.trigger.start : ev.trigger.end] == ev.trigger.text
        except Exception:
            failures.append(f"input {i}: {text[:200]!r}\n{traceback.format_exc(limit=3)}")
    elapsed = time.perf_counter() - t0
    return {"inputs": n, "with_signals": with_signals, "evidence_checked": evidence, "failures": len(failures),
            "seconds": round(elapsed, 1), "inputs_per_s": round(n / elapsed), "first_failures": failures[:3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs per target")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="only the JSON object on stdout")
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    figures = {"seed": args.seed, "loader": fuzz_loader(args.inputs, rnd), "evaluator": fuzz_evaluator(args.inputs, rnd)}
    figures["total_inputs"] = figures["loader"]["inputs"] + figures["evaluator"]["inputs"]
    figures["total_failures"] = figures["loader"]["failures"] + figures["evaluator"]["failures"]
    if not args.json:
        for target in ("loader", "evaluator"):
            f = figures[target]
            shown = {k: v for k, v in f.items() if k != "first_failures"}
            print(f"{target}: " + ", ".join(f"{k} {v}" for k, v in shown.items()))
            for fail in f["first_failures"]:
                print(fail)
    print(json.dumps(figures))
    sys.exit(1 if figures["total_failures"] else 0)


if __name__ == "__main__":
    main()
