"""What a document is before it is read: its publication time, checked and in UTC."""

from __future__ import annotations

from datetime import timezone
from typing import Any

from impact.errors import InputError

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
