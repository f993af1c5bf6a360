"""Synthetic rule packs of 100, 1,000 and 10,000 rules, written as YAML rule folders.

    python benchmarks/rulegen.py 1000 [--proportional] [--out benchmarks/out/rules-1000]

A pack is the bundled ``assets.yaml`` and ``modifiers.yaml`` plus files of 100 rules each. Every
rule has its own event with 3-10 trigger terms per language; about a third of the events add an
``all`` group, a fifth need a subject asset, a tenth carry an RE2 regex and a tenth a ``none``
veto; a tenth of the rules join two events (``when: all``) and some ask for a negated or
conditional event. Terms are invented from finance characters and corpus words (3-5
characters, 2-3 words), so they occur by chance only, except for phrases taken from the corpus
itself (Chinese 3-4 character n-grams, English word pairs), which make some rules fire:

* by default the packs are nested: the 100-, 1,000- and 10,000-rule packs are the first rules of
  one sequence, and only the first 1,000 rules hold topical terms (``TOPICAL_TERMS``, about 0.5%
  of their terms). As with a real pack grown from 1,000 to 10,000 rules about other topics, a
  document fires the same rules as before, and what the pack adds is rules that do not fire:
  ``scaling_10k_vs_1k`` in run.py isolates the cost of the rules. (An earlier version gave each
  pack the same number of topical terms drawn separately; the phrases drawn then differed in how
  often they occur, so the 10,000-rule pack fired 1.6 to 2.6 times as often as the 1,000-rule
  one, by the luck of the draw.)
* ``--proportional``: a fixed share of every pack's terms (``REAL_SHARE``) is topical, so a pack
  ten times larger also fires more often: about seven times at 10,000 rules against 1,000 on the
  benchmark sample, with seven times the evidence (``scaling_10k_vs_1k_proportional``: the cost
  of the rules plus that of the extra output). The 1,000-rule packs of the two kinds are the
  same rules.

Deterministic for a size and kind (fixed seed); rebuilt only when missing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PER_FILE = 100
# The corpus repeats a few dozen fixture articles, so any phrase taken from it occurs in hundreds
# of documents: a share this small keeps each synthetic rule about as likely to fire on a document
# as a rule of a real pack about a topic the document is not about (a few rules per document).
REAL_SHARE = 0.005
# Terms per synthetic rule on average: 2 languages x 6.5 triggers, a third of the events with an
# `all` group of 2 x 4.5 terms, a tenth with a `none` list of 2 x 2.
TERMS_PER_RULE = 2 * 6.5 + 0.33 * 2 * 4.5 + 0.1 * 2 * 2
TOPICAL_TERMS = round(REAL_SHARE * TERMS_PER_RULE * 1000)
NESTED = 1000  # the nested packs' topical terms are all in their first NESTED rules

_ZH_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_EN_WORD = re.compile(r"[a-z]{3,}")
_ASSETS = ["gold", "usd", "copper", "aluminium", "zinc", "nickel", "tin", "silver"]


def _vocabulary(corpus_files: list[Path], limit_bytes: int = 3_000_000) -> tuple[list[str], list[str], list[str]]:
    """Distinct zh n-grams, en word pairs and en words seen in the corpus (its first bytes)."""
    zh_grams: set[str] = set()
    en_pairs: set[str] = set()
    en_words: set[str] = set()
    for path in corpus_files:
        seen = 0
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                text = json.loads(line)["text"]
                seen += len(text)
                for run in _ZH_RUN.findall(text):
                    for n in (3, 4):
                        for i in range(0, len(run) - n + 1, 2):
                            zh_grams.add(run[i : i + n])
                words = _EN_WORD.findall(text.lower())
                en_words.update(words)
                en_pairs.update(f"{a} {b}" for a, b in zip(words, words[1:]))
                if seen >= limit_bytes:
                    break
    return sorted(zh_grams), sorted(en_pairs), sorted(en_words)


def _q(term: str) -> str:
    return json.dumps(term, ensure_ascii=False)  # a JSON string is a valid YAML flow scalar


def generate(
    size: int, corpus_files: list[Path], out: Path | None = None, seed: int = 11, proportional: bool = False
) -> Path:
    out = out or OUT / (f"rules-{size}-proportional" if proportional else f"rules-{size}")
    # nested packs: topical terms in the first NESTED rules only, the same ones in every pack
    nested_share = TOPICAL_TERMS / (TERMS_PER_RULE * NESTED)
    stamp = out / ".complete"
    # what the pack is built from: a changed assets or modifiers file, or another corpus, rebuilds it
    inputs = hashlib.sha256()
    for name in ("assets.yaml", "modifiers.yaml"):
        inputs.update((ROOT / "rules" / name).read_bytes())
    for f in corpus_files:
        inputs.update(f"{f.name}:{f.stat().st_size}".encode())
    settings = json.dumps(
        {"size": size, "seed": seed, "proportional": proportional, "generator": 4, "inputs": inputs.hexdigest()[:16]}
    )
    if stamp.exists() and stamp.read_text() == settings:  # a pack built otherwise is rebuilt
        return out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("assets.yaml", "modifiers.yaml"):
        shutil.copy(ROOT / "rules" / name, out / name)
    # a proportional pack is drawn for its size; the nested packs share one sequence of rules, that
    # of the 1,000-rule pack (the same rules as the proportional kind's at that size)
    rnd = random.Random(seed * 100_003 + (size if proportional else NESTED))
    share = REAL_SHARE if proportional else nested_share
    zh_grams, en_pairs, en_words = _vocabulary(corpus_files)
    syllables = "铜铝锌镍锡金银矿炼厂港罐仓储运输贸易资本基金债券汇率利率通胀就业需求供应库存产能"

    def zh_term() -> str:
        if rnd.random() < share and zh_grams:
            return rnd.choice(zh_grams)
        return "".join(rnd.choice(syllables) for _ in range(rnd.randint(3, 5)))

    seen_pairs = set(en_pairs)

    def en_term() -> str:
        r = rnd.random()
        if r < share and en_pairs:
            return rnd.choice(en_pairs)
        while True:
            words = [rnd.choice(en_words) for _ in range(rnd.randint(2, 3))]
            # a rule about other topics: random words that happen to form a phrase of the corpus
            # ("central bank", "interest rates") would make it a topical rule, by chance
            if share > 0.0 or not any(f"{a} {b}" in seen_pairs for a, b in zip(words, words[1:])):
                return " ".join(words) + ("*" if rnd.random() < 0.1 else "")

    def terms(lo: int, hi: int) -> str:
        zh = sorted({zh_term() for _ in range(rnd.randint(lo, hi))})
        en = sorted({en_term() for _ in range(rnd.randint(lo, hi))})
        return "{zh: [" + ", ".join(map(_q, zh)) + "], en: [" + ", ".join(map(_q, en)) + "]}"

    rules_done = 0
    file_no = 0
    while rules_done < size:
        n = min(PER_FILE, size - rules_done)
        if not proportional and rules_done >= NESTED:
            share = 0.0  # rules about other topics: invented terms only
        events: list[str] = ["events:"]
        rules: list[str] = ["rules:"]
        names = [f"syn.f{file_no}.e{i}" for i in range(n)]
        for i, name in enumerate(names):
            events.append(f"  {name}:")
            events.append(f"    description: synthetic event {file_no}-{i}")
            events.append(f"    terms: {terms(3, 10)}")
            subject = rnd.random() < 0.2
            if rnd.random() < 0.33:
                events.append(f"    all: [{terms(3, 6)}]")
                events.append(f"    scope: {rnd.choice(['clause', 'sentence'])}")
            if rnd.random() < 0.1:
                events.append(f"    none: {terms(1, 3)}")
            if rnd.random() < 0.1:
                word = rnd.choice(en_words)
                pattern = r"(?i)[0-9]+(?:[.][0-9]+)?\s*(?:%|" + word + ")|" + word
                events.append(f"    regex: [{_q(pattern)}]")
            if subject:
                events.append("    subject: required")
                events.append(f"    assets: [{', '.join(rnd.sample(_ASSETS, 3))}]")
        for i, name in enumerate(names):
            rid = f"syn.f{file_no}.r{i}"
            if rnd.random() < 0.1 and n > 1:
                other = names[(i + 1 + rnd.randrange(n - 1)) % n]
                when = f"{{all: [{name}, {other}]}}"
            elif rnd.random() < 0.05:
                when = f"{{any: [{{event: {name}, {rnd.choice(['negated', 'conditional'])}: true}}]}}"
            else:
                when = f"{{any: [{name}]}}"
            asset = rnd.choice(_ASSETS)
            direction = rnd.choice(["bullish", "bearish", "neutral"])
            rules += [
                f"  - id: {rid}",
                f"    description: synthetic rule {file_no}-{i}",
                f"    basis: {rnd.choice(['explicit', 'inferred', 'reported'])}",
                f"    when: {when}",
                f"    then: [{{asset: {asset}, direction: {direction}, strength: {rnd.choice([0.3, 0.5, 0.7])}}}]",
                "    rationale: A synthetic rule for the benchmarks.",
                "    explain: '{event} ({trigger}) moves {asset} {direction}.'",
            ]
        (out / f"syn_{file_no:04d}.yaml").write_text("\n".join(events + rules) + "\n", encoding="utf-8")
        rules_done += n
        file_no += 1
    stamp.write_text(settings)
    return out


def main() -> None:
    import corpus

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("size", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--proportional", action="store_true", help="topical terms a fixed share of the pack")
    args = parser.parse_args()
    paths = corpus.build()
    print(generate(args.size, list(paths.values()), args.out, proportional=args.proportional))


if __name__ == "__main__":
    main()
