"""Checks of term lists, read as the matcher reads them: repeats, and vetoes that swallow a trigger."""

from __future__ import annotations

from typing import Iterator

from impact.errors import Problem
from impact.ruleset.checks import Check, expanded, term_lists
from impact.ruleset.index import RuleIndex
from impact.pipeline.text import is_word_char
from impact.ruleset.terms import read_term


def _as_matched(term: str) -> tuple[str, bool]:
    """(normalised text, trailing wildcard) of a term, as the matcher reads it."""
    read = read_term(term)
    return read.text, read.wildcard


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
        starts = not is_word_char(v[0]) or i == 0 or not is_word_char(t[i - 1])
        if v_wild or not is_word_char(v[-1]):
            ends = True
        elif j < len(t):
            ends = not is_word_char(t[j])
        else:
            ends = not t_wild  # 'sanction*' may have matched 'sanctions', which 'sanction' does not
        if starts and ends:
            return True
        i = t.find(v, i + 1)
    return False


class TriggerVetoed(Check):
    code = "W406"
    bad = "terms: {en: [sanctions]}, none: {en: ['sanction*']}"
    good = "remove the term from one of the two lists"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for name, event in index.events.items():
            # the matcher reads every term alike whatever its list's language
            triggers = [(t, _as_matched(t)) for lang in ("zh", "en") for t, _ in expanded(index, event.terms, lang)]
            for lang in ("zh", "en"):
                for term, k in expanded(index, event.none, lang):
                    veto = _as_matched(term)
                    hit = next((t for t, matched in triggers if veto[0] in matched[0] and _inside(veto, matched)), None)
                    if hit is None:
                        continue
                    if _as_matched(hit) == _as_matched(term):
                        message = f"term {term!r} is both a trigger and a veto of event {name!r}; it can never fire on it"
                    else:
                        message = (f"veto {term!r} matches inside trigger {hit!r} of event {name!r}; "
                                   "the event can never fire on that trigger")
                    yield self.problem(index.at("events", name, "none", lang, k), message)


class DuplicateTerm(Check):
    code = "W407"
    bad = "zh: [停火, 停战, 停火]"
    good = "zh: [停火, 停战]"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for kind, key, sub, lang, terms in term_lists(index):
            seen: dict[tuple[str, bool], int] = {}
            for k, term in enumerate(terms):
                n = _as_matched(term)
                if n in seen:
                    first = index.at(kind, key, *sub, lang, seen[n])
                    yield self.problem(
                        index.at(kind, key, *sub, lang, k),
                        f"duplicate term {term!r} (also at line {first.line}, column {first.col})",
                    )
                else:
                    seen[n] = k
