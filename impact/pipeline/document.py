"""A document at the edges of the pipeline: its publication time (checked, in UTC) going in, and
the one shape of a document that could not be evaluated coming out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from typing import Any

from impact.errors import ImpactError, InputError

_RELATIVE_TIMES = frozenset({"now", "today", "tomorrow", "yesterday"})


def parse_published(value: Any) -> str | None:
    """A document's ``published_at`` as ISO 8601 UTC text (``...Z``), None when absent; InputError
    for what is no absolute date or time (a bare number, 'today', an unreadable or far date)."""
    if value is None or value == "":
        return None
    import numbers

    import pandas as pd

    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        # a bare number is no date: pandas would read 1751340660 as nanoseconds after 1970
        if pd.isna(value):
            return None
        raise InputError(
            f"published_at {value!r} is a number, not a date or time (give ISO 8601 text such as "
            "2025-07-01T03:31:00Z; convert epoch seconds first)"
        )
    if isinstance(value, str) and value.strip().lower() in _RELATIVE_TIMES:
        # pandas reads these as the clock's time: a report would depend on when it was made
        raise InputError(f"published_at {value!r} is relative to now, not a date or time (give ISO 8601 text)")
    try:
        if pd.isna(value):
            return None
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InputError(f"published_at {value!r} is not a date or time: {exc}") from None
    if ts is pd.NaT:  # the text 'NaT'
        return None
    utc = ts.tz_convert(timezone.utc).tz_localize(None) if ts.tzinfo is not None else ts
    if not pd.Timestamp.min <= utc <= pd.Timestamp.max:
        # outside what a frame's datetime column holds (1677-2262, in UTC): a typo, not news
        raise InputError(f"published_at {value!r} is outside the years 1677 to 2262")
    if ts.tzinfo is None:
        ts = ts.tz_localize(timezone.utc)
    return ts.tz_convert(timezone.utc).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class DocumentFailure:
    """A document that could not be evaluated, and why: the one shape every caller reports.

    ``Engine.evaluate_many`` yields it as ``{"id", "error"}``, a batch writes it as
    ``{"id", "line", "error"}`` (the line it was read from), a frame as an error row. The
    reason of a failure that is no :class:`ImpactError` (a bug, a rule whose action fails) starts
    with ``internal error:``: one bad document never costs the others.
    """

    id: Any
    error: str
    line: int | None = None  # the line (or row) of a batch it was read from

    @classmethod
    def of(cls, exc: BaseException, id: Any, line: int | None = None) -> "DocumentFailure":
        if isinstance(exc, ImpactError):
            return cls(id, str(exc), line)
        return cls(id, f"internal error: {type(exc).__name__}: {exc}", line)

    def to_dict(self) -> dict[str, Any]:
        if self.line is None:
            return {"id": self.id, "error": self.error}
        return {"id": self.id, "line": self.line, "error": self.error}


def attempt(engine: Any, text: Any, doc_id: Any = None, published_at: Any = None, line: int | None = None) -> Any:
    """``engine.evaluate(...)``'s report, or the document's :class:`DocumentFailure` instead of
    the exception: the one place a batch, a frame and ``evaluate_many`` catch what a document
    raises (``engine``: anything with ``evaluate``, such as a ReloadingEngine)."""
    try:
        return engine.evaluate(text, doc_id=doc_id, published_at=published_at)
    except Exception as exc:  # noqa: BLE001 - DocumentFailure.of says whether it was a bug
        return DocumentFailure.of(exc, doc_id, line)
