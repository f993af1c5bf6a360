"""How a term of the rules reads: the one reading shared by the matcher, the checks, asset
aliases and the statistics.

A term is read with the document's own normaliser (``impact.pipeline.text.normalise``), so a
term and a text can never be read two ways: "gold  price" (two spaces) reads as the text's
"gold price", a composed "é" meets a text's "e" + combining accent, and a full-width "ＧＯＬＤ"
meets "gold". White space around a term is no part of it, and a trailing ``*`` (after that
white space is dropped: ``'sanction* '`` too) is a wildcard running on over further letters.
A term whose first (last) character is a Latin letter or digit matches on a word boundary there.
"""

from __future__ import annotations

from dataclasses import dataclass

from impact.pipeline.text import is_word_char, normalise


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # as the normalised document reads it; empty for a term of only white space or '*'
    wildcard: bool  # a trailing '*': the hit runs on over further letters

    @property
    def word_start(self) -> bool:
        return bool(self.text) and is_word_char(self.text[0])

    @property
    def word_end(self) -> bool:
        return bool(self.text) and is_word_char(self.text[-1])


def read_term(raw: str) -> Term:
    """The reading of one term as written in a rule file."""
    written = raw.strip()
    wildcard = written.endswith("*")
    if wildcard:
        written = written.rstrip("*")
    return Term(normalise(written)[0].strip(), wildcard)


def term_key(raw: str) -> str:
    """The normalised text of a term, for comparing names (asset aliases, labels) as the matcher would."""
    return read_term(raw).text
