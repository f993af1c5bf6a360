"""Daily price series: reading the CSV shapes met in practice, and aligning news times to sessions.

A price file is a table of one row per trading session: a date column and a close column. The
files met in practice differ in separator (``,`` ``;`` tab), in column names (``date``/``Date``/
``日期``; ``close``/``Close``/``value``/``收盘价``), in date format (``2025-07-01``,
``2025.07.01 00:00``, ``20250701``) and in gaps (empty values, weekend rows in daily index
files). :func:`read_prices` detects all of that and says what it chose; every choice can be
forced.

Alignment (:func:`align_sessions`) is the honest part: a session's close is ``date`` at
``close_time`` in ``tz``; a news item counts for the first session whose close is strictly
after it was published. So news after the close (or exactly at it) counts for the next session,
weekend and holiday news for the next trading day, and news in a stretch with no prices for
the next session that has a price, unless that is more than ``max_stale`` days later.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import time as dtime
from pathlib import Path
from typing import TYPE_CHECKING

from impact.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

DATE_NAMES = ("date", "datetime", "time", "timestamp", "trade_date", "trading_date", "day", "日期", "交易日期", "时间")
PRICE_NAMES = ("close", "adj close", "adj_close", "adjclose", "close_price", "closing price", "last", "price",
               "value", "settle", "收盘价", "收盘", "价格")
_DOTTED_DATE = re.compile(r"^\s*(\d{4})[./](\d{1,2})[./](\d{1,2})")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
# a time of day and the UTC offset after it: the offset is dropped, the date as written is the session's
_UTC_OFFSET = re.compile(r"^(.*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$")


@dataclass(frozen=True)
class PriceSeries:
    """Closes indexed by session date (tz-naive midnight), ascending, unique, positive."""

    close: "pd.Series"
    path: str
    date_column: str
    price_column: str
    separator: str
    dropped: int  # rows without a usable date or price, duplicates, weekend rows

    def describe(self) -> str:
        c = self.close
        span = f"{c.index[0]:%Y-%m-%d} .. {c.index[-1]:%Y-%m-%d}" if len(c) else "no rows"
        sep = {"\t": "tab"}.get(self.separator, repr(self.separator))
        return (f"{self.path}: {len(c):,} sessions {span}, date column {self.date_column!r}, "
                f"price column {self.price_column!r}, separator {sep}, {self.dropped:,} {'row' if self.dropped == 1 else 'rows'} dropped")


def _sniff_separator(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(",;\t|", key=first.count) if first else ","


def _pick(columns: list[str], wanted: str | None, names: tuple[str, ...], what: str, path: str) -> str | None:
    if wanted is not None:
        if wanted in columns:
            return wanted
        folded = {c.strip().lower(): c for c in columns}
        if wanted.strip().lower() in folded:
            return folded[wanted.strip().lower()]
        raise InputError(f"{path}: no {what} column {wanted!r} (columns: {', '.join(columns)})")
    folded = {c.strip().lower(): c for c in columns}
    for name in names:
        if name in folded:
            return folded[name]
    return None


def _parse_dates(values: "pd.Series") -> "pd.Series":
    """Session dates as written: a time and its UTC offset, if any, are dropped (``2025-07-01T00:00
    +08:00`` is the session of 1 July, also in a file whose rows carry different offsets)."""
    import pandas as pd

    text = values.astype("string").str.strip()
    dotted = text.str.match(_DOTTED_DATE.pattern, na=False)
    if dotted.any():
        text = text.where(~dotted, text.str.replace(_DOTTED_DATE.pattern, r"\1-\2-\3", regex=True))
    text = text.str.replace(_UTC_OFFSET.pattern, r"\1", regex=True)
    compact = text.str.fullmatch(r"\d{8}", na=False)
    try:
        out = pd.to_datetime(text.where(~compact), errors="coerce", format="mixed")
    except ValueError:  # offsets written in a way not stripped above, and not all the same
        # each value on its own, its offset dropped: the session is the date as written (in UTC
        # 20250701T000000+0800 would be 30 June)
        def as_written(value: str) -> "pd.Timestamp":
            try:
                ts = pd.Timestamp(value)
            except (ValueError, TypeError, OverflowError):
                return pd.NaT
            return ts.tz_localize(None) if ts.tzinfo is not None else ts

        out = pd.to_datetime(text.where(~compact).map(as_written, na_action="ignore"), errors="coerce")
    if compact.any():
        out = out.where(~compact, pd.to_datetime(text.where(compact), format="%Y%m%d", errors="coerce"))
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_localize(None)
    return out.dt.normalize()


def _parse_numbers(values: "pd.Series", separator: str) -> "pd.Series":
    import pandas as pd

    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    text = values.astype("string").str.strip()
    if separator != "," and text.str.fullmatch(_DECIMAL_COMMA.pattern, na=False).mean() > 0.5:
        text = text.str.replace(",", ".", regex=False)  # European decimal comma
    else:
        text = text.str.replace(",", "", regex=False)  # thousands separators
    return pd.to_numeric(text, errors="coerce").astype("float64")


def read_prices(
    path: str | Path,
    date_column: str | None = None,
    price_column: str | None = None,
    separator: str | None = None,
    drop_weekends: bool = True,
) -> PriceSeries:
    """Read a daily price CSV; separator and columns are detected unless given.

    Rows without a date or a positive price are dropped (a missing price is no session), so
    are Saturday and Sunday rows unless ``drop_weekends=False`` (daily index files carry
    weekend copies of Friday), and for duplicated dates the last row wins.
    """
    import pandas as pd

    shown = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{shown}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")  # Chinese vendors' exports
    if not text.strip():
        raise InputError(f"{shown}: the price file is empty")
    sep = separator or _sniff_separator(text[:8192])
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True)
    except Exception as exc:  # pandas raises several kinds for malformed tables
        raise InputError(f"{shown}: cannot read as a CSV table: {exc}") from None
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    if len(columns) < 2:
        raise InputError(f"{shown}: expected a date and a price column, found {columns} (separator {sep!r}; use --separator)")

    dcol = _pick(columns, date_column, DATE_NAMES, "date", shown)
    if dcol is None:  # the first column that reads as dates
        for col in columns:
            if _parse_dates(frame[col].head(50)).notna().mean() > 0.8:
                dcol = col
                break
    if dcol is None:
        raise InputError(f"{shown}: no date column found (columns: {', '.join(columns)}); use --date-column")
    pcol = _pick(columns, price_column, PRICE_NAMES, "price", shown)
    if pcol is None:
        numeric = [c for c in columns if c != dcol and _parse_numbers(frame[c].head(50), sep).notna().mean() > 0.8]
        if len(numeric) != 1:
            raise InputError(f"{shown}: cannot tell which column is the price ({', '.join(numeric) or 'none numeric'}); "
                             "use --price-column")
        pcol = numeric[0]

    dates = _parse_dates(frame[dcol])
    # the file line of each row: read_csv skips blank lines (the header is the first non-blank one)
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip()][1:]
    _check_date_range(dates, frame[dcol], shown, lines)
    prices = _parse_numbers(frame[pcol], sep)
    keep = dates.notna() & prices.notna() & (prices > 0)
    if drop_weekends:
        keep &= dates.dt.day_of_week < 5
    series = pd.Series(prices[keep].to_numpy(), index=pd.DatetimeIndex(dates[keep]), name=pcol).sort_index()
    series = series[~series.index.duplicated(keep="last")]
    series.index = series.index.astype("datetime64[ns]")
    series.index.name = "date"
    if series.empty:
        raise InputError(f"{shown}: no rows with both a date ({dcol!r}) and a positive price ({pcol!r})")
    return PriceSeries(series, shown, dcol, pcol, sep, int(len(frame) - len(series)))


def _check_date_range(dates: "pd.Series", written: "pd.Series", path: str, lines: list[int]) -> None:
    """Dates outside pandas' nanosecond range (1677-09-22 .. 2262-04-11, where sessions are
    aligned) are an InputError naming the first one: a year such as 3000 is a typo to fix, not a
    row to drop unseen."""
    import pandas as pd

    bad = dates.notna() & ((dates < pd.Timestamp.min.ceil("D")) | (dates > pd.Timestamp.max.floor("D")))
    if bad.any():
        first = int(bad.to_numpy().argmax())
        more = int(bad.sum()) - 1
        line = lines[first] if first < len(lines) else first + 2
        raise InputError(f"{path}:{line}: date {written.iloc[first]!r} is outside the dates a price series can "
                         f"hold ({pd.Timestamp.min.ceil('D'):%Y-%m-%d} .. {pd.Timestamp.max.floor('D'):%Y-%m-%d})"
                         + (f"; {more:,} more such rows" if more else ""))


def parse_close_time(value: str | dtime) -> dtime:
    if isinstance(value, dtime):
        return value
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*", value)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise InputError(f"close time {value!r} is not HH:MM")
    return dtime(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))


def session_closes(dates: "pd.DatetimeIndex", close_time: str | dtime = "15:00", tz: str = "Asia/Shanghai") -> "pd.DatetimeIndex":
    """The UTC instant of each session's close: ``date`` at ``close_time`` in ``tz``."""
    import pandas as pd

    t = parse_close_time(close_time)
    offset = pd.Timedelta(hours=t.hour, minutes=t.minute, seconds=t.second)
    try:
        local = (pd.DatetimeIndex(dates) + offset).tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
    except Exception as exc:  # unknown time zone names
        raise InputError(f"time zone {tz!r}: {exc}") from None
    return local.tz_convert("UTC").astype("datetime64[ns, UTC]")


def align_sessions(
    published: "pd.Series",
    closes: "pd.DatetimeIndex",
    max_stale: str | "pd.Timedelta" = "7D",
) -> "pd.Series":
    """For each publication time, the position of the session it counts for (-1: none).

    That is the first session whose close is strictly after the publication time; -1 when the
    time is missing, after the last close, or the next close is more than ``max_stale`` later
    (news in a long gap of the price series, or before it starts).
    """
    import numpy as np
    import pandas as pd

    when = pd.to_datetime(published, utc=True).astype("datetime64[ns, UTC]")
    closes_ns = closes.asi8
    when_ns = when.to_numpy(dtype="datetime64[ns]").view("int64")
    pos = np.searchsorted(closes_ns, when_ns, side="right")
    ok = when.notna().to_numpy() & (pos < len(closes_ns))
    stale = pd.Timedelta(max_stale).value
    # the close is after the time: a negative difference wrapped round int64 (more than 292
    # years apart, a record dated 1700) and is far past any max_stale
    gap = closes_ns[pos[ok]] - when_ns[ok]
    ok[ok] &= (gap >= 0) & (gap <= stale)
    return pd.Series(np.where(ok, pos, -1), index=published.index, dtype="int64")
