"""A behavioural test suite for rule packs, in the style of CheckList (Ribeiro et al., "Beyond
Accuracy: Behavioral Testing of NLP Models with CheckList", ACL 2020).

Per capability and language, cases are generated from templates and filler lists (asset aliases,
actors, places, numbers, time phrases); each states what a market analyst would say, not what any
rule pack says today. Three kinds: MFT (minimum functionality), INV (invariance under a
perturbation that must not matter) and DIR (a change that must move the call a known way). See
``model`` for how a case is judged.

>>> from impact import Engine
>>> results = run(Engine.from_path())
>>> table(results)  # pass rates per capability x language x kind
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from . import caps_macro, caps_metals, caps_text
from .model import KINDS, LANGS, Case, Result, judge

CAPABILITIES = {**caps_macro.CAPABILITIES, **caps_text.CAPABILITIES, **caps_metals.CAPABILITIES}


def generate(capabilities: Iterable[str] | None = None, langs: Iterable[str] = LANGS) -> list[Case]:
    """Every case of the suite (deterministic), by capability then language."""
    cases: list[Case] = []
    for name in capabilities or CAPABILITIES:
        for lang in langs:
            cases.extend(CAPABILITIES[name](lang))
    return cases


def run(engine: Any, cases: list[Case] | None = None) -> list[Result]:
    """Judge every case with ``engine`` (each distinct text evaluated once)."""
    cases = generate() if cases is None else cases
    memo: dict[str, Any] = {}

    def evaluate(text: str) -> Any:
        if text not in memo:
            memo[text] = engine.evaluate(text)
        return memo[text]

    return [judge(case, evaluate) for case in cases]


def rates(results: list[Result]) -> dict[tuple[str, str, str], tuple[int, int]]:
    """(capability, language, kind) -> (passed, total); kind "ALL" sums the kinds."""
    out: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        for kind in (r.case.kind, "ALL"):
            cell = out[(r.case.capability, r.case.lang, kind)]
            cell[0] += r.passed
            cell[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


__all__ = ["CAPABILITIES", "KINDS", "LANGS", "Case", "Result", "generate", "judge", "rates", "run"]
