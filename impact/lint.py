"""Validators: one small class per check of a merged rule folder, each with its own code.

Reading a file (E1xx) and checking it against the schema (E2xx) happen in ``impact.loader``;
the validators here see the merged folder (``collection.RuleIndex``) and check references
between files (E3xx errors: the folder does not load) and likely mistakes (W4xx warnings:
it loads, and ``impact rules lint`` reports them). ``CODES`` documents every code; the README
table is checked against it.

A validator is a class with ``code``, a one-line ``summary``, a ``bad`` and a ``good`` example
for the docs, and ``check(index)`` yielding problems. Add one by writing the class and listing
it in ``VALIDATORS``.
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import TYPE_CHECKING, ClassVar, Iterable, Iterator

from impact.errors import Problem
from impact.loader import suggest
from impact.matcher import _is_word_char
from impact.regexes import RegexError, compile_regex
from impact.schema import EXPLAIN_FIELDS, Terms, expand_terms

if TYPE_CHECKING:
    from impact.collection import RuleIndex, Where
    from impact.schema import Rule, View

# Codes raised while reading one file (impact.loader), documented here with the validators'.
LOADER_CODES: dict[str, str] = {
    "E100": "the file or folder cannot be read, is not UTF-8, or holds no .yaml files",
    "E101": "YAML syntax error",
    "E102": "duplicate key in a mapping (PyYAML would silently keep the last one)",
    "E201": "unknown key, with the closest known key as a suggestion",
    "E202": "missing required key",
    "E203": "wrong type or value (a number where a list is expected, an unknown direction, ...)",
    "E204": "a YAML 1.1 boolean (NO, on, yes, off) where a string is meant: quote it",
}


class Validator:
    code: ClassVar[str]
    summary: ClassVar[str]
    bad: ClassVar[str] = ""
    good: ClassVar[str] = ""
    # checks of references between files mean nothing while a file of the folder failed to load
    needs_every_file: ClassVar[bool] = False

    @property
    def severity(self) -> str:
        return "warning" if self.code.startswith("W") else "error"

    def problem(self, where: "Where", message: str) -> Problem:
        return Problem(where.path, where.line, where.col, self.code, message, self.severity)

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        raise NotImplementedError


def _term_lists(index: "RuleIndex") -> Iterator[tuple[str, str, tuple, str, list[str]]]:
    """Every term list of the folder as (kind, key, path to the list's parent, language, terms)."""
    for name, asset in index.assets.items():
        for sub, terms in (("names", asset.names), ("not_within", asset.not_within)):
            for lang in ("zh", "en"):
                yield "assets", name, (sub,), lang, getattr(terms, lang)
    for name, lex in index.lexicons.items():
        for lang in ("zh", "en"):
            yield "lexicons", name, (), lang, getattr(lex, lang)
    for name, event in index.events.items():
        groups: list[tuple[tuple, Terms]] = [(("terms",), event.terms), (("none",), event.none)]
        groups += [(("all", g), group) for g, group in enumerate(event.all)]
        for sub, terms in groups:
            for lang in ("zh", "en"):
                yield "events", name, sub, lang, getattr(terms, lang)


def _norm(term: str) -> str:
    return unicodedata.normalize("NFKC", term.strip()).lower()


def _expanded(index: "RuleIndex", terms: Terms, lang: str) -> list[tuple[str, int]]:
    """Terms with @lexicon references expanded, each with the position of the entry it came from."""
    return [(t, k) for k, term in enumerate(getattr(terms, lang)) for t in expand_terms(index.lexicons, [term], lang)]


# -- E3xx: the folder does not load -----------------------------------------------------------


class UnknownEvent(Validator):
    code = "E302"
    needs_every_file = True
    summary = "a rule's `when` names an event no file defines"
    bad = "when: {all: [sanctions.lifed]}"
    good = "when: {all: [sanctions.lifted]}"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for rule in index.rules:
            for k, ref in enumerate(rule.when.refs()):
                if ref.event not in index.events:
                    yield self.problem(
                        index.at("rules", rule.id, "when", rule.when.mode, k),
                        f"unknown event {ref.event!r}{suggest(ref.event, list(index.events))}",
                    )


class UnknownLexicon(Validator):
    code = "E303"
    needs_every_file = True
    summary = "a term `@name` refers to a lexicon no file defines"
    bad = "zh: ['@negatoin']"
    good = "zh: ['@negation']"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for kind, key, sub, lang, terms in _term_lists(index):
            for k, term in enumerate(terms):
                if term.startswith("@") and term[1:] not in index.lexicons:
                    yield self.problem(
                        index.at(kind, key, *sub, lang, k),
                        f"unknown lexicon {term[1:]!r}{suggest(term[1:], list(index.lexicons))}",
                    )


class LexiconCycle(Validator):
    code = "E309"
    needs_every_file = True
    summary = "lexicons reference each other in a cycle (@a inside b, @b inside a)"
    bad = "lexicons: {a: {en: ['@b']}, b: {en: ['@a']}}"
    good = "lexicons: {a: {en: ['@b']}, b: {en: [rise, rises]}}"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        def refs(name: str) -> list[tuple[str, str, int]]:
            lex = index.lexicons[name]
            return [(t[1:], lang, k) for lang in ("zh", "en") for k, t in enumerate(getattr(lex, lang))
                    if t.startswith("@") and t[1:] in index.lexicons]

        reported: set[frozenset[str]] = set()
        for start in index.lexicons:
            stack = [(start, (start,))]
            while stack:
                name, path = stack.pop()
                for target, lang, k in refs(name):
                    if target == start and frozenset(path) not in reported:
                        reported.add(frozenset(path))
                        cycle = " -> ".join("@" + p for p in path + (start,))
                        yield self.problem(index.at("lexicons", name, lang, k), f"lexicon reference cycle {cycle}")
                    elif target not in path:
                        stack.append((target, path + (target,)))


def _regexes(index: "RuleIndex") -> Iterator[tuple["Where", str]]:
    for name, asset in index.assets.items():
        for k, pattern in enumerate(asset.not_regex):
            yield index.at("assets", name, "not_regex", k), pattern
    for name, event in index.events.items():
        for k, pattern in enumerate(event.regex):
            yield index.at("events", name, "regex", k), pattern


class RegexCompiles(Validator):
    code = "E304"
    summary = "a regex does not compile in RE2 (no look-around, no backreferences)"
    bad = "regex: ['(?<=tariff)s']"
    good = "regex: ['tariffs?']"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for where, pattern in _regexes(index):
            try:
                compile_regex(pattern)
            except RegexError as exc:
                yield self.problem(where, f"regex {pattern!r} does not compile in RE2: {exc}")


class SubjectNeedsSubjectEvents(Validator):
    code = "E305"
    summary = "a view targets '{subject}' but one of the rule's events has no subject"
    bad = "then: [{asset: '{subject}', ...}] with an event lacking `subject: required`"
    good = "subject: required on every event of the rule"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for rule in index.rules:
            refs = [r.event for r in rule.when.refs()]
            if any(e not in index.events for e in refs):
                continue  # E302 already
            if all(index.events[e].subject == "required" for e in refs):
                continue
            for k, view in enumerate(rule.then):
                if view.asset == "{subject}":
                    yield self.problem(
                        index.at("rules", rule.id, "then", k, "asset"),
                        "'{subject}' needs every event of the rule to have `subject: required`",
                    )


class ExplainTemplate(Validator):
    code = "E306"
    summary = "the `explain` template is malformed, uses an unknown field, a conversion (!r) or a format spec (:d)"
    bad = "explain: 'Gold falls on {trigers}'"
    good = "explain: 'Gold falls on {trigger}'"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        formatter = string.Formatter()
        for rule in index.rules:
            try:
                parts = [(f, conv, spec) for _, f, spec, conv in formatter.parse(rule.explain) if f is not None]
            except ValueError as exc:
                yield self.problem(index.at("rules", rule.id, "explain"), f"explain template is malformed: {exc}")
                continue
            fields = [f for f, _, _ in parts]
            for f, conv, spec in parts:
                # '{trigger:d}' fails on every evaluation and '{trigger:>99999999}' builds 100 MB a vote
                if conv or spec:
                    written = f"{{{f}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
                    yield self.problem(
                        index.at("rules", rule.id, "explain"),
                        f"explain template field {written}: only plain fields such as {{{f}}} are allowed, "
                        "no conversion (!r) or format spec (:...)",
                    )
            for f in fields:
                if f not in EXPLAIN_FIELDS:
                    yield self.problem(
                        index.at("rules", rule.id, "explain"),
                        f"explain template uses unknown field {{{f}}}{suggest(f, list(EXPLAIN_FIELDS))}; "
                        f"known: {', '.join(EXPLAIN_FIELDS)}",
                    )


class UnknownAsset(Validator):
    code = "E307"
    needs_every_file = True
    summary = "an event or a view names an asset no file declares"
    bad = "then: [{asset: glod, direction: bullish}]"
    good = "then: [{asset: gold, direction: bullish}]"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        known = list(index.assets)

        def unknown(asset: str, kind: str, key: str, *sub: object) -> Iterator[Problem]:
            if asset not in index.assets:  # locate only what is reported: 10,000 rules are checked
                yield self.problem(index.at(kind, key, *sub), f"unknown asset {asset!r}{suggest(asset, known)}")

        for name, event in index.events.items():
            for k, a in enumerate(event.assets):
                yield from unknown(a, "events", name, "assets", k)
        for rule in index.rules:
            for k, view in enumerate(rule.then):
                if view.asset not in ("{subject}", "{others}"):
                    yield from unknown(view.asset, "rules", rule.id, "then", k, "asset")
                for field_name in ("exclude", "fallback"):
                    for m, a in enumerate(getattr(view, field_name)):
                        yield from unknown(a, "rules", rule.id, "then", k, field_name, m)


class ExampleAssetDeclared(Validator):
    code = "E308"
    needs_every_file = True
    summary = "an example expects a view on an asset no file declares"
    bad = "expect: {glod: bearish}"
    good = "expect: {gold: bearish}"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for rule in index.rules:
            for j, example in enumerate(rule.examples):
                for asset in example.expect:
                    if asset not in index.assets:
                        yield self.problem(
                            index.at("rules", rule.id, "examples", j, "expect", asset, on_key=True),
                            f"example expects undeclared asset {asset!r}{suggest(asset, list(index.assets))}",
                        )


# -- W4xx: loads, but probably a mistake --------------------------------------------------------


class RuleHasExamples(Validator):
    code = "W401"
    summary = "a rule has no examples, so nothing tests it"
    bad = "a rule without `examples:`"
    good = "examples: [{text: ..., expect: {gold: bearish}}, {text: ..., expect: {}}]"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for rule in index.rules:
            if not rule.examples:
                yield self.problem(index.at("rules", rule.id, "id"), f"rule {rule.id!r} has no examples")


class EventUsed(Validator):
    code = "W402"
    needs_every_file = True
    summary = "an event is defined but no rule uses it"
    bad = "events: {geo.truce: ...} and no rule with `when: {all: [geo.truce]}`"
    good = "a rule whose `when` names the event, or delete the event"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        used = {ref.event for rule in index.rules for ref in rule.when.refs()}
        for name in index.events:
            if name not in used:
                yield self.problem(index.at("events", name, on_key=True), f"event {name!r} is not used by any rule")


class PositiveExample(Validator):
    code = "W403"
    summary = "a rule has examples but none where it fires"
    bad = "examples: [{text: ..., expect: {}}]"
    good = "examples: [{text: ..., expect: {gold: bullish}}, {text: ..., expect: {}}]"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for rule in index.rules:
            if rule.examples and not any(ex.expect for ex in rule.examples):
                yield self.problem(index.at("rules", rule.id, "id"), f"rule {rule.id!r} has no positive example")


class NegativeExample(Validator):
    code = "W404"
    summary = "a rule has examples but none where it must stay silent"
    bad = "examples: [{text: ..., expect: {gold: bullish}}]"
    good = "add {text: <a near miss>, expect: {}}"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for rule in index.rules:
            if rule.examples and all(ex.expect for ex in rule.examples):
                yield self.problem(index.at("rules", rule.id, "id"), f"rule {rule.id!r} has no negative example")


_SAMPLE = "".join(map(chr, (*range(0x20, 0x250), *range(0x3000, 0x3040), *range(0x4E00, 0x4E80), *range(0xFF00, 0xFF60))))


def nested_quantifier(pattern: str) -> bool:
    """Whether a repeated group holds another repeat and nothing that fixes where one pass ends.

    ``(a+)+``, ``(\\w+\\s?)+`` and ``(a*)*`` can split one input into passes in exponentially many
    ways, which a backtracking engine tries one by one; ``(\\d+,)*`` and ``(\\s*,\\s*)+`` cannot,
    because each pass must contain a mandatory character (the comma) that the inner repeats never
    match. That is the check: star height above one, unless such a separator exists (characters
    compared on a sample of Latin, CJK and full-width text). Parsed with Python's regex parser
    (RE2 syntax is close to a subset of it); a pattern it cannot parse is left to E304.
    """
    try:
        from re import _compiler as compiler, _parser as parser  # type: ignore[attr-defined]

        tree = parser.parse(pattern)
    except Exception:
        return False
    repeats = {parser.MAX_REPEAT, parser.MIN_REPEAT, getattr(parser, "POSSESSIVE_REPEAT", None)}
    atoms = {parser.LITERAL, parser.NOT_LITERAL, parser.IN, parser.ANY}

    def many(av: tuple) -> bool:
        return av[1] == parser.MAXREPEAT or av[1] > 1

    def chars(item: tuple) -> frozenset[str]:
        try:
            rx = compiler.compile(parser.SubPattern(tree.state, [item]), 0)
        except Exception:
            return frozenset(_SAMPLE)
        return frozenset(c for c in _SAMPLE if rx.fullmatch(c))

    def repeated_atoms(items: Iterable, under: bool = False) -> list[tuple]:
        """Atoms that some repeat inside ``items`` may match more than once."""
        out = []
        for op, av in items:
            if op in repeats:
                out += repeated_atoms(av[2], under or many(av))
            elif op is parser.SUBPATTERN:
                out += repeated_atoms(av[-1], under)
            elif op is parser.BRANCH:
                out += [a for branch in av[1] for a in repeated_atoms(branch, under)]
            elif op in atoms and under:
                out.append((op, av))
        return out

    def mandatory_atoms(items: Iterable) -> list[tuple]:
        """Atoms every pass must match once, outside any repeat."""
        out = []
        for op, av in items:
            if op in atoms:
                out.append((op, av))
            elif op is parser.SUBPATTERN:
                out += mandatory_atoms(av[-1])
        return out

    def dangerous(body: Iterable) -> bool:
        inner = repeated_atoms(body)
        if not inner:
            return False
        matched = frozenset().union(*(chars(a) for a in inner))
        return not any(chars(a) and not (chars(a) & matched) for a in mandatory_atoms(body))

    def walk(items: Iterable) -> bool:
        for op, av in items:
            if op in repeats:
                if many(av) and dangerous(av[2]):
                    return True
                if walk(av[2]):
                    return True
            elif op is parser.SUBPATTERN:
                if walk(av[-1]):
                    return True
            elif op is parser.BRANCH:
                if any(walk(branch) for branch in av[1]):
                    return True
            elif op in (parser.ASSERT, parser.ASSERT_NOT):
                if walk(av[1]):
                    return True
        return False

    return walk(tree)


class RegexBacktracking(Validator):
    code = "W405"
    summary = "a regex repeats a group that holds a repeat and no separator: catastrophic backtracking elsewhere"
    bad = "regex: ['(\\d+)+%']"
    good = "regex: ['\\d+%']"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for where, pattern in _regexes(index):
            if nested_quantifier(pattern):
                yield self.problem(
                    where,
                    f"regex {pattern!r} nests a quantifier inside a repeated group; RE2 runs it in linear time "
                    "here, but it backtracks catastrophically in Python re or PCRE and is ambiguous: simplify it",
                )


def _as_matched(term: str) -> tuple[str, bool]:
    """(normalised text, trailing wildcard) of a term, as the matcher reads it."""
    return _norm(term.rstrip().rstrip("*")), term.rstrip().endswith("*")


def veto_inside(veto: str, trigger: str) -> bool:
    """Whether the veto term matches inside every text the trigger term matches, as the matcher reads them.

    Terms match as substrings; one that starts (ends) with a Latin letter or digit needs a word
    boundary there; a trailing ``*`` extends a match over further letters. So ``sanction*``
    vetoes ``sanctions`` and 走强 vetoes 美元走强, but ``sanction`` does not veto ``sanction*``
    (which also matches 'sanctions').
    """
    return _inside(_as_matched(veto), _as_matched(trigger))


def _inside(veto: tuple[str, bool], trigger: tuple[str, bool]) -> bool:
    (v, v_wild), (t, t_wild) = veto, trigger
    if not t or not v:
        return False
    i = t.find(v)
    while i >= 0:
        j = i + len(v)
        starts = not _is_word_char(v[0]) or i == 0 or not _is_word_char(t[i - 1])
        if v_wild or not _is_word_char(v[-1]):
            ends = True
        elif j < len(t):
            ends = not _is_word_char(t[j])
        else:
            ends = not t_wild  # 'sanction*' may have matched 'sanctions', which 'sanction' does not
        if starts and ends:
            return True
        i = t.find(v, i + 1)
    return False


class TriggerVetoed(Validator):
    code = "W406"
    summary = "a veto (`none`) matches inside a trigger of the same event: the event never fires on that trigger"
    bad = "terms: {en: [sanctions]}, none: {en: ['sanction*']}"
    good = "remove the term from one of the two lists"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for name, event in index.events.items():
            # the matcher reads every term alike whatever its list's language
            triggers = [(t, _as_matched(t)) for lang in ("zh", "en") for t, _ in _expanded(index, event.terms, lang)]
            for lang in ("zh", "en"):
                for term, k in _expanded(index, event.none, lang):
                    veto = _as_matched(term)
                    hit = next((t for t, matched in triggers if veto[0] in matched[0] and _inside(veto, matched)), None)
                    if hit is None:
                        continue
                    if _norm(hit) == _norm(term):
                        message = f"term {term!r} is both a trigger and a veto of event {name!r}; it can never fire on it"
                    else:
                        message = (f"veto {term!r} matches inside trigger {hit!r} of event {name!r}; "
                                   "the event can never fire on that trigger")
                    yield self.problem(index.at("events", name, "none", lang, k), message)


class DuplicateTerm(Validator):
    code = "W407"
    summary = "a term list repeats a term (after case folding and NFKC)"
    bad = "zh: [停火, 停战, 停火]"
    good = "zh: [停火, 停战]"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for kind, key, sub, lang, terms in _term_lists(index):
            seen: dict[str, int] = {}
            for k, term in enumerate(terms):
                n = _norm(term)
                if n in seen:
                    first = index.at(kind, key, *sub, lang, seen[n])
                    yield self.problem(
                        index.at(kind, key, *sub, lang, k),
                        f"duplicate term {term!r} (also at line {first.line}, column {first.col})",
                    )
                else:
                    seen[n] = k


class ExampleReachable(Validator):
    code = "W408"
    needs_every_file = True
    summary = "an example expects a view the rule never asserts (another asset or direction)"
    bad = "then: [{asset: gold, direction: bearish}] with expect: {gold: bullish}"
    good = "expect: {gold: bearish}"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for rule in index.rules:
            if any(not v.asset.startswith("{") and v.asset not in index.assets for v in rule.then):
                continue  # E307
            if any(r.event not in index.events for r in rule.when.refs()):
                continue  # E302
            reach = [(view, self._targets(index, rule, view)) for view in rule.then]
            for j, example in enumerate(rule.examples):
                for asset, direction in example.expect.items():
                    if asset not in index.assets:
                        continue  # E308
                    can = {view.direction for view, targets in reach if asset in targets}
                    if can and direction in can:
                        continue
                    where = index.at("rules", rule.id, "examples", j, "expect", asset)
                    if not can:
                        views = ", ".join(sorted({self._shown(view) for view in rule.then}))
                        yield self.problem(where, f"rule {rule.id!r} never asserts a view on {asset!r} (its views: {views})")
                    else:
                        yield self.problem(
                            where, f"rule {rule.id!r} never says {asset} is {direction} (it says {', '.join(sorted(can))})"
                        )

    @staticmethod
    def _targets(index: "RuleIndex", rule: "Rule", view: "View") -> set[str]:
        """The assets a view can target: '{subject}' only the events' `assets`, '{others}' less `exclude`."""
        if view.asset == "{subject}":
            events = [index.events[r.event] for r in rule.when.refs()]
            if any(not e.assets for e in events):
                return set(index.assets)
            return {a for e in events for a in e.assets}
        if view.asset == "{others}":
            return (set(index.assets) - set(view.exclude)) | set(view.fallback)
        return {view.asset}

    @staticmethod
    def _shown(view: "View") -> str:
        if view.asset == "{others}" and view.exclude:
            return f"{{others}} except {', '.join(view.exclude)}"
        return view.asset


_TODO = re.compile(r"\bTODO\b")


class TodoLeft(Validator):
    code = "W409"
    summary = "a TODO placeholder (from `impact rules new`) is still in the file"
    bad = "text: 'TODO: a sentence where the rule fires'"
    good = "text: 美国宣布解除对叙利亚的制裁。"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        def todo(value: str) -> bool:
            return bool(_TODO.search(value))

        for name, event in index.events.items():
            if todo(event.description):
                yield self.problem(index.at("events", name, "description"), f"event {name!r}: fill in the description")
        for kind, key, sub, lang, terms in _term_lists(index):
            for k, term in enumerate(terms):
                if todo(term):
                    yield self.problem(index.at(kind, key, *sub, lang, k), f"{kind[:-1]} {key!r}: replace the TODO term")
        for rule in index.rules:
            for field_name in ("description", "rationale", "explain"):
                if todo(getattr(rule, field_name)):
                    yield self.problem(
                        index.at("rules", rule.id, field_name), f"rule {rule.id!r}: fill in the {field_name}"
                    )
            for j, example in enumerate(rule.examples):
                if todo(example.text):
                    kind_of = "positive" if example.expect else "negative"
                    yield self.problem(
                        index.at("rules", rule.id, "examples", j, "text"),
                        f"rule {rule.id!r}: write the {kind_of} example's text",
                    )


class SubjectOptionsNeedSubject(Validator):
    code = "W410"
    summary = "an event sets `assets` or `subject_side` without `subject: required`: they do nothing"
    bad = "assets: [copper] with no `subject: required`"
    good = "subject: required\nassets: [copper]"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for name, event in index.events.items():
            if event.subject == "required":
                continue
            for field_name, value, default in (("assets", event.assets, []), ("subject_side", event.subject_side, "any")):
                if value != default:
                    yield self.problem(
                        index.at("events", name, field_name, on_key=True),
                        f"event {name!r}: `{field_name}` has no effect without `subject: required`",
                    )


class OthersOptionsNeedOthers(Validator):
    code = "W411"
    summary = "a view sets `exclude` or `fallback` but its asset is not '{others}': they do nothing"
    bad = "{asset: gold, direction: bullish, exclude: [usd]}"
    good = "{asset: '{others}', direction: bullish, exclude: [usd]}"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        for rule in index.rules:
            for k, view in enumerate(rule.then):
                if view.asset == "{others}":
                    continue
                for field_name in ("exclude", "fallback"):
                    if getattr(view, field_name):
                        yield self.problem(
                            index.at("rules", rule.id, "then", k, field_name, on_key=True),
                            f"rule {rule.id!r}: `{field_name}` only applies to asset '{{others}}'",
                        )


# -- economic releases: the `indicators` catalogue (checks in impact.pipeline.releases) ----------


class IndicatorError(Validator):
    code = "E320"
    needs_every_file = True
    summary = ("an indicator names an unknown economy, asset or unit, has a malformed explain template, "
               "or its rule id (release.<id>) is a rule's")
    bad = "economy: usa"
    good = "economy: us"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        from impact.pipeline.releases import indicator_problems

        codes = dict.fromkeys(("economy", "unit", "rule_id", "asset", "explain"), self.code)
        yield from indicator_problems(index, {**codes, "examples": "", "alias": ""}, only=self.code)


class IndicatorWarning(Validator):
    code = "W413"
    needs_every_file = True
    summary = "an indicator lacks examples both ways (a print that gives views, one in line), or shares an alias in its economy"
    bad = "examples: []"
    good = "examples: [{text: '美国3月失业率 4.4%，预期4.2%。', expect: {usd: bearish}}, {text: '...', expect: {}}]"

    def check(self, index: "RuleIndex") -> Iterator[Problem]:
        from impact.pipeline.releases import indicator_problems

        codes = dict.fromkeys(("economy", "unit", "rule_id", "asset", "explain"), "")
        yield from indicator_problems(index, {**codes, "examples": self.code, "alias": self.code}, only=self.code)


VALIDATORS: tuple[Validator, ...] = (
    UnknownEvent(),
    UnknownLexicon(),
    LexiconCycle(),
    RegexCompiles(),
    SubjectNeedsSubjectEvents(),
    ExplainTemplate(),
    UnknownAsset(),
    ExampleAssetDeclared(),
    RuleHasExamples(),
    EventUsed(),
    PositiveExample(),
    NegativeExample(),
    RegexBacktracking(),
    TriggerVetoed(),
    DuplicateTerm(),
    ExampleReachable(),
    TodoLeft(),
    SubjectOptionsNeedSubject(),
    OthersOptionsNeedOthers(),
    IndicatorError(),
    IndicatorWarning(),
)

CODES: dict[str, str] = {
    **LOADER_CODES,
    "E301": "an asset, lexicon or event id, or a rule id, is defined twice in the folder",
    **{v.code: v.summary for v in VALIDATORS},
}
CODES = dict(sorted(CODES.items()))


def run_validators(index: "RuleIndex", every_file_loaded: bool = True) -> list[Problem]:
    """Run every validator; those about references wait until every file of the folder loads.

    A node reused through a YAML alias is checked once per use but reported once.
    """
    found = (p for v in VALIDATORS if every_file_loaded or not v.needs_every_file for p in v.check(index))
    return list(dict.fromkeys(found))


def lint_path(path: object = None, ignore: Iterable[str] = ()) -> list[Problem]:
    """Every problem of a rule folder (default: the bundled pack), less the ignored codes.

    A single file is checked in the context of its folder (its events and assets may live in
    the folder's other files) and only its own problems are reported. A warning on a line that
    ends with ``# noqa: W407`` (or a bare ``# noqa``) is left out; errors cannot be silenced,
    since the folder does not load with them.
    """
    from pathlib import Path

    from impact.collection import check_ruleset

    target = Path(str(path)) if path is not None else None
    if target is not None and target.is_file():
        _, problems = check_ruleset(target.parent)
        problems = [p for p in problems if Path(p.path) == target.parent / target.name]
    else:
        _, problems = check_ruleset(target)
    skip = {c.strip().upper() for c in ignore}
    kept = [p for p in problems if p.code not in skip and p.code[:1] + "*" not in skip]
    lines: dict[str, list[str]] = {}
    return [p for p in kept if not (p.severity == "warning" and p.code in _noqa(lines, p.path, p.line))]


_NOQA = re.compile(r"#\s*noqa\b(?::\s*([A-Z0-9, ]+))?", re.IGNORECASE)


def _noqa(cache: dict[str, list[str]], path: str, line: int) -> frozenset[str]:
    """The codes a ``# noqa`` comment on that line of that file silences (``cache``: files read)."""
    if path not in cache:
        try:
            with open(path, encoding="utf-8") as handle:
                cache[path] = handle.read().splitlines()
        except (OSError, UnicodeDecodeError):
            cache[path] = []
    text = cache[path][line - 1] if 0 < line <= len(cache[path]) else ""
    match = _NOQA.search(text)
    if match is None:
        return frozenset()
    if not match.group(1):
        return _ALL
    return frozenset(c.strip().upper() for c in match.group(1).split(",") if c.strip())


class _All(frozenset):
    def __contains__(self, item: object) -> bool:
        return True


_ALL = _All()
