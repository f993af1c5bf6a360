"""Checks of a merged rule folder: one class per problem code, grouped by family, one module each.

A check subclasses :class:`Check`, names its ``code`` (a row of ``impact.ruleset.problems``), gives
a ``bad`` and a ``good`` example for the docs and yields problems from ``check(index)``. Defining
the class registers it; every module of this package is a family and is found by walking the
package, so a new check is one class (and its catalogue row), and a new family one module.

E3xx checks decide whether the folder loads; W4xx are advice that ``impact rules lint`` reports.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import ClassVar, Iterable, Iterator

from impact.errors import Problem
from impact.ruleset.index import RuleIndex, Where
from impact.ruleset.problems import BY_CODE
from impact.ruleset.schema import Terms, expand_terms


class Check:
    code: ClassVar[str]
    bad: ClassVar[str] = ""
    good: ClassVar[str] = ""
    # checks of references between files mean nothing while a file of the folder failed to load
    needs_every_file: ClassVar[bool] = False
    registered: ClassVar[dict[str, type["Check"]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.code not in BY_CODE:
            raise TypeError(f"check {cls.__name__}: code {cls.code} is not in impact.ruleset.problems.CATALOGUE")
        other = Check.registered.get(cls.code)
        if other is not None and other.__qualname__ != cls.__qualname__:
            raise TypeError(f"checks {other.__name__} and {cls.__name__} both claim {cls.code}")
        Check.registered[cls.code] = cls

    @property
    def summary(self) -> str:
        return BY_CODE[self.code].summary

    @property
    def severity(self) -> str:
        return BY_CODE[self.code].severity

    def problem(self, where: Where, message: str) -> Problem:
        return Problem(where.path, where.line, where.col, self.code, message, self.severity)

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        raise NotImplementedError


def all_checks() -> tuple[Check, ...]:
    """One instance of every check, by code (every family module of this package imported)."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return tuple(Check.registered[code]() for code in sorted(Check.registered))


def run_checks(
    index: RuleIndex, every_file_loaded: bool = True, enable: Iterable[str] = (), *, advice: bool = True
) -> list[Problem]:
    """Run every enabled check (and those of ``enable``, codes the catalogue leaves off); those
    about references wait until every file of the folder loads. Without ``advice`` only the checks
    whose problems are errors run: what decides whether the folder loads.

    A node reused through a YAML alias is checked once per use but reported once.
    """
    extra = {code.strip().upper() for code in enable}
    found = (
        p
        for c in all_checks()
        if (BY_CODE[c.code].enabled or c.code in extra) and (every_file_loaded or not c.needs_every_file)
        and (advice or BY_CODE[c.code].severity == "error")
        for p in c.check(index)
    )
    return list(dict.fromkeys(found))


# -- what several families read ---------------------------------------------------------------


def term_lists(index: RuleIndex) -> Iterator[tuple[str, str, tuple, str, list[str]]]:
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


def expanded(index: RuleIndex, terms: Terms, lang: str) -> list[tuple[str, int]]:
    """Terms with @lexicon references expanded, each with the position of the entry it came from."""
    return [(t, k) for k, term in enumerate(getattr(terms, lang)) for t in expand_terms(index.lexicons, [term], lang)]


def regexes_of(index: RuleIndex) -> Iterator[tuple[Where, str]]:
    """Every regex of the folder with where it is written."""
    for name, asset in index.assets.items():
        for k, pattern in enumerate(asset.not_regex):
            yield index.at("assets", name, "not_regex", k), pattern
    for name, event in index.events.items():
        for k, pattern in enumerate(event.regex):
            yield index.at("events", name, "regex", k), pattern
