"""Matching: every literal term of a rule set in one Aho-Corasick automaton, one pass per document."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Iterable

import ahocorasick

from impact.collection import RuleSet
from impact.schema import MODIFIERS, Terms

# What a term is used for. A term may have several uses (an alias can also be a trigger).
ALIAS, NOT_WITHIN, MODIFIER, TRIGGER, GROUP, NONE = range(6)


def normalise_term(term: str) -> str:
    return unicodedata.normalize("NFKC", term.strip()).lower()


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(slots=True)
class _Term:
    text: str
    length: int
    word_start: bool
    word_end: bool
    wildcard: bool
    uses: list[tuple]  # (kind, target[, group])


class Matcher:
    """The compiled automaton of one rule set. Built once per engine (and per worker process)."""

    def __init__(self, ruleset: RuleSet, event_index: dict[str, int]):
        self._terms: list[_Term] = []
        self._by_key: dict[tuple[str, bool], int] = {}
        lex = ruleset.lexicons

        def expand(terms: Iterable[str], lang: str) -> Iterable[str]:
            for t in terms:
                if t.startswith("@"):
                    yield from getattr(lex[t[1:]], lang)
                else:
                    yield t

        def add_terms(terms: Terms | object, use: tuple) -> None:
            for lang in ("zh", "en"):
                for t in expand(getattr(terms, lang), lang):
                    self._add(t, use)

        for asset_id, asset in ruleset.assets.items():
            add_terms(asset.names, (ALIAS, asset_id))
            add_terms(asset.not_within, (NOT_WITHIN, asset_id))
        for name in MODIFIERS:
            if name in lex:
                add_terms(lex[name], (MODIFIER, name))
        for name, event in ruleset.events.items():
            idx = event_index[name]
            add_terms(event.terms, (TRIGGER, idx))
            for g, group in enumerate(event.all):
                add_terms(group, (GROUP, idx, g))
            add_terms(event.none, (NONE, idx))
        automaton = ahocorasick.Automaton()
        for tid, term in enumerate(self._terms):
            automaton.add_word(term.text, tid)
        if self._terms:
            automaton.make_automaton()
        self._automaton = automaton
        self.term_count = len(self._terms)

    def _add(self, raw: str, use: tuple) -> None:
        wildcard = raw.endswith("*")
        text = normalise_term(raw.rstrip("*"))
        if not text:
            return
        key = (text, wildcard)
        tid = self._by_key.get(key)
        if tid is None:
            tid = len(self._terms)
            self._by_key[key] = tid
            self._terms.append(
                _Term(text, len(text), _is_word_char(text[0]), _is_word_char(text[-1]), wildcard, [])
            )
        uses = self._terms[tid].uses
        if use not in uses:
            uses.append(use)

    def uses(self, tid: int) -> list[tuple]:
        return self._terms[tid].uses

    def term(self, tid: int) -> str:
        return self._terms[tid].text

    def scan(self, norm: str) -> list[tuple[int, int, int]]:
        """All term hits as (start, end, term id), sorted by start, English terms on word bounds."""
        if not self._terms:
            return []
        terms = self._terms
        n = len(norm)
        hits = []
        for last, tid in self._automaton.iter(norm):
            term = terms[tid]
            end = last + 1
            start = end - term.length
            if term.word_start and start > 0 and _is_word_char(norm[start - 1]):
                continue
            if term.wildcard:
                while end < n and norm[end].isascii() and norm[end].isalpha():
                    end += 1
            elif term.word_end and end < n and _is_word_char(norm[end]):
                continue
            hits.append((start, end, tid))
        hits.sort()
        return hits

    def __reduce__(self):  # the automaton is rebuilt from the rule set, never pickled
        raise TypeError("Matcher is not picklable; pickle the Engine, which rebuilds it")
