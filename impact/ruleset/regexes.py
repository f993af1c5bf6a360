"""Author regexes run on RE2: linear time, so no pattern can hang the engine."""

from __future__ import annotations

from collections.abc import Callable

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors are reported as rule problems, not logged to stderr


class RegexError(ValueError):
    pass


def compile_regex(pattern: str):
    """Compile with RE2; raise RegexError with RE2's message if the pattern is not valid RE2."""
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise RegexError(str(detail)) from None


def found_in(rx) -> Callable[[str], bool]:
    """A test of whether the compiled ``rx`` matches anywhere in a text, for the hot path: RE2's
    own match call on the UTF-8 text when the binding exposes it (no match object is built and
    no byte offset translated back: 2.5 times cheaper), else ``rx.search``. The match call is
    tried on two texts first and must agree with ``search`` there: a binding whose internals
    changed gets ``search``."""
    raw = getattr(rx, "_regexp", None)
    anchor = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
    match = getattr(raw, "Match", None)

    def by_search(text: str) -> bool:
        return rx.search(text) is not None

    if match is None or anchor is None:
        return by_search

    def by_match(text: str) -> bool:
        data = text.encode("utf-8")
        return match(anchor, data, 0, len(data))[0][0] >= 0

    try:
        if all(by_match(probe) == by_search(probe) for probe in ("", "金价 gold 1.5%")):
            return by_match
    except Exception:  # noqa: BLE001 - any surprise from the binding: the public call serves
        pass
    return by_search
