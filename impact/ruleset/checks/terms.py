"""Checks of term lists, read as the matcher reads them: repeats, and vetoes that swallow a trigger."""

from __future__ import annotations

import functools
import importlib.util
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


# characters that show as nothing, or only reorder what is shown: a term holding one matches only
# text that carries the same invisible character, and reads as a term it is not
INVISIBLE = {
    "\u00ad": "soft hyphen", "\u061c": "Arabic letter mark", "\u180e": "Mongolian vowel separator",
    "\u200b": "zero-width space", "\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner",
    "\u200e": "left-to-right mark", "\u200f": "right-to-left mark", "\u2060": "word joiner",
    "\ufeff": "zero-width no-break space",
    **{chr(c): "bidi control" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}


class OddTerm(Check):
    """A term with an invisible or direction character, or a ``*`` the matcher does not read as
    the one trailing wildcard (``gold**`` reads as ``gold*``; ``ga*s`` looks for a literal star)."""

    code = "W414"
    bad = "en: [gold**, 'ga\u200bin']"
    good = "en: [gold*, gain]"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for kind, key, sub, lang, terms in term_lists(index):
            for k, term in enumerate(terms):
                hidden = sorted({c for c in term if c in INVISIBLE})
                written = term.strip()
                if hidden:
                    names = ", ".join(f"U+{ord(c):04X} ({INVISIBLE[c]})" for c in hidden)
                    shown = "".join(f"\\u{ord(c):04x}" if c in INVISIBLE else c for c in term)
                    message = f"term '{shown}' holds {names}; remove it"
                elif written.endswith("**") or "*" in written.rstrip("*"):
                    message = (f"term {term!r}: only one '*', at the end, is a wildcard "
                               f"({'several are read as one' if written.endswith('**') else 'this one is a literal star'})")
                else:
                    continue
                yield self.problem(index.at(kind, key, *sub, lang, k), message)


# endings that keep a word in its stem's family: inflections and the common derivations
# ("sanction*": sanctions, sanctioned; "eas*": eased, easing, but not east, eastern, easter)
_FAMILY = frozenset(
    "|s|es|e|ed|d|r|ing|er|ers|est|ly|ily|ier|iest|ion|ions|ation|ations|ment|ments|ness|al|ally|y|ies|ied"
    "|ity|ities|ive|ively|en|ened|ening|ens|ful|fully|able|ably|ability|or|ors|ure|ures|ate|ates|ated|ating"
    "|ely|ement|ements|ization|ize|ized|izes|izing|ise|ised|ises|ising|ism|ist|ists|n|ingly|tion|tions|nesses"
    "|ance|ances|ence|less|age".split("|")
)
_COMMON = 3.5  # Zipf frequency: about once per 300,000 words of English text, or more often
@functools.cache
def _common_words() -> tuple[str, ...]:
    """The common English words (wordfreq's offline list), sorted for prefix search; read once."""
    from impact.extras import require

    require("lint", "W412 (wildcards against common English words)")
    import wordfreq

    words = wordfreq.top_n_list("en", 40000)
    return tuple(sorted(w for w in words if w.isascii() and w.isalpha() and wordfreq.zipf_frequency(w, "en") >= _COMMON))


def outside_family(stem: str) -> list[str]:
    """Common English words the wildcard ``stem*`` matches that are no form of ``stem`` (most
    frequent first): ``eas`` gives east, eastern, easter; ``sanction`` gives none."""
    import bisect

    words = _common_words()  # first: says which extra to install when wordfreq is missing
    import wordfreq

    lo = bisect.bisect_left(words, stem)
    hi = bisect.bisect_left(words, stem + "\x7f")
    found = []
    for word in words[lo:hi]:
        rest = word[len(stem):]
        if rest[:1] == stem[-1:] and rest[1:] in _FAMILY:  # a doubled consonant: drop, dropped
            continue
        if rest not in _FAMILY:
            found.append(word)
    return sorted(found, key=lambda w: -wordfreq.zipf_frequency(w, "en"))


class WildcardMatchesCommonWords(Check):
    """A wildcard on a short English stem runs on into unrelated words: ``eas*`` (eased, easing)
    also matches east, eastern and easter, so a story about Eastern Europe reads as an easing.
    Needs wordfreq's word list (the ``lint`` extra; ``test`` and ``all`` include it): without it
    the check finds nothing, so that a core install still loads and lints every rule folder."""

    code = "W412"
    bad = "en: ['eas*']"
    good = "en: [ease, eased, eases, easing]"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        if importlib.util.find_spec("wordfreq") is None:
            return
        for kind, key, sub, lang, terms in term_lists(index):
            if lang != "en":
                continue
            for k, term in enumerate(terms):
                read = read_term(term)
                stem = read.text.rsplit(" ", 1)[-1]
                if not read.wildcard or not stem.isascii() or not stem.isalpha():
                    continue
                words = outside_family(stem)
                if words:
                    shown = ", ".join(words[:4]) + (f" and {len(words) - 4} more" if len(words) > 4 else "")
                    yield self.problem(
                        index.at(kind, key, *sub, lang, k),
                        f"wildcard {term!r} also matches common English words outside its family: {shown}; "
                        "write the forms out",
                    )
