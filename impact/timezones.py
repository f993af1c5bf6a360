"""Naive publication times: read in a time zone the caller names, or as UTC with a warning.

A time without an offset (``2025-07-01 11:31``) is read as UTC unless a time zone is given:
``engine.evaluate_frame(df, tz="Asia/Shanghai")``, ``impact evaluate --tz Asia/Shanghai``.
Chinese feeds often give naive Beijing time: read as UTC, it is eight hours late, which moves a
document to another session in ``study`` and ``timeline``. When naive times are read as UTC, the
frame functions warn once per call (:class:`NaiveTimeWarning`) and the CLI prints one line on
stderr. Times with an offset or a ``Z`` are never changed by ``tz``.
"""

from __future__ import annotations

import warnings
from datetime import datetime, tzinfo
from typing import Any, Iterable

from impact.errors import InputError


class NaiveTimeWarning(UserWarning):
    """Publication times without an offset were read as UTC (give ``tz=`` for local times)."""


def time_zone(name: str | tzinfo | None) -> tzinfo | None:
    """The tzinfo of a zone name (``Asia/Shanghai``, ``UTC``, ``+08:00``); InputError if unknown."""
    if name is None or isinstance(name, tzinfo):
        return name
    import pandas as pd

    try:
        return pd.Timestamp("2025-01-01").tz_localize(name).tzinfo
    except Exception:  # pytz, zoneinfo and dateutil each raise their own kind for unknown names
        raise InputError(f"unknown time zone {name!r} (give an IANA name such as Asia/Shanghai, or UTC)") from None


def is_naive(value: Any) -> bool:
    """Whether ``value`` is a readable date or time without a zone (missing or unreadable: False)."""
    if value is None or isinstance(value, (bool, int, float)):
        return False
    if isinstance(value, datetime):
        return value.tzinfo is None
    if not isinstance(value, str) or not value.strip():
        return False
    import pandas as pd

    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return False  # the engine says why it is no time
    return ts is not pd.NaT and ts.tzinfo is None


def localize(value: Any, tz: tzinfo | None) -> Any:
    """``value`` with a naive time read in ``tz`` (ISO 8601 text with its offset); anything else as it is."""
    if tz is None or not is_naive(value):
        return value
    import pandas as pd

    try:
        return pd.Timestamp(value).tz_localize(tz, ambiguous="raise", nonexistent="raise").isoformat()
    except Exception as exc:  # a time that a clock change skips or repeats
        raise InputError(f"published_at {value!r} cannot be read in {tz}: {exc}") from None


def warn_naive(values: Iterable[Any], tz: tzinfo | None) -> int:
    """Warn once (NaiveTimeWarning) when naive times are read as UTC; returns how many there were."""
    if tz is not None:
        return 0
    n = sum(1 for v in values if is_naive(v))
    if n:
        warnings.warn(naive_message(n), NaiveTimeWarning, stacklevel=_caller_level())
    return n


def _caller_level() -> int:
    """The stack level of the first caller outside this package (the user's line)."""
    import inspect
    import os

    package = os.path.dirname(os.path.abspath(__file__))
    here = inspect.currentframe()
    level, frame = 1, here.f_back if here is not None else None
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def naive_message(n: int, option: str = "tz=") -> str:
    return (f"{n:,} publication time{'s' if n != 1 else ''} without a time zone read as UTC; "
            f"give {option} (e.g. Asia/Shanghai) if the feed is in local time")


def records_in_zone(records: Iterable[Any], tz: tzinfo | None, on_naive: Any = None) -> Iterable[Any]:
    """Batch records (impact.batch.Record) with naive ``published_at`` read in ``tz``; a time the
    zone cannot read (skipped or repeated by a clock change) makes the record an error record.
    Without ``tz``, ``on_naive(record)`` is called for the first naive time (read as UTC), so that a
    stream (``tail -f feed | impact evaluate -``) is warned at once, not at its end."""
    import dataclasses

    warned = False
    for rec in records:
        if rec.error is None and is_naive(rec.published_at):
            if tz is not None:
                try:
                    rec = dataclasses.replace(rec, published_at=localize(rec.published_at, tz))
                except InputError as exc:
                    rec = dataclasses.replace(rec, error=str(exc))
            elif not warned and on_naive is not None:
                warned = True
                on_naive(rec)
        yield rec


def naive_warning_line(rec: Any) -> str:
    """The CLI's one line when naive times are read as UTC (at the first of them)."""
    return (f"warning: published_at {rec.published_at!r} (line {rec.line}) has no time zone: times without one "
            f"are read as UTC; give --tz ZONE (e.g. Asia/Shanghai) if the feed is in local time")
