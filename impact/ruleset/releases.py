"""The economic-release catalogue as a rule set holds it: units, locations, checks.

The reader of releases is impact.pipeline.releases; what the rule set itself needs of the
catalogue (the units a catalogue may name, where its indicators and examples are written, the
checks of ``impact rules lint``) lives here, below the pipeline.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Iterator

from impact.ruleset.schema import RELEASE_EXPLAIN_FIELDS

if TYPE_CHECKING:
    from impact.errors import Problem
    from impact.ruleset.index import RuleIndex


def _term(term: str) -> str:
    return unicodedata.normalize("NFKC", term).lower().strip()


# -- units ---------------------------------------------------------------------------------------

# kind: "pct" (percent and percentage points), "count" (a number of people, yuan, ...), "bare"
_PCT_UNITS = (
    (r"%|\s?per\s?cent(?!age)", 1.0, "%"),
    (r"个百分点|百分点|\s?percentage points?|\s?pct points?|\s?ppts?\b|\s?pp\b", 1.0, "pp"),
    (r"个基点|基点|\s?basis points?|\s?bps?\b", 0.01, "bp"),
)
_ZH_SCALES = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
_EN_SCALES = {
    "k": (1e3, "K"), "thousand": (1e3, "K"), "m": (1e6, "M"), "mn": (1e6, "M"), "mln": (1e6, "M"),
    "million": (1e6, "M"), "b": (1e9, "bn"), "bn": (1e9, "bn"), "billion": (1e9, "bn"),
    "tn": (1e12, "tn"), "trillion": (1e12, "tn"),
}
_ZH_COUNTERS = "人次|人|个|元|美元|欧元|份|辆|套|吨|桶"
_UNIT_RE = re.compile(
    "|".join(f"(?P<p{i}>{pattern})" for i, (pattern, _, _) in enumerate(_PCT_UNITS))
    + rf"|(?P<zh>(?:万亿|亿|万|千)(?:{_ZH_COUNTERS})?)"
    + rf"|(?P<cn>{_ZH_COUNTERS})"
    + r"|\s?(?P<en>thousand|million|billion|trillion|mln|mn|bn|tn|k|m|b)(?![a-z])"
)


@dataclass(frozen=True, slots=True)
class Unit:
    kind: str  # pct, count, bare
    factor: float  # value x factor = the value in the base unit (percent, one person, one yuan)
    label: str  # as shown: %, pp, bp, 万人, K, M, bn, '' ...


BARE = Unit("bare", 1.0, "")


def read_unit(text: str, pos: int = 0) -> tuple[Unit, int]:
    """The unit written at ``text[pos:]`` (normalised, lower case) and where it ends; BARE if none."""
    m = _UNIT_RE.match(text, pos)
    if m is None:
        return BARE, pos
    for i, (_, factor, label) in enumerate(_PCT_UNITS):
        if m.group(f"p{i}") is not None:
            return Unit("pct", factor, label), m.end()
    if m.group("zh") is not None:
        word = m.group("zh")
        scale = next(s for s in _ZH_SCALES if word.startswith(s))
        return Unit("count", _ZH_SCALES[scale], word), m.end()
    if m.group("cn") is not None:
        return Unit("count", 1.0, m.group("cn")), m.end()
    factor, label = _EN_SCALES[m.group("en")]
    return Unit("count", factor, label), m.end()


def catalogue_unit(unit: str) -> Unit | None:
    """The catalogue's ``unit`` ('%', '万人', 'K', '' for an index); None when it is not a unit."""
    text = unicodedata.normalize("NFKC", unit).strip().lower()
    if not text:
        return Unit("index", 1.0, "")
    found, end = read_unit(text)
    if found is BARE or end != len(text):
        return None
    return replace(found, label=unit.strip())



# -- locations and checks ---------------------------------------------------------------------


def locate_indicators(ruleset: Any, index: "RuleIndex") -> Any:
    """The rule set with its indicators located like rules, under the ids their evidence cites."""
    rule_where = dict(ruleset.rule_where)
    example_where = dict(ruleset.example_where)
    for key, ind in index.indicators.items():
        rid = ind.rule_id(key)
        rule_where[rid] = index.at("indicators", key, on_key=True)
        for j in range(len(ind.examples)):
            example_where[(rid, j)] = index.at("indicators", key, "examples", j)
    return replace(ruleset, rule_where=rule_where, example_where=example_where)


def indicator_problems(index: "RuleIndex", code_of: dict[str, str], only: str) -> Iterator["Problem"]:
    """What lint checks in the catalogue (codes in ``impact.lint``): the problems of code ``only``."""
    return (p for p in _indicator_problems(index, code_of) if p.code == only)


def _indicator_problems(index: "RuleIndex", code_of: dict[str, str]) -> Iterator["Problem"]:
    from impact.errors import Problem
    from impact.ruleset.loader import suggest

    def problem(code: str, where: Any, message: str) -> Problem:
        code = code or "-"
        severity = "warning" if code.startswith("W") else "error"
        return Problem(where.path, where.line, where.col, code, message, severity)

    rule_ids = {r.id for r in index.rules}
    formatter = string.Formatter()
    seen_alias: dict[tuple[str, str], str] = {}
    for key, ind in index.indicators.items():
        if ind.economy not in index.economies:
            yield problem(code_of["economy"], index.at("indicators", key, "economy"),
                          f"unknown economy {ind.economy!r}{suggest(ind.economy, list(index.economies))}")
        if catalogue_unit(ind.unit) is None:
            yield problem(code_of["unit"], index.at("indicators", key, "unit"),
                          f"unit {ind.unit!r} is not one the reader knows ('%', 'pp', 'bp', '万人', '亿元', 'K', 'M', "
                          "'bn', or '' for an index)")
        if ind.rule_id(key) in rule_ids:
            yield problem(code_of["rule_id"], index.at("indicators", key, on_key=True),
                          f"rule id {ind.rule_id(key)!r} of this indicator is also a rule's id")
        for side in ("upside", "downside"):
            for k, view in enumerate(getattr(ind, side)):
                if view.asset not in index.assets:
                    yield problem(code_of["asset"], index.at("indicators", key, side, k, "asset"),
                                  f"unknown asset {view.asset!r}{suggest(view.asset, list(index.assets))}")
        try:
            fields = [(f, conv, spec) for _, f, spec, conv in formatter.parse(ind.explain) if f is not None]
        except ValueError as exc:
            yield problem(code_of["explain"], index.at("indicators", key, "explain"), f"explain template is malformed: {exc}")
            fields = []
        for f, conv, spec in fields:
            if conv or spec or f not in RELEASE_EXPLAIN_FIELDS:
                yield problem(code_of["explain"], index.at("indicators", key, "explain"),
                              f"explain template field {{{f}}}: use plain fields of {', '.join(RELEASE_EXPLAIN_FIELDS)}")
        for ex_k, ex in enumerate(ind.examples):
            for asset in ex.expect:
                if asset not in index.assets:
                    yield problem(code_of["asset"], index.at("indicators", key, "examples", ex_k, "expect"),
                                  f"example expects a view on unknown asset {asset!r}")
        if not ind.examples:
            yield problem(code_of["examples"], index.at("indicators", key, on_key=True),
                          "indicator has no examples (add a beat, a miss and an in-line print)")
        elif not any(ex.expect for ex in ind.examples) or all(ex.expect for ex in ind.examples):
            yield problem(code_of["examples"], index.at("indicators", key, "examples"),
                          "indicator examples need a print that gives views and one that gives none (in line)")
        for section in ("aliases", "generic"):
            for lang in ("zh", "en"):
                for t in getattr(getattr(ind, section), lang):
                    alias = (_term(t), ind.economy)
                    other = seen_alias.get(alias)
                    if other is not None and other != key:
                        yield problem(code_of["alias"], index.at("indicators", key, section, lang),
                                      f"alias {t!r} also names indicator {other!r} of the same economy")
                    seen_alias.setdefault(alias, key)
