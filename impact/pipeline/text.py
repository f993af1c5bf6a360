"""Text: NFKC/full-width normalisation with an offset map, and zh/en sentence and clause segmentation.

Matching runs on the normalised text; every citation is mapped back to the original input so
that ``original[start:end]`` is the sentence as the reader saw it.
"""

from __future__ import annotations

import bisect
import itertools
import re
import string
import unicodedata
from dataclasses import dataclass

# an English term's word characters (a hit next to one is inside a word), and the letters a
# wildcard term runs on through
LETTERS = frozenset(string.ascii_letters)
WORD_CHARS = frozenset(string.ascii_letters + string.digits)


def is_word_char(ch: str) -> bool:
    return ch in WORD_CHARS


_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
# language detection counts letters: ideographs against Latin letters, full-width ones (Ｇｏｌｄ) too
_CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_RUN_RE = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]+")

# A line break with CJK on both sides is a wrap: drop it. Any other lone line break is a space.
_WRAP_RE = re.compile(r"(?<=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f])[ \t]*\r?\n[ \t]*(?=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f])")


_LONE_CR_RE = re.compile(r"\r(?!\n)")

# combining marks that compose with the character before them ("e" + U+0301 -> "é", "か" + U+3099
# -> "が"): folding one character at a time would leave them apart, and a composed term unmet
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a"
_MARK_RE = re.compile(f"[{_MARKS}]")
_CLUSTER_RE = re.compile(f"[^\\s{_MARKS}][{_MARKS}]+")


# characters that show as nothing inside a word: folded away (an edit of the offset map, so
# citations keep the original text), so that 上\u200b涨 and ro\u00adse read as the words they show
INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")


def _char_map(ch: str) -> str:
    if ch.isspace() and ch != "\n":  # tab, carriage return, no-break and ideographic spaces...
        return " "
    if ch in INVISIBLE:
        return ""
    return unicodedata.normalize("NFKC", ch).lower()


class _Fold(dict):
    """The ``str.translate`` table of normalisation, shared by every document and learnt one
    character at a time: ord -> the one character it becomes, for every character seen so far
    (those that stay themselves included, so that translate never calls back for them). A
    character seen for the first time is worked out in ``__missing__``. One that becomes several
    characters (or none) stays itself here and is listed in ``special``."""

    LIMIT = 200_000  # distinct characters remembered; past it, new ones are worked out each time

    def __init__(self) -> None:
        super().__init__()
        self.special: dict[str, str] = {}  # only ever grows
        # the pattern of the specials with how many it was built from: threads share this table,
        # and a pattern older than ``special`` is rebuilt, never trusted (no reset flag to race on)
        self._special_re: tuple[int, re.Pattern] | None = None

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        mapped = _char_map(ch)
        if len(mapped) != 1:
            self.special.setdefault(ch, mapped)
            mapped = ch
        if len(self) < self.LIMIT:
            self[code] = mapped
        return mapped

    def specials_in(self, text: str) -> dict[str, str]:
        """The characters of ``text`` that become several characters (or none), with what they become."""
        special = self.special
        if not special:
            return {}
        cached = self._special_re
        if cached is None or cached[0] != len(special):
            known = list(special)  # a snapshot: a special added meanwhile makes the length differ
            cached = self._special_re = (len(known), re.compile("[" + "".join(map(re.escape, known)) + "]"))
        return {c: special[c] for c in set(cached[1].findall(text))}


_FOLD = _Fold()

# The same table indexed by code point for the Basic Multilingual Plane: ``str.translate`` looks a
# character up in a list twice as fast as in a dict. A character not yet seen holds _UNSEEN, which
# translate refuses (TypeError): the document's characters are then learnt from _FOLD and the
# translation runs again. Characters past the BMP (the list would raise IndexError, which
# translate reads as "unchanged") go through _FOLD itself.
_UNSEEN = object()
_BMP: list = [_UNSEEN] * 0x10000
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


def _translate_bmp(text: str) -> str:
    try:
        return text.translate(_BMP)
    except TypeError:  # a character seen for the first time
        for ch in set(text):
            code = ord(ch)
            if _BMP[code] is _UNSEEN:
                _BMP[code] = _FOLD[code]
        return text.translate(_BMP)


# ASCII text folds by str.lower() (NFKC leaves ASCII as it is); its white space other than
# space and newline (tab, carriage return, form feed, the separators \x1c-\x1f) becomes a space
_ASCII_SPACE_RE = re.compile("[\t\x0b\x0c\r\x1c-\x1f]")
_ASCII_SPACE = {c: " " for c in (9, 11, 12, 13, 28, 29, 30, 31)}


def _fold(text: str) -> str:
    if text.isascii():  # O(1) in CPython: the fast path of most English news
        folded = text.lower()
        if _ASCII_SPACE_RE.search(folded) is not None:
            folded = folded.translate(_ASCII_SPACE)
    elif _ASTRAL_RE.search(text) is None:  # (max(text) would build a string per character)
        folded = _translate_bmp(text)  # every other white-space character is a space already
    else:
        folded = text.translate(_FOLD)
    # line breaks become spaces (1:1); CJK wraps are removed as edits, paragraph breaks put back
    if "\n" in text:
        folded = folded.replace("\n", " ")
    return folded


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

    @property
    def plain(self) -> bool:
        """Whether every position maps to itself (nothing was replaced or dropped)."""
        return self.norm_len == self.orig_len and len(self.norm_starts) == 1 and self.identity[0]

    def span(self, a: int, b: int) -> tuple[int, int]:
        """The original span of the normalised span [a, b)."""
        return self.start(a), self.end(b)

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


_PLAIN_MAPS: dict[tuple[int, int], OffsetMap] = {}


def _plain_map(norm_len: int, orig_len: int) -> OffsetMap:
    """The identity map of a text of this length: immutable, so one per length serves every
    document (a few thousand lengths remembered)."""
    key = (norm_len, orig_len)
    found = _PLAIN_MAPS.get(key)
    if found is None:
        found = OffsetMap((0,), (0,), (True,), norm_len, orig_len)
        if len(_PLAIN_MAPS) < 4096:
            _PLAIN_MAPS[key] = found
    return found


def _is_wrap_side(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u3000" <= ch <= "\u303f"


def _wraps(text: str) -> list[tuple[int, int]]:
    """The spans of _WRAP_RE in ``text``, found from each newline outwards (a regex with a
    look-behind tries every position of the text; a page has a few dozen newlines)."""
    out = []
    n = len(text)
    i = text.find("\n")
    while i >= 0:
        a = i - 1 if i > 0 and text[i - 1] == "\r" else i
        while a > 0 and text[a - 1] in " \t":
            a -= 1
        b = i + 1
        while b < n and text[b] in " \t":
            b += 1
        if a > 0 and b < n and _is_wrap_side(text[a - 1]) and _is_wrap_side(text[b]):
            out.append((a, b))
        i = text.find("\n", i + 1)
    return out


def _space_runs(text: str, folded: str, drops: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Runs of white space to squeeze into one space: not a paragraph break, not a CJK wrap, so
    that "rate  cuts", "under\\r\\npressure" or "weighed\\n    on" match the terms "rate cuts",
    "under pressure", "weighed on". In ``folded`` every white-space character is a space (1:1),
    so a run is a run of spaces there, found by substring search (a regex would try every
    position of the text)."""
    out: list[tuple[int, int, str]] = []
    drop_starts = [a for a, _ in drops]
    n = len(folded)
    a = folded.find("  ")
    while a >= 0:
        b = a + 2
        while b < n and folded[b] == " ":
            b += 1
        k = bisect.bisect_left(drop_starts, b)  # a wrap that starts before b and ends after a
        if not (k and drops[k - 1][1] > a) and not ("\n" in text[a:b] and _PARA_RE.search(text, a, b)):
            out.append((a, b, " "))
        a = folded.find("  ", b)
    return out


def _composed(text: str) -> list[tuple[int, int, str]]:
    """A character with the combining marks after it, where composing them (NFKC of the whole
    cluster) reads otherwise than folding each alone: (start, end, composed) in ``text``."""
    out = []
    for m in _CLUSTER_RE.finditer(text):
        cluster = m.group()
        composed = unicodedata.normalize("NFKC", cluster).lower()
        if composed != "".join(_char_map(c) for c in cluster):
            out.append((m.start(), m.end(), composed))
    return out


def normalise(text: str) -> tuple[str, OffsetMap]:
    """NFKC + lower case + full-width folding per character, a character and its combining marks
    composed, white space as spaces (one for a run), CJK line wraps joined, paragraph breaks
    kept; returns (normalised, map)."""
    if text.isascii() and "\n" not in text:  # one line of ASCII: lower case is the whole job
        folded = text.lower()
        if "  " not in folded and _ASCII_SPACE_RE.search(folded) is None:
            return folded, _plain_map(len(folded), len(text))
    folded = _fold(text)  # learns the characters it has not seen (specials among them)
    if text.isascii():  # no ASCII character becomes several, none is a combining mark
        special: dict[str, str] = {}
        clusters: list[tuple[int, int, str]] = []
    else:
        special = _FOLD.specials_in(text)
        clusters = _composed(text) if _MARK_RE.search(text) else []
    # line breaks as the reader sees them: a carriage return alone (old Mac files) is one too
    lines = _LONE_CR_RE.sub("\n", text) if "\r" in text else text
    drops = _wraps(lines) if "\n" in lines else []
    squeezed = _space_runs(lines, folded, drops) if "  " in folded else []
    # keep paragraph breaks: a blank line stays a newline pair in the normalised text. Folding maps
    # every character to one (a special stays itself here) and no paragraph break overlaps an edit
    # below, so ``base[a:b]`` is the normalised form of ``text[a:b]`` between edits.
    base = _restore_paragraphs(lines, folded) if "\n" in lines else folded
    if not special and not drops and not squeezed and not clusters:
        return base, _plain_map(len(base), len(text))
    # slow path: rebuild with explicit segments
    edits: list[tuple[int, int, str]] = [(a, b, "") for a, b in drops] + squeezed + clusters
    if special:
        pattern = re.compile("|".join(re.escape(c) for c in sorted(special, key=len, reverse=True)))
        for m in pattern.finditer(text):
            if not any(a <= m.start() < b for a, b in drops) and not any(a <= m.start() < b for a, b, _ in clusters):
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
            parts.append(base[opos:a])
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
        parts.append(base[opos:])
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
    if head.isascii():  # O(1) in CPython: no CJK, so only whether there is a letter at all
        return "en" if _LATIN_RUN_RE.search(head) else "und"
    # runs, not single characters: a few matches per line instead of one per character
    cjk = sum(map(len, _CJK_RUN_RE.findall(head)))
    latin = sum(map(len, _LATIN_RUN_RE.findall(head)))
    if cjk == 0 and latin == 0:
        return "und"
    if cjk * 2 >= latin:
        return "zh"
    return "en" if cjk == 0 or latin > cjk * 10 else "mixed"


class Sentence:
    """A sentence in normalised coordinates. Its clause starts are found when first asked for
    (only sentences that hold a trigger ever are)."""

    __slots__ = ("index", "start", "end", "_text", "_clauses")

    def __init__(self, index: int, start: int, end: int, text: str = "", clauses: tuple[int, ...] | None = None):
        self.index = index
        self.start = start
        self.end = end
        self._text = text  # the normalised document, for the clauses
        self._clauses = clauses

    @property
    def clauses(self) -> tuple[int, ...]:
        """Start positions of the clauses, the first one == start."""
        clauses = self._clauses
        if clauses is None:
            clauses = self._clauses = _clause_starts(self._text, self.start, self.end)
        return clauses

    def clause_span(self, pos: int) -> tuple[int, int]:
        clauses = self.clauses
        i = bisect.bisect_right(clauses, pos) - 1
        a = clauses[max(i, 0)]
        b = clauses[i + 1] if i + 1 < len(clauses) else self.end
        return a, b

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sentence):
            return NotImplemented
        return (self.index, self.start, self.end, self.clauses) == (other.index, other.start, other.end, other.clauses)

    def __hash__(self) -> int:
        return hash((self.index, self.start, self.end))

    def __repr__(self) -> str:
        return f"Sentence(index={self.index}, start={self.start}, end={self.end}, clauses={self.clauses})"


_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr inc co corp ltd plc vs etc e.g i.e u.s u.k u.n jan feb mar apr jun jul aug sep sept oct "
    "nov dec no approx est fig gov sen rep dept univ mt ft bros".split()
)

# Sentence ends: CJK terminators and ! ? always; ';' next to CJK; '.' before white space or CJK.
# (every branch starts with its end character, so the regex engine skips ahead to candidates)
_END_RE = re.compile(
    r"[。!?]+(?:[\"'”’」』)\]])*"
    r"|;(?:(?=\s*[\u3400-\u9fff])|(?<=[\u3400-\u9fff\"”」』)];))"
    r"|\.(?:[\"'”’)\]])*(?=\s|$|[\u3400-\u9fff])"
    r"|\n\s*\n"
)
# a comma ends a clause unless it sits between two digits (1,000); one branch per first
# character, which the regex engine scans twice as fast as a look-behind branch of its own
_CLAUSE_RE = re.compile(r"[、:;()\[\]]|,(?:(?<![0-9],)|(?![0-9]))| [-—] |——")
_WORD_BEFORE_DOT = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
# "no." is an abbreviation only before a number ("No. 5"), else the word ending a sentence ("The
# Fed said no. Gold rallied."). Month abbreviations stay abbreviations before words as well:
# "a Dec. rate cut", "Oct. CPI data" are far commoner in news than a sentence ending in one.
_NUMBER_NEXT = re.compile(r"\s*[0-9]")


def _clause_starts(norm: str, a: int, b: int) -> tuple[int, ...]:
    clauses = [a]
    for m in _CLAUSE_RE.finditer(norm, a, b):
        c = m.end()
        while c < b and norm[c].isspace():
            c += 1
        if clauses[-1] < c < b:
            clauses.append(c)
    return tuple(clauses)


def segment(norm: str) -> list[Sentence]:
    """Split normalised text into sentences (no empty ones), each with clause boundaries."""
    sentences: list[Sentence] = []
    start = 0
    n = len(norm)

    for m in itertools.chain(_END_RE.finditer(norm), (None,)):  # None: the text after the last end
        if m is None:
            if start >= n:
                break
            at = end = n
            first = ""
        else:
            at, end = m.span()
            first = norm[at]
        if first == ".":
            w = _WORD_BEFORE_DOT.search(norm, max(start, at - 12), at + 1)
            if w:
                word = w.group(1).lower()
                if (word in _ABBREVIATIONS and (word != "no" or _NUMBER_NEXT.match(norm, at + 1))) or (
                    len(word) == 1 and word.isalpha()
                ):
                    continue
        chunk = norm[start : at if first == "\n" else end]
        stripped = chunk.strip()  # the same white space as str.isspace()
        if stripped:
            a = start + len(chunk) - len(chunk.lstrip()) if chunk[0].isspace() else start
            sentences.append(Sentence(len(sentences), a, a + len(stripped), norm))
        start = end
    return sentences


# A digest lists separate news items: "国内新闻：1. ... 2. ...", "1) ... 2) ...", or bullet lines.
# Read on the original text (normalising folds line breaks and circled numbers). A number marker
# starts the text or a line, or follows a sentence end or a colon; numbered items count up from 1
# (a section may start again at 1). Bullets start a line.
_ITEM_RE = re.compile(
    r"(?:^|(?<=[\n。．.!?！？;；:：]))[ \t\u3000]*(?P<n>[0-9０-９]{1,2})(?:[.．、]|\s*[)）])(?![0-9０-９])"
    r"|(?P<c>[\u2460-\u2473])"
    r"|^[ \t\u3000]*(?P<b>[•●■◆▪\-*])[ \t\u3000]",
    re.MULTILINE,
)


_CIRCLED_PAST_ONE = re.compile("[\u2461-\u2473]")


def digest_items(text: str) -> tuple[int, ...]:
    """Start offsets (in ``text`` as given) of the items of a digest, numbered or bulleted news
    items, or () when the text is not one: at least an item 1 and an item 2, two circled numbers
    or two bullet lines."""
    # what each needs in the text: a 1 and a 2, a circled number past ①, a line break (a second
    # bullet starts a line): most documents have none of these and are no digest
    if "\n" not in text and not (("1" in text or "１" in text) and ("2" in text or "２" in text)) \
            and _CIRCLED_PAST_ONE.search(text) is None:
        return ()
    return _items_by_pattern(text)


def _items_by_pattern(text: str) -> tuple[int, ...]:
    """digest_items without its quick look: every match of the item pattern examined."""
    starts: list[int] = []
    expect = 1
    seen_two = False
    bullets = 0
    for m in _ITEM_RE.finditer(text):
        if m.group("n") is not None:
            k = int(unicodedata.normalize("NFKC", m.group("n")))
            if k == 1:
                expect = 2
            elif k == expect:
                expect += 1
                seen_two = True
            else:
                continue
        elif m.group("c") is not None:
            seen_two = seen_two or m.group("c") != "\u2460"
        else:
            bullets += 1
        starts.append(m.start())
    if len(starts) < 2 or not (seen_two or bullets >= 2):
        return ()
    return tuple(starts)
