"""Text: NFKC/full-width normalisation with an offset map, and zh/en sentence and clause segmentation.

Matching runs on the normalised text; every citation is mapped back to the original input so
that ``original[start:end]`` is the sentence as the reader saw it.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_RE = re.compile(f"[{_CJK}]")
_LATIN_RE = re.compile(r"[A-Za-z]")

# A line break with CJK on both sides is a wrap: drop it. Any other lone line break is a space.
_WRAP_RE = re.compile(r"(?<=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f])[ \t]*\r?\n[ \t]*(?=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f])")


def _char_map(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).lower()


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps positions of the normalised text back to the original text.

    Stored as segments: ``norm_starts[i]`` in the normalised text corresponds to
    ``orig_starts[i]`` in the original; inside an identity segment positions advance together,
    inside a replaced segment (one original character became several, or none) they do not.
    """

    norm_starts: tuple[int, ...]
    orig_starts: tuple[int, ...]
    identity: tuple[bool, ...]
    norm_len: int
    orig_len: int

    def start(self, n: int) -> int:
        """Original position of the character at normalised position ``n``."""
        if n >= self.norm_len:
            return self.orig_len
        i = bisect.bisect_right(self.norm_starts, n) - 1
        if self.identity[i]:
            return self.orig_starts[i] + (n - self.norm_starts[i])
        return self.orig_starts[i]

    def end(self, n: int) -> int:
        """Original end (exclusive) of a span ending at normalised position ``n`` (exclusive)."""
        if n <= 0:
            return 0
        i = bisect.bisect_right(self.norm_starts, n - 1) - 1
        if self.identity[i]:
            return self.orig_starts[i] + (n - self.norm_starts[i])
        nxt = self.orig_starts[i + 1] if i + 1 < len(self.orig_starts) else self.orig_len
        return nxt


def normalise(text: str) -> tuple[str, OffsetMap]:
    """NFKC + lower case + full-width folding, line wraps joined; returns (normalised, map)."""
    table: dict[int, str] = {}
    special: dict[str, str] = {}
    for ch in set(text):
        mapped = _char_map(ch)
        if mapped == ch:
            continue
        if len(mapped) == 1:
            table[ord(ch)] = mapped
        else:
            special[ch] = mapped
    if "\n" in text:
        # lone newlines become spaces (1:1); CJK wraps are removed below as specials
        table[ord("\n")] = " "
        table.setdefault(ord("\r"), " ")
    drops = [(m.start(), m.end()) for m in _WRAP_RE.finditer(text)] if "\n" in text else []
    # keep paragraph breaks: a blank line stays a newline pair in the normalised text
    if not special and not drops:
        norm = _restore_paragraphs(text, text.translate(table))
        return norm, OffsetMap((0,), (0,), (True,), len(norm), len(text))
    # slow path: rebuild with explicit segments
    edits: list[tuple[int, int, str]] = [(a, b, "") for a, b in drops]
    if special:
        pattern = re.compile("|".join(re.escape(c) for c in sorted(special, key=len, reverse=True)))
        for m in pattern.finditer(text):
            if not any(a <= m.start() < b for a, b in drops):
                edits.append((m.start(), m.end(), special[m.group()]))
    edits.sort()
    parts: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    identity: list[bool] = []
    npos = 0
    opos = 0
    for a, b, repl in edits:
        if a > opos:
            norm_starts.append(npos)
            orig_starts.append(opos)
            identity.append(True)
            chunk = text[opos:a]
            parts.append(_restore_paragraphs(chunk, chunk.translate(table)))
            npos += a - opos
        norm_starts.append(npos)
        orig_starts.append(a)
        identity.append(False)
        parts.append(repl)
        npos += len(repl)
        opos = b
    if opos < len(text) or not norm_starts:
        norm_starts.append(npos)
        orig_starts.append(opos)
        identity.append(True)
        chunk = text[opos:]
        parts.append(_restore_paragraphs(chunk, chunk.translate(table)))
        npos += len(text) - opos
    norm = "".join(parts)
    return norm, OffsetMap(tuple(norm_starts), tuple(orig_starts), tuple(identity), len(norm), len(text))


_PARA_RE = re.compile(r"\n[ \t\r\f\v]*\n")


def _restore_paragraphs(original: str, translated: str) -> str:
    """Put back the newlines of blank-line paragraph breaks (same length, so offsets hold)."""
    if "\n" not in original:
        return translated
    pieces: list[str] = []
    last = 0
    for m in _PARA_RE.finditer(original):
        a, b = m.start(), m.end()
        pieces += (translated[last:a], "\n", translated[a + 1 : b - 1], "\n")
        last = b
    if not pieces:
        return translated
    pieces.append(translated[last:])
    return "".join(pieces)


def detect_language(text: str) -> str:
    head = text[:20000]
    cjk = _CJK_RE.subn("", head)[1]  # counts without building a list of one-character strings
    latin = _LATIN_RE.subn("", head)[1]
    if cjk == 0 and latin == 0:
        return "und"
    if cjk * 2 >= latin:
        return "zh"
    return "en" if cjk == 0 or latin > cjk * 10 else "mixed"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence in normalised coordinates, with its clause starts."""

    index: int
    start: int
    end: int
    clauses: tuple[int, ...]  # start positions of clauses, first == start

    def clause_span(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.clauses, pos) - 1
        a = self.clauses[max(i, 0)]
        b = self.clauses[i + 1] if i + 1 < len(self.clauses) else self.end
        return a, b


_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr inc co corp ltd plc vs etc e.g i.e u.s u.k u.n jan feb mar apr jun jul aug sep sept oct "
    "nov dec no approx est fig gov sen rep dept univ mt ft bros".split()
)

# Sentence ends: CJK terminators and ! ? always; ';' next to CJK; '.' before white space or CJK.
_END_RE = re.compile(
    r"[。!?](?:[\"'”’」』)\]])*"
    r"|;(?=\s*[\u3400-\u9fff])|(?<=[\u3400-\u9fff\"”」』)]);"
    r"|\.(?:[\"'”’)\]])*(?=\s|$|[\u3400-\u9fff])"
    r"|\n\s*\n"
)
_CLAUSE_RE = re.compile(r"[、:;()\[\]]|(?<![0-9]),|,(?![0-9])| - | — |——")
_WORD_BEFORE_DOT = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def segment(norm: str) -> list[Sentence]:
    """Split normalised text into sentences (no empty ones), each with clause boundaries."""
    sentences: list[Sentence] = []
    start = 0
    n = len(norm)

    def emit(a: int, b: int) -> None:
        while a < b and norm[a].isspace():
            a += 1
        while b > a and norm[b - 1].isspace():
            b -= 1
        if a >= b:
            return
        clauses = [a]
        for m in _CLAUSE_RE.finditer(norm, a, b):
            c = m.end()
            while c < b and norm[c].isspace():
                c += 1
            if clauses[-1] < c < b:
                clauses.append(c)
        sentences.append(Sentence(len(sentences), a, b, tuple(clauses)))

    for m in _END_RE.finditer(norm):
        end = m.end()
        if m.group().startswith("."):
            w = _WORD_BEFORE_DOT.search(norm, max(start, m.start() - 12), m.start() + 1)
            if w:
                word = w.group(1).lower()
                if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                    continue
        if m.group().startswith("\n"):
            emit(start, m.start())
        else:
            emit(start, end)
        start = end
    if start < n:
        emit(start, n)
    return sentences
