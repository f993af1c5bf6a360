"""Checks of `regex:` and `not_regex:` patterns: RE2 takes them, and no backtracking trap hides in them."""

from __future__ import annotations

from typing import Iterable, Iterator

from impact.errors import Problem
from impact.ruleset.checks import Check, regexes_of
from impact.ruleset.index import RuleIndex
from impact.ruleset.regexes import RegexError, compile_regex


def as_written(pattern: str) -> str:
    """A regex quoted as it stands in the rule file: one backslash stays one (``repr`` doubles it)."""
    quote = '"' if "'" in pattern and '"' not in pattern else "'"
    return f"{quote}{pattern}{quote}"


class RegexCompiles(Check):
    code = "E304"
    bad = "regex: ['(?<=tariff)s']"
    good = "regex: ['tariffs?']"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for where, pattern in regexes_of(index):
            try:
                compile_regex(pattern)
            except RegexError as exc:
                yield self.problem(where, f"regex {as_written(pattern)} does not compile in RE2: {exc}")


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
        # the standard library's regex parser has no public name; RE2 has no parser in Python at all
        from re import _compiler as compiler, _parser as parser  # type: ignore[attr-defined]  # noqa: PLC2701

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


class RegexBacktracking(Check):
    code = "W405"
    bad = "regex: ['(\\d+)+%']"
    good = "regex: ['\\d+%']"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for where, pattern in regexes_of(index):
            if nested_quantifier(pattern):
                yield self.problem(
                    where,
                    f"regex {as_written(pattern)} nests a quantifier inside a repeated group; RE2 runs it in linear time "
                    "here, but it backtracks catastrophically in Python re or PCRE and is ambiguous: simplify it",
                )
