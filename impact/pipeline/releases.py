"""Economic releases: read an indicator's actual print against consensus, and vote on the surprise.

A release is read as numbers, in either language, in the formats of wires and data feeds::

    美国6月季调后非农就业人口 6.8万人，预期10.5万人，前值由13.9万人修正为2.1万人。
    美国6月季调后非农就业人口 前值:13.9 预期:10.5 公布:6.8
    美国7月失业率录得4.2%，符合市场预期。 / 美国PPI年率为3.1%，大幅超出市场预期的2.4%。
    Nonfarm payrolls rose 250,000 vs 180,000 expected.
    CPI came in at 3.1%, above the 3.0% forecast. / Retail sales beat expectations.

How a sentence is read:

1. The indicator: the longest alias of the catalogue (``indicators:`` in the rule files) found in
   the sentence; an economy named just before it (美国, U.S.; or just after: "in China") chooses
   between indicators sharing the alias, and an economy without indicators (英国, Japan) makes
   the release no one's. An alias shared by several economies' indicators and no economy named
   is read as nobody's (a guess would cross economies).
2. The segment: from the alias to the next alias of the sentence (two releases in one sentence
   are two segments).
3. The numbers of the segment with their units: scales 万, 亿, 万亿, K, M, bn, thousand, million,
   billion; %, percentage points (个百分点, pp) and basis points (个基点, bp); signs (−0.1%, 负);
   thousands separators; Chinese numerals before 万 or 亿 (两万人). Dates (7月, 2025年), times
   (20:30), ranges (20-50万吨), numbers in a name (M2) and malformed numbers (1e308, more than 15
   digits) are not prints.
4. Each number's role from the words next to it: consensus (预期, 预测, "expected", "forecast",
   "consensus", "the 110,000 economists had expected"), previous (前值, 上月, 6月份的, "from",
   "after", "prior"), the revised previous (前值由14.7万人修正为1.4万人: previous 1.4, revised from
   14.7), and the actual (公布, 录得, 为, 至, "came in at", "to"; else the first number left).
5. Numbers without a unit take the unit of the other number, or (both bare) the catalogue's unit
   in a Chinese release (``公布:7.3`` with unit 万人), the unit's base in an English one.
6. Comparison words (高于/低于/不及/好于/符合（市场）预期, beat / missed / in line with expectations,
   "hotter than expected"). Numbers decide when both are there; numbers that contradict the
   words are not trusted (no vote). Words alone give the direction at a lower strength.

Surprise = actual − consensus; divided by the indicator's ``typical_surprise`` it is the scaled
surprise z. |z| < IN_LINE is in line with consensus: priced in, no view. Otherwise the side
(upside: above consensus) gives the indicator's views, each with strength
``view.strength x min(1, 0.4 + 0.3 |z|)`` (words alone: x WORDS, x WORDS_STRONG with 大幅/far,
x WORDS_SLIGHT with 略/slightly). The votes join the normal resolution as inferred votes of rule
``release.<indicator>``; each carries ``release`` (indicator, actual, consensus, previous,
surprise, unit; numbers in the unit of the actual as printed).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from impact.ruleset.releases import BARE, Unit, catalogue_unit, read_unit  # noqa: F401 (re-exported)
from impact.ruleset.schema import (
    DEFAULT_RELEASE_EXPLAIN,
    Indicator,
    Rule,
    View,
)

if TYPE_CHECKING:
    from impact.ruleset.collection import RuleSet
    from impact.pipeline.resolve import Vote
    from impact.pipeline.text import Sentence

IN_LINE = 0.25  # |scaled surprise| below this: in line with consensus, no view
WORDS = 0.5  # strength factor of a comparison in words only (高于预期, beat expectations)
WORDS_STRONG = 0.7  # ... with an intensifier (大幅高于预期, far above expectations)
WORDS_SLIGHT = 0.35  # ... with a softener (略高于预期, slightly above expectations)
SLIGHT, FAR = 0.5, 1.5  # |scaled surprise| below SLIGHT: slightly above or below; FAR and more: far
MAX_DIGITS = 15  # a print with more significant digits is malformed (a float holds about 15)
MARKER_REACH = 32  # characters before a number where the word giving its role (expected) is looked for
MARKER_REACH_ZH = 10  # ... in Chinese (预期)
ECONOMY_BEFORE = 30  # characters before an alias where its economy is looked for
ECONOMY_AFTER = 16  # ... and after it ("payrolls in the U.S.")

# -- numbers -------------------------------------------------------------------------------------

_NUMBER_RE = re.compile(
    r"(?<![a-z0-9_.%])(?P<sign>[+\-−]|负)?\s?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?![0-9])"
    r"|(?P<cnnum>[零〇一二两三四五六七八九十百千]+)(?=万亿|亿|万)"
)
_SCIENTIFIC = re.compile(r"e[+\-]?\d")
_DATE_AFTER = re.compile(r"\s?(?:年|月|日|号|季度|周|时|点钟|分钟|财年|个月|天|:\d|/\d)")
_RANGE_AFTER = re.compile(r"\s?[-~～–—]\s?[+\-]?\d")
_RANGE_BEFORE = re.compile(r"[\d%][-~～–—]\s?$")
_TIME_BEFORE = re.compile(r"\d[:/]$|\de[+\-]?$")  # the minutes of 20:30, the day of 8/2, the exponent of 3.5e-2
_YEAR = re.compile(r"(?:19|20)\d\d")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_POWERS = {"十": 10, "百": 100, "千": 1000}


def chinese_numeral(text: str) -> float | None:
    """两万 -> 2, 二十三 -> 23, 一千二百 -> 1200 (below ten thousand; the scale word follows)."""
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None:  # 二三: not a numeral
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_POWERS:
            total += (1 if digit is None else digit) * _CN_POWERS[ch]
            digit = None
        else:
            return None
    if digit is not None:
        total += digit
    return float(total) if text else None


def parse_number(text: str) -> float | None:
    """One printed number (``7.3``, ``-0.4``, ``250,000``, ``＋１．５``, ``负0.2``) or None.

    None for anything that is not a plain print: scientific notation (``1e308``), more than
    MAX_DIGITS digits, non-finite values, stray characters, an empty value (``--``, ``None``).
    """
    if not isinstance(text, str):
        return None
    norm = unicodedata.normalize("NFKC", text).strip().lower()
    m = re.fullmatch(r"([+\-−]|负)?\s?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)", norm)
    if m is None:
        return None
    digits = m.group(2).replace(",", "")
    if len(digits.replace(".", "").lstrip("0")) > MAX_DIGITS:
        return None
    value = float(digits)
    if not math.isfinite(value):
        return None
    return -value if m.group(1) in ("-", "−", "负") else value


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float  # as printed (7.3 of 7.3万人)
    unit: Unit
    start: int
    end: int  # after the unit

    @property
    def base(self) -> float:
        return self.value * self.unit.factor


def quantities(norm: str, a: int, b: int, skip: Iterable[tuple[int, int]] = ()) -> list[Quantity]:
    """The prints in ``norm[a:b]``: numbers with their units, dates, times, ranges, names and
    malformed numbers left out."""
    spans = list(skip)
    out: list[Quantity] = []
    for m in _NUMBER_RE.finditer(norm, a, b):
        start, end = m.span()
        if any(s < end and start < e for s, e in spans):
            continue
        if m.group("cnnum") is not None:
            value = chinese_numeral(m.group("cnnum"))
            if value is None:
                continue
        else:
            if _SCIENTIFIC.match(norm, end) or norm.startswith(".", end) and end + 1 < len(norm) and norm[end + 1].isdigit():
                continue
            if _DATE_AFTER.match(norm, end) or _RANGE_BEFORE.search(norm, max(a, start - 3), start) \
                    or _TIME_BEFORE.search(norm, max(a, start - 3), start):
                continue
            value = parse_number(m.group(0))
            if value is None:
                continue
        unit, unit_end = read_unit(norm, end)
        unit_end = min(unit_end, b) if unit_end > end else end
        if _RANGE_AFTER.match(norm, unit_end):
            continue
        if unit is BARE and m.group("num") and _YEAR.fullmatch(m.group("num")) and not m.group("sign"):
            continue  # a year (2025), not a print
        out.append(Quantity(value, unit, start, unit_end))
    return out


# -- roles of the numbers ------------------------------------------------------------------------

_CONSENSUS_LEFT = re.compile(
    r"预期|预测|预估|预计|一致预期|市场共识|expect(?:ed|ations?)?|forecasts?|consensus|estimates?|predicted|anticipated"
)
_CONSENSUS_RIGHT = re.compile(
    r"[\s,]*(?:(?:growth|rise|increase|gain|drop|decline|fall|contraction|reading|print|figure)\s+)?"
    r"(?:that\s+|which\s+)?(?:the\s+)?(?:economists?|analysts?|markets?|traders?|forecasters?)?\s*(?:polled\s+)?"
    r"(?:had\s+|have\s+|were\s+|was\s+|are\s+|is\s+)?(?:been\s+)?"
    r"(?:expected|expecting|forecast|forecasted|predicted|estimated|anticipated|consensus|estimate|expectation)"
)
_PREVIOUS_LEFT = re.compile(
    r"前值|上月|上期|前一周|前一月|上周|上季|上一季|此前|前月|\d+月份?的|from|after|prior|previous(?:ly)?|last month|"
    r"a month earlier|a year earlier"
)
_PREVIOUS_RIGHT = re.compile(
    r"[\s,]*(?:in|for|the|a)?\s*(?:the\s+)?(?:prior|previous|preceding|last)\s+(?:month|week|quarter|reading|period)|"
    r"[\s,]*a\s+(?:month|week|quarter)\s+(?:earlier|before)"
)
_REVISED_LEFT = re.compile(r"修正为|修正至|下修至|上修至|下修为|上修为|revised(?:\s+(?:up|down|higher|lower)(?:ward)?)?(?:\s+to)?")
_ACTUAL_LEFT = re.compile(
    r"公布|录得|为|至|报|came in at|come in at|comes in at|stood at|printed|to|was|were|at|rose|fell|increased|decreased|"
    r"added|gained|climbed|dropped|declined|slipped"
)


# a fall stated in words: "fell 0.5%", "减少3.2万人", "a 3.2% drop" (a printed sign decides first)
_FALL_BEFORE = re.compile(
    r"(?:fell|fall|falls|falling|dropped|drops|dropping|declined|declines|declining|decreased|decreases|slipped|slid|"
    r"contracted|shrank|shrunk|下降|下跌|减少|回落|萎缩)(?:\s+by)?\s*(?:了)?\s*$"
)
_FALL_AFTER = re.compile(r"\s*(?:y/y\s+|m/m\s+)?(?:drop|decline|fall|contraction|decrease)(?![a-z])")


def _signed(norm: str, q: Quantity, left: str) -> Quantity:
    """A print with its sign: negative when words say it fell (no printed sign)."""
    if q.value <= 0 or norm[q.start] in "+-−负":
        return q
    if _FALL_BEFORE.search(left) or _FALL_AFTER.match(norm, q.end):
        return replace(q, value=-q.value)
    return q


_CJK = re.compile(r"[\u3400-\u9fff]")


def _last(pattern: re.Pattern, text: str) -> int:
    """End of the last match of ``pattern`` in ``text`` (-1 if none): the marker nearest the number."""
    last = -1
    for m in pattern.finditer(text):
        last = m.end()
    return last


@dataclass(frozen=True, slots=True)
class Roles:
    actual: Quantity | None
    consensus: Quantity | None
    previous: Quantity | None
    revised_from: Quantity | None


def assign_roles(norm: str, seg_start: int, seg_end: int, found: list[Quantity]) -> Roles:
    """Which number is the actual, the consensus, the previous (and the one it was revised from)."""
    cons: list[Quantity] = []
    prev: list[tuple[Quantity, bool]] = []
    rest: list[tuple[Quantity, bool]] = []
    for k, q in enumerate(found):
        left = norm[(found[k - 1].end if k else seg_start):q.start]
        q = _signed(norm, q, left)
        # the word giving a number its role stands next to it in Chinese (市场预期的11万), a few
        # words before it in English (economists had forecast payrolls rising 110,000)
        left = left[-(MARKER_REACH_ZH if _CJK.search(left[-MARKER_REACH_ZH:]) else MARKER_REACH):]
        right = norm[q.end:(found[k + 1].start if k + 1 < len(found) else seg_end)][:40]
        c, p, r = _last(_CONSENSUS_LEFT, left), _last(_PREVIOUS_LEFT, left), _last(_REVISED_LEFT, left)
        if _CONSENSUS_RIGHT.match(right):
            c = len(left) + 1
        if _PREVIOUS_RIGHT.match(right):
            p = max(p, len(left) + 1) if c <= len(left) else p
        best = max(c, p, r)
        if best < 0:
            rest.append((q, _last(_ACTUAL_LEFT, left) >= 0))
        elif best == c:
            cons.append(q)
        else:
            prev.append((q, best == r))
    actual = next((q for q, marked in rest if marked), None) or (rest[0][0] if rest else None)
    revised = [q for q, is_revised in prev if is_revised]
    original = [q for q, is_revised in prev if not is_revised]
    previous = revised[-1] if revised else (original[0] if original else None)
    revised_from = original[0] if revised and original else None
    return Roles(actual, cons[0] if cons else None, previous, revised_from)


# -- comparisons in words ------------------------------------------------------------------------

# sign: +1 above consensus, -1 below, 0 in line; "good"/"bad": better or worse for the economy
_NUMERIC_UP = "高于|超出|超过|超|大超|above|topped|exceeded|exceeding|higher|hotter|firmer|faster|bigger|larger"
_NUMERIC_DOWN = "低于|不及|below|lower|cooler|softer|slower|smaller|fell short of|short of|undershot"
_GOOD = "好于|优于|强于|beat|beats|better|stronger"
_BAD = "弱于|逊于|差于|missed|misses|worse|weaker"
_STRONG = r"大幅|远远|远|明显|显著|far|well|much|sharply|significantly|substantially|considerably"
_SLIGHT = r"略微|略|稍微|稍|小幅|slightly|marginally|a bit|a little|modestly|somewhat"
_WORDS_ZH = re.compile(
    rf"(?P<mod>{_STRONG}|{_SLIGHT})?(?P<cmp>{_NUMERIC_UP}|{_NUMERIC_DOWN}|{_GOOD}|{_BAD}|符合|如|一如|不如)"
    r"(?:了)?(?:市场|分析师|经济学家|外界)?(?:的)?(?:普遍|平均|一致)?(?:预期|预估|预测)"
    r"|(?P<mod2>)(?P<cmp2>与)(?:市场)?预期(?:相符|一致|持平|吻合)"
)
_WORDS_EN = re.compile(
    rf"(?:(?P<mod>{_STRONG}|{_SLIGHT})\s+)?(?P<cmp>{_NUMERIC_UP}|{_NUMERIC_DOWN}|{_GOOD}|{_BAD}|in line with|matched|matching|"
    r"met|meeting|as)\s+(?:the\s+)?(?:market\s+|analysts'?\s+|economists'?\s+|wall street\s+)?"
    r"(?:expectations|expected|forecasts?|estimates?|consensus)(?![a-z])(?!\s+(?:period|horizon))"
    rf"|(?:(?P<mod2>{_STRONG}|{_SLIGHT})\s+)?(?P<cmp2>higher|lower|stronger|weaker|hotter|cooler|softer|firmer|better|worse|"
    r"faster|slower|bigger|smaller|larger)[-\s]than[-\s](?:expected|forecast|anticipated|estimated)"
)
_NUMBER_NEXT = re.compile(r"[的为值是:\s]*(?:of\s+|at\s+)?[+\-−]?\d")


@dataclass(frozen=True, slots=True)
class Words:
    kind: str  # "up", "down", "good", "bad", "inline"
    factor: float
    start: int
    end: int


def _word_kind(word: str) -> str:
    for kind, options in (("up", _NUMERIC_UP), ("down", _NUMERIC_DOWN), ("good", _GOOD), ("bad", _BAD)):
        if word in options.split("|"):
            return kind
    return "down" if word == "不如" else "inline"


def comparison_words(norm: str, a: int, b: int) -> list[Words]:
    """Comparisons with consensus stated in words in ``norm[a:b]`` (高于预期, beat expectations)."""
    out = []
    for pattern in (_WORDS_ZH, _WORDS_EN):
        for m in pattern.finditer(norm, a, b):
            cmp = m.group("cmp") or m.group("cmp2")
            mod = m.group("mod") or m.group("mod2") or ""
            if cmp is None:
                continue
            if cmp == "as" and not norm.startswith("expected", m.end() - len("expected")):
                continue
            factor = WORDS_STRONG if mod and re.fullmatch(_STRONG, mod) else WORDS_SLIGHT if mod else WORDS
            out.append(Words(_word_kind(cmp), factor, m.start(), m.end()))
    out.sort(key=lambda w: w.start)
    return out


# -- the catalogue, compiled ---------------------------------------------------------------------

_MEANING = {
    "stronger_growth": ("stronger growth", "weaker growth", 1),
    "weaker_growth": ("weaker growth", "stronger growth", -1),
    "stronger_labour": ("a stronger labour market", "a weaker labour market", 1),
    "looser_labour": ("a looser labour market", "a tighter labour market", -1),
    "hotter_inflation": ("hotter inflation", "cooler inflation", 0),
    "cooler_inflation": ("cooler inflation", "hotter inflation", 0),
    "tighter_policy": ("tighter policy than expected", "looser policy than expected", 0),
    "looser_policy": ("looser policy than expected", "tighter policy than expected", 0),
    "more_credit": ("more credit than expected", "less credit than expected", 1),
}


def _term(term: str) -> str:
    return unicodedata.normalize("NFKC", term).lower().strip()


_NOT_UNSURE = frozenset({"预期", "预计", "may", "seen", "待定", "重点关注"})


@dataclass(frozen=True, slots=True)
class Hit:
    """A term found in the normalised text (the parts of a regex match the reader uses)."""

    begin: int
    finish: int
    text: str

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish

    def span(self) -> tuple[int, int]:
        return self.begin, self.finish

    def group(self, _: int = 0) -> str:
        return self.text


_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class TermScanner:
    """Terms found in one pass (an Aho-Corasick automaton, as the engine's matcher), leftmost-longest
    and without overlaps; a term that starts or ends with a letter or digit only on word bounds."""

    def __init__(self, terms: Iterable[str]):
        import ahocorasick_rs

        self.terms = sorted(set(terms))
        self._automaton = ahocorasick_rs.AhoCorasick(self.terms) if self.terms else None

    def scan(self, norm: str) -> list[Hit]:
        if self._automaton is None:
            return []
        n, terms, word = len(norm), self.terms, _WORD
        found = []
        for tid, s, e in self._automaton.find_matches_as_indexes(norm, overlapping=True):
            t = terms[tid]
            if t[0] in word and s > 0 and norm[s - 1] in word:
                continue
            if t[-1] in word and e < n and norm[e] in word:
                continue
            found.append((s, -e, t))
        found.sort()
        out: list[Hit] = []
        last = -1
        for s, neg_e, t in found:
            if s >= last:
                out.append(Hit(s, -neg_e, t))
                last = -neg_e
        return out


@dataclass(frozen=True)
class Reading:
    """One release read in one sentence (in line ones too: ``impact explain --trace`` shows them)."""

    indicator: str
    sentence: int
    alias: tuple[int, int]  # the alias in the normalised text
    actual: float | None
    consensus: float | None
    previous: float | None
    revised_from: float | None
    unit: str
    surprise: float | None  # actual - consensus, in ``unit``
    scaled: float | None  # surprise / typical surprise
    words: str | None  # the comparison in words: up, down, good, bad, inline
    side: str | None  # "upside", "downside" or None (in line, or nothing to compare)
    factor: float  # strength factor of the side's views
    note: str  # why no view, or how it was read

    def release(self) -> dict[str, Any]:
        """The ``release`` field of the evidence (numbers in ``unit``)."""
        out = {
            "indicator": self.indicator,
            "actual": self.actual,
            "consensus": self.consensus,
            "previous": self.previous,
            "surprise": self.surprise,
            "unit": self.unit,
        }
        if self.revised_from is not None:
            out["revised_from"] = self.revised_from
        if self.scaled is not None:
            out["scaled_surprise"] = self.scaled
        if self.words is not None:
            out["words"] = self.words
        return out


def _completeness(r: Reading) -> tuple[int, int, int]:
    """A headline in words (【非农低于预期】) and the numbers after it in one sentence: the numbers win."""
    return (r.actual is not None and r.consensus is not None, r.side is not None, r.actual is not None)


def _show(x: float | None) -> float | None:
    """A value as JSON shows it: float noise removed (7.3 - 11 = -3.7, not -3.6999999999999993)."""
    if x is None:
        return None
    y = round(float(x), 6)
    return int(y) if y.is_integer() and abs(y) < 1e15 else y


def _fmt(x: float | None, unit: str) -> str:
    if x is None:
        return "?"
    v = _show(x)
    text = f"{v:,}" if isinstance(v, int) and unit == "" and abs(v) >= 10000 else f"{v}"
    return text.replace("-", "−") + unit if unit not in ("",) else text.replace("-", "−")


class ReleaseReader:
    """The catalogue of one rule set, compiled: reads releases in sentences and votes on them."""

    def __init__(self, ruleset: "RuleSet"):
        self.ruleset = ruleset
        self.ids = [k for k, ind in ruleset.indicators.items() if ind.status not in ("disabled", "deprecated")]
        self.indicators: list[Indicator] = [ruleset.indicators[k] for k in self.ids]
        self.units = [catalogue_unit(ind.unit) or Unit("index", 1.0, "") for ind in self.indicators]
        by_alias: dict[str, list[int]] = {}
        generic: set[tuple[str, int]] = set()  # (alias, indicator): the alias needs the economy named
        for i, ind in enumerate(self.indicators):
            for terms, shared in ((ind.aliases, False), (ind.generic, True)):
                for t in [*terms.zh, *terms.en]:
                    key = _term(t)
                    if key and i not in by_alias.setdefault(key, []):
                        by_alias[key].append(i)
                    if key and shared:
                        generic.add((key, i))
        self.by_alias = by_alias
        self.generic = generic
        self.aliases = TermScanner(by_alias)
        economy_of: dict[str, str] = {}
        for code, eco in ruleset.economies.items():
            for t in [*eco.names.zh, *eco.names.en]:
                economy_of.setdefault(_term(t), code)
        self.economy_of = economy_of
        self.economies = TermScanner(economy_of)
        # a comparison in words after a hedge or a condition (可能好于预期, if payrolls beat expectations)
        # is an expectation about a release, not its result: the rule set's own modifier lexicons,
        # less the words every release uses (预期) or that are months (may)
        unsure = []
        for name in ("hedge", "conditional"):
            lexicon = ruleset.lexicons.get(name)
            if lexicon is not None:
                unsure += [_term(t) for t in [*lexicon.zh, *lexicon.en] if not t.startswith("@")]
        self.unsure = TermScanner(t for t in unsure if t and t not in _NOT_UNSURE)

    def rules(self) -> list[Rule]:
        """Stand-ins for the indicators among an engine's rules: what evidence and traces cite."""
        out = []
        for key, ind in zip(self.ids, self.indicators):
            views = [View.model_construct(asset=v.asset, direction=v.direction, strength=v.strength, horizon=v.horizon,
                                          exclude=[], fallback=[]) for v in [*ind.upside, *ind.downside]]
            out.append(Rule.model_construct(
                id=ind.rule_id(key), version=ind.version, status=ind.status, description=ind.description,
                references=[], tags=["release"], basis="inferred", when=None, then=views or [
                    View.model_construct(asset="", direction="neutral", strength=0.0, horizon="short", exclude=[], fallback=[])],
                rationale=ind.rationale, explain=ind.explain, examples=list(ind.examples),
            ))
        return out

    # -- reading ---------------------------------------------------------------------------------

    def _economy(self, named: list[Hit], sentence: "Sentence", a: int, b: int, floor: int) -> str | None:
        lo = max(sentence.start, floor, a - ECONOMY_BEFORE)
        before = [h for h in named if lo <= h.begin and h.finish <= a]
        if before:
            return self.economy_of[before[-1].text]
        after = [h for h in named if b <= h.begin and h.finish <= min(sentence.end, b + ECONOMY_AFTER)]
        return self.economy_of[after[0].text] if after else None

    def _choose(self, alias: str, economy: str | None) -> int | None:
        candidates = self.by_alias.get(alias, [])
        if economy is not None:
            chosen = [i for i in candidates if self.indicators[i].economy == economy]
        else:  # no economy named: only a name of its own (非农, ISM), not one shared (CPI, exports)
            own = [i for i in candidates if (alias, i) not in self.generic]
            chosen = own if len({self.indicators[i].economy for i in own}) == 1 else []
        return chosen[0] if chosen else None

    def read(self, norm: str, sentences: list["Sentence"]) -> list[Reading]:
        """Every release read in the document."""
        readings: list[Reading] = []
        matches = self.aliases.scan(norm)
        if not matches:
            return readings
        import bisect

        named = self.economies.scan(norm)

        starts = [s.start for s in sentences]
        per_sentence: dict[int, list[Hit]] = {}
        for m in matches:
            k = bisect.bisect_right(starts, m.start()) - 1
            if k >= 0 and m.end() <= sentences[k].end:
                per_sentence.setdefault(k, []).append(m)
        for k, found in per_sentence.items():
            sentence = sentences[k]
            floor = sentence.start
            best: dict[int, Reading] = {}  # one reading per release and sentence: the most complete
            for j, m in enumerate(found):
                seg_end = found[j + 1].start() if j + 1 < len(found) else sentence.end
                economy = self._economy(named, sentence, m.start(), m.end(), floor)
                floor = m.end()
                chosen = self._choose(m.group(0), economy)
                if chosen is None:
                    continue
                reading = self._read_one(norm, k, sentence, m, seg_end, chosen, matches)
                if reading is not None and (chosen not in best or _completeness(reading) > _completeness(best[chosen])):
                    best[chosen] = reading
            readings.extend(sorted(best.values(), key=lambda r: r.alias))
        return readings

    def _read_one(
        self, norm: str, k: int, sentence: "Sentence", m: Hit, seg_end: int, i: int, matches: list[Hit]
    ) -> Reading | None:
        ind, key, cat = self.indicators[i], self.ids[i], self.units[i]
        a = m.end()
        # a repeated alias of the same release in the segment is a name, not numbers
        names = [x.span() for x in matches if a <= x.begin and x.finish <= seg_end]
        found = quantities(norm, a, seg_end, names)
        roles = assign_roles(norm, a, seg_end, found)
        words = [w for w in comparison_words(norm, a, seg_end) if not any(s <= w.start < e for s, e in names)]
        said = words[0] if words else None
        chinese = bool(re.search(r"[\u3400-\u9fff]", norm[sentence.start:seg_end]))
        actual, consensus = roles.actual, roles.consensus
        numbers = [q for q in (actual, consensus, roles.previous, roles.revised_from) if q is not None]
        display = self._display_unit(numbers, cat, chinese)
        if display is None:
            return None  # a percent against a count: not this indicator's print
        if cat.kind == "count" and display.kind == "pct" or cat.kind == "pct" and display.kind == "count":
            return None

        printed = [q for q in numbers if q.unit is not BARE]

        def base(q: Quantity | None) -> float | None:
            if q is None:
                return None
            if q.unit is not BARE:
                return q.value * q.unit.factor
            if display.kind == "count" and display.factor != 1 and printed and not chinese:
                # "250K vs 180,000 expected": a bare number is in the printed scale or in units,
                # whichever puts it nearer the printed numbers
                ref = abs(printed[0].base) or 1.0
                scaled, plain = abs(q.value * display.factor) or 1.0, abs(q.value) or 1.0
                if abs(math.log(plain / ref)) < abs(math.log(scaled / ref)):
                    return q.value
            return q.value * display.factor

        def shown(x: float | None) -> float | None:
            return None if x is None else _show(x / display.factor)

        typical = ind.typical_surprise * (cat.factor if cat.kind == "count" else 1.0)
        surprise = scaled = None
        side, factor, note = None, 0.0, ""
        word_sign = self._word_sign(said, ind) if said else None
        if actual is not None and consensus is not None:
            diff = base(actual) - base(consensus)
            surprise, scaled = diff / display.factor, diff / typical
            if not math.isfinite(scaled):
                return None
            if abs(scaled) < IN_LINE:
                note = "in line with consensus: no view"
            elif word_sign is not None and word_sign != 0 and (word_sign > 0) != (scaled > 0):
                note = "the numbers contradict the words: not trusted, no view"
            else:
                side = "upside" if scaled > 0 else "downside"
                factor = min(1.0, 0.4 + 0.3 * abs(scaled))
        elif said is not None:
            unsure = [h.text for h in self.unsure.scan(norm[sentence.start:said.start])]
            if unsure:
                note = f"a comparison after '{unsure[-1]}': an expectation about the release, not its result"
            elif word_sign is None:
                note = f"'{norm[said.start:said.end]}' says nothing about the level of this release"
            elif word_sign == 0:
                note = "in line with consensus (in words): no view"
            else:
                side = "upside" if word_sign > 0 else "downside"
                factor = said.factor
                note = "compared in words only: lower strength"
        else:
            if actual is None and consensus is None:
                return None
            note = "no consensus to compare with" if consensus is None else "no actual print found"
        return Reading(
            indicator=key,
            sentence=k,
            alias=m.span(),
            actual=shown(base(actual)),
            consensus=shown(base(consensus)),
            previous=shown(base(roles.previous)),
            revised_from=shown(base(roles.revised_from)),
            unit=display.label,
            surprise=_show(surprise),
            scaled=None if scaled is None else round(scaled, 3),
            words=said.kind if said else None,
            side=side,
            factor=round(factor, 4),
            note=note,
        )

    @staticmethod
    def _word_sign(said: Words, ind: Indicator) -> int | None:
        good = _MEANING[ind.higher_means][2]
        if said.kind == "inline":
            return 0
        if said.kind == "up":
            return 1
        if said.kind == "down":
            return -1
        if good == 0:
            return None  # better / worse than expected says nothing about the level of inflation or rates
        return good if said.kind == "good" else -good

    @staticmethod
    def _display_unit(numbers: list[Quantity], cat: Unit, chinese: bool) -> Unit | None:
        """The unit the release is shown in: the actual's as printed, else another number's; all
        bare: the catalogue's in a Chinese release, the base unit in an English one."""
        printed = [q.unit for q in numbers if q.unit is not BARE]
        kinds = {u.kind for u in printed}
        if len(kinds) > 1:
            return None
        if printed:
            unit = printed[0]
            if unit.kind == "pct" and unit.label != "%" and cat.kind == "pct":
                unit = Unit("pct", unit.factor, unit.label)
            return unit
        if chinese or cat.kind != "count":
            return cat
        return Unit("count", 1.0, "")

    # -- votes -----------------------------------------------------------------------------------

    def votes(
        self,
        readings: list[Reading],
        rule_base: int,
        item_of: Callable[[int], int] | None = None,
    ) -> Iterator["Vote"]:
        from impact.pipeline.resolve import Vote, weigh

        for r in readings:
            if r.side is None:
                continue
            i = self.ids.index(r.indicator)
            ind = self.indicators[i]
            up, down, _ = _MEANING[ind.higher_means]
            meaning = up if r.side == "upside" else down
            for view in ind.upside if r.side == "upside" else ind.downside:
                strength = view.strength * r.factor
                weight, factors = weigh(strength, "inferred", ())
                explanation = ind.explain.format(**self._fields(r, ind, meaning, view.asset, view.direction))
                yield Vote(
                    asset=view.asset,
                    direction=view.direction,
                    weight=round(weight, 4),
                    rule_index=rule_base + i,
                    sentence=r.sentence,
                    trigger=r.alias,
                    # one story per economy: the releases of one economy's data add up (CPI and
                    # core CPI of one report), other drivers stay apart (impact.resolve)
                    events=(f"release.{ind.economy}",),
                    modifiers=(),
                    explanation=explanation,
                    horizon=view.horizon,
                    basis="inferred",
                    factors=factors,
                    item=item_of(r.sentence) if item_of is not None else -1,
                    strength=strength,
                    release=r.release(),
                )

    def _fields(self, r: Reading, ind: Indicator, meaning: str, asset: str, direction: str) -> dict[str, Any]:
        name = ind.name or r.indicator
        size = describe_size(r)
        if r.actual is not None and r.consensus is not None:
            # a difference of percentages is in percentage points
            surprise = _fmt(r.surprise, "") + " pp" if r.unit == "%" else _fmt(r.surprise, r.unit)
            if r.surprise is not None and r.surprise > 0:
                surprise = "+" + surprise
            reading = f"{name} {_fmt(r.actual, r.unit)} vs {_fmt(r.consensus, r.unit)} expected ({surprise}, {size})"
        else:
            printed = f" {_fmt(r.actual, r.unit)}" if r.actual is not None else ""
            reading = f"{name}{printed} {size} (in words)"
        return {
            "asset": asset, "direction": direction, "indicator": r.indicator, "name": name, "reading": reading,
            "meaning": meaning, "actual": _fmt(r.actual, r.unit), "consensus": _fmt(r.consensus, r.unit),
            "previous": _fmt(r.previous, r.unit), "surprise": _fmt(r.surprise, r.unit), "unit": r.unit, "size": size,
        }


def describe_size(r: Reading) -> str:
    """'far below consensus', 'slightly above consensus', 'in line with consensus'."""
    if r.scaled is None:
        if r.side is None:
            return "in line with consensus" if r.words == "inline" else "no comparison"
        where = "above" if r.side == "upside" else "below"
        strength = "far " if r.factor >= WORDS_STRONG else "slightly " if r.factor <= WORDS_SLIGHT else ""
        return f"{strength}{where} expectations"
    z = abs(r.scaled)
    if z < IN_LINE:
        return "in line with consensus"
    where = "above" if r.scaled > 0 else "below"
    return f"{'slightly ' if z < SLIGHT else 'far ' if z >= FAR else ''}{where} consensus"


# -- rule-set hooks: locations, lint, examples ---------------------------------------------------


def release_rule_ids(ruleset: "RuleSet") -> list[str]:
    return [ind.rule_id(key) for key, ind in ruleset.indicators.items()]


def reading_text(r: Reading) -> str:
    """A reading in one line: its numbers, the scaled surprise, and the side or why no view."""
    parts = [f"actual {_fmt(r.actual, r.unit)}", f"consensus {_fmt(r.consensus, r.unit)}"]
    if r.previous is not None:
        parts.append(f"previous {_fmt(r.previous, r.unit)}"
                     + (f" (revised from {_fmt(r.revised_from, r.unit)})" if r.revised_from is not None else ""))
    if r.scaled is not None:
        surprise = _fmt(r.surprise, "") + " pp" if r.unit == "%" else _fmt(r.surprise, r.unit)
        parts.append(f"surprise {surprise} = {r.scaled:+g} typical")
    if r.words is not None:
        parts.append(f"words: {r.words}")
    verdict = f"{r.side} views x {r.factor:g}" if r.side else "no view"
    return ", ".join(parts) + f" -> {verdict}" + (f" ({r.note})" if r.note else "")


def release_trace(r: Reading, orig: Callable[[int, int], dict[str, Any]], ruleset: "RuleSet") -> dict[str, Any]:
    """A reading as ``--trace`` shows it (offsets into the original text)."""
    ind = ruleset.indicators[r.indicator]
    return {
        "rule": ind.rule_id(r.indicator), "indicator": r.indicator, "alias": orig(*r.alias),
        "release": r.release(), "side": r.side, "strength_factor": r.factor, "note": r.note, "text": reading_text(r),
    }


def release_why(tr: Any, key: str) -> str:
    """One line on what the catalogue read for indicator ``key`` in a traced text."""
    mine = [r for r in tr.releases if r.indicator == key]
    if not mine:
        return "no alias of this indicator read as its release (another economy named, or an alias shared by economies)"
    return "; ".join(reading_text(r) for r in mine)


__all__ = [
    "DEFAULT_RELEASE_EXPLAIN", "Quantity", "ReleaseReader", "Reading", "Unit", "assign_roles", "catalogue_unit",
    "chinese_numeral", "comparison_words", "describe_size", "parse_number", "quantities", "read_unit",
]
