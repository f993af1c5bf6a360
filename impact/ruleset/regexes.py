"""Author regexes run on RE2: linear time, so no pattern can hang the engine."""

from __future__ import annotations

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
