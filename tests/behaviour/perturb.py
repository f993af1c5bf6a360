"""Perturbations that must not change a call (invariance), and helpers to build cases."""

from __future__ import annotations

import random
from collections.abc import Iterable

from .fillers import ALIASES, CITIES, DATELINES, PLACE_TAGS, REGIONS, UNRELATED
from .model import Case

_FULL = {",": "，", ";": "；", ":": "：", "%": "％", "(": "（", ")": "）", "!": "！", "?": "？"}
_CJK_STOP = "。"


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def join(lang: str, *sentences: str) -> str:
    return (" " if lang == "en" else "").join(s for s in sentences if s)


def fullwidth(text: str, lang: str) -> str:
    """Full-width punctuation: what Chinese sources print, also around English text."""
    out = "".join(_FULL.get(ch, ch) for ch in text)
    if lang == "zh":  # full-width digits too, as some Chinese feeds print them
        out = "".join(chr(ord(ch) + 0xFEE0) if "0" <= ch <= "9" else ch for ch in out)
        out = out.replace(".", "．")
    else:
        out = out.replace(", ", "，").replace(". ", "。").rstrip(".") + ("。" if out.endswith(".") else "")
    return out


def _protected(text: str) -> set[int]:
    """Positions inside a known name, where a line break would cut a word in two."""
    cut: set[int] = set()
    terms = [a for langs in ALIASES.values() for names in langs.values() for a in names]
    terms += [r for rs in REGIONS.values() for r in rs] + [c for cs in CITIES.values() for c in cs]
    lower = text.lower()
    for term in terms:
        start = lower.find(term.lower())
        while start >= 0:
            cut.update(range(start + 1, start + len(term)))
            start = lower.find(term.lower(), start + 1)
    return cut


def wrap(text: str, lang: str) -> str:
    """A line break in the middle of the first sentence, as in text copied from a fixed-width page."""
    cut = _protected(text)
    mid = len(text) // 2
    if lang == "en":
        spaces = [i for i, ch in enumerate(text) if ch == " " and i not in cut]
        if not spaces:
            return text
        i = min(spaces, key=lambda i: abs(i - mid))
        return text[:i] + "\n" + text[i + 1:]
    spots = [i for i in range(1, len(text) - 1) if i not in cut and text[i - 1] not in "。！？\n"
             and not text[i - 1].isdigit() and not text[i].isdigit() and text[i] not in "%，。"]
    if not spots:
        return text
    i = min(spots, key=lambda i: abs(i - mid))
    return text[:i] + "\n" + text[i:]


def add_unrelated(text: str, lang: str, rng: random.Random) -> str:
    extra = rng.choice(UNRELATED[lang])
    return join(lang, extra, text) if rng.random() < 0.5 else join(lang, text, extra)


def add_place(text: str, lang: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        region = rng.choice(REGIONS[lang])
        tag = rng.choice(PLACE_TAGS[lang]).format(region=region, desk=region.removeprefix("the "))
        return join(lang, text, tag)
    return rng.choice(DATELINES[lang]).format(city=rng.choice(CITIES[lang])) + text


def headline_case(text: str) -> str:
    """Wire-headline capitals: Every Word Capitalised (names such as LME keep their capitals)."""
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


PERTURBATIONS = {
    "place": lambda t, lang, rng: add_place(t, lang, rng),
    "unrelated": lambda t, lang, rng: add_unrelated(t, lang, rng),
    "wrap": lambda t, lang, rng: wrap(t, lang),
    "fullwidth": lambda t, lang, rng: fullwidth(t, lang),
    "headline case": lambda t, lang, rng: headline_case(t),
}
# the languages each perturbation applies to (Chinese has no letter case)
APPLIES = {"headline case": ("en",)}


class Builder:
    """Collects the cases of one capability in one language; deterministic for a given seed."""

    def __init__(self, capability: str, lang: str, seed: int = 13) -> None:
        self.capability = capability
        self.lang = lang
        self.rng = random.Random(f"{capability}/{lang}/{seed}")
        self.cases: list[Case] = []
        self._seen: set[tuple] = set()

    def _add(self, case: Case) -> None:
        if case.key not in self._seen:
            self._seen.add(case.key)
            self.cases.append(case)

    def pick(self, items: list, k: int) -> list:
        return self.rng.sample(items, min(k, len(items)))

    def choice(self, items: list):
        return self.rng.choice(items)

    def alias(self, asset: str, singular: bool = False) -> str:
        """An alias of ``asset``; ``singular``: none that takes a plural verb (gold prices, gold futures)."""
        names = ALIASES[asset][self.lang]
        if singular:
            names = [n for n in names if not n.endswith(("prices", "futures"))]
        return self.rng.choice(names)

    def mft(self, asset: str, text: str, expect: str, *, basis: str | None = None, other: str | None = None,
            name: str = "") -> None:
        self._add(Case(self.capability, self.lang, "MFT", asset, text, expect, basis=basis, other=other, name=name))

    def inv(self, asset: str, base: str, text: str, expect: str, *, name: str = "") -> None:
        if base != text:
            self._add(Case(self.capability, self.lang, "INV", asset, text, expect, base=base, base_expect=expect,
                           name=name))

    def dir(self, asset: str, base: str, base_expect: str, text: str, expect: str, *, relation: str | None = None,
            name: str = "") -> None:
        if base != text:
            self._add(Case(self.capability, self.lang, "DIR", asset, text, expect, base=base, base_expect=base_expect,
                           relation=relation, name=name))

    def invariances(self, asset: str, text: str, expect: str, kinds: Iterable[str] = tuple(PERTURBATIONS),
                    k: int | None = None) -> None:
        """INV cases: ``text`` under the standard perturbations (all, or ``k`` drawn at random)."""
        kinds = [kind for kind in kinds if self.lang in APPLIES.get(kind, (self.lang,))]
        if k is not None:
            kinds = self.pick(kinds, k)
        for kind in kinds:
            self.inv(asset, text, PERTURBATIONS[kind](text, self.lang, self.rng), expect, name=kind)
